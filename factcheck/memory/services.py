"""Storing other organisations' fact-checks, and giving them back as ClaimReview.

``import_reviews`` takes what the importer normalised (``publishing.jsonld.importer``) and
stores each usable review as an :class:`ImportedFactCheck`, or updates the one it already is
(same url, or same publisher + claim + day). Refused items are reported with their reason and
store nothing. Like every service it flushes and audits, and never commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa

from factcheck.articles.parsing import detect_language
from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, change_and_record
from factcheck.database import DBSession
from factcheck.models import FollowedFeed, ImportedFactCheck, User
from factcheck.publishing.jsonld.build import SCHEMA_CONTEXT, iso_date
from factcheck.publishing.jsonld.importer import ImportedReview, ImportProblem, refusal
from factcheck.validation import clean_url

Action = Literal["created", "updated", "unchanged", "refused"]
ENTITY = "fact_check"
AUDITED_FIELDS = (
    "review_url",
    "publisher_name",
    "claim_reviewed",
    "rating_label",
    "rating_value",
    "date_published",
    "language",
    "source",
)
URL_LENGTH = 2000
LANGUAGE_LENGTH = 35
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "ngo"}


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What happened to one item of the input: its index and path, the action and why."""

    index: int
    path: str
    action: Action
    message: str
    fact_check_id: int | None = None
    warnings: tuple[str, ...] = ()


def identity_key(publisher: str, claim: str, day: date | None) -> str:
    """SHA-256 of publisher, claim wording and publication day, case- and space-insensitive."""
    parts = (
        " ".join(publisher.casefold().split()),
        " ".join(claim.casefold().split()),
        day.isoformat() if day else "",
    )
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _language(item: ImportedReview) -> tuple[str, bool]:
    if item.language and len(item.language) <= LANGUAGE_LENGTH:
        return item.language, False
    text = " ".join(t for t in (item.claim_reviewed, item.rating_explanation, item.headline) if t)
    return detect_language(text), True


def _values(item: ImportedReview, source: str) -> dict[str, Any]:
    language, inferred = _language(item)
    assert item.review_url is not None and item.publisher_name is not None  # refusal() checked
    return {
        "review_url": item.review_url,
        "identity_key": identity_key(item.publisher_name, item.claim_reviewed, item.date_published),
        "publisher_name": item.publisher_name,
        "publisher_url": item.publisher_url,
        "review_author_name": item.review_author_name,
        "claim_reviewed": item.claim_reviewed,
        "headline": item.headline,
        "claimant_name": item.claimant_name,
        "claimant_type": item.claimant_type,
        "claimant_same_as": item.claimant_same_as,
        "claim_date": item.claim_date,
        "appearance_url": item.appearance_url,
        "appearance_headline": item.appearance_headline,
        "appearance_is_first": item.appearance_is_first,
        "rating_label": item.rating_label,
        "rating_value": item.rating_value,
        "best_rating": item.best_rating,
        "worst_rating": item.worst_rating,
        "rating_explanation": item.rating_explanation,
        "rating_description": item.rating_description,
        "date_published": item.date_published,
        "published_at": item.published_at,
        "date_modified": item.date_modified,
        "modified_at": item.modified_at,
        "language": language,
        "language_inferred": inferred,
        "original": item.original or {},
        "source": source,
    }


def find_existing(session: DBSession, url: str, key: str) -> list[ImportedFactCheck]:
    """The stored reviews with this url or this identity (at most two distinct rows)."""
    rows = session.scalars(
        sa.select(ImportedFactCheck)
        .where(sa.or_(ImportedFactCheck.review_url == url, ImportedFactCheck.identity_key == key))
        .order_by(ImportedFactCheck.id)
    ).all()
    return list(rows)


def import_reviews(
    session: DBSession,
    results: Iterable[ImportedReview | ImportProblem],
    *,
    source: str,
    actor: User | None,
    dry_run: bool = False,
) -> list[ImportOutcome]:
    """Store (or, with ``dry_run``, only check) each usable review; report every item.

    The same review imported again updates its row instead of adding a copy: the same ``url``,
    or the same publisher, claim and publication day. An item without url or publisher, or
    with a rating off its scale, is refused with its reason and stores nothing.
    """
    outcomes: list[ImportOutcome] = []
    planned: dict[str, int] = {}  # dry run: urls and keys seen earlier in the same input
    for item in results:
        if isinstance(item, ImportProblem):
            outcomes.append(ImportOutcome(item.index, item.path, "refused", item.message))
            continue
        reason = refusal(item)
        if reason is None and len(item.review_url or "") > URL_LENGTH:
            reason = f"url is longer than {URL_LENGTH} characters"
        if reason is not None:
            outcomes.append(
                ImportOutcome(item.index, item.path, "refused", reason, warnings=item.warnings)
            )
            continue
        values = _values(item, source)
        url, key = values["review_url"], values["identity_key"]
        existing = find_existing(session, url, key)
        if len(existing) > 1:
            ids = ", ".join(f"#{row.id}" for row in existing)
            outcomes.append(
                ImportOutcome(
                    item.index,
                    item.path,
                    "refused",
                    f"its url and its publisher + claim + date point to two stored "
                    f"fact-checks ({ids}); remove one first",
                    warnings=item.warnings,
                )
            )
            continue
        if dry_run:
            seen = url in planned or key in planned
            planned[url] = planned[key] = item.index
            action: Action = "updated" if existing or seen else "created"
            target = existing[0].id if existing else None
            outcomes.append(
                ImportOutcome(item.index, item.path, action, describe(item), target, item.warnings)
            )
            continue
        if existing:
            row = existing[0]
            # The original JSON follows the modelled fields: a review re-read from another
            # wrapper (a DataFeed instead of JSON Lines) is unchanged, not updated.
            changes = change_and_record(
                session,
                row,
                {k: v for k, v in values.items() if k not in ("source", "original")},
                actor=actor,
                action=AuditAction.FACT_CHECK_REIMPORT,
                entity_type=ENTITY,
                data={"source": source[:500]},
            )
            if changes:
                row.original = values["original"]
            action = "updated" if changes else "unchanged"
        else:
            row = ImportedFactCheck(**values, imported_by_id=actor.id if actor else None)
            add_and_record(
                session,
                row,
                AUDITED_FIELDS,
                actor=actor,
                action=AuditAction.FACT_CHECK_IMPORT,
                entity_type=ENTITY,
            )
            action = "created"
        outcomes.append(
            ImportOutcome(item.index, item.path, action, describe(item), row.id, item.warnings)
        )
    return outcomes


def describe(item: ImportedReview) -> str:
    """One line about a review: claim, rating, publisher, day and url."""
    rating = item.rating_label
    if item.rating_value is not None and item.best_rating is not None:
        rating += f" ({item.rating_value:g}/{item.best_rating:g})"
    parts = [f"“{item.claim_reviewed}”", f"rated {rating}"]
    if item.publisher_name:
        parts.append(f"by {item.publisher_name}")
    if item.date_published:
        parts.append(f"on {item.date_published.isoformat()}")
    if item.language:
        parts.append(f"in {item.language}")
    if item.review_url:
        parts.append(item.review_url)
    return ", ".join(parts)


# --- reading back -------------------------------------------------------------------------------


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _when(moment: datetime | None, day: date | None) -> str | None:
    if moment is not None:
        return iso_date(moment)
    return day.isoformat() if day else None


def _author(fc: ImportedFactCheck) -> dict[str, Any]:
    """The publisher as it came (when it was one Organization node), else rebuilt from columns."""
    original = fc.original.get("author") if isinstance(fc.original, dict) else None
    if isinstance(original, dict) and original.get("name") == fc.publisher_name:
        kinds = original.get("@type")
        names = kinds if isinstance(kinds, list) else [kinds]
        if any(isinstance(k, str) and k.lower() in _ORG_TYPES for k in names):
            return original
    node: dict[str, Any] = {"@type": "Organization", "name": fc.publisher_name}
    if fc.publisher_url:
        node["url"] = fc.publisher_url
    return node


def claim_review_of(fc: ImportedFactCheck) -> dict[str, Any]:
    """The stored review as a ClaimReview object, every modelled field as it was imported."""
    obj: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": fc.review_url,
        "claimReviewed": fc.claim_reviewed,
    }
    published = _when(fc.published_at, fc.date_published)
    if published:
        obj["datePublished"] = published
    modified = _when(fc.modified_at, fc.date_modified)
    if modified:
        obj["dateModified"] = modified
    if fc.headline:
        obj["headline"] = fc.headline
    obj["inLanguage"] = fc.language
    obj["author"] = _author(fc)
    if fc.review_author_name:
        obj["creator"] = {"@type": "Person", "name": fc.review_author_name}
    rating: dict[str, Any] = {"@type": "Rating"}
    for key, value in (
        ("ratingValue", _number(fc.rating_value)),
        ("bestRating", _number(fc.best_rating)),
        ("worstRating", _number(fc.worst_rating)),
    ):
        if value is not None:
            rating[key] = value
    rating["alternateName"] = fc.rating_label
    if fc.rating_explanation:
        rating["ratingExplanation"] = fc.rating_explanation
    if fc.rating_description:
        rating["description"] = fc.rating_description
    obj["reviewRating"] = rating
    claim: dict[str, Any] = {"@type": "Claim"}
    if fc.claimant_name:
        author: dict[str, Any] = {"@type": fc.claimant_type or "Person", "name": fc.claimant_name}
        if fc.claimant_same_as:
            author["sameAs"] = fc.claimant_same_as
        claim["author"] = author
    if fc.claim_date:
        claim["datePublished"] = fc.claim_date.isoformat()
    if fc.appearance_url or fc.appearance_headline:
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if fc.appearance_url:
            work["url"] = fc.appearance_url
        if fc.appearance_headline:
            work["headline"] = fc.appearance_headline
        claim["firstAppearance" if fc.appearance_is_first else "appearance"] = work
    obj["itemReviewed"] = claim
    return obj


SEARCH_LIMIT = 50


def search_fact_checks(
    session: DBSession, query: str = "", *, limit: int = SEARCH_LIMIT
) -> list[ImportedFactCheck]:
    """Imported fact-checks, newest first; ``query`` keeps those whose claim, publisher,
    claimant or rating contains every word (case-insensitive)."""
    stmt = sa.select(ImportedFactCheck)
    for word in query.split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            sa.or_(
                ImportedFactCheck.claim_reviewed.ilike(pattern, escape="\\"),
                ImportedFactCheck.publisher_name.ilike(pattern, escape="\\"),
                ImportedFactCheck.claimant_name.ilike(pattern, escape="\\"),
                ImportedFactCheck.rating_label.ilike(pattern, escape="\\"),
            )
        )
    stmt = stmt.order_by(
        ImportedFactCheck.date_published.desc().nulls_last(), ImportedFactCheck.id.desc()
    ).limit(limit)
    return list(session.scalars(stmt))


def count_fact_checks(session: DBSession) -> int:
    return int(session.scalar(sa.select(sa.func.count(ImportedFactCheck.id))) or 0)


def summary(outcomes: list[ImportOutcome]) -> str:
    """``2 imported, 0 updated, 1 unchanged, 1 refused`` (and the first refusal's reason)."""
    counts = {a: sum(o.action == a for o in outcomes) for a in ("created", "updated", "unchanged")}
    refused = [o for o in outcomes if o.action == "refused"]
    text = (
        f"{counts['created']} imported, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {len(refused)} refused"
    )
    if refused:
        text += f" (first: [{refused[0].index}] {refused[0].message})"
    return text


def follow_feed(session: DBSession, url: str, *, actor: User | None) -> FollowedFeed:
    """Follow a feed of fact-checks: the worker imports it every hour."""

    address = clean_url(url, "url", required=True)
    existing = session.scalar(sa.select(FollowedFeed).where(FollowedFeed.url == address))
    if existing is not None:
        change_and_record(
            session,
            existing,
            {"active": True},
            actor=actor,
            action=AuditAction.FEED_FOLLOW,
            entity_type="followed_feed",
        )
        return existing
    feed = FollowedFeed(url=address, created_by_id=actor.id if actor else None)
    add_and_record(
        session,
        feed,
        ("url", "active"),
        actor=actor,
        action=AuditAction.FEED_FOLLOW,
        entity_type="followed_feed",
    )
    return feed


def unfollow_feed(session: DBSession, feed: FollowedFeed, *, actor: User | None) -> None:
    change_and_record(
        session,
        feed,
        {"active": False},
        actor=actor,
        action=AuditAction.FEED_UNFOLLOW,
        entity_type="followed_feed",
    )


def followed_feeds(session: DBSession) -> list[FollowedFeed]:
    return list(session.scalars(sa.select(FollowedFeed).order_by(FollowedFeed.url)))
