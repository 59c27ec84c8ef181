"""The audit trail in the browser: filtered event list and on-demand verification."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from factcheck import web
from factcheck.audit.forms import EventFilterForm, VerifyForm
from factcheck.audit.history import action_words
from factcheck.audit.store import EventFilter, distinct_values, list_events, verify_database
from factcheck.audit.verify import VerifyResult
from factcheck.auth import role_required
from factcheck.config import settings
from factcheck.database import read_intent
from factcheck.extensions import db
from factcheck.models import AuditEvent, Role
from factcheck.validation import DB_INT_MAX

bp = Blueprint("audit", __name__)


def _page_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    number = int(value) if value.isdigit() and len(value) <= 10 else None
    return number if number is not None and number <= DB_INT_MAX else None


@bp.get("/audit")
@role_required(Role.EDITOR)
def index() -> ResponseReturnValue:
    form = EventFilterForm(request.args)
    form.action.choices = _choices(AuditEvent.action)
    form.entity_type.choices = _choices(AuditEvent.entity_type)
    valid = form.validate()
    flt = EventFilter()
    if valid:
        flt = EventFilter(
            actor=(form.actor.data or "").strip() or None,
            action=form.action.data or None,
            entity_type=form.entity_type.data or None,
            entity_id=(form.entity_id.data or "").strip() or None,
            outcome=form.outcome.data or None,
            since=_day_start(form.since.data),
            until=_day_start(form.until.data, plus_one=True),
        )
    page = list_events(
        db.session,
        flt,
        before=_page_arg("before"),
        after=_page_arg("after"),
        limit=settings().page_size,
    )
    filters = {k: v for k, v in request.args.items() if k not in ("before", "after") and v}
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        filters=filters,
        verify_form=VerifyForm(),
        action_words=action_words,
        refusal_of=refusal_of,
    ), 400 if not valid else 200


def refusal_of(event: AuditEvent) -> dict[str, Any] | None:
    """What a ``….denied`` event records: the rule that refused, the field, the status."""
    if not event.action.endswith(".denied"):
        return None
    data = json.loads(event.body).get("data") or {}
    return {k: data.get(k) for k in ("rule", "field", "status")}


def _choices(column: Any) -> list[SelectChoice]:
    return [SelectChoice("", _("Any"))] + [
        SelectChoice(v, v) for v in distinct_values(db.session, column)
    ]


def _day_start(day: object, *, plus_one: bool = False) -> datetime | None:
    if day is None:
        return None
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)  # type: ignore[attr-defined]
    return start + timedelta(days=1) if plus_one else start


@bp.post("/audit/verify")
@role_required(Role.EDITOR)
def verify() -> ResponseReturnValue:
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("audit.index")), 303
    # Verification only reads: end the request's write transaction (SQLite BEGIN IMMEDIATE)
    # so that checking a long chain never holds the database's single write lock.
    web.release()
    with read_intent():
        result = verify_database(db.session)
        web.rollback()
    flash(summary_for_people(result), "success" if result.ok else "error")
    return redirect(url_for("audit.index")), 303


def summary_for_people(result: VerifyResult) -> str:
    """:meth:`VerifyResult.summary` in the reader's language (the CLI prints the English)."""
    if result.ok:
        if result.count == 0:
            return _("OK: the audit trail is empty")
        if result.first_seq != 1:
            return _(
                "OK: %(count)s events verified (seq %(first)s–%(last)s); head hash %(hash)s",
                count=result.count,
                first=result.first_seq,
                last=result.last_seq,
                hash=result.head_hash,
            )
        return _(
            "OK: %(count)s events verified; head hash %(hash)s",
            count=result.count,
            hash=result.head_hash,
        )
    if result.bad_seq is not None:
        return _("FAILED at seq %(seq)s: %(reason)s", seq=result.bad_seq, reason=result.reason)
    return _("FAILED at the end of the log: %(reason)s", reason=result.reason)
