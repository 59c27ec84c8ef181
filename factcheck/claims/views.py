"""The queue and the claim desk: triage, taking and assigning claims, editing their wording.

Every POST is declared on the request spine (:func:`factcheck.claims.desk.perform`): the claim
to load (404), who may act (403), which form (422), which service; the spine commits once. A
refusal from the domain rolls everything back and answers 403, 404, 409 or 422 with the message:
as JSON for API clients, or as the claim desk again with the user's input kept in the form.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from factcheck import web
from factcheck.auth import wants_json
from factcheck.claims import policy, queries, reasons, workflow
from factcheck.claims.desk import (
    WORKS_ON,
    already_checked,
    desk,
    load_claim,
    perform,
    user,
)
from factcheck.claims.forms import (
    ActionForm,
    AssignForm,
    ClaimForm,
    DismissForm,
    QueueFilterForm,
    options,
)
from factcheck.claims.rows import queue_rows
from factcheck.claims.serialize import claim_detail_json, claim_json
from factcheck.claims.services import edit_claim, triage_many
from factcheck.domain import DomainError, ValidationError
from factcheck.errors import error_response
from factcheck.extensions import db
from factcheck.i18n import Scores
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Claim, ClaimStatus, User
from factcheck.models.claim import CLAIM_REVIEWED_RECOMMENDED_LENGTH
from factcheck.validation import refuse_control_characters

bp = Blueprint("claims", __name__)

STATUS_LABELS = workflow.STATUS_NAMES

# Shown beside a value that is stored as the machine wrote it.
CLAIMANT_TYPE_LABELS = {"Person": _l("Person"), "Organization": _l("Organization")}
STANCE_LABELS = {"supports": _l("supports"), "refutes": _l("refutes"), "context": _l("context")}
JOB_STATE_LABELS = {
    "queued": _l("queued"),
    "running": _l("running"),
    "done": _l("done"),
    "failed": _l("failed"),
}
MAIL_STATE_LABELS = {"pending": _l("pending"), "sent": _l("sent"), "failed": _l("failed")}
# The queue's filters as the breadcrumb names them (in English, their names in the address).
QUEUE_ARG_LABELS = {
    "q": _l("q"),
    "status": _l("status"),
    "assignee": _l("assignee"),
    "language": _l("language"),
    "article": _l("article"),
    "min_score": _l("min score"),
    "sort": _l("sort"),
    "match": _l("match"),
}
# The reasons offered when dismissing a candidate (free text: the user may write another).
DISMISS_REASONS = (
    _l("Not check-worthy"),
    _l("Opinion, not a fact"),
    _l("Prediction"),
    _l("Duplicate of another claim"),
    _l("Not verifiable"),
)


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    """Templates ask the same predicates as the services (``policy.can_take(current_user, c)``)."""
    return {
        "policy": policy,
        "ClaimStatus": ClaimStatus,
        "status_labels": STATUS_LABELS,
        "claimant_type_labels": CLAIMANT_TYPE_LABELS,
        "stance_labels": STANCE_LABELS,
        "job_state_labels": JOB_STATE_LABELS,
        "mail_state_labels": MAIL_STATE_LABELS,
        "queue_arg_labels": QUEUE_ARG_LABELS,
        "sort_labels": {key: label for key, (label, _) in queries.SORTS.items()},
        "dismiss_reasons": DISMISS_REASONS,
        "recommended_length": CLAIM_REVIEWED_RECOMMENDED_LENGTH,
    }


class Ages:
    """How long ago, in the largest sensible unit: "5 min", "3 h", "12 d" ("12 j" in French).

    The words are translated once, when made: a page that dates many rows makes one.
    """

    def __init__(self) -> None:
        self.now = datetime.now(UTC)
        # gettext without variables gives the translated pattern, filled below.
        self.units = (
            (86400, gettext("%(num)s d")),
            (3600, gettext("%(num)s h")),
            (60, gettext("%(num)s min")),
        )
        self.just_now = gettext("just now")

    def __call__(self, moment: datetime | None) -> str:
        if moment is None:
            return "—"
        seconds = max(0, int((self.now - moment).total_seconds()))
        for unit, words in self.units:
            if seconds >= unit:
                return words % {"num": seconds // unit}
        return self.just_now


@bp.app_template_filter("age")
def age(moment: datetime | None) -> str:
    """How long ago (see :class:`Ages`)."""
    return Ages()(moment)


@bp.app_template_filter("ago")
def ago(moment: datetime | None) -> str:
    """The same in a sentence: "5 min ago" ("il y a 5 min"), or "just now" (never "just now
    ago")."""
    since = age(moment)
    return since if since in ("—", gettext("just now")) else gettext("%(age)s ago", age=since)


@bp.app_template_filter("reason")
def reason(text: str) -> str:
    """One of extraction's stored ``reasons`` in the interface's language."""
    return reasons.shown(text)


@bp.get("/claims/desk.js")
def desk_script() -> ResponseReturnValue:
    """The desk's small script, served from this origin (the CSP allows no inline script)."""
    body = render_template("claims/desk.js")
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8"}


@bp.get("/claims/<int:claim_id>")
def show(claim_id: int) -> ResponseReturnValue:
    claim = load_claim(claim_id, page=True)
    if wants_json():
        return jsonify(
            claim=claim_detail_json(claim),
            already_checked=[m.as_json() for m in already_checked(claim)],
            csrf_token=generate_csrf(),
        )
    return desk(claim)


# --- the queue -----------------------------------------------------------------------------


@bp.get("/queue")
def queue() -> ResponseReturnValue:
    return _queue_page(request.args)


def _queue_page(query: Any, status: int = 200) -> ResponseReturnValue:
    """The queue filtered by ``query`` (its GET arguments); ``status`` for a refused bulk action."""
    form = QueueFilterForm(query)
    languages = form.offer_all(db.session)
    try:
        filters, valid = form.filters(db.session), True
    except ValidationError:  # the form shows the error beside its field
        filters, valid = queries.QueueFilters(), False
    page = queries.queue_page(
        db.session,
        filters,
        user(),
        cursor=form.after.data or None,
        # The page says "10,000+" beyond the cap; scripts get the exact counts they always had.
        count_cap=None if wants_json() else queries.COUNT_CAP,
    )
    if wants_json():
        return jsonify(
            claims=[claim_json(c) for c in page.claims],
            next=page.next_cursor,
            counts={s.value: n for s, n in page.counts.items()},
            csrf_token=generate_csrf(),  # for scripts: every POST needs it, as forms do
        )
    args = {k: v for k, v in query.items() if k in queries.QUEUE_ARGS and k != "after" and v}
    back = queries.queue_back(query)
    rows = queue_rows(
        page.claims,
        back=back,
        # Said once for the page, not once per row:
        status_names={s: str(label) for s, label in STATUS_LABELS.items()},
        scores=Scores(),
        ages=Ages(),
    )
    return render_template(
        "claims/queue.html",
        form=form,
        page=page,
        rows=rows,
        filters=filters,
        args=args,
        back=back,
        action_form=ActionForm(formdata=None),
        languages=languages,
        no_search_words=bool(filters.q) and not queries.search_terms(filters.q),
        count_cap=queries.COUNT_CAP,
    ), (status if valid else 422)


@bp.post("/queue/bulk")
def bulk() -> ResponseReturnValue:
    """Accept or dismiss the selected candidates in one transaction: all of them, or none."""
    if not ActionForm().validate():
        return error_response(400, _l("The form expired; reload the page and try again."))
    back = queries.queue_back_args(request.form.get("back"))
    web.require(policy.is_editor(user()), _l("only editors can accept or dismiss candidate claims"))

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        return _queue_page(MultiDict(back), status)

    web.refuse_with(refused)
    claims = web.run(
        lambda: triage_many(
            db.session,
            [_picked(value) for value in request.form.getlist("claims")],
            request.form.get("action", ""),
            actor=user(),
            reason=request.form.get("reason"),
        )
    )
    if wants_json():
        return jsonify(claims=[claim_json(c) for c in claims])
    if request.form["action"] == "accept":
        done = ngettext(
            "%(num)d claim accepted into the queue.",
            "%(num)d claims accepted into the queue.",
            len(claims),
        )
    else:
        done = ngettext("%(num)d claim dismissed.", "%(num)d claims dismissed.", len(claims))
    flash(done, "success")
    queue_url = url_for("claims.queue")
    return redirect(f"{queue_url}?{queries.queue_back(back)}" if back else queue_url)


def _picked(value: str) -> tuple[int, int]:
    """A checkbox value ``"<claim id>:<version>"`` as a pair of numbers."""
    if not re.fullmatch(r"[0-9]{1,18}:[0-9]{1,18}", value):
        raise ValidationError(
            _l("not a claim selection: %(value)s", value=repr(value[:40])), field="claims"
        )
    claim_id, _, version = value.partition(":")
    return int(claim_id), int(version)


@bp.post("/queue/take-next")
def take_next() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate():
        return error_response(400, _l("The form expired; reload the page and try again."))
    language = (request.form.get("language") or "").strip() or None
    refuse_control_characters(language, "language")  # 422 naming the field, as an error page
    web.refuse_with(_back_to_queue)
    claim = web.run(lambda: workflow.take_next(db.session, actor=user(), language=language))
    if wants_json():
        return jsonify(claim=claim_json(claim) if claim else None)
    if claim is None:
        flash(gettext("No queued claim is waiting. Well done."), "info")
        return redirect(url_for("claims.queue"))
    flash(gettext("Claim #%(id)s is yours now.", id=claim.id), "success")
    return redirect(url_for("claims.show", claim_id=claim.id))


def _back_to_queue(exc: DomainError, _status: int) -> ResponseReturnValue:
    flash(exc.message, "error")
    return redirect(url_for("claims.queue"))


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
        done=_l("Claim saved."),
        form=form,
        form_key="claim_form",
        anchor="#claim",
        allowed=WORKS_ON,
        conflict=lambda claim: web.compare(form, claim, CLAIM_FIELDS),
    )


@bp.post("/claims/<int:claim_id>/accept")
def accept(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.accept(db.session, c, actor=user()),
        done=_l("Accepted into the queue."),
        form=ActionForm(),
        allowed=workflow.allowed("claim.accept"),
    )


@bp.post("/claims/<int:claim_id>/dismiss")
def dismiss(claim_id: int) -> ResponseReturnValue:
    form = DismissForm()
    return perform(
        claim_id,
        lambda c: workflow.dismiss(
            db.session, c, form.reason.data, actor=user(), duplicate_of=form.duplicate_of.data
        ),
        done=_l("Claim dismissed."),
        form=form,
        form_key="dismiss_form",
        allowed=workflow.allowed("claim.dismiss"),
    )


@bp.post("/claims/<int:claim_id>/reopen")
def reopen(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.reopen(db.session, c, actor=user()),
        done=_l("Claim reopened as a new candidate."),
        form=ActionForm(),
        allowed=workflow.allowed("claim.reopen"),
    )


@bp.post("/claims/<int:claim_id>/take")
def take(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.take(db.session, c, actor=user()),
        done=_l("The claim is yours now."),
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
            raise ValidationError(_l("choose someone to assign"), field="assignee")
        workflow.assign(db.session, claim, assignee, actor=user())

    return perform(
        claim_id,
        change,
        done=_l("Assignment saved."),
        form=form,
        form_key="assign_form",
        allowed=workflow.allowed("claim.assign"),
    )


@bp.post("/claims/<int:claim_id>/hand-back")
def hand_back(claim_id: int) -> ResponseReturnValue:
    return perform(
        claim_id,
        lambda c: workflow.hand_back(db.session, c, actor=user()),
        done=_l("Handed back to the queue."),
        form=ActionForm(),
    )
