"""The outlets the desk follows (``/outlets``) and the stored copies of cited sources.

Everyone signed in sees the outlets and their state; editors and admins add, pause, resume,
poll and remove them. Polling and captures run as background jobs (``outlets/jobs.py``);
"poll now" only makes the outlet due, and the scheduler hands it to a worker within a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from factcheck import web
from factcheck.audit.history import history_for
from factcheck.auth import wants_json
from factcheck.domain import DomainError, ValidationError
from factcheck.errors import error_response
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.jobs import job_json, jobs_for
from factcheck.models import Outlet, OutletKind, SnapshotStatus, SourceSnapshot, User
from factcheck.outlets import services, snapshots
from factcheck.outlets.forms import ActionForm, OutletForm

bp = Blueprint("outlets", __name__)

# How the pages name an outlet's kind and a snapshot's status (the stored values stay English).
KIND_LABELS = {
    OutletKind.RSS: _l("rss"),
    OutletKind.ATOM: _l("atom"),
    OutletKind.SITEMAP: _l("sitemap"),
    OutletKind.SITE: _l("site"),
}
SNAPSHOT_STATUS_LABELS = {
    SnapshotStatus.PENDING: _l("pending"),
    SnapshotStatus.CAPTURED: _l("captured"),
    SnapshotStatus.FAILED: _l("failed"),
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "snapshot_status_labels": SNAPSHOT_STATUS_LABELS}


def _me() -> User:
    me: User = current_user._get_current_object()
    return me


def outlet_json(outlet: Outlet) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat().replace("+00:00", "Z") if value else None

    return {
        "id": outlet.id,
        "url": outlet.url,
        "kind": outlet.kind.value,
        "name": outlet.name,
        "feed_url": outlet.feed_url,
        "language": outlet.language,
        "interval_minutes": outlet.interval_seconds // 60,
        "paused": outlet.paused,
        "last_poll_at": when(outlet.last_poll_at),
        "next_poll_at": when(outlet.next_poll_at),
        "articles_found": outlet.articles_found,
        "last_error": outlet.last_error,
        "failures": outlet.failures,
    }


def _index(form: OutletForm | None = None, status: int = 200) -> ResponseReturnValue:
    outlets = services.list_outlets(db.session)
    if wants_json():
        return jsonify(outlets=[outlet_json(o) for o in outlets], csrf_token=generate_csrf())
    return render_template(
        "outlets/index.html",
        outlets=outlets,
        form=form or OutletForm(formdata=None),
        action_form=ActionForm(formdata=None),
        can_manage=services.can_manage(_me()),
    ), status


@bp.get("/outlets")
def index() -> ResponseReturnValue:
    return _index()


@bp.post("/outlets")
def add() -> ResponseReturnValue:
    form = OutletForm()
    web.refuse_with(_refused_page)
    web.require(services.can_manage(_me()), str(services.EDITORS_ONLY))
    web.validate(
        form,
        lambda _form: ValidationError(_("the form expired; reload the page"), field="csrf_token"),
    )

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        field = getattr(form, exc.field or "", None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors), exc.message]
        flash(exc.message, "error")
        return _index(form, status)

    web.refuse_with(refused)
    outlet = web.run(lambda: services.add_outlet(db.session, form.values(), actor=_me()))
    if wants_json():
        return jsonify(outlet=outlet_json(outlet)), 201
    flash(_("Now following %(url)s; a worker polls it within a minute.", url=outlet.url), "success")
    return redirect(url_for("outlets.show", outlet_id=outlet.id))


def _refused_page(exc: DomainError, status: int) -> ResponseReturnValue:
    flash(exc.message, "error")
    return _index(status=status)


@bp.get("/outlets/<int:outlet_id>")
def show(outlet_id: int) -> ResponseReturnValue:
    outlet = db.session.get(Outlet, outlet_id)
    if outlet is None:
        return error_response(404, _("no outlet #%(id)s", id=outlet_id))
    recent = jobs_for(db.session, "outlet", outlet.id, limit=5)
    if wants_json():
        return jsonify(
            outlet=outlet_json(outlet),
            jobs=[job_json(j) for j in recent],
            csrf_token=generate_csrf(),
        )
    return render_template(
        "outlets/show.html",
        outlet=outlet,
        jobs=recent,
        action_form=ActionForm(formdata=None),
        can_manage=services.can_manage(_me()),
        timeline=history_for("outlet", outlet.id),
    )


def _act(
    outlet_id: int, change: Callable[[Outlet], None], done: str, *, to_index: bool = False
) -> ResponseReturnValue:
    """An outlet action on the request spine: load (404), editors only (403), one service."""
    outlet = web.load(Outlet, outlet_id, _("no outlet #%(id)s", id=outlet_id))
    web.require(services.can_manage(_me()), str(services.EDITORS_ONLY))
    if not ActionForm().validate():
        return error_response(400, _("the form expired; reload the page"))
    web.run(lambda: change(outlet))
    if wants_json():
        return jsonify(outlet=None if to_index else outlet_json(outlet))
    flash(done, "success")
    if to_index:
        return redirect(url_for("outlets.index"))
    return redirect(url_for("outlets.show", outlet_id=outlet_id))


@bp.post("/outlets/<int:outlet_id>/pause")
def pause(outlet_id: int) -> ResponseReturnValue:
    return _act(
        outlet_id,
        lambda o: services.set_paused(db.session, o, True, actor=_me()),
        _("Paused: it will not be polled until you resume it."),
    )


@bp.post("/outlets/<int:outlet_id>/resume")
def resume(outlet_id: int) -> ResponseReturnValue:
    return _act(
        outlet_id,
        lambda o: services.set_paused(db.session, o, False, actor=_me()),
        _("Resumed: a worker polls it again within a minute."),
    )


@bp.post("/outlets/<int:outlet_id>/poll")
def poll(outlet_id: int) -> ResponseReturnValue:
    return _act(
        outlet_id,
        lambda o: services.poll_now(db.session, o, actor=_me()),
        _("Due now: a worker polls it within a minute; this page then shows the result."),
    )


@bp.post("/outlets/<int:outlet_id>/remove")
def remove(outlet_id: int) -> ResponseReturnValue:
    return _act(
        outlet_id,
        lambda o: services.remove_outlet(db.session, o, actor=_me()),
        _("Removed: the outlet is no longer followed; its articles stay on the desk."),
        to_index=True,
    )


# --- stored copies of cited sources --------------------------------------------------------


@bp.get("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int) -> ResponseReturnValue:
    found = db.session.get(SourceSnapshot, snapshot_id)
    if found is None:
        return error_response(404, _("no snapshot #%(id)s", id=snapshot_id))
    copy, problem = None, None
    try:
        copy = snapshots.read_copy(found) if found.status.value == "captured" else None
    except DomainError as exc:
        problem = exc.message
    if wants_json():
        return jsonify(snapshot=snapshot_json(found), problem=problem)
    size = format_decimal(found.size) if found.size is not None else ""
    return render_template(
        "outlets/snapshot.html", snapshot=found, copy=copy, problem=problem, size=size
    )


@bp.get("/snapshots/<int:snapshot_id>.warc.gz")
def snapshot_warc(snapshot_id: int) -> ResponseReturnValue:
    found = db.session.get(SourceSnapshot, snapshot_id)
    if found is None:
        return error_response(404, _("no snapshot #%(id)s", id=snapshot_id))
    try:
        copy = snapshots.read_copy(found)
    except DomainError as exc:
        return error_response(404, exc.message)
    return (
        copy.warc,
        200,
        {
            "Content-Type": "application/warc",
            "Content-Disposition": f'attachment; filename="snapshot-{found.id}.warc.gz"',
            "X-Content-SHA256": found.sha256 or "",
        },
    )


def snapshot_json(found: SourceSnapshot) -> dict[str, Any]:
    return {
        "id": found.id,
        "source_id": found.source_id,
        "url": found.url,
        "status": found.status.value,
        "sha256": found.sha256,
        "fetched_at": found.fetched_at.isoformat().replace("+00:00", "Z")
        if found.fetched_at
        else None,
        "size": found.size,
        "http_status": found.http_status,
        "content_type": found.content_type,
        "error": found.error,
    }
