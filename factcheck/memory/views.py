"""Pages of the fact-check memory: the desk's match buttons and the admin import page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from factcheck import web
from factcheck.auth import wants_json
from factcheck.claims import policy, workflow
from factcheck.claims.desk import perform, user
from factcheck.domain import DomainError, NotFound, ValidationError
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.jobs import dispatch, job_json, submit
from factcheck.memory import desk as memory_desk
from factcheck.memory import reasons, services
from factcheck.memory.forms import FeedActionForm, FeedForm, ImportForm, MatchForm, SearchForm
from factcheck.memory.jobs import IMPORT_URL
from factcheck.models import FollowedFeed, Job
from factcheck.publishing.jsonld.importer import ClaimReviewImportError, parse_claim_reviews
from factcheck.publishing.services import organisation
from factcheck.validation import clean_url

bp = Blueprint("memory", __name__)
# Nested in the admin blueprint (``/admin/fact-checks``) by ``create_app``.
admin = Blueprint("fact_checks", __name__, url_prefix="/fact-checks")


@bp.app_template_filter("match_reason")
def match_reason(text: str) -> str:
    """Why an earlier fact-check matched, in the interface's language."""
    return reasons.shown(text)


# How a flash names an import job's state (the stored value stays English).
JOB_STATE_LABELS = {
    "queued": _l("queued"),
    "running": _l("running"),
    "done": _l("done"),
    "failed": _l("failed"),
}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _org() -> Any:
    return organisation(db.session, current_app.config)


@bp.post("/claims/<int:claim_id>/matches/link")
def link_match(claim_id: int) -> ResponseReturnValue:
    """Add an earlier fact-check that matched the claim to its sources."""
    form = MatchForm()
    return perform(
        claim_id,
        lambda c: memory_desk.link_as_source(
            db.session,
            c,
            _org(),
            kind=str(form.kind.data),
            target_id=int(form.target_id.data or 0),
            actor=user(),
        ),
        done=_("Added the earlier fact-check to the sources."),
        form=form,
        anchor="#sources",
        allowed=(policy.can_edit, "only the assigned reviewer or an editor can add sources"),
    )


@bp.post("/claims/<int:claim_id>/matches/duplicate")
def duplicate_match(claim_id: int) -> ResponseReturnValue:
    """Dismiss a new claim as a duplicate of an earlier fact-check."""
    form = MatchForm()
    return perform(
        claim_id,
        lambda c: memory_desk.dismiss_as_duplicate(
            db.session,
            c,
            _org(),
            kind=str(form.kind.data),
            target_id=int(form.target_id.data or 0),
            actor=user(),
        ),
        done=_("Dismissed as already checked."),
        form=form,
        allowed=workflow.allowed("claim.dismiss"),
    )


# --- admin: imported fact-checks -----------------------------------------------------------


def _page(
    form: ImportForm | None = None, outcomes: list[Any] | None = None, status: int = 200
) -> ResponseReturnValue:
    search = SearchForm(request.args)
    query = (search.q.data or "").strip()[:200]
    rows = services.search_fact_checks(db.session, query)
    if wants_json() and outcomes is None:
        return jsonify(
            fact_checks=[services.claim_review_of(r) | {"id": r.id} for r in rows],
            total=services.count_fact_checks(db.session),
            csrf_token=generate_csrf(),
        ), status
    return render_template(
        "memory/fact_checks.html",
        rows=rows,
        total=services.count_fact_checks(db.session),
        search=search,
        query=query,
        form=form or ImportForm(formdata=None),
        feed_form=FeedForm(formdata=None),
        feeds=services.followed_feeds(db.session),
        outcomes=outcomes,
    ), status


@admin.get("")
def index() -> ResponseReturnValue:
    """Imported fact-checks, newest first, with search; and the import form."""
    return _page()


def _read(form: ImportForm) -> tuple[bytes, str]:
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _(
                    "the file is larger than %(limit)s bytes",
                    limit=format_decimal(MAX_UPLOAD_BYTES),
                ),
                field="file",
            )
        return data, f"upload:{upload.filename}"
    raise ValidationError(_("choose a file or give a URL"), field="file")


def _queue_import(url: str, feed_id: int | None = None) -> ResponseReturnValue:
    """Hand a URL to the worker (fetching never runs inside the request's transaction)."""
    address = clean_url(url, "url", required=True)
    payload: dict[str, Any] = {"url": address}
    if feed_id is not None:
        payload["feed_id"] = feed_id
    job, new = web.run(
        lambda: submit(
            db.session,
            IMPORT_URL,
            payload=payload,
            actor=user(),
            subject=("followed_feed", feed_id) if feed_id else None,
        )
    )
    if new:
        dispatch(job)
    db.session.expire_all()
    done = db.session.get(Job, job.id) or job
    if wants_json():
        return jsonify(job=job_json(done)), 202
    state = done.state.value
    outcome = (done.payload or {}).get("outcome")
    shown_state = str(JOB_STATE_LABELS.get(state, state))
    flash(
        _(
            "Import of %(address)s: job #%(job)s %(state)s — %(outcome)s",
            address=address,
            job=job.id,
            state=shown_state,
            outcome=outcome,
        )
        if outcome
        else _(
            "Import of %(address)s: job #%(job)s %(state)s",
            address=address,
            job=job.id,
            state=shown_state,
        ),
        "error" if state == "failed" else "success",
    )
    if done.error:
        flash(done.error, "error")
    return redirect(url_for(".index"))


@admin.post("/import")
def import_file() -> ResponseReturnValue:
    """Import a file or a feed URL; every item is reported; refusals keep the others."""
    form = ImportForm()
    dry_run = form.dry_run.data == "1"

    def refused_page(exc: DomainError, status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        return _page(form, status=status)

    web.refuse_with(refused_page)
    web.validate(form, web.form_refusal)
    url = (form.url.data or "").strip()
    if url and not (form.file.data and getattr(form.file.data, "filename", "")):
        if dry_run:
            raise ValidationError(_("a URL is imported by the worker: no preview"), field="url")
        return _queue_import(url)
    data, source = _read(form)
    try:
        results = parse_claim_reviews(data)
    except ClaimReviewImportError as exc:
        raise ValidationError(
            _("%(problem)s; nothing was stored", problem=exc), field="file"
        ) from None

    def store() -> list[Any]:
        outcomes = services.import_reviews(
            db.session, results, source=source, actor=user(), dry_run=dry_run
        )
        if not dry_run and any(o.action in ("created", "updated") for o in outcomes):
            memory_desk.refresh_open_claims(db.session, _org())
        return outcomes

    outcomes = web.run(store)
    refused = sum(o.action == "refused" for o in outcomes)
    if wants_json():
        return jsonify(
            outcomes=[
                {"index": o.index, "action": o.action, "message": o.message, "id": o.fact_check_id}
                for o in outcomes
            ]
        ), (422 if refused else 200)
    stored = sum(o.action in ("created", "updated") for o in outcomes)
    flash(
        _(
            "%(stored)d stored, %(refused)d refused (dry run: nothing stored)",
            stored=stored,
            refused=refused,
        )
        if dry_run
        else _("%(stored)d stored, %(refused)d refused", stored=stored, refused=refused),
        "error" if refused else "success",
    )
    return _page(ImportForm(formdata=None), outcomes, 422 if refused else 200)


@admin.post("/feeds")
def follow() -> ResponseReturnValue:
    """Follow a feed: the worker imports it every hour."""
    form = FeedForm()

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        return _page(status=status)

    web.refuse_with(refused)
    web.validate(
        form, lambda _form: ValidationError(_("url: give the feed's address"), field="url")
    )
    feed = web.run(lambda: services.follow_feed(db.session, form.url.data or "", actor=user()))
    if wants_json():
        return jsonify(feed={"id": feed.id, "url": feed.url, "active": feed.active}), 201
    flash(_("Following %(url)s: imported every hour by the worker.", url=feed.url), "success")
    return redirect(url_for(".index"))


def _feed(form: FeedActionForm) -> FollowedFeed:
    feed = db.session.get(FollowedFeed, form.feed_id.data or 0) if form.validate() else None
    if feed is None:
        raise NotFound(_("no such followed feed"))
    return feed


@admin.post("/feeds/unfollow")
def unfollow() -> ResponseReturnValue:
    feed = _feed(FeedActionForm())
    web.run(lambda: services.unfollow_feed(db.session, feed, actor=user()))
    flash(_("No longer following %(url)s.", url=feed.url), "success")
    return redirect(url_for(".index"))


@admin.post("/feeds/import-now")
def import_now() -> ResponseReturnValue:
    feed = _feed(FeedActionForm())
    return _queue_import(feed.url, feed.id)
