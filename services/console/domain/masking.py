"""Personal data masked by default: names to initials, phones and e-mails mostly hidden, streets removed.

Applied to decoded events, raw carrier payloads and dead-letter previews; only an admin may ask for clear text.
"""

from __future__ import annotations

import re
from typing import Any

from shared.privacy import initials

HIDDEN = "•••"
# Keys whose values are personal data wherever they appear (lower-case; compared case-insensitively).
NAME_KEYS = frozenset({"name", "recipient_name", "sender_name", "contact", "contact_name", "consignee",
                       "receivedby", "received_by", "signedby", "signed_by", "signature", "attention_name"})
PHONE_KEYS = frozenset({"phone", "mobile", "tel", "telephone", "phone_number"})
EMAIL_KEYS = frozenset({"email", "e_mail", "mail"})
STREET_KEYS = frozenset({"address_lines", "address_line", "address", "street", "addressline", "address1",
                         "address2", "deliveryphoto"})
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+\.)+[\w-]{2,}")
_PHONE = re.compile(r"(?<![\w+])\+\d[\d \-]{6,}\d")  # international numbers in free text; fields are masked by key


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return f"{HIDDEN}{digits[-2:]}" if len(digits) > 4 else HIDDEN


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}{HIDDEN}@{domain}" if domain else HIDDEN


_KEYED_TEXT = re.compile(r'"([A-Za-z_]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"')
_KEYED_LIST = re.compile(r'"([A-Za-z_]+)"(\s*:\s*)\[[^\]]*\]')


def _keyed_text(match: re.Match[str]) -> str:
    key, sep, value = match.group(1), match.group(2), match.group(3)
    return f'"{key}"{sep}"{mask(value, key)}"'


def _keyed_list(match: re.Match[str]) -> str:
    key = match.group(1)
    return f'"{key}"{match.group(2)}["{HIDDEN}"]' if key.lower() in STREET_KEYS else match.group(0)


def mask_text(text: str) -> str:
    """Free text (a raw record that is not valid JSON, an error message): personal fields written as JSON
    `"key": "value"`, e-mail addresses and international phone numbers hidden."""
    text = _KEYED_LIST.sub(_keyed_list, _KEYED_TEXT.sub(_keyed_text, text))
    text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


def mask(value: Any, key: str | None = None) -> Any:
    """A copy of `value` with personal data masked, by key and, in free text, by pattern."""
    lowered = (key or "").lower()
    if isinstance(value, dict):
        return {k: mask(v, k) for k, v in value.items()}
    if lowered in STREET_KEYS and value not in (None, "", []):
        return HIDDEN if not isinstance(value, list) else [HIDDEN for _ in value]
    if isinstance(value, list):
        return [mask(item, key) for item in value]
    if not isinstance(value, str) or not value:
        return value
    if lowered in NAME_KEYS:
        return initials(value) or HIDDEN
    if lowered in PHONE_KEYS:
        return mask_phone(value)
    if lowered in EMAIL_KEYS:
        return mask_email(value)
    return mask_text(value)


def maybe_mask(value: Any, unmasked: bool) -> Any:
    return value if unmasked else mask(value)
