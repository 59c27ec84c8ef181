"""Published fact-checks as ClaimReview: the one place that maps the models to JSON-LD data.

Pages, the feed and the export all read published claims through :func:`published_select` and
turn each row into a :class:`ReviewData` with :func:`review_data`, so what a page embeds and
what the feed lists can never drift apart. Nothing here returns HTTP responses or commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.database import DBSession
from factcheck.models import Claim, ClaimStatus, Verdict
from factcheck.organisation.settings import EffectiveSettings, effective_settings
from factcheck.publishing import freshness
from factcheck.publishing.jsonld.build import (
    FeedFormat,
    Organisation,
    ReviewBuilder,
    ReviewData,
    SupportsWriteStr,
    check_appearance,
    check_claimant,
    check_dates,
    iso_date,
    require_text,
    write_feed,
)

log = logging.getLogger(__name__)

PUBLIC_PATH = "fact-checks/"  # public pages live at the organisation's URL + fact-checks/<slug>
FEED_BATCH = 500  # rows fetched per round trip while streaming


def organisation_of(settings: EffectiveSettings) -> Organisation:
    """The ClaimReview ``author`` made of the organisation settings in force."""
    return Organisation(
        name=settings.name,
        url=settings.url,
        logo_url=settings.logo_url,
        publishing_principles=settings.methodology_url,
        corrections_policy=settings.corrections_policy_url,
        same_as=settings.same_as,
    )


def organisation(session: DBSession, config: Mapping[str, Any]) -> Organisation:
    """The fact-checking organisation: as an admin saved it, else from the ORG_* settings."""
    return organisation_of(effective_settings(session, config))


def organisation_variant(org: Organisation) -> tuple[str, ...]:
    """Everything of the organisation that shapes a ClaimReview, for the feed's ETag."""
    return (
        org.name,
        org.url,
        org.logo_url or "",
        org.publishing_principles or "",
        org.corrections_policy or "",
        " ".join(org.same_as),
    )


def public_path(slug: str) -> str:
    """The public page of a fact-check, relative to the organisation's URL."""
    return PUBLIC_PATH + quote(slug, safe="")


# --- reading published claims ------------------------------------------------------------------


def published_select(*, stored: bool = False) -> sa.Select[Any]:
    """Every column a ClaimReview needs, one row per published claim, newest first.

    The rating comes from the published verdict's snapshot, taken when it was approved: what an
    admin later does to the rating scales never changes a published fact-check. ``stored``
    reads the times, the claim date and the claimant type as the driver returns them, without
    the column types' conversion in Python (see :class:`ReviewRows`, which formats them).
    """
    as_stored = _as_stored if stored else _as_typed
    return (
        sa.select(
            Claim.id,
            Claim.slug,
            Claim.claim_reviewed,
            Claim.language,
            as_stored(Claim.published_at),
            Claim.claimant_name,
            as_stored(Claim.claimant_type),
            Claim.claimant_same_as,
            as_stored(Claim.claim_date),
            Claim.appearance_url,
            Claim.appearance_headline,
            Verdict.summary,
            as_stored(Verdict.approved_at),
            Verdict.corrects_id,
            # The rating as approved (the verdict's snapshot), never the scale as it is now.
            Verdict.snapshot_label.label("rating_label"),
            Verdict.snapshot_value.label("rating_value"),
            Verdict.snapshot_definition.label("rating_definition"),
            Verdict.snapshot_best.label("best"),
            Verdict.snapshot_worst.label("worst"),
            Verdict.snapshot_language.label("rating_language"),
        )
        .join(Verdict, Verdict.id == Claim.published_verdict_id)
        .where(Claim.status == ClaimStatus.PUBLISHED, Claim.slug.is_not(None))
        .order_by(Claim.published_at.desc(), Claim.id.desc())
    )


def _as_typed(column: Any) -> Any:
    return column


def _as_stored(column: Any) -> Any:
    """The column as its driver reads it: a string type has no result conversion."""
    return sa.type_coerce(column, sa.String).label(column.key)


def review_data(row: Any) -> ReviewData:
    """Map one :func:`published_select` row to the builder's ReviewData (raises ValueError).

    ``dateModified`` is the approval time of the latest correction: the published verdict is
    always the newest one, so it is that verdict's ``approved_at`` when it corrects another.
    """
    modified = row.approved_at if row.corrects_id is not None else None
    claimant = row.claimant_name or None
    return ReviewData(
        url=public_path(row.slug),
        claim_reviewed=row.claim_reviewed,
        date_published=row.published_at,
        date_modified=modified,
        in_language=row.language,
        rating_label=row.rating_label,
        rating_value=row.rating_value,
        best_rating=row.best,
        worst_rating=row.worst,
        rating_definition=row.rating_definition or None,
        summary=row.summary or "",
        claimant_name=claimant,
        claimant_type=row.claimant_type.value if claimant and row.claimant_type else None,
        claimant_same_as=row.claimant_same_as if claimant else None,
        claim_date=row.claim_date,
        appearance_url=row.appearance_url,
        appearance_headline=row.appearance_headline,
    )


def get_published(session: DBSession, slug: str) -> Claim | None:
    """The published claim at ``slug``, or ``None`` (unknown, or not published)."""
    return session.scalar(
        sa.select(Claim).where(Claim.slug == slug, Claim.status == ClaimStatus.PUBLISHED)
    )


def claim_review(session: DBSession, claim: Claim, org: Organisation) -> dict[str, Any]:
    """The ClaimReview of one published claim, read through the same query as the feed."""
    row = session.execute(published_select(stored=True).where(Claim.id == claim.id)).one()
    return ReviewRows(org).build(row)


def iter_claim_reviews(
    session: DBSession,
    org: Organisation,
    *,
    since: date | None = None,
    on_skip: Callable[[int, str], None] | None = None,
) -> Generator[dict[str, Any], None, None]:
    """Yield the ClaimReview of every published claim, newest first, in bounded memory.

    Rows are fetched ``FEED_BATCH`` at a time (a server-side cursor on PostgreSQL) as plain
    tuples through Core, and each becomes a ClaimReview with the checks ReviewData makes (see
    :class:`ReviewRows`). ``since`` keeps the reviews published or corrected on or after that
    day (UTC). A row that cannot be built (say, a rating scale with one value) is skipped and
    reported to ``on_skip`` and the log, so one bad row never truncates a feed half-way through.
    """
    query = published_select(stored=True)
    if since is not None:
        query = query.where(Verdict.approved_at >= start_of_day(since))
    build = ReviewRows(org).build
    # ``with`` closes the (server-side) cursor even when the consumer stops half-way.
    with session.connection().execute(query.execution_options(yield_per=FEED_BATCH)) as result:
        for partition in result.partitions():
            for row in partition:
                try:
                    review = build(row)
                except ValueError as exc:
                    log.error("claim #%s left out of the ClaimReview feed: %s", row[0], exc)
                    if on_skip is not None:
                        on_skip(row[0], str(exc))
                    continue
                yield review


# Slugs made of unreserved characters only, which ``quote`` leaves as they are, and no "." or
# ".." segment: the public URL is the organisation's base and the path, without urljoin.
_PLAIN_SLUG = re.compile(r"(?!\.\.?\Z)[A-Za-z0-9_.~-]+\Z")


class ReviewRows:
    """Turn :func:`published_select` ``(stored=True)`` rows into ClaimReviews for one export.

    The same mapping as :func:`review_data` and the same checks as ReviewData, without making
    one per row: the organisation's parts are made once (:class:`ReviewBuilder`), each distinct
    rating and language is checked once, and a row is read by position. Times come as SQLite
    stores them (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC) or as aware datetimes (PostgreSQL).
    """

    def __init__(self, org: Organisation) -> None:
        self.builder = ReviewBuilder(org)
        self.base = self.builder.relative_base + PUBLIC_PATH

    def url(self, slug: str) -> str:
        if type(slug) is str and _PLAIN_SLUG.match(slug):
            return self.base + slug
        return self.builder.org.absolute_url(public_path(slug))

    def build(self, row: Sequence[Any]) -> dict[str, Any]:
        """The ClaimReview of one row; raises ValueError (naming why) when it cannot be built."""
        (
            _id,
            slug,
            claim_reviewed,
            language,
            published,
            claimant_name,
            claimant_type,
            claimant_same_as,
            claim_date,
            appearance_url,
            appearance_headline,
            summary,
            approved,
            corrects_id,
            label,
            value,
            definition,
            best,
            worst,
            _rating_language,
        ) = row
        builder = self.builder
        url = self.url(slug)
        require_text("claim_reviewed", claim_reviewed)
        builder.check_rating(label, value, best, worst)
        builder.check_language(language)
        modified = approved if corrects_id is not None else None
        check_dates(published, modified)
        claimant_name = claimant_name or None
        if claimant_name is None:
            claimant_type = claimant_same_as = None
        check_claimant(claimant_name, claimant_type, claimant_same_as)
        check_appearance(appearance_url, appearance_headline)
        return builder.build(
            url,
            claim_reviewed,
            stored_time(published),
            stored_time(modified) if modified is not None and modified != published else None,
            language,
            (label, value, best, worst, summary or "", definition or None),
            (claimant_name, claimant_type, claimant_same_as),
            claim_date if claim_date is None or type(claim_date) is str else claim_date.isoformat(),
            (appearance_url, appearance_headline, False),
        )


def stored_time(value: Any) -> str:
    """A stored time as the ClaimReview writes it (``iso_date`` of the UTC instant)."""
    if type(value) is str and len(value) == 26 and value[10] == " ":  # SQLite's own format
        return value[:10] + "T" + value[11:19] + "+00:00"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    return iso_date(value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC))


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_day(text: str) -> date:
    """A calendar day written ``YYYY-MM-DD`` (nothing else); ValueError says what was wrong."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(_("%(value)s is not a date written YYYY-MM-DD", value=repr(text)))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("%(value)s is not a real calendar date", value=repr(text))) from None


@dataclass(frozen=True, slots=True)
class PublishedPage:
    """One page of the public index: rows of :func:`published_select`, newest first."""

    rows: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def published_page(session: DBSession, *, page: int, per_page: int) -> PublishedPage | None:
    """Page ``page`` (from 1) of the published fact-checks, or ``None`` past the last page."""
    total = int(
        session.scalar(sa.select(sa.func.count()).select_from(published_select().subquery())) or 0
    )
    result = PublishedPage(rows=[], page=page, per_page=per_page, total=total)
    if page < 1 or page > result.pages:
        return None
    rows = list(session.execute(published_select().limit(per_page).offset((page - 1) * per_page)))
    return PublishedPage(rows=rows, page=page, per_page=per_page, total=total)


# --- feed freshness ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedState:
    """What identifies one version of the feed: how many reviews, the latest change, and the
    revision token that every change to the published markup replaces (``freshness``)."""

    count: int
    latest: datetime | None
    revision: str = ""

    @property
    def last_modified(self) -> datetime | None:
        """The latest change, to the second (HTTP dates have no fractions)."""
        return self.latest.replace(microsecond=0) if self.latest is not None else None

    def etag(self, *variant: str) -> str:
        """A strong validator: count, latest change (µs), and whatever else shapes the body."""
        stamp = self.latest.isoformat() if self.latest is not None else "-"
        key = "|".join((str(self.count), stamp, self.revision, *variant))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def http_date(self) -> str | None:
        modified = self.last_modified
        return format_datetime(modified, usegmt=True) if modified is not None else None


def feed_state(
    session: DBSession, *, since: date | None = None, org_saved_at: datetime | None = None
) -> FeedState:
    """Count the published reviews and find the latest change to the published markup.

    The latest change is the latest publication or correction, the feed revision's time (any
    other change to what the reviews show: a scale edit, a published claim changed…), and
    ``org_saved_at`` (when an admin last saved the organisation settings, which author every
    review and the feed itself).
    """
    query = (
        sa.select(
            sa.func.count(), sa.func.max(Claim.published_at), sa.func.max(Verdict.approved_at)
        )
        .select_from(Claim)
        .join(Verdict, Verdict.id == Claim.published_verdict_id)
        .where(Claim.status == ClaimStatus.PUBLISHED, Claim.slug.is_not(None))
    )
    if since is not None:
        query = query.where(Verdict.approved_at >= start_of_day(since))
    count, published, approved = session.execute(query).one()
    revision = freshness.current(session)
    changed_at = revision.changed_at if revision is not None else None
    moments = [_aware(m) for m in (published, approved, org_saved_at, changed_at) if m is not None]
    return FeedState(
        count=int(count),
        latest=max(moments) if moments else None,
        revision=revision.token if revision is not None else "",
    )


def _aware(value: datetime) -> datetime:
    """Defensive: both aggregates keep the UTC column type, but a naive value is UTC anyway."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- export ------------------------------------------------------------------------------------


def export_claim_reviews(
    session: DBSession,
    fp: SupportsWriteStr,
    org: Organisation,
    *,
    format: FeedFormat = "json",
    since: date | None = None,
    progress: Callable[[int], None] | None = None,
    on_skip: Callable[[int, str], None] | None = None,
) -> int:
    """Stream every published ClaimReview to ``fp``; return how many were written."""

    def counted() -> Iterator[dict[str, Any]]:
        reviews = iter_claim_reviews(session, org, since=since, on_skip=on_skip)
        with contextlib.closing(reviews):
            for review in reviews:
                yield review
                if progress is not None:
                    progress(1)

    return write_feed(counted(), fp, format, org=org)


def record_export(
    session: DBSession, *, count: int, path: str, format: str, since: date | None
) -> None:
    """Write the ``export.claimreview`` audit event (in the caller's transaction)."""
    record(
        session,
        actor=None,
        actor_label="cli",
        action=AuditAction.EXPORT_CLAIMREVIEW,
        entity_type="claimreview_feed",
        data={
            "count": count,
            "path": path,
            "format": format,
            "since": since.isoformat() if since else None,
        },
    )
