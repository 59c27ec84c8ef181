"""Creating and editing claims; every function records its audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import Changes, add_and_record, change_and_record
from factcheck.claims import workflow
from factcheck.claims.workflow import check_version, require_edit
from factcheck.database import DBSession
from factcheck.domain import Conflict, NotFound, ValidationError
from factcheck.extraction import Candidate
from factcheck.extraction.clauses import clause_problem, snap_to_words
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Article, Claim, ClaimantType, ClaimStatus, User
from factcheck.validation import (
    MAX_CLAIM_REVIEWED_LENGTH,
    MAX_TITLE_LENGTH,
    clean_text,
    clean_url,
)

# Every column a claim's history must be able to rebuild; creation events carry all of them.
CLAIM_FIELDS = (
    "article_id",
    "text",
    "start_offset",
    "end_offset",
    "claim_reviewed",
    "claimant_name",
    "claimant_type",
    "claimant_same_as",
    "claim_date",
    "appearance_url",
    "appearance_headline",
    "language",
    "score",
    "model_version",
    "reasons",
    "quantities",
    "status",
    "dismiss_reason",
    "duplicate_of_id",
    "assignee_id",
    "priority",
    "published_verdict_id",
    "slug",
    "published_at",
    "version",
)


def claim_reviewed_from(text: str, limit: int = 300) -> str:
    """A first ``claimReviewed`` wording: the sentence itself, cut at a word if very long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def _create_claim(
    session: DBSession,
    article: Article,
    start: int,
    end: int,
    *,
    actor: User | None,
    origin: str,
    **fields: Any,
) -> Claim:
    """Store the passage ``article.body[start:end]`` as a new claim and record its creation."""
    text = article.body[start:end]
    claim = Claim(
        article=article,
        text=text,
        start_offset=start,
        end_offset=end,
        claim_reviewed=claim_reviewed_from(text),
        language=article.language,
        appearance_url=article.url,
        appearance_headline=article.headline or article.title,
        claim_date=article.published_on,
        status=ClaimStatus.NEW,
        created_by_id=actor.id if actor else None,
        **fields,
    )
    add_and_record(
        session,
        claim,
        CLAIM_FIELDS,
        actor=actor,
        action=AuditAction.CLAIM_CREATE,
        entity_type="claim",
        data={"origin": origin},
    )
    return claim


def add_extracted_claims(
    session: DBSession, article: Article, candidates: Iterable[Candidate], *, actor: User | None
) -> list[Claim]:
    """Store the check-worthy candidates of ``article`` as claims in state ``new``."""
    claims = []
    for cand in candidates:
        if not cand.checkworthy:
            continue
        claim = _create_claim(
            session,
            article,
            cand.start,
            cand.end,
            actor=actor,
            origin="extraction",
            claimant_name=cand.claimant.name if cand.claimant else None,
            claimant_type=ClaimantType(cand.claimant.type) if cand.claimant else None,
            score=round(float(cand.score), 4),
            model_version=cand.model_version,
            reasons=list(cand.reasons),
            quantities=cand.to_dict()["quantities"],
        )
        claims.append(claim)
    return claims


MAX_CLAIM_TEXT = 2000
MAX_CLAIMANT = 200
EDITABLE_FIELDS = (
    "claim_reviewed",
    "claimant_name",
    "claimant_type",
    "claimant_same_as",
    "claim_date",
    "appearance_url",
    "appearance_headline",
    "priority",
)


def clean_claim_values(values: dict[str, Any]) -> dict[str, Any]:
    """Validate the editable fields of a claim; unknown fields are refused."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _l("cannot edit %(unknown)s", unknown=", ".join(sorted(unknown))),
            field=sorted(unknown)[0],
        )
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "claim_reviewed":
            out[name] = clean_text(
                value, "claim_reviewed", max_length=MAX_CLAIM_REVIEWED_LENGTH, required=True
            )
        elif name == "claimant_name":
            out[name] = clean_text(value, "claimant_name", max_length=MAX_CLAIMANT)
        elif name == "claimant_type":
            out[name] = _claimant_type(value)
        elif name in ("claimant_same_as", "appearance_url"):
            out[name] = clean_url(value, name)
        elif name == "appearance_headline":
            out[name] = clean_text(value, name, max_length=MAX_TITLE_LENGTH)
        elif name == "priority":
            if not isinstance(value, int) or not 0 <= value <= 3:
                raise ValidationError(_l("priority must be a whole number from 0 to 3"), field=name)
            out[name] = value
        else:  # claim_date
            if value is not None and not isinstance(value, date):
                raise ValidationError(_l("claim_date must be a date (YYYY-MM-DD)"), field=name)
            out[name] = value
    return out


def _claimant_type(value: Any) -> ClaimantType | None:
    if value in (None, ""):
        return None
    try:
        return ClaimantType(value)
    except ValueError:
        raise ValidationError(
            _l("claimant type must be Person or Organization"), field="claimant_type"
        ) from None


def edit_claim(
    session: DBSession,
    claim: Claim,
    values: dict[str, Any],
    *,
    actor: User,
    expected_version: int | None,
) -> Changes:
    """Change the wording, claimant, date, appearance or priority of a claim."""

    require_edit(actor, claim)
    check_version(claim, expected_version)
    cleaned = clean_claim_values(values)
    if cleaned.get("claimant_same_as") and not (
        cleaned.get("claimant_name") or claim.claimant_name
    ):
        raise ValidationError(
            _l("give the claimant's name with the sameAs link"), field="claimant_name"
        )
    return change_and_record(
        session,
        claim,
        cleaned,
        actor=actor,
        action=AuditAction.CLAIM_EDIT,
        entity_type="claim",
        versioned=True,
    )


def add_manual_claim(session: DBSession, article: Article, text: str, *, actor: User) -> Claim:
    """Any user adds a claim by hand: a passage of the article, found at its exact offsets."""
    passage = clean_text(text, "text", max_length=MAX_CLAIM_TEXT, required=True)
    start = article.body.find(passage)
    if start < 0:
        normalised = " ".join(passage.split())
        start = article.body.find(normalised)
        passage = normalised
    if start < 0:
        raise ValidationError(
            _l(
                "that text does not appear in the article; select or paste a passage "
                "of the article exactly"
            ),
            field="text",
        )
    end = start + len(passage)
    existing = session.scalar(
        sa.select(Claim).where(
            Claim.article_id == article.id, Claim.start_offset == start, Claim.end_offset == end
        )
    )
    if existing is not None:
        raise ValidationError(
            _l("that passage is already claim #%(id)s", id=existing.id), field="text"
        )
    return _create_claim(
        session,
        article,
        start,
        end,
        actor=actor,
        origin="manual",
        reasons=["added by hand"],
        quantities=[],
    )


MAX_BULK = 200
BULK_ACTIONS = ("accept", "dismiss")


def triage_many(
    session: DBSession,
    picked: Iterable[tuple[int, int]],
    action: str,
    *,
    actor: User,
    reason: str | None = None,
) -> list[Claim]:
    """Accept or dismiss (with one reason) several candidates, all or nothing.

    ``picked`` holds ``(claim id, version the editor saw)`` pairs. Each claim goes through
    ``workflow.accept`` / ``workflow.dismiss``, which record its own audit event; a claim that is
    missing, changed since it was seen (another version) or no longer a candidate raises before
    the caller commits, naming that claim, so the caller's rollback leaves every claim as it was.
    """

    if action not in BULK_ACTIONS:
        raise ValidationError(_l("action must be accept or dismiss"), field="action")
    items = list(dict(picked).items())  # one entry per claim, in the order given
    if not items:
        raise ValidationError(_l("select at least one claim"), field="claims")
    if len(items) > MAX_BULK:
        raise ValidationError(
            _l("select at most %(max_bulk)s claims at once", max_bulk=MAX_BULK), field="claims"
        )
    text = None
    if action == "dismiss":
        text = clean_text(reason, "reason", max_length=workflow.MAX_REASON_LENGTH, required=True)
    ids = sorted(claim_id for claim_id, _ in items)
    # Lock the rows in id order (PostgreSQL; SQLite's writer lock already serialises) so two
    # bulk requests over the same claims wait for each other instead of deadlocking.
    found = {
        c.id: c
        for c in session.scalars(
            sa.select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id).with_for_update()
        )
    }
    for claim_id, version in items:
        claim = found.get(claim_id)
        if claim is None:
            raise NotFound(_l("no claim #%(claim_id)s", claim_id=claim_id))
        if claim.version != version:
            raise Conflict(
                _l(
                    "claim #%(id)s was changed by someone else since the queue was shown "
                    "(it is %(status)s now); nothing was changed",
                    id=claim.id,
                    status=workflow.STATUS_NAMES[claim.status],
                )
            )
        if action == "accept":
            workflow.accept(session, claim, actor=actor)
        else:
            workflow.dismiss(session, claim, text or "", actor=actor)
    return [found[claim_id] for claim_id, _ in items]


def add_selected_claim(session: DBSession, article: Article, text: str, *, actor: User) -> Claim:
    """A user adds a claim by selecting (or pasting) a passage of the article on its page.

    The passage is widened to whole words (a selection cut inside a word takes the word) and
    must be at least a clause: a few words with a verb (``extraction.clauses``); otherwise a
    ``ValidationError`` on ``text`` says what is missing. Then it is stored as
    :func:`add_manual_claim` does, with its audit event.
    """

    passage = clean_text(text, "text", max_length=MAX_CLAIM_TEXT, required=True)
    start = article.body.find(passage)
    if start < 0:
        passage = " ".join(passage.split())
        start = article.body.find(passage)
    if start < 0:
        raise ValidationError(
            _l(
                "that text does not appear in the article; select or paste a passage "
                "of the article exactly"
            ),
            field="text",
        )
    start, end = snap_to_words(article.body, start, start + len(passage))
    passage = article.body[start:end]
    problem = clause_problem(passage, article.language)
    if problem is not None:
        raise ValidationError(problem, field="text")
    return add_manual_claim(session, article, passage, actor=actor)
