"""Input rules shared by forms, services and the API: lengths, characters and URL schemes."""

from __future__ import annotations

import unicodedata
from typing import Literal, overload
from urllib.parse import urlsplit

from factcheck.domain import ValidationError

ALLOWED_URL_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000


@overload
def clean_text(
    value: str | None,
    field: str,
    *,
    max_length: int,
    required: Literal[True],
    multiline: bool = False,
) -> str: ...
@overload
def clean_text(
    value: str | None,
    field: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None: ...
def clean_text(
    value: str | None,
    field: str,
    *,
    max_length: int,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """Strip ``value``; refuse NUL and control characters, overlong or missing text."""
    text = (value or "").strip()
    if multiline:
        text = text.replace("\r\n", "\n")
    for ch in text:
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in "\n\t"):
            raise ValidationError(
                f"{field} contains a control character (U+{ord(ch):04X})", field=field
            )
    if required and not text:
        raise ValidationError(f"{field} is required", field=field)
    if len(text) > max_length:
        raise ValidationError(
            f"{field} is too long ({len(text)} characters; at most {max_length})", field=field
        )
    return text or None


def refuse_control_characters(value: str | None, field: str, *, multiline: bool = False) -> None:
    """Refuse NUL and control characters in input that no service cleans (filters, sign-in)."""
    clean_text(value, field, max_length=len(value or ""), multiline=multiline)


@overload
def clean_url(value: str | None, field: str, *, required: Literal[True]) -> str: ...
@overload
def clean_url(value: str | None, field: str, *, required: bool = False) -> str | None: ...
def clean_url(value: str | None, field: str, *, required: bool = False) -> str | None:
    """An absolute http(s) URL with its scheme in lower case (as JSON-LD wants), or ``None``."""
    text = clean_text(value, field, max_length=MAX_URL_LENGTH, required=required)
    if text is None:
        return None
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_URL_SCHEMES or not parts.netloc:
        raise ValidationError(f"{field} must be an http:// or https:// address", field=field)
    if any(c.isspace() for c in text):
        raise ValidationError(f"{field} must not contain spaces", field=field)
    return scheme + text[len(scheme) :]
