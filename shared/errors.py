"""The small vocabulary of failures every service speaks, and how a consumer treats each."""

from __future__ import annotations


class ParcelbridgeError(Exception):
    """Base of every error raised on purpose by parcelbridge code."""


class PermanentError(ParcelbridgeError):
    """Retrying cannot help: the record goes to the dead-letter topic and the partition moves on."""


class InvalidEnvelope(PermanentError):
    """The bytes are not a CloudEvent we can read."""


class SchemaViolation(PermanentError):
    """The event's data does not match the schema of its type."""


class UnknownEventType(PermanentError):
    """The event's type is not in the catalog."""


class BusinessRuleViolation(PermanentError):
    """The event is well-formed but breaks a rule of the domain."""


class TransientError(ParcelbridgeError):
    """The world is briefly unavailable (store, broker): retry the same record later."""


class ConcurrencyConflict(TransientError):
    """Another writer changed the document since it was read; reload and try again."""


class ConfigError(ParcelbridgeError):
    """The environment does not describe a usable configuration."""
