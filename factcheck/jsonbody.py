"""The one reader of JSON request bodies: form fields as a JSON object, or a 400/422 naming why.

Scripts send the desk's forms as JSON (``{"summary": "…", "version": 3, "csrf_token": "…"}``).
Every JSON body of a POST is read here, before the CSRF check and any view, with the rules a form
post already obeys: the body is one object, at most :data:`MAX_DEPTH` levels deep, its values are
strings, numbers, ``true``/``false``, ``null`` or lists of those; integers fit in 64 bits, text is
valid Unicode (no lone surrogates). The result is what the form would have posted — every value a
string (``true`` → ``"true"``, ``null`` → ``""``) — so WTForms and the services see one shape. A
body that breaks a rule is refused with ``{"error", "message", "field", "request_id"}``: 400 when
it is not a JSON object at all, 422 naming the field whose value is wrong. Never a 500.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from factcheck.validation import DB_INT_MAX, INT64_MAX, INT64_MIN

MAX_DEPTH = 32  # checked before parsing, so no nesting can exhaust the parser's recursion
INT64 = (INT64_MIN, INT64_MAX)
_TOO_LONG_FOR_INT64 = 20  # digits: anything longer is out of range without converting it


class JSONBodyError(ValueError):
    """A JSON body the desk refuses: ``status`` 400 or 422, ``field`` the key at fault."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


class JSONBodyRefused(HTTPException):
    """The HTTP answer to a :class:`JSONBodyError` (the error handlers add the request id)."""

    def __init__(self, error: JSONBodyError) -> None:
        super().__init__(error.message)
        self.code = error.status
        self.field = error.field


class _Big(int):
    """An integer literal too long to convert (Python refuses > 4,300 digits): out of range."""


def _parse_int(literal: str) -> int:
    digits = literal.lstrip("-")
    if len(digits) > _TOO_LONG_FOR_INT64:
        return _Big(0)
    return int(literal)


def _parse_constant(name: str) -> Any:
    raise JSONBodyError(f"the body holds {name}, which is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JSONBodyError(f"{key} is given twice in the body", status=422, field=key)
        out[key] = value
    return out


def _depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def _text(value: str, field: str) -> str:
    for ch in value:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            raise JSONBodyError(
                f"{field} contains a lone surrogate (\\u{ord(ch):04x}): not valid Unicode",
                status=422,
                field=field,
            )
    return value


def _scalar(value: Any, field: str) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        if isinstance(value, _Big) or not INT64[0] <= value <= INT64[1]:
            raise JSONBodyError(
                f"{field} is out of range: whole numbers must fit in 64 bits",
                status=422,
                field=field,
            )
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise JSONBodyError(f"{field} is out of range", status=422, field=field)
        return repr(value)
    if isinstance(value, str):
        return _text(value, field)
    raise JSONBodyError(
        f"{field} must be a string, a number, true/false, null or a list of those",
        status=422,
        field=field,
    )


def loads(data: str | bytes) -> dict[str, str | list[str]]:
    """Parse a request body by the rules above, or raise :class:`JSONBodyError`."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONBodyError(f"the body is not UTF-8 ({exc.reason})") from None
    else:
        text = data
    if _depth(text) > MAX_DEPTH:
        raise JSONBodyError(f"the body is nested more than {MAX_DEPTH} levels deep")
    try:
        body = json.loads(
            text,
            parse_int=_parse_int,
            parse_constant=_parse_constant,
            object_pairs_hook=_no_duplicates,
        )
    except JSONBodyError:
        raise
    except (ValueError, RecursionError) as exc:
        raise JSONBodyError(f"the body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise JSONBodyError(f"the body must be a JSON object of form fields, not {_kind(body)}")
    out: dict[str, str | list[str]] = {}
    for key, value in body.items():
        name = _text(key, "a field name")
        if isinstance(value, list):
            out[name] = [_scalar(item, name) for item in value]
        else:
            out[name] = _scalar(value, name)
    return out


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return "a number"


class _StrictJSON:
    """What :attr:`Request.json_module` needs: ``loads`` by our rules (``dumps`` as usual)."""

    loads = staticmethod(loads)
    dumps = staticmethod(json.dumps)


class StrictJSONRequest(Request):
    """Flask's request, whose JSON body is read by :func:`loads` and refused with a reason."""

    @property
    def json_module(self) -> Any:
        return _StrictJSON

    @json_module.setter
    def json_module(self, _provider: Any) -> None:
        """Flask hands every request ``app.json``; request bodies keep these rules instead."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, JSONBodyError):
            raise JSONBodyRefused(e)
        if e is not None:
            raise JSONBodyRefused(JSONBodyError(f"the body is not valid JSON ({e})"))
        return super().on_json_loading_failed(e)


def read_json_body(request: Request) -> None:
    """Read a JSON POST body now (refusing it with a reason), before CSRF and the views."""
    if request.is_json and request.method not in ("GET", "HEAD", "OPTIONS"):
        request.get_json()


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs, up to the largest id the database holds (a larger one is 404)."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)
