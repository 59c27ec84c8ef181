"""Review on the claim desk: sources, the draft verdict, proposing, approving, corrections, notes.

Each view is a declaration on the request spine through :func:`factcheck.claims.desk.perform`
(load the claim, who may act, which form, which service); the spine commits once or rolls back
and shows the claim desk again with the refusal and the user's input.
"""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from factcheck.claims import workflow
from factcheck.claims.desk import WORKS_ON, perform, source_prefix, user
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Claim
from factcheck.review import services
from factcheck.review.forms import (
    ApproveForm,
    CorrectionDecisionForm,
    CorrectionForm,
    NoteForm,
    ProposeForm,
    RequestChangesForm,
    SourceEditForm,
    SourceForm,
    VerdictForm,
)
from factcheck.web import compare

bp = Blueprint("review", __name__)

SOURCE_FIELDS = [(name, name) for name in services.SOURCE_FIELDS]
VERDICT_FIELDS = (("rating", "rating"), ("summary", "summary"), ("explanation", "explanation"))


@bp.post("/claims/<int:claim_id>/sources")
def add_source(claim_id: int) -> ResponseReturnValue:
    form = SourceForm()
    return perform(
        claim_id,
        lambda c: services.add_source(db.session, c, form.values(), actor=user()),
        done=_l("Source added."),
        form=form,
        form_key="source_form",
        allowed=WORKS_ON,
        anchor="#sources",
    )


@bp.post("/claims/<int:claim_id>/sources/<int:source_id>/edit")
def edit_source(claim_id: int, source_id: int) -> ResponseReturnValue:
    form = SourceEditForm(prefix=source_prefix(source_id))

    def change(claim: Claim) -> None:
        source = services.get_source(db.session, claim, source_id)
        services.edit_source(
            db.session, source, form.values(), actor=user(), expected_version=form.version.data
        )

    def conflict(claim: Claim) -> dict[str, object] | None:
        source = next((s for s in claim.sources if s.id == source_id), None)
        return compare(form, source, SOURCE_FIELDS) if source else None

    return perform(
        claim_id,
        change,
        done=_l("Source saved."),
        form=form,
        form_key=f"source:{source_id}",
        allowed=WORKS_ON,
        anchor=f"#source-{source_id}",
        conflict=conflict,
    )


@bp.post("/claims/<int:claim_id>/sources/<int:source_id>/remove")
def remove_source(claim_id: int, source_id: int) -> ResponseReturnValue:
    def change(claim: Claim) -> None:
        services.remove_source(
            db.session, services.get_source(db.session, claim, source_id), actor=user()
        )

    return perform(
        claim_id, change, done=_l("Source removed."), anchor="#sources", allowed=WORKS_ON
    )


@bp.post("/claims/<int:claim_id>/verdict")
def save_verdict(claim_id: int) -> ResponseReturnValue:
    form = VerdictForm()

    def change(claim: Claim) -> None:
        services.save_verdict(
            db.session,
            claim,
            actor=user(),
            rating_value_id=form.rating.data,
            summary=form.summary.data,
            explanation=form.explanation.data,
            expected_version=form.version.data or None,
            expect_no_draft=not form.version.data,
        )

    def conflict(claim: Claim) -> dict[str, object] | None:
        draft = services.draft_verdict(claim)
        if draft is None:
            return None
        return compare(form, _VerdictView(draft), VERDICT_FIELDS)

    return perform(
        claim_id,
        change,
        done=_l("Verdict draft saved."),
        form=form,
        form_key="verdict_form",
        allowed=WORKS_ON,
        anchor="#verdict",
        conflict=conflict,
    )


class _VerdictView:
    """A verdict seen with the verdict form's field names (for the conflict comparison)."""

    def __init__(self, verdict: object) -> None:
        self.rating = getattr(verdict, "rating_value_id", None)
        self.summary = getattr(verdict, "summary", "")
        self.explanation = getattr(verdict, "explanation", "")
        self.version = getattr(verdict, "version", None)


@bp.post("/claims/<int:claim_id>/propose")
def propose(claim_id: int) -> ResponseReturnValue:
    form = ProposeForm()
    return perform(
        claim_id,
        lambda c: services.propose(
            db.session,
            c,
            actor=user(),
            expected_version=form.version.data,
            expected_digest=form.digest.data or None,
        ),
        done=_l("Verdict proposed: an editor will review it."),
        form=form,
        allowed=workflow.allowed("claim.propose"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/approve")
def approve(claim_id: int) -> ResponseReturnValue:
    form = ApproveForm()
    return perform(
        claim_id,
        lambda c: services.approve(db.session, c, actor=user(), expected_version=form.version.data),
        done=_l("Approved and published."),
        form=form,
        allowed=workflow.allowed("claim.publish"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/request-changes")
def request_changes(claim_id: int) -> ResponseReturnValue:
    form = RequestChangesForm()
    return perform(
        claim_id,
        lambda c: services.request_changes(db.session, c, form.comment.data, actor=user()),
        done=_l("Sent back to the reviewer with your comment."),
        form=form,
        form_key="changes_form",
        allowed=workflow.allowed("claim.send_back"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/correct")
def correct(claim_id: int) -> ResponseReturnValue:
    form = CorrectionForm()
    return perform(
        claim_id,
        lambda c: services.draft_correction(
            db.session,
            c,
            actor=user(),
            rating_value_id=form.rating.data,
            summary=form.summary.data,
            explanation=form.explanation.data,
            note=form.note.data,
        ),
        done=_l("Correction drafted: another editor must approve it before it is published."),
        form=form,
        form_key="correction_form",
        allowed=workflow.allowed("claim.draft_correction"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/correction/approve")
def approve_correction(claim_id: int) -> ResponseReturnValue:
    form = CorrectionDecisionForm()
    return perform(
        claim_id,
        lambda c: services.approve_correction(
            db.session, c, actor=user(), expected_version=form.version.data
        ),
        done=_l("Correction approved and published."),
        form=form,
        allowed=workflow.allowed("claim.correct"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/correction/discard")
def discard_correction(claim_id: int) -> ResponseReturnValue:
    form = CorrectionDecisionForm()
    return perform(
        claim_id,
        lambda c: services.discard_correction(
            db.session, c, actor=user(), expected_version=form.version.data
        ),
        done=_l("Correction discarded; the published fact-check is unchanged."),
        form=form,
        allowed=workflow.allowed("claim.discard_correction"),
        anchor="#verdict",
    )


@bp.post("/claims/<int:claim_id>/notes")
def add_note(claim_id: int) -> ResponseReturnValue:
    form = NoteForm()
    return perform(
        claim_id,
        lambda c: services.add_note(db.session, c, form.body.data, actor=user()),
        done=_l("Note added."),
        form=form,
        form_key="note_form",
        anchor="#notes",
    )
