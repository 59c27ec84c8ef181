"""The claim desk page and the declaration of its actions on the request spine.

The desk (``desk()``) shows a claim with every form of the claims and review stages; each action
on it (claims, review and memory views) is declared with :func:`perform`: the claim to load, who
may act, which form, which service, what to say. A refusal shows the desk again with the message
and what the user typed (``factcheck.web`` rolls back and answers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from factcheck import web
from factcheck.articles.display import Segment, paragraph_segments
from factcheck.audit.history import history_for
from factcheck.auth import wants_json
from factcheck.auth.forms import ROLE_LABELS
from factcheck.claims import policy, queries, workflow
from factcheck.claims.forms import AssignForm, ClaimForm, DismissForm, options
from factcheck.database import prebuilt
from factcheck.domain import Conflict, DomainError, Message, NotFound, ValidationError, in_english
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.inbox import services as inbox_services
from factcheck.memory import index as memory_index
from factcheck.memory.index import find_matches
from factcheck.models import (
    Claim,
    Note,
    RatingScale,
    RatingValue,
    Source,
    User,
    Verdict,
    VerdictState,
)
from factcheck.publishing.services import organisation
from factcheck.review import forms as review_forms
from factcheck.review import proposal as proposals
from factcheck.review.services import corrections, draft_verdict, rating_in_wording
from factcheck.web import set_version

Policy = tuple[Callable[[User, Claim], bool], str]


def user() -> User:
    """The signed-in user as a model instance (login is required everywhere here)."""
    me: User = current_user._get_current_object()
    return me


# The desk shows the claim's article and assignee: read with it, not one statement each.
DESK_LOAD = (joinedload(Claim.article), joinedload(Claim.assignee))


@prebuilt
def _claim_select(page: bool) -> sa.Select[tuple[Claim]]:
    """The desk's claim (``Session.get`` with options would build its statement, and its
    cache key, every time). For the page, its notes and verdicts come in the same statement:
    one row per note and verdict (a handful of each: a claim's verdicts are its draft, its
    proposals and its published versions), one round trip fewer; the sources, with their
    snapshots, are read by :func:`load_collections`."""
    options = (
        (*DESK_LOAD, joinedload(Claim.notes), joinedload(Claim.verdicts)) if page else DESK_LOAD
    )
    return sa.select(Claim).where(Claim.id == sa.bindparam("claim_id")).options(*options)


def load_claim(claim_id: int, *, page: bool = False) -> Claim:
    """The claim with its article and assignee (and, for the ``page``, its notes and verdicts),
    or a 404 refusal."""
    found = db.session.scalars(_claim_select(page), {"claim_id": claim_id}).unique().one_or_none()
    if found is None:
        raise NotFound(_l("no claim #%(id)s", id=claim_id))
    return found


def source_prefix(source_id: int) -> str:
    """Field-name prefix of a source's edit form (several are on one page)."""
    return f"source-{source_id}"


# Who may change the claim at all (403); the service then says whether its state allows it (409).
WORKS_ON: Policy = (policy.works_on, workflow.NOT_YOURS)


def form_message(form: FlaskForm, *, english: bool = False) -> str:
    """ "Check the form — Label: problem · …", in the interface's language (or in English, for
    the audit trail)."""
    said = in_english if english else str
    parts = []
    for name, errors in form.errors.items():
        label = said(form[name].label.text) if name in form else name
        parts.append(
            said(
                _l(
                    "%(field)s: %(problem)s",
                    field=label,
                    problem="; ".join(said(e) for e in errors),
                )
            )
        )
    return said(_l("Check the form — %(problems)s", problems=" · ".join(parts)))


def _form_refusal(form: FlaskForm) -> ValidationError:
    refusal = ValidationError(form_message(form), field=web.first_error(form))
    refusal.english = form_message(form, english=True)
    return refusal


def perform(
    claim_id: int,
    change: Callable[[Claim], Any],
    *,
    done: Message,
    form: FlaskForm | None = None,
    form_key: str | None = None,
    anchor: str = "",
    conflict: Callable[[Claim], dict[str, Any] | None] | None = None,
    allowed: Policy | None = None,
) -> ResponseReturnValue:
    """A desk action on the spine: load the claim (404), check ``allowed`` (403), validate
    ``form`` (422), call ``change`` and commit once, then redirect to the desk (or answer JSON).

    ``form_key`` names the desk form that ``form`` replaces when the desk is shown again, so
    what the user typed is never lost. ``conflict`` builds the "yours / current" comparison
    shown with a 409. ``allowed`` is a ``(predicate, message)`` pair of the policy checked before
    the form is even read: who may act comes before what they sent. The service checks again,
    with the state, inside the transaction.
    """
    claim = load_claim(claim_id)

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        comparison = conflict(claim) if conflict and isinstance(exc, Conflict) else None
        return refusal_page(claim, exc, status, form, form_key, comparison)

    web.refuse_with(refused)
    if allowed is not None:
        web.require(allowed[0](user(), claim), allowed[1])
    if form is not None:
        web.validate(form, _form_refusal)
    web.run(lambda: change(claim))
    if wants_json():
        return jsonify(id=claim.id, status=claim.status.value, version=claim.version)
    flash(str(done), "success")
    return redirect(url_for("claims.show", claim_id=claim.id) + anchor)


def refusal_page(
    claim: Claim,
    exc: DomainError,
    status: int,
    form: FlaskForm | None = None,
    form_key: str | None = None,
    comparison: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    """The desk again with the refusal's message, the field marked and the user's input kept."""
    if form is not None and exc.field and exc.field in form and not form[exc.field].errors:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    flash(exc.message, "error")
    overrides: dict[str, Any] = {}
    if form is not None and form_key and form_key.startswith("source:"):
        overrides["source_forms"] = {int(form_key.split(":")[1]): form}
    elif form is not None and form_key:
        overrides[form_key] = form
    return desk(claim, status=status, conflict=comparison, **overrides)


# --- the page ------------------------------------------------------------------------------


@prebuilt
def _rating_scale_select() -> sa.Select[tuple[RatingScale]]:
    """The rating scale for a claim, its language a parameter."""
    return (
        sa.select(RatingScale)
        .options(joinedload(RatingScale.values))
        .order_by(
            (RatingScale.language == sa.bindparam("language")).desc(),
            RatingScale.is_default.desc(),
            RatingScale.id,
        )
        .limit(1)
    )


def rating_scale(claim: Claim) -> RatingScale | None:
    """The rating scale for this claim: the default scale of its language, else any default
    (one statement: the scale with its values)."""
    return db.session.scalar(_rating_scale_select(), {"language": claim.language})


@prebuilt
def _collection_selects() -> dict[str, sa.Select[Any]]:
    """What the claim's lazy loads read for the desk, in the relationships' order (a lazy
    load builds its statement, and its cache key, every time); the sources
    with their snapshots (a few each) in one statement rather than their own selectin load."""
    return {
        "sources": sa.select(Source)
        .where(Source.claim_id == sa.bindparam("claim_id"))
        .options(joinedload(Source.snapshots))
        .order_by(Source.id),
        "verdicts": sa.select(Verdict)
        .where(Verdict.claim_id == sa.bindparam("claim_id"))
        .order_by(Verdict.id),
        "notes": sa.select(Note).where(Note.claim_id == sa.bindparam("claim_id")).order_by(Note.id),
    }


def load_collections(claim: Claim) -> None:
    """Load the claim's sources (with their snapshots), verdicts and notes that are not loaded
    yet, as their loaders would (the same rows, in the same order, in this transaction)."""
    unloaded = sa.inspect(claim).unloaded
    for name, select in _collection_selects().items():
        if name in unloaded:
            rows = list(db.session.scalars(select, {"claim_id": claim.id}).unique())
            set_committed_value(claim, name, rows)


def context_paragraph(claim: Claim) -> list[Segment]:
    """The article paragraph that holds the claim, with the claim marked."""
    if claim.article is None:
        return []
    for paragraph in paragraph_segments(claim.article.body, [claim]):
        if any(segment.claim is not None for segment in paragraph):
            return paragraph
    return []


def wording_warning(claim: Claim, verdict: Verdict | None, scale: list[RatingValue]) -> str | None:
    """A warning when the claimReviewed wording contains the rating (or any label of the scale)."""
    candidates = [verdict.rating] if verdict is not None and verdict.rating else scale
    for rating in candidates:
        if rating is not None and rating_in_wording(claim.claim_reviewed, rating):
            return gettext(
                "The wording contains the rating “%(rating)s”. State what was claimed, "
                "not the verdict: the verdict cannot be proposed like this.",
                rating=rating.label,
            )
    return None


def already_checked(claim: Claim, stamp: Sequence[Any] | None = None) -> list[Any]:
    """Earlier fact-checks like this claim, ours and imported (read-only: GET changes nothing);
    ``stamp``: the memory's, when the page read it already (:func:`page_counts`)."""
    return find_matches(
        db.session, claim, lambda: organisation(db.session, current_app.config), stamp=stamp
    )


@prebuilt
def _counts_and_stamp_select(counts: sa.Select[Any]) -> sa.Select[Any]:
    """The header's counts (``counts``, one of inbox's four prebuilt statements) and the
    fact-check memory's stamp side by side: two one-row statements in one round trip."""
    mine, stamp = counts.subquery(), memory_index.stamp_select().subquery()
    return sa.select(mine, stamp).select_from(mine.join(stamp, sa.true()))


def page_counts(me: User) -> Sequence[Any]:
    """Read the header's counts for the page (``g.inbox_counts``, which the header shows) with
    the memory's stamp, in one statement; return the stamp, for :func:`already_checked`."""
    counts, params = inbox_services.counts_select(me)
    row = db.session.execute(_counts_and_stamp_select(counts), params).one()
    g.inbox_counts = inbox_services.counts_of(row)
    return tuple(row[inbox_services.COUNTS :])


class LazyForm:
    """A desk form made the first time the page reads it.

    The page shows a form only when the policy lets the signed-in user take its action in the
    claim's state (the template asks ``policy``, which follows the workflow table), so the forms
    of every other action are never built.
    """

    __slots__ = ("_form", "_make")

    def __init__(self, make: Callable[[], FlaskForm]) -> None:
        self._make = make
        self._form: FlaskForm | None = None

    def __getattr__(self, name: str) -> Any:
        if self._form is None:
            self._form = self._make()
        return getattr(self._form, name)


def _made_forms(claim: Claim, draft: Verdict | None, correction: Verdict | None) -> dict[str, Any]:
    """How each desk form is made from the claim as stored."""
    published = claim.published_verdict
    return {
        "claim_form": lambda: ClaimForm(
            formdata=None,
            obj=claim,
            claimant_type=claim.claimant_type.value if claim.claimant_type else "",
        ),
        "dismiss_form": lambda: DismissForm(formdata=None),
        "assign_form": lambda: AssignForm(formdata=None, assignee=claim.assignee_id),
        "source_form": lambda: review_forms.SourceForm(formdata=None),  # no stance yet
        "verdict_form": lambda: review_forms.VerdictForm(
            formdata=None,
            rating=draft.rating_value_id if draft else None,
            summary=draft.summary if draft else "",
            explanation=draft.explanation if draft else "",
            version=draft.version if draft else 0,
        ),
        "propose_form": lambda: review_forms.ProposeForm(
            formdata=None,
            version=draft.version if draft else 0,
            digest=proposals.digest(claim, draft) if draft else "",
        ),
        "approve_form": lambda: review_forms.ApproveForm(formdata=None, version=claim.version),
        "correction_decision_form": lambda: review_forms.CorrectionDecisionForm(
            formdata=None, version=correction.version if correction else 0
        ),
        "changes_form": lambda: review_forms.RequestChangesForm(formdata=None),
        "correction_form": lambda: review_forms.CorrectionForm(
            formdata=None,
            rating=published.rating_value_id if published else None,
            summary=published.summary if published else "",
            explanation=published.explanation if published else "",
        ),
        "note_form": lambda: review_forms.NoteForm(formdata=None),
    }


def _source_form(source: Source) -> FlaskForm:
    return review_forms.SourceEditForm(
        formdata=None, obj=source, stance=source.stance.value, prefix=source_prefix(source.id)
    )


def _kept(form: FlaskForm) -> Callable[[], FlaskForm]:
    return lambda: form


def _version_of(row: Source) -> Callable[[], int]:
    return lambda: row.version


def desk_forms(
    claim: Claim,
    draft: Verdict | None,
    correction: Verdict | None,
    scale: list[RatingValue],
    conflict: dict[str, Any] | None,
    overrides: dict[str, Any],
) -> dict[str, Any]:
    """The desk's forms, each made when the page first reads it: ``overrides`` (what the user
    sent, shown again after a refusal) in place of the stored values, given their choices, and
    after a conflict based on the current versions."""

    def finish(name: str, form: FlaskForm, version: Callable[[], int] | None = None) -> FlaskForm:
        if name == "assign_form":
            form.assignee.choices = options(
                (u.id, f"{u.display_name} ({str(ROLE_LABELS[u.role]).lower()})")
                for u in queries.assignable_users(db.session)
            )
        elif name in ("verdict_form", "correction_form"):
            form.rating.choices = options((v.id, v.label) for v in scale)
        if conflict is not None and version is not None:
            # After a conflict the user's text stays in the form, now based on the current
            # version: saving again (after comparing) replaces it knowingly.
            set_version(form, version())
        return form

    versions: dict[str, Callable[[], int]] = {
        "claim_form": lambda: claim.version,
        "verdict_form": lambda: draft.version if draft else 0,
    }

    def lazy(name: str, make: Callable[[], FlaskForm]) -> LazyForm:
        return LazyForm(lambda: finish(name, make(), versions.get(name)))

    kept = dict(overrides)
    sent_sources = kept.pop("source_forms", {})
    forms: dict[str, Any] = {}
    for name, make in _made_forms(claim, draft, correction).items():
        given = kept.pop(name, None)
        forms[name] = lazy(name, make if given is None else _kept(given))
    forms.update(kept)
    source_forms = {}
    for source in claim.sources:
        key = f"source:{source.id}"
        versions[key] = _version_of(source)
        sent = sent_sources.get(source.id)
        source_forms[source.id] = lazy(
            key, partial(_source_form, source) if sent is None else _kept(sent)
        )
    forms["source_forms"] = source_forms
    return forms


def desk(
    claim: Claim,
    *,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
    **overrides: Any,
) -> ResponseReturnValue:
    """Render the claim desk; ``overrides`` replace forms (to show what the user sent)."""
    me = user()
    stamp = page_counts(me)
    load_collections(claim)
    found = rating_scale(claim)
    scale = list(found.values) if found else []
    draft = draft_verdict(claim)
    proposal = policy.current_proposal(claim)
    correction = policy.open_correction(claim)
    shown_verdict = claim.published_verdict or proposal or draft
    return render_template(
        "claims/show.html",
        claim=claim,
        me=me,
        paragraph=context_paragraph(claim),
        scale=scale,
        draft=draft,
        proposal=proposal,
        correction=correction,
        shown_verdict=shown_verdict,
        earlier_verdicts=[v for v in claim.verdicts if v.state is VerdictState.SUPERSEDED],
        corrections=corrections(claim),
        wording_warning=wording_warning(claim, shown_verdict, scale),
        wording_length=len(claim.claim_reviewed),
        timeline=history_for("claim", claim.id),
        already_checked=already_checked(claim, stamp),
        queue_args=queries.queue_back_args(request.args.get("back")),
        conflict=conflict,
        **desk_forms(claim, draft, correction, scale, conflict, overrides),
    ), status
