"""Input rules shared by forms, services and the API: lengths, characters and URL schemes."""

from __future__ import annotations

import unicodedata
from typing import Literal, overload
from urllib.parse import urlsplit

from factcheck.domain import ValidationError
from factcheck.i18n import lazy_gettext as _l

# Whole numbers a JSON body may carry: larger ones are refused naming the field.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


# What the integer columns hold (ids, versions, sequence numbers: INTEGER, 32 bits on PostgreSQL).
# An id beyond it names nothing: a path is 404, a form field 422, a query filter is ignored.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1


def db_int(value: object) -> int:
    """``int(value)`` that an integer column holds (a form's ``coerce``), else ``ValueError``."""
    number = int(value)  # type: ignore[call-overload]
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError(f"out of range: at most {DB_INT_MAX}")
    return number


ALLOWED_URL_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000
# Text fields as their columns hold them: models size the columns with these, forms and
# services refuse longer input with them.
MAX_TITLE_LENGTH = 500  # an article's or a cited source's title
MAX_PUBLISHER_LENGTH = 200  # a publisher's name
MAX_EXCERPT_LENGTH = 5000  # the passage quoted from a cited source
MAX_CLAIM_REVIEWED_LENGTH = 500  # a claim as reviewed (the design asks for ≤ 75 characters)
# Embeddings, overrides and isolates (U+202A–202E, U+2066–2069): in a name or a title they can
# make the rest of a line read backwards ("evil.example/‮gnp.exe"). Refused in user text.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
# What RFC 3986 allows in a URI besides letters and digits: unreserved, reserved and "%".
_URI_PUNCTUATION = frozenset("-._~:/?#[]@!$&'()*+,;=%")
_HEX = frozenset("0123456789abcdefABCDEF")


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
        category = unicodedata.category(ch)
        if category == "Cc" and not (multiline and ch in "\n\t"):
            raise ValidationError(
                _l(
                    "%(field)s contains a control character (U+%(ch)s)",
                    field=field,
                    ch=f"{ord(ch):04X}",
                ),
                field=field,
            )
        if ch in BIDI_CONTROLS:
            raise ValidationError(
                _l(
                    "%(field)s contains a bidirectional control character (U+%(ch)s), "
                    "which can reorder the text shown around it; remove it",
                    field=field,
                    ch=f"{ord(ch):04X}",
                ),
                field=field,
            )
        if category == "Cs":
            raise ValidationError(
                _l(
                    "%(field)s contains an unpaired surrogate (U+%(ch)s): not valid Unicode",
                    field=field,
                    ch=f"{ord(ch):04X}",
                ),
                field=field,
            )
    if required and not text:
        raise ValidationError(_l("%(field)s is required", field=field), field=field)
    if len(text) > max_length:
        raise ValidationError(
            _l(
                "%(field)s is too long (%(count)s characters; at most %(max_length)s)",
                field=field,
                count=len(text),
                max_length=max_length,
            ),
            field=field,
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
    """An absolute http(s) URL as RFC 3986 spells it, scheme in lower case, or ``None``.

    JSON-LD readers take ``url`` values as IRIs: a space, a quote or ``<``/``>`` in one makes
    the document invalid RDF, so those are refused naming the field and the character. Letters
    beyond ASCII (``https://fr.wikipedia.org/wiki/Élysée``) are percent-encoded as UTF-8 in the
    path and query, and a non-ASCII host name is written in IDNA (``xn--``), as browsers do.
    """
    text = clean_text(value, field, max_length=MAX_URL_LENGTH, required=required)
    if text is None:
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number in range
    except ValueError as exc:
        raise ValidationError(
            _l("%(field)s is not a valid web address (%(exc)s)", field=field, exc=exc), field=field
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_URL_SCHEMES or not parts.netloc:
        raise ValidationError(
            _l("%(field)s must be an http:// or https:// address", field=field), field=field
        )
    if any(c.isspace() for c in text):
        raise ValidationError(_l("%(field)s must not contain spaces", field=field), field=field)
    url = _uri(scheme + text[len(scheme) :], parts.netloc, field)
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _l(
                "%(field)s is too long once percent-encoded (%(count)s characters; at "
                "most %(max_url_length)s)",
                field=field,
                count=len(url),
                max_url_length=MAX_URL_LENGTH,
            ),
            field=field,
        )
    return url


def _uri(text: str, netloc: str, field: str) -> str:
    """``text`` with only the characters RFC 3986 allows; refuse the ASCII ones it does not."""
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ValidationError(
                _l("%(field)s has a host name that is not valid", field=field), field=field
            ) from None
        text = text.replace(netloc, userinfo + at + ascii_host + colon + port, 1)
    out = []
    for i, ch in enumerate(text):
        if ch.isascii():
            if not (ch.isalnum() or ch in _URI_PUNCTUATION):
                raise ValidationError(
                    _l(
                        "%(field)s contains %(ch)s, which a web address cannot hold "
                        "(percent-encode it, e.g. %%20 for a space)",
                        field=field,
                        ch=repr(ch),
                    ),
                    field=field,
                )
            if ch == "%" and not (len(text) > i + 2 and {text[i + 1], text[i + 2]} <= _HEX):
                raise ValidationError(
                    _l("%(field)s has a %% that is not followed by two hex digits", field=field),
                    field=field,
                )
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
    return "".join(out)
