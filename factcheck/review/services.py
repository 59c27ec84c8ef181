"""Sources, verdicts, notes, approval and corrections. Each change records its audit event."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from factcheck.audit.log import Changes, add_and_record, change_and_record, record
from factcheck.claims import policy
from factcheck.claims.workflow import check_version, label, move, require_edit
from factcheck.database import DBSession
from factcheck.domain import Conflict, NotFound, PermissionDenied, ValidationError
from factcheck.models import (
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
from factcheck.validation import clean_text, clean_url

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
            f"unknown source field {sorted(unknown)[0]}", field=sorted(unknown)[0]
        )
    out: dict[str, Any] = {
        "url": clean_url(values.get("url"), "url", required=True),
        "title": clean_text(values.get("title"), "title", max_length=500, required=True),
        "publisher": clean_text(values.get("publisher"), "publisher", max_length=200),
        "excerpt": clean_text(values.get("excerpt"), "excerpt", max_length=5000, multiline=True),
        "archive_url": clean_url(values.get("archive_url"), "archive_url"),
    }
    for name in ("date_published", "date_accessed"):
        value = values.get(name)
        if value is not None and not isinstance(value, date):
            raise ValidationError(f"{name} must be a date (YYYY-MM-DD)", field=name)
        out[name] = value
    if (
        out["date_published"]
        and out["date_accessed"]
        and out["date_accessed"] < out["date_published"]
    ):
        raise ValidationError("date accessed is before the date published", field="date_accessed")
    try:
        out["stance"] = Stance(str(values.get("stance")))
    except ValueError:
        raise ValidationError(
            "stance must be supports, refutes or context", field="stance"
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
        action="source.add",
        entity_type="source",
        data={"claim_id": claim.id},
    )
    # The page is captured by a worker, outside this request (factcheck.outlets.snapshots).
    request_snapshot(session, source)
    return source


def get_source(session: DBSession, claim: Claim, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None or source.claim_id != claim.id:
        raise NotFound(f"claim #{claim.id} has no source #{source_id}")
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
        raise Conflict(f"source #{source.id} was changed by someone else since you opened it")
    changes = change_and_record(
        session,
        source,
        clean_source_values(values),
        actor=actor,
        action="source.edit",
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
        action="source.remove",
        entity_type="source",
        entity_id=source_id,
        changes=before,
        data={"claim_id": claim_id},
    )


# --- verdicts ------------------------------------------------------------------------------


def draft_verdict(claim: Claim) -> Verdict | None:
    return next((v for v in reversed(claim.verdicts) if v.state is VerdictState.DRAFT), None)


def _rating(session: DBSession, rating_value_id: int | None) -> RatingValue | None:
    if rating_value_id is None:
        return None
    rating = session.get(RatingValue, rating_value_id)
    if rating is None:
        raise ValidationError(f"no rating #{rating_value_id} on any scale", field="rating")
    return rating


def rating_in_wording(claim_reviewed: str, rating: RatingValue) -> bool:
    """True when the claimReviewed wording contains the rating label (it must not)."""

    def norm(text: str) -> str:
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()

    return re.search(rf"\b{re.escape(norm(rating.label))}\b", norm(claim_reviewed)) is not None


def save_verdict(
    session: DBSession,
    claim: Claim,
    *,
    actor: User,
    rating_value_id: int | None,
    summary: str | None,
    explanation: str | None,
    expected_version: int | None = None,
) -> Verdict:
    """Create or update the draft verdict of an in-review claim."""
    require_edit(actor, claim)
    if claim.status is not ClaimStatus.IN_REVIEW:
        raise Conflict(f"claim #{claim.id} is not in review; its verdict cannot be edited")
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
        verdict = Verdict(claim=claim, created_by_id=actor.id, state=VerdictState.DRAFT)
        session.add(verdict)
        for name, value in values.items():
            setattr(verdict, name, value)
        session.flush()
        record(
            session,
            actor=actor,
            action="verdict.draft",
            entity_type="verdict",
            entity_id=verdict.id,
            changes={k: (None, v) for k, v in values.items()},
            data={"claim_id": claim.id},
        )
        return verdict
    if expected_version is not None and expected_version != verdict.version:
        raise Conflict(
            f"the verdict was changed by someone else since you opened it "
            f"(your copy: version {expected_version}; now: version {verdict.version})"
        )
    _change_verdict(session, verdict, values, actor=actor, action="verdict.edit")
    return verdict


def _change_verdict(
    session: DBSession, verdict: Verdict, values: dict[str, Any], *, actor: User, action: str
) -> Changes:
    """Set ``values`` on ``verdict`` and record what changed, if anything did."""
    return change_and_record(
        session,
        verdict,
        values,
        actor=actor,
        action=action,
        entity_type="verdict",
        data={"claim_id": verdict.claim_id},
    )


def propose(session: DBSession, claim: Claim, *, actor: User) -> Verdict:
    """The assigned reviewer asks for approval: needs a source, a rating and a summary."""
    if not policy.can_propose(actor, claim):
        raise PermissionDenied("only the assigned reviewer can propose a verdict for this claim")
    verdict = draft_verdict(claim)
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
    if rating_in_wording(claim.claim_reviewed, verdict.rating):
        raise ValidationError(
            f"the claimReviewed wording contains the rating “{verdict.rating.label}”; "
            "reword the claim so it states what was said, not the verdict",
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
            "review_comment": None,
        },
        actor=actor,
        action="verdict.propose",
    )
    move(
        session,
        claim,
        ClaimStatus.AWAITING_APPROVAL,
        actor=actor,
        action="claim.propose",
        data={"verdict_id": verdict.id},
    )
    return verdict


def _awaiting_proposal(claim: Claim) -> Verdict:
    """The proposal an editor decides on; a conflict when there is none (any more)."""
    verdict = policy.current_proposal(claim)
    if claim.status is not ClaimStatus.AWAITING_APPROVAL or verdict is None:
        raise Conflict(
            f"claim #{claim.id} is not awaiting approval (it is {label(claim.status)} now); "
            "reload it to see its current state"
        )
    return verdict


def approve(
    session: DBSession, claim: Claim, *, actor: User, expected_version: int | None = None
) -> Verdict:
    """A second editor approves the proposed verdict; the claim is published."""
    if not policy.is_editor(actor):
        raise PermissionDenied("only an editor can approve a verdict awaiting approval")
    check_version(claim, expected_version)
    verdict = _awaiting_proposal(claim)
    if verdict.proposed_by_id == actor.id:
        raise PermissionDenied(
            "two-person rule: you proposed this verdict, so another editor must approve it"
        )
    now = utcnow()
    _change_verdict(
        session,
        verdict,
        {"state": VerdictState.APPROVED, "approved_by_id": actor.id, "approved_at": now},
        actor=actor,
        action="verdict.approve",
    )
    move(
        session,
        claim,
        ClaimStatus.PUBLISHED,
        actor=actor,
        action="claim.publish",
        values={
            "published_verdict_id": verdict.id,
            "published_at": now,
            "slug": claim.slug or make_slug(session, claim),
        },
    )
    return verdict


def request_changes(session: DBSession, claim: Claim, comment: str, *, actor: User) -> Verdict:
    """An editor sends the proposal back to the reviewer with a comment."""
    if not policy.is_editor(actor):
        raise PermissionDenied("only an editor can send back a verdict awaiting approval")
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
        },
        actor=actor,
        action="verdict.send_back",
    )
    move(
        session,
        claim,
        ClaimStatus.IN_REVIEW,
        actor=actor,
        action="claim.send_back",
        data={"comment": text},
    )
    return verdict


def correct(
    session: DBSession,
    claim: Claim,
    *,
    actor: User,
    rating_value_id: int,
    summary: str,
    explanation: str | None,
    note: str,
) -> Verdict:
    """An editor corrects a published verdict; the earlier one stays on record, superseded."""
    if not policy.can_correct(actor, claim):
        raise PermissionDenied("only an editor can correct a published fact-check")
    old = claim.published_verdict
    assert old is not None
    rating = _rating(session, rating_value_id)
    if rating is None:
        raise ValidationError("choose a rating for the correction", field="rating")
    if rating_in_wording(claim.claim_reviewed, rating):
        raise ValidationError(
            f"the claimReviewed wording contains the rating “{rating.label}”; the correction "
            "would publish the verdict as the claim",
            field="rating",
        )
    text = clean_text(
        note, "correction note", max_length=MAX_COMMENT, required=True, multiline=True
    )
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
            "the correction changes nothing: change the rating, summary or explanation",
            field="summary",
        )
    now = utcnow()
    verdict = Verdict(
        claim=claim,
        rating_value_id=rating.id,
        summary=new_summary,
        explanation=new_explanation,
        state=VerdictState.APPROVED,
        proposed_by_id=actor.id,
        proposed_at=now,
        approved_by_id=actor.id,
        approved_at=now,
        corrects_id=old.id,
        correction_note=text,
        created_by_id=actor.id,
    )
    session.add(verdict)
    old.state = VerdictState.SUPERSEDED
    session.flush()
    record(
        session,
        actor=actor,
        action="verdict.correct",
        entity_type="verdict",
        entity_id=verdict.id,
        changes={
            "rating_value_id": (old.rating_value_id, rating.id),
            "summary": (old.summary, new_summary),
            "explanation": (old.explanation, new_explanation),
        },
        data={"claim_id": claim.id, "corrects": old.id, "correction_note": text},
    )
    claim.published_verdict = verdict
    session.flush()
    session.refresh(claim)
    record(
        session,
        actor=actor,
        action="claim.correct",
        entity_type="claim",
        entity_id=claim.id,
        changes={
            "published_verdict_id": (old.id, verdict.id),
            "version": (claim.version - 1, claim.version),
        },
        data={"correction_note": text},
    )
    return verdict


def corrections(claim: Claim) -> list[Verdict]:
    """The corrections of a published claim, oldest first."""
    return [v for v in claim.verdicts if v.corrects_id is not None]


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
        action="note.add",
        entity_type="note",
        entity_id=note.id,
        changes={"body": (None, text)},
        data={"claim_id": claim.id},
    )
    return note
