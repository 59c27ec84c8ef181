"""Sources, verdicts, notes, approval and corrections. Each change records its audit event."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import Changes, add_and_record, change_and_record, record
from factcheck.claims import policy
from factcheck.claims.workflow import (
    STATUS_NAMES,
    check_version,
    move,
    refuse_move,
    require,
    require_edit,
    row_for,
)
from factcheck.database import DBSession
from factcheck.domain import Conflict, NotFound, PermissionDenied, ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import (
    SNAPSHOT_FIELDS,
    Claim,
    ClaimStatus,
    Note,
    RatingValue,
    Source,
    Stance,
    User,
    Verdict,
    VerdictState,
    utcnow,
)
from factcheck.outlets.snapshots import request_snapshot
from factcheck.publishing.gate import check_publishable
from factcheck.publishing.jsonld import validate as jsonld_rules
from factcheck.review import proposal
from factcheck.validation import (
    MAX_EXCERPT_LENGTH,
    MAX_PUBLISHER_LENGTH,
    MAX_TITLE_LENGTH,
    clean_text,
    clean_url,
)

SOURCE_FIELDS = (
    "url",
    "title",
    "publisher",
    "date_published",
    "date_accessed",
    "excerpt",
    "stance",
    "archive_url",
)
MAX_SUMMARY = 1000
MAX_EXPLANATION = 20_000
MAX_NOTE = 10_000
MAX_COMMENT = 5_000


# --- sources -------------------------------------------------------------------------------


def clean_source_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(SOURCE_FIELDS)
    if unknown:
        raise ValidationError(
            _l("unknown source field %(unknown)s", unknown=sorted(unknown)[0]),
            field=sorted(unknown)[0],
        )
    out: dict[str, Any] = {
        "url": clean_url(values.get("url"), "url", required=True),
        "title": clean_text(
            values.get("title"), "title", max_length=MAX_TITLE_LENGTH, required=True
        ),
        "publisher": clean_text(
            values.get("publisher"), "publisher", max_length=MAX_PUBLISHER_LENGTH
        ),
        "excerpt": clean_text(
            values.get("excerpt"), "excerpt", max_length=MAX_EXCERPT_LENGTH, multiline=True
        ),
        "archive_url": clean_url(values.get("archive_url"), "archive_url"),
    }
    for name in ("date_published", "date_accessed"):
        value = values.get(name)
        if value is not None and not isinstance(value, date):
            raise ValidationError(_l("%(name)s must be a date (YYYY-MM-DD)", name=name), field=name)
        out[name] = value
    if (
        out["date_published"]
        and out["date_accessed"]
        and out["date_accessed"] < out["date_published"]
    ):
        raise ValidationError(
            _l("date accessed is before the date published"), field="date_accessed"
        )
    try:
        out["stance"] = Stance(str(values.get("stance")))
    except ValueError:
        raise ValidationError(
            _l("stance must be supports, refutes or context"), field="stance"
        ) from None
    return out


def add_source(session: DBSession, claim: Claim, values: dict[str, Any], *, actor: User) -> Source:
    require_edit(actor, claim)
    source = Source(claim=claim, added_by_id=actor.id, **clean_source_values(values))
    add_and_record(
        session,
        source,
        SOURCE_FIELDS,
        actor=actor,
        action=AuditAction.SOURCE_ADD,
        entity_type="source",
        data={"claim_id": claim.id},
    )
    # The page is captured by a worker, outside this request (factcheck.outlets.snapshots).
    request_snapshot(session, source)
    return source


def get_source(session: DBSession, claim: Claim, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None or source.claim_id != claim.id:
        raise NotFound(
            _l("claim #%(id)s has no source #%(source_id)s", id=claim.id, source_id=source_id)
        )
    return source


def edit_source(
    session: DBSession,
    source: Source,
    values: dict[str, Any],
    *,
    actor: User,
    expected_version: int | None,
) -> Changes:
    require_edit(actor, source.claim)
    if expected_version is not None and expected_version != source.version:
        raise Conflict(
            _l("source #%(id)s was changed by someone else since you opened it", id=source.id)
        )
    changes = change_and_record(
        session,
        source,
        clean_source_values(values),
        actor=actor,
        action=AuditAction.SOURCE_EDIT,
        entity_type="source",
        data={"claim_id": source.claim_id},
    )
    if "url" in changes:
        request_snapshot(session, source)  # the new address is captured as it is now
    return changes


def remove_source(session: DBSession, source: Source, *, actor: User) -> None:
    require_edit(actor, source.claim)
    before = {f: (getattr(source, f), None) for f in SOURCE_FIELDS}
    claim_id, source_id = source.claim_id, source.id
    source.claim.sources.remove(source)
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction.SOURCE_REMOVE,
        entity_type="source",
        entity_id=source_id,
        changes=before,
        data={"claim_id": claim_id},
    )


# --- verdicts ------------------------------------------------------------------------------

# Every field of a verdict the audit trail follows: its creation records all of them, each later
# change records what moved, so replaying the trail rebuilds every verdict's state
# (``audit.replay.verdict_differences``).
VERDICT_FIELDS = (
    "claim_id",
    "state",
    "rating_value_id",
    "summary",
    "explanation",
    "proposed_by_id",
    "proposed_at",
    "proposed_version",
    "proposed_digest",
    "approved_by_id",
    "approved_at",
    "review_comment",
    "corrects_id",
    "correction_note",
    "created_by_id",
    "last_edited_by_id",
    *SNAPSHOT_FIELDS,
    "approved_alone",
    "version",
)


def draft_verdict(claim: Claim) -> Verdict | None:
    return next((v for v in reversed(claim.verdicts) if v.state is VerdictState.DRAFT), None)


def _rating(session: DBSession, rating_value_id: int | None) -> RatingValue | None:
    if rating_value_id is None:
        return None
    rating = session.get(RatingValue, rating_value_id)
    if rating is None:
        raise ValidationError(
            _l("no rating #%(rating_value_id)s on any scale", rating_value_id=rating_value_id),
            field="rating",
        )
    return rating


def rating_in_wording(claim_reviewed: str, rating: RatingValue) -> bool:
    """True when the claimReviewed wording contains the rating label (it must not).

    The validator's rule, not a copy of it: the desk can never accept what it refuses.
    """
    return jsonld_rules.rating_in_wording(rating.label, claim_reviewed)


def _add_verdict(session: DBSession, verdict: Verdict, *, actor: User, action: str) -> None:
    """Add a new verdict and record its creation with every field the trail follows."""
    add_and_record(
        session,
        verdict,
        VERDICT_FIELDS,
        actor=actor,
        action=action,
        entity_type="verdict",
        data={"claim_id": verdict.claim_id},
    )


def save_verdict(
    session: DBSession,
    claim: Claim,
    *,
    actor: User,
    rating_value_id: int | None,
    summary: str | None,
    explanation: str | None,
    expected_version: int | None = None,
    expect_no_draft: bool = False,
) -> Verdict:
    """Create or update the draft verdict of an in-review claim; the actor is its last editor.

    ``expect_no_draft``: the page the actor saved from showed no draft, so a draft someone else
    started since is a conflict rather than something to overwrite blind.
    """
    require_edit(actor, claim)
    if claim.status is not ClaimStatus.IN_REVIEW:
        raise Conflict(
            _l("claim #%(id)s is not in review; its verdict cannot be edited", id=claim.id)
        )
    started = draft_verdict(claim)
    if expect_no_draft and started is not None:
        raise Conflict(
            _l(
                "someone else started this verdict since you opened the page (now: "
                "version %(version)s)",
                version=started.version,
            )
        )
    rating = _rating(session, rating_value_id)
    values = {
        "rating_value_id": rating.id if rating is not None else None,
        "summary": clean_text(summary, "summary", max_length=MAX_SUMMARY, multiline=True) or "",
        "explanation": clean_text(
            explanation, "explanation", max_length=MAX_EXPLANATION, multiline=True
        )
        or "",
    }
    verdict = draft_verdict(claim)
    if verdict is None:
        verdict = Verdict(
            claim_id=claim.id,
            created_by_id=actor.id,
            state=VerdictState.DRAFT,
            last_edited_by_id=actor.id,
            approved_alone=False,
            **values,
        )
        _add_verdict(session, verdict, actor=actor, action=AuditAction.VERDICT_DRAFT)
        session.refresh(claim, ["verdicts"])
        return verdict
    if expected_version is not None and expected_version != verdict.version:
        raise Conflict(
            _l(
                "the verdict was changed by someone else since you opened it (your "
                "copy: version %(expected_version)s; now: version %(version)s)",
                expected_version=expected_version,
                version=verdict.version,
            ),
            field="verdict",
        )
    if any(getattr(verdict, k) != v for k, v in values.items()):
        values["last_edited_by_id"] = actor.id
    _change_verdict(session, verdict, values, actor=actor, action=AuditAction.VERDICT_EDIT)
    return verdict


def _change_verdict(
    session: DBSession, verdict: Verdict, values: dict[str, Any], *, actor: User, action: str
) -> Changes:
    """Set ``values`` on ``verdict`` and record what changed (with its version step), if any."""
    return change_and_record(
        session,
        verdict,
        values,
        actor=actor,
        action=action,
        entity_type="verdict",
        data={"claim_id": verdict.claim_id},
        versioned=True,
    )


def _person(session: DBSession, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.display_name if user is not None else "someone"


def propose(
    session: DBSession,
    claim: Claim,
    *,
    actor: User,
    expected_version: int | None = None,
    expected_digest: str | None = None,
) -> Verdict:
    """The assigned reviewer asks for approval: needs a source, a rating and a summary.

    ``expected_version`` is the draft's version the reviewer's page showed, ``expected_digest``
    the proposal digest it showed (``review.proposal``): when someone changed the draft, the
    claim or its sources since, the proposal is refused (409) rather than made blind. Both are
    recorded, so approval is bound to exactly what was proposed.
    """
    require(actor, claim, "claim.propose")
    if row_for(claim, "claim.propose") is None:
        refuse_move(claim, ClaimStatus.AWAITING_APPROVAL)
    verdict = draft_verdict(claim)
    if verdict is not None and expected_version is not None and expected_version != verdict.version:
        raise Conflict(
            _l(
                "the verdict was changed since you opened the page (your copy: version "
                "%(expected_version)s; now: version %(version)s, last edited by "
                "%(name)s): reload, check it and propose again",
                expected_version=expected_version,
                version=verdict.version,
                name=_person(session, verdict.last_edited_by_id),
            ),
            field="verdict",
        )
    missing = []
    if not claim.sources:
        missing.append("at least one source")
    if verdict is None or verdict.rating_value_id is None:
        missing.append("a rating")
    if verdict is None or not verdict.summary.strip():
        missing.append("a summary")
    if missing:
        raise ValidationError(
            "before asking for approval, add " + ", ".join(missing), field="verdict"
        )
    assert verdict is not None and verdict.rating is not None
    if expected_digest is not None:
        moved = proposal.changed(expected_digest, claim, verdict)
        if moved:
            raise Conflict(
                _l(
                    "%(moved)s changed since you opened the page: reload, check and propose again",
                    moved=proposal.described(moved),
                ),
                field=moved[0],
            )
    if rating_in_wording(claim.claim_reviewed, verdict.rating):
        raise ValidationError(
            _l(
                "the claimReviewed wording contains the rating “%(label)s”; reword the "
                "claim so it states what was said, not the verdict",
                label=verdict.rating.label,
            ),
            field="claim_reviewed",
        )
    now = utcnow()
    _change_verdict(
        session,
        verdict,
        {
            "state": VerdictState.PROPOSED,
            "proposed_by_id": actor.id,
            "proposed_at": now,
            "proposed_version": verdict.version,
            "proposed_digest": proposal.digest(claim, verdict),
            "review_comment": None,
        },
        actor=actor,
        action=AuditAction.VERDICT_PROPOSE,
    )
    move(
        session,
        claim,
        ClaimStatus.AWAITING_APPROVAL,
        actor=actor,
        action=AuditAction.CLAIM_PROPOSE,
        data={"verdict_id": verdict.id},
    )
    return verdict


def _awaiting_proposal(claim: Claim) -> Verdict:
    """The proposal an editor decides on; a conflict when there is none (any more)."""
    verdict = policy.current_proposal(claim)
    if claim.status is not ClaimStatus.AWAITING_APPROVAL or verdict is None:
        raise Conflict(
            _l(
                "claim #%(id)s is not awaiting approval (it is %(status)s now); reload "
                "it to see its current state",
                id=claim.id,
                status=STATUS_NAMES[claim.status],
            )
        )
    return verdict


def _check_second_person(verdict: Verdict, actor: User, what: str) -> None:
    """The two-person rule: whoever proposed or last wrote ``verdict`` may not approve it."""
    if verdict.proposed_by_id == actor.id:
        raise PermissionDenied(
            _l("two-person rule: you proposed this verdict, so another editor must approve it")
            if what == "verdict"
            else _l(
                "two-person rule: you proposed this correction, so another editor must approve it"
            )
        )
    if verdict.last_edited_by_id == actor.id:
        raise PermissionDenied(
            _l(
                "two-person rule: you wrote this verdict's current rating or text, "
                "so another editor must approve it"
            )
            if what == "verdict"
            else _l(
                "two-person rule: you wrote this correction's current rating or text, "
                "so another editor must approve it"
            )
        )


def _check_as_proposed(claim: Claim, verdict: Verdict, what: str) -> None:
    """Refuse (409) when anything proposed moved since: approval is bound to the proposal."""
    if verdict.proposed_digest is None:  # proposed before migration 0009 recorded proposals
        raise Conflict(
            _l(
                "this verdict was proposed before approvals were bound to what was proposed, "
                "so there is no record to approve it against: send it back to be proposed again"
            )
            if what == "verdict"
            else _l(
                "this correction was proposed before approvals were bound to what was "
                "proposed, so there is no record to approve it against: send it back to be "
                "proposed again"
            ),
            field="verdict",
        )
    moved = proposal.changed(verdict.proposed_digest, claim, verdict)
    if moved:
        raise Conflict(
            _l(
                "%(moved)s changed since the verdict was proposed, so it is not what was "
                "proposed: send it back to be checked and proposed again",
                moved=proposal.described(moved),
            )
            if what == "verdict"
            else _l(
                "%(moved)s changed since the correction was proposed, so it is not what was "
                "proposed: send it back to be checked and proposed again",
                moved=proposal.described(moved),
            ),
            field=moved[0],
        )


def _approved_values(verdict: Verdict, actor: User) -> dict[str, Any]:
    """The fields approval sets: who, when, and the snapshot of the rating as published."""
    assert verdict.rating is not None
    return {
        "state": VerdictState.APPROVED,
        "approved_by_id": actor.id,
        "approved_at": utcnow(),
        **proposal.rating_snapshot(verdict.rating),
    }


def approve(
    session: DBSession, claim: Claim, *, actor: User, expected_version: int | None = None
) -> Verdict:
    """A second editor approves the proposed verdict, exactly as proposed: the claim is published.

    Keep this the one function that publishes a proposal, so a check that must run before
    anything is published (say, the ClaimReview validator) is one call inserted here.
    """
    require(actor, claim, "claim.publish")
    check_version(claim, expected_version)
    verdict = _awaiting_proposal(claim)
    _check_second_person(verdict, actor, "verdict")
    _check_as_proposed(claim, verdict, "verdict")
    assert verdict.rating is not None  # a proposal always has one (propose checks it)
    # The publication gate (issue 11, item 4): refuse before anything changes.
    check_publishable(
        session,
        claim,
        rating=verdict.rating,
        summary=verdict.summary,
        slug=claim.slug or make_slug(session, claim),
    )
    values = _approved_values(verdict, actor)
    _change_verdict(session, verdict, values, actor=actor, action=AuditAction.VERDICT_APPROVE)
    move(
        session,
        claim,
        ClaimStatus.PUBLISHED,
        actor=actor,
        action=AuditAction.CLAIM_PUBLISH,
        values={
            "published_verdict_id": verdict.id,
            "published_at": values["approved_at"],
            "slug": claim.slug or make_slug(session, claim),
        },
    )
    return verdict


def request_changes(session: DBSession, claim: Claim, comment: str, *, actor: User) -> Verdict:
    """An editor sends the proposal back to the reviewer with a comment."""
    require(actor, claim, "claim.send_back")
    verdict = _awaiting_proposal(claim)
    text = clean_text(comment, "comment", max_length=MAX_COMMENT, required=True, multiline=True)
    _change_verdict(
        session,
        verdict,
        {
            "state": VerdictState.DRAFT,
            "review_comment": text,
            "proposed_at": None,
            "proposed_by_id": None,
            "proposed_version": None,
            "proposed_digest": None,
        },
        actor=actor,
        action=AuditAction.VERDICT_SEND_BACK,
    )
    move(
        session,
        claim,
        ClaimStatus.IN_REVIEW,
        actor=actor,
        action=AuditAction.CLAIM_SEND_BACK,
        data={"comment": text},
    )
    return verdict


# --- corrections ---------------------------------------------------------------------------


def open_correction(claim: Claim) -> Verdict | None:
    """The correction drafted for the published verdict and awaiting a second editor, if any."""
    return policy.open_correction(claim)


def draft_correction(
    session: DBSession,
    claim: Claim,
    *,
    actor: User,
    rating_value_id: int | None,
    summary: str | None,
    explanation: str | None,
    note: str | None,
) -> Verdict:
    """An editor drafts a correction of the published verdict, awaiting a second editor.

    Until another editor approves it (:func:`approve_correction`), nothing published changes.
    """
    require(actor, claim, "claim.draft_correction")
    old = claim.published_verdict
    if row_for(claim, "claim.draft_correction") is None or old is None:
        raise Conflict(
            _l(
                "claim #%(id)s is %(status)s; only a published one is corrected",
                id=claim.id,
                status=STATUS_NAMES[claim.status],
            )
        )
    pending = open_correction(claim)
    if pending is not None:
        raise Conflict(
            _l(
                "a correction drafted by %(name)s is already awaiting "
                "approval: approve or discard it first",
                name=_person(session, pending.proposed_by_id),
            ),
            field="correction",
        )
    rating = _rating(session, rating_value_id)
    if rating is None:
        raise ValidationError(_l("choose a rating for the correction"), field="rating")
    if rating_in_wording(claim.claim_reviewed, rating):
        raise ValidationError(
            _l(
                "the claimReviewed wording contains the rating “%(label)s”; the "
                "correction would publish the verdict as the claim",
                label=rating.label,
            ),
            field="rating",
        )
    text = clean_text(note, "note", max_length=MAX_COMMENT, required=True, multiline=True)
    new_summary = clean_text(
        summary, "summary", max_length=MAX_SUMMARY, required=True, multiline=True
    )
    new_explanation = (
        clean_text(explanation, "explanation", max_length=MAX_EXPLANATION, multiline=True) or ""
    )
    if (rating.id, new_summary, new_explanation) == (
        old.rating_value_id,
        old.summary,
        old.explanation,
    ):
        raise ValidationError(
            _l("the correction changes nothing: change the rating, summary or explanation"),
            field="summary",
        )
    # The publication gate (issue 11, item 4): refused here already, and again at approval.
    check_publishable(session, claim, rating=rating, summary=new_summary, correcting=True)
    verdict = Verdict(
        claim_id=claim.id,
        rating_value_id=rating.id,
        summary=new_summary,
        explanation=new_explanation,
        state=VerdictState.PROPOSED,
        proposed_by_id=actor.id,
        proposed_at=utcnow(),
        proposed_version=1,
        corrects_id=old.id,
        correction_note=text,
        created_by_id=actor.id,
        last_edited_by_id=actor.id,
        approved_alone=False,
    )
    verdict.rating = rating
    verdict.proposed_digest = proposal.digest(claim, verdict)
    _add_verdict(session, verdict, actor=actor, action=AuditAction.VERDICT_CORRECTION_DRAFT)
    session.refresh(claim, ["verdicts"])
    return verdict


def _pending_correction(claim: Claim, expected_version: int | None, move_name: str) -> Verdict:
    correction = open_correction(claim)
    if row_for(claim, move_name) is None or correction is None:
        raise Conflict(
            _l(
                "claim #%(id)s has no correction awaiting approval; reload it to see "
                "its current state",
                id=claim.id,
            ),
            field="correction",
        )
    if expected_version is not None and expected_version != correction.version:
        raise Conflict(
            _l(
                "the correction was changed since you opened it (your copy: version "
                "%(expected_version)s; now: version %(version)s)",
                expected_version=expected_version,
                version=correction.version,
            ),
            field="correction",
        )
    return correction


def approve_correction(
    session: DBSession, claim: Claim, *, actor: User, expected_version: int | None = None
) -> Verdict:
    """A second editor approves the drafted correction: it becomes the published verdict.

    The earlier verdict is superseded (kept on record and on the page) and ``dateModified``
    moves. Like :func:`approve`, the one function that publishes a correction.
    """
    require(actor, claim, "claim.correct")
    correction = _pending_correction(claim, expected_version, "claim.correct")
    _check_second_person(correction, actor, "correction")
    old = claim.published_verdict
    if old is None or correction.corrects_id != old.id:
        raise Conflict(
            _l(
                "the published verdict changed since this correction was drafted: "
                "discard it and draft it again"
            ),
            field="correction",
        )
    _check_as_proposed(claim, correction, "correction")
    assert correction.rating is not None  # a drafted correction always has one
    # The publication gate (issue 11, item 4): refuse before anything changes.
    check_publishable(
        session, claim, rating=correction.rating, summary=correction.summary, correcting=True
    )
    _change_verdict(
        session,
        correction,
        _approved_values(correction, actor),
        actor=actor,
        action=AuditAction.VERDICT_APPROVE_CORRECTION,
    )
    _change_verdict(
        session,
        old,
        {"state": VerdictState.SUPERSEDED},
        actor=actor,
        action=AuditAction.VERDICT_SUPERSEDE,
    )
    # The relationship was loaded above: forget it before its key moves, or the flush writes the
    # key twice (post_update), stepping the version twice while the trail records one step.
    session.expire(claim, ["published_verdict"])
    move(
        session,
        claim,
        ClaimStatus.PUBLISHED,
        actor=actor,
        action=AuditAction.CLAIM_CORRECT,
        values={"published_verdict_id": correction.id},
        data={"correction_note": correction.correction_note},
    )
    return correction


def discard_correction(
    session: DBSession, claim: Claim, *, actor: User, expected_version: int | None = None
) -> Verdict:
    """An editor drops a correction draft: kept on record as discarded; nothing is published."""
    require(actor, claim, "claim.discard_correction")
    correction = _pending_correction(claim, expected_version, "claim.discard_correction")
    _change_verdict(
        session,
        correction,
        {"state": VerdictState.DISCARDED},
        actor=actor,
        action=AuditAction.VERDICT_DISCARD,
    )
    return correction


def corrections(claim: Claim) -> list[Verdict]:
    """The published corrections of a claim (approved, or superseded since), oldest first."""
    return [
        v
        for v in claim.verdicts
        if v.corrects_id is not None and v.state in (VerdictState.APPROVED, VerdictState.SUPERSEDED)
    ]


SLUG_BASE_LENGTH = 160  # + "-" + the claim id stays within the 200 characters of claims.slug


def make_slug(session: DBSession, claim: Claim) -> str:
    """A stable, readable URL slug for the public page: words of the claim, then its id."""
    text = unicodedata.normalize("NFKD", claim.claim_reviewed).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())[:10]
    # The column holds 200 characters: one very long "word" must not overflow it.
    base = "-".join(words)[:SLUG_BASE_LENGTH].strip("-")
    return f"{base}-{claim.id}" if base else f"claim-{claim.id}"


# --- notes ---------------------------------------------------------------------------------


def add_note(session: DBSession, claim: Claim, body: str, *, actor: User) -> Note:
    text = clean_text(body, "note", max_length=MAX_NOTE, required=True, multiline=True)
    note = Note(claim=claim, author_id=actor.id, body=text)
    session.add(note)
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction.NOTE_ADD,
        entity_type="note",
        entity_id=note.id,
        changes={"body": (None, text)},
        data={"claim_id": claim.id},
    )
    return note
