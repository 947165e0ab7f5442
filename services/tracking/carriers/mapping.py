"""The one lookup every carrier's code tables go through, with its explicit fallback to `unknown`."""

from __future__ import annotations

from collections.abc import Mapping as Codes
from collections.abc import Sequence

from services.tracking.carriers.refusals import RefusalReason
from services.tracking.domain.scan import UNMAPPED, Mapping

FieldTable = tuple[str, dict[str, Mapping]]  # (carrier field the code comes from, code -> meaning)
NUMBER_LIMIT = 40  # the longest carrier number `scan.recorded` carries; a longer one is refused at the edge


class MalformedPayload(ValueError):
    """The body (or one item of it) is not the carrier format it was posted as; the message says where."""

    def __init__(self, message: str, reason: RefusalReason = "wrong_type"):
        super().__init__(message)
        self.reason: RefusalReason = reason


def lookup(codes: Codes[str, str], tables: Sequence[FieldTable]) -> tuple[Mapping, str | None]:
    """The meaning of the first field (in table order) whose code is mapped, and that field's name.

    A generic code (e.g. UPS 013 "exception") yields to a specific code of a later field of the same
    event (e.g. `X`+`DA`, a customs release). Nothing mapped: (UNMAPPED, None) — status `unknown`.
    """
    fallback: tuple[Mapping, str] | None = None
    for field, table in tables:
        meaning = table.get(codes.get(field) or "")
        if meaning is None:
            continue
        if not meaning.generic:
            return meaning, field
        fallback = fallback or (meaning, field)
    return fallback or (UNMAPPED, None)


def text_field(item: Codes[str, object], name: str, where: str, required: bool = True, limit: int = 500) -> str:
    """A string field of a carrier object (numbers accepted as codes); raises MalformedPayload."""
    value = item.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise MalformedPayload(f"{where}.{name} must be a string", "wrong_type")
    text = "" if value is None else str(value).strip()
    if not text:  # blank counts as missing: a blank number would otherwise pass on and fail our event schema
        if required:
            raise MalformedPayload(f"{where}.{name} is missing", "missing_field")
        return ""
    if len(text) > limit:
        raise MalformedPayload(f"{where}.{name} is longer than {limit} characters", "too_long")
    return text


def object_list(container: object, name: str, where: str, single: bool = False) -> list[dict]:
    """A list of JSON objects under `name`; raises MalformedPayload.

    `single`: a lone object counts as a list of one (UPS sends some documented arrays as one object).
    """
    value = container.get(name) if isinstance(container, dict) else None
    if single and isinstance(value, dict):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedPayload(f"{where}.{name} must be a list of objects")
    return value
