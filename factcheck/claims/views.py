"""The queue and the claim desk: triage, taking and assigning claims, editing their wording.

Every POST loads the claim (404), validates its form, calls one service and commits once. A
refusal from the domain rolls everything back and answers 403, 404, 409 or 422 with the message:
as JSON for API clients, or as the claim desk again with the user's input kept in the form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
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
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from factcheck.articles.display import Segment, paragraph_segments
from factcheck.audit.history import history_for
from factcheck.auth import wants_json
from factcheck.claims import policy, queries, workflow
from factcheck.claims.forms import (
    ActionForm,
    AssignForm,
    ClaimForm,
    DismissForm,
    QueueFilterForm,
    options,
)
from factcheck.claims.serialize import claim_detail_json, claim_json
from factcheck.claims.services import edit_claim, triage_many
from factcheck.domain import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from factcheck.errors import error_response, status_of
from factcheck.extensions import db
from factcheck.models import (
    Claim,
    ClaimStatus,
    RatingScale,
    RatingValue,
    User,
    Verdict,
    VerdictState,
)
from factcheck.models.claim import CLAIM_REVIEWED_RECOMMENDED_LENGTH
from factcheck.validation import refuse_control_characters

bp = Blueprint("claims", __name__)

STATUS_LABELS = {s: workflow.label(s) for s in ClaimStatus}


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    """Templates ask the same predicates as the services (``policy.can_take(current_user, c)``)."""
    return {
        "policy": policy,
        "ClaimStatus": ClaimStatus,
        "status_labels": STATUS_LABELS,
        "recommended_length": CLAIM_REVIEWED_RECOMMENDED_LENGTH,
    }


@bp.app_template_filter("age")
def age(moment: datetime | None) -> str:
    """How long ago, in the largest sensible unit: "5 min", "3 h", "12 d"."""
    if moment is None:
        return "—"
    seconds = max(0, int((datetime.now(UTC) - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return "just now"


@bp.app_template_filter("ago")
def ago(moment: datetime | None) -> str:
    """The same in a sentence: "5 min ago", or "just now" (never "just now ago")."""
    since = age(moment)
    return since if since in ("—", "just now") else f"{since} ago"


# --- shared by the claim and review views --------------------------------------------------


def load_claim(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim #{claim_id}")
    return claim


def user() -> User:
    """The signed-in user as a model instance (login is required everywhere here)."""
    me: User = current_user._get_current_object()
    return me


def perform(
    claim_id: int,
    change: Callable[[Claim], Any],
    *,
    done: str,
    form: FlaskForm | None = None,
    form_key: str | None = None,
    anchor: str = "",
    conflict: Callable[[Claim], dict[str, Any] | None] | None = None,
    allowed: tuple[Callable[[User, Claim], bool], str] | None = None,
) -> ResponseReturnValue:
    """Validate ``form``, apply ``change`` to the claim, commit, and answer; or refuse cleanly.

    ``form_key`` names the desk form that ``form`` replaces when the desk is shown again, so
    what the user typed is never lost. ``conflict`` builds the "yours / current" comparison
    shown with a 409. ``allowed`` is a ``(predicate, message)`` pair of the policy checked before
    the form is even read (403 with that message): who may act comes before what they sent. The
    service checks again, with the state, inside the transaction.
    """
    try:
        claim = load_claim(claim_id)
    except NotFound as exc:
        return error_response(404, exc.message)
    if allowed is not None and not allowed[0](user(), claim):
        return refuse(claim, PermissionDenied(allowed[1]))
    if form is not None and not form.validate():
        return refuse(
            claim, ValidationError(_form_message(form), field=_first_error(form)), form, form_key
        )
    try:
        change(claim)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        comparison = conflict(claim) if conflict and isinstance(exc, Conflict) else None
        return refuse(claim, exc, form, form_key, comparison)
    if wants_json():
        return jsonify(id=claim.id, status=claim.status.value, version=claim.version)
    flash(done, "success")
    return redirect(url_for("claims.show", claim_id=claim.id) + anchor)


def refuse(
    claim: Claim,
    exc: DomainError,
    form: FlaskForm | None = None,
    form_key: str | None = None,
    comparison: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    """Answer a refusal: JSON ``{"error","message","field"}``, or the desk with the message."""
    status = status_of(exc)
    if wants_json() or status == 404:
        return error_response(status, exc.message, exc.field)
    if form is not None and exc.field and exc.field in form and not form[exc.field].errors:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    flash(exc.message, "error")
    overrides: dict[str, Any] = {}
    if form is not None and form_key and form_key.startswith("source:"):
        overrides["source_forms"] = {int(form_key.split(":")[1]): form}
    elif form is not None and form_key:
        overrides[form_key] = form
    return desk(claim, status=status, conflict=comparison, **overrides)


def _first_error(form: FlaskForm) -> str | None:
    return next((name for name, errors in form.errors.items() if errors), None)


def _form_message(form: FlaskForm) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form[name].label.text if name in form else name
        parts.append(f"{label}: {'; '.join(str(e) for e in errors)}")
    return "Check the form — " + " · ".join(parts)


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


def source_prefix(source_id: int) -> str:
    """Field-name prefix of a source's edit form (several are on one page)."""
    return f"source-{source_id}"


def editors_only(message: str) -> tuple[Callable[[User, Claim], bool], str]:
    return (lambda me, _claim: policy.is_editor(me)), message


# Who may change the claim at all (403); the service then says whether its state allows it (409).
WORKS_ON = (policy.works_on, workflow.NOT_YOURS)


# --- the claim desk ------------------------------------------------------------------------


def rating_values(claim: Claim) -> list[RatingValue]:
    """The rating scale for this claim: the default scale of its language, else any default."""
    scales = list(
        db.session.scalars(
            sa.select(RatingScale).order_by(RatingScale.is_default.desc(), RatingScale.id)
        )
    )
    scale = next((s for s in scales if s.language == claim.language), None) or next(
        iter(scales), None
    )
    return list(scale.values) if scale else []


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
    from factcheck.review.services import rating_in_wording

    candidates = [verdict.rating] if verdict is not None and verdict.rating else scale
    for rating in candidates:
        if rating is not None and rating_in_wording(claim.claim_reviewed, rating):
            return (
                f"The wording contains the rating “{rating.label}”. State what was claimed, "
                "not the verdict: the verdict cannot be proposed like this."
            )
    return None


def desk(
    claim: Claim,
    *,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
    **overrides: Any,
) -> ResponseReturnValue:
    """Render the claim desk; ``overrides`` replace forms (to show what the user sent)."""
    from factcheck.review import forms as review_forms
    from factcheck.review import proposal as proposals
    from factcheck.review.services import corrections, draft_verdict

    me = user()
    scale = rating_values(claim)
    rating_choices = options((v.id, v.label) for v in scale)
    draft = draft_verdict(claim)
    proposal = policy.current_proposal(claim)
    correction = policy.open_correction(claim)
    shown_verdict = claim.published_verdict or proposal or draft

    forms: dict[str, Any] = {
        "claim_form": ClaimForm(
            formdata=None,
            obj=claim,
            claimant_type=claim.claimant_type.value if claim.claimant_type else "",
        ),
        "dismiss_form": DismissForm(formdata=None),
        "assign_form": AssignForm(formdata=None, assignee=claim.assignee_id),
        "action_form": ActionForm(formdata=None),
        "source_form": review_forms.SourceForm(formdata=None),  # no stance until one is chosen
        "verdict_form": review_forms.VerdictForm(
            formdata=None,
            rating=draft.rating_value_id if draft else None,
            summary=draft.summary if draft else "",
            explanation=draft.explanation if draft else "",
            version=draft.version if draft else 0,
        ),
        "propose_form": review_forms.ProposeForm(
            formdata=None,
            version=draft.version if draft else 0,
            digest=proposals.digest(claim, draft) if draft else "",
        ),
        "approve_form": review_forms.ApproveForm(formdata=None, version=claim.version),
        "correction_decision_form": review_forms.CorrectionDecisionForm(
            formdata=None, version=correction.version if correction else 0
        ),
        "changes_form": review_forms.RequestChangesForm(formdata=None),
        "correction_form": review_forms.CorrectionForm(
            formdata=None,
            rating=claim.published_verdict.rating_value_id if claim.published_verdict else None,
            summary=claim.published_verdict.summary if claim.published_verdict else "",
            explanation=claim.published_verdict.explanation if claim.published_verdict else "",
        ),
        "note_form": review_forms.NoteForm(formdata=None),
    }
    source_forms = {
        s.id: review_forms.SourceEditForm(
            formdata=None, obj=s, stance=s.stance.value, prefix=source_prefix(s.id)
        )
        for s in claim.sources
    }
    source_forms.update(overrides.pop("source_forms", {}))
    forms.update(overrides)
    if "claim_form" not in overrides or conflict is not None:
        # After a conflict the user's text stays in the form, now based on the current version:
        # saving again (after comparing) replaces it knowingly.
        set_version(forms["claim_form"], claim.version)
    if conflict is not None and "verdict_form" in overrides:
        set_version(forms["verdict_form"], draft.version if draft else 0)
    if conflict is not None:
        for source in claim.sources:
            set_version(source_forms[source.id], source.version)
    forms["assign_form"].assignee.choices = options(
        (u.id, f"{u.display_name} ({u.role.value})") for u in queries.assignable_users(db.session)
    )
    for name in ("verdict_form", "correction_form"):
        forms[name].rating.choices = rating_choices
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
        already_checked=already_checked(claim),
        queue_args=queries.queue_back_args(request.args.get("back")),
        source_forms=source_forms,
        conflict=conflict,
        **forms,
    ), status


def already_checked(claim: Claim) -> list[Any]:
    """Earlier fact-checks like this claim, ours and imported (read-only: GET changes nothing)."""
    from factcheck.memory.index import find_matches
    from factcheck.publishing.services import organisation

    return find_matches(db.session, claim, organisation(db.session, current_app.config))


@bp.get("/claims/desk.js")
def desk_script() -> ResponseReturnValue:
    """The desk's small script, served from this origin (the CSP allows no inline script)."""
    body = render_template("claims/desk.js")
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8"}


@bp.get("/claims/<int:claim_id>")
def show(claim_id: int) -> ResponseReturnValue:
    try:
        claim = load_claim(claim_id)
    except NotFound as exc:
        return error_response(404, exc.message)
    if wants_json():
        return jsonify(
            claim=claim_detail_json(claim),
            already_checked=[m.as_json() for m in already_checked(claim)],
            csrf_token=generate_csrf(),
        )
    return desk(claim)


# --- the queue -----------------------------------------------------------------------------


def _queue_filters(form: QueueFilterForm) -> queries.QueueFilters:
    status = str(form.status.data or "")
    article = form.article.data
    min_score = form.min_score.data
    return queries.QueueFilters(
        status=ClaimStatus(status) if status in ClaimStatus._value2member_map_ else None,
        assignee=form.assignee.data or "anyone",
        language=form.language.data or None,
        article_id=int(article) if article and article.isdigit() else None,
        min_score=float(min_score) if isinstance(min_score, Decimal) else None,
        q=(form.q.data or "").strip() or None,
        sort=form.sort.data or queries.DEFAULT_SORT,
        has_match=form.match.data == "yes",
    )


@bp.get("/queue")
def queue() -> ResponseReturnValue:
    return _queue_page(request.args)


def _queue_page(query: Any, status: int = 200) -> ResponseReturnValue:
    """The queue filtered by ``query`` (its GET arguments); ``status`` for a refused bulk action."""
    form = QueueFilterForm(query)
    languages = queries.language_choices(db.session)
    form.language.choices = options([("", "Any language"), *[(lang, lang) for lang in languages]])
    form.article.choices = options(
        [("", "Any article"), *[(str(i), t) for i, t in queries.article_choices(db.session)]]
    )
    valid = form.validate()
    if not valid:
        for name in list(form.errors):
            if name not in ("min_score", "q"):
                form[name].data = form[name].default  # an unknown choice is ignored, not fatal
        valid = not (form.min_score.errors or form.q.errors)
    filters = _queue_filters(form) if valid else queries.QueueFilters()
    page = queries.queue_page(db.session, filters, user(), cursor=form.after.data or None)
    if wants_json():
        return jsonify(
            claims=[claim_json(c) for c in page.claims],
            next=page.next_cursor,
            counts={s.value: n for s, n in page.counts.items()},
            csrf_token=generate_csrf(),  # for scripts: every POST needs it, as forms do
        )
    args = {k: v for k, v in query.items() if k in queries.QUEUE_ARGS and k != "after" and v}
    return render_template(
        "claims/queue.html",
        form=form,
        page=page,
        filters=filters,
        args=args,
        back=queries.queue_back(query),
        action_form=ActionForm(formdata=None),
        languages=languages,
    ), (status if valid else 422)


@bp.post("/queue/bulk")
def bulk() -> ResponseReturnValue:
    """Accept or dismiss the selected candidates in one transaction: all of them, or none."""
    if not ActionForm().validate():
        return error_response(400, "The form expired; reload the page and try again.")
    back = queries.queue_back_args(request.form.get("back"))
    if not policy.is_editor(user()):
        return error_response(403, "only editors can accept or dismiss candidate claims")
    try:
        picked = [_picked(value) for value in request.form.getlist("claims")]
        claims = triage_many(
            db.session,
            picked,
            request.form.get("action", ""),
            actor=user(),
            reason=request.form.get("reason"),
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if wants_json():
            return error_response(status_of(exc), exc.message, exc.field)
        flash(exc.message, "error")
        return _queue_page(MultiDict(back), status_of(exc))
    done = "accepted into the queue" if request.form["action"] == "accept" else "dismissed"
    if wants_json():
        return jsonify(claims=[claim_json(c) for c in claims])
    flash(f"{len(claims)} claim{'' if len(claims) == 1 else 's'} {done}.", "success")
    queue_url = url_for("claims.queue")
    return redirect(f"{queue_url}?{queries.queue_back(back)}" if back else queue_url)


def _picked(value: str) -> tuple[int, int]:
    """A checkbox value ``"<claim id>:<version>"`` as a pair of numbers."""
    if not re.fullmatch(r"[0-9]{1,18}:[0-9]{1,18}", value):
        raise ValidationError(f"not a claim selection: {value[:40]!r}", field="claims")
    claim_id, _, version = value.partition(":")
    return int(claim_id), int(version)


@bp.post("/queue/take-next")
def take_next() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate():
        return error_response(400, "The form expired; reload the page and try again.")
    language = (request.form.get("language") or "").strip() or None
    try:
        refuse_control_characters(language, "language")
    except ValidationError as exc:
        return error_response(422, exc.message, exc.field)
    try:
        claim = workflow.take_next(db.session, actor=user(), language=language)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if wants_json():
            return error_response(status_of(exc), exc.message, exc.field)
        flash(exc.message, "error")
        return redirect(url_for("claims.queue"))
    if wants_json():
        return jsonify(claim=claim_json(claim) if claim else None)
    if claim is None:
        flash("No queued claim is waiting. Well done.", "info")
        return redirect(url_for("claims.queue"))
    flash(f"Claim #{claim.id} is yours now.", "success")
    return redirect(url_for("claims.show", claim_id=claim.id))


# --- editing and moving one claim ----------------------------------------------------------

CLAIM_FIELDS = (
    ("claim_reviewed", "claim_reviewed"),
    ("claimant_name", "claimant_name"),
    ("claimant_type", "claimant_type"),
    ("claimant_same_as", "claimant_same_as"),
    ("claim_date", "claim_date"),
    ("appearance_url", "appearance_url"),
    ("appearance_headline", "appearance_headline"),
    ("priority", "priority"),
)


@bp.post("/claims/<int:claim_id>/edit")
def edit(claim_id: int) -> ResponseReturnValue:
    form = ClaimForm()

    def change(claim: Claim) -> None:
        edit_claim(
            db.session, claim, form.values(), actor=user(), expected_version=form.version.data
        )

    return perform(
        claim_id,
        change,
        done="Claim saved.",
        form=form,
        form_key="claim_form",
        anchor="#claim",
        allowed=WORKS_ON,
        conflict=lambda claim: compare(form, claim, CLAIM_FIELDS),
    )


@bp.post("/claims/<int:claim_id>/accept")
def accept(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.accept(db.session, c, actor=user()),
        done="Accepted into the queue.",
        form=ActionForm(),
        allowed=editors_only("only editors can accept a candidate claim"),
    )


@bp.post("/claims/<int:claim_id>/dismiss")
def dismiss(claim_id: int) -> ResponseReturnValue:
    form = DismissForm()
    return perform(
        claim_id,
        lambda c: workflow.dismiss(
            db.session, c, form.reason.data, actor=user(), duplicate_of=form.duplicate_of.data
        ),
        done="Claim dismissed.",
        form=form,
        form_key="dismiss_form",
        allowed=editors_only("only editors can dismiss a candidate claim"),
    )


@bp.post("/claims/<int:claim_id>/reopen")
def reopen(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.reopen(db.session, c, actor=user()),
        done="Claim reopened as a new candidate.",
        form=ActionForm(),
        allowed=editors_only("only editors can reopen a dismissed claim"),
    )


@bp.post("/claims/<int:claim_id>/take")
def take(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.take(db.session, c, actor=user()),
        done="The claim is yours now.",
        form=ActionForm(),
    )


@bp.post("/claims/<int:claim_id>/assign")
def assign(claim_id: int) -> ResponseReturnValue:
    form = AssignForm()
    form.assignee.choices = options(
        (u.id, u.display_name) for u in queries.assignable_users(db.session)
    )

    def change(claim: Claim) -> None:
        assignee = db.session.get(User, form.assignee.data)
        if assignee is None:
            raise ValidationError("choose someone to assign", field="assignee")
        workflow.assign(db.session, claim, assignee, actor=user())

    return perform(
        claim_id,
        change,
        done="Assignment saved.",
        form=form,
        form_key="assign_form",
        allowed=editors_only("only editors can assign claims"),
    )


@bp.post("/claims/<int:claim_id>/hand-back")
def hand_back(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.hand_back(db.session, c, actor=user()),
        done="Handed back to the queue.",
        form=ActionForm(),
    )
