"""What refusal pages share: the comparison shown with a 409, and re-basing a form on a version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm

from factcheck.models import RatingValue


def first_error(form: FlaskForm) -> str | None:
    """The name of the first field WTForms refused, if any."""
    return next((name for name, errors in form.errors.items() if errors), None)


def compare(form: FlaskForm, current: Any, fields: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Rows of (label, what you sent, what is stored now) for the fields that differ."""
    rows = []
    for name, attr in fields:
        yours, now = _shown(form[name].data), _shown(getattr(current, attr, None))
        if yours != now:
            rows.append((form[name].label.text, yours, now))
    return {"rows": rows, "version": getattr(current, "version", None)}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, RatingValue):
        return value.label
    return str(getattr(value, "value", value)).strip()


def set_version(form: FlaskForm, version: int) -> None:
    """Base ``form`` on ``version`` (what it renders, not only its data)."""
    form.version.data = version
    form.version.raw_data = [str(version)]
