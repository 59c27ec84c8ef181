"""The desk in figures: portable aggregate queries (SQLite and PostgreSQL), one per table.

Each figure is a :class:`Table` — a title, column headings and rows — which the page draws as
an SVG chart with the same table beside it, and which exports as CSV. Counting happens in SQL
(grouped by day, folded into ISO weeks here); only the published claims of the range are read
one by one, to compute the median and 90th percentile of their time from queued to published.

- *Found*: claims created (extracted or added by hand) that day.
- *Triaged*: editors' accept and dismiss decisions (``claim.accept``/``claim.dismiss`` events).
- *Published*: claims first published that day (``claims.published_at``).
- *Queued → published*: from a claim's first ``claim.accept`` to its publication.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.languages import N_
from factcheck.models import AuditEvent, Claim, ClaimStatus, User, Verdict, utcnow

DEFAULT_WEEKS = 12
MAX_DAYS = 3 * 366  # a longer range would make the weekly table unreadable
TRIAGE_ACTIONS = ("claim.accept", "claim.dismiss")
OPEN = (
    ClaimStatus.NEW,
    ClaimStatus.QUEUED,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.AWAITING_APPROVAL,
)


# Age buckets of open claims: (label, lower bound in days, upper bound in days or None).
AGES = (
    (N_("under 1 day"), 0, 1),
    (N_("1–7 days"), 1, 7),
    (N_("7–30 days"), 7, 30),
    (N_("over 30 days"), 30, None),
)
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    language: str | None = None

    @property
    def since(self) -> datetime:
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=UTC)

    @property
    def until(self) -> datetime:  # exclusive
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) + timedelta(days=1)

    def args(self) -> dict[str, str]:
        out = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.language:
            out["language"] = self.language
        return out


def _day(value: str | None, name: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    if not DATE.match(text):
        raise ValidationError(
            _l("%(name)s: not a date; write it as YYYY-MM-DD", name=name), field=name
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _l("%(name)s: no such day (%(text)s)", name=name, text=text), field=name
        ) from None


def parse_filters(args: Any, *, today: date | None = None) -> Filters:
    """The range and language asked for; a malformed or reversed range names its field (422)."""
    today = today or utcnow().date()
    end = _day(args.get("end"), "end") or today
    start = _day(args.get("start"), "start") or end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(
        days=1
    )
    if start > end:
        raise ValidationError(
            _l(
                "start: %(start)s is after the end, %(end)s",
                start=start.isoformat(),
                end=end.isoformat(),
            ),
            field="start",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError(
            _l("start: a range spans at most %(max_days)s days", max_days=MAX_DAYS), field="start"
        )
    language = (args.get("language") or "").strip() or None
    if language is not None and not LANGUAGE.match(language):
        raise ValidationError(_l("language: not a language code (fr, en…)"), field="language")
    return Filters(start=start, end=end, language=language)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str | None = None


@dataclass
class Dashboard:
    filters: Filters
    tables: dict[str, Table]
    median_hours: float | None
    p90_hours: float | None
    published_count: int


# --- helpers --------------------------------------------------------------------------------


def _day_of(session: DBSession, column: Any) -> Any:
    """The UTC calendar day of a timestamp column, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.timezone("UTC", column), sa.Date)
    return sa.func.date(column)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(filters: Filters) -> list[date]:
    first, weeks = _monday(filters.start), []
    while first <= filters.end:
        weeks.append(first)
        first += timedelta(weeks=1)
    return weeks


def _language(filters: Filters) -> list[Any]:
    return [Claim.language == filters.language] if filters.language else []


def _claim_key() -> Any:
    """``claims.id`` spelled as the audit trail's ``entity_id`` (a string), for index joins."""
    return sa.cast(Claim.id, sa.String)


# --- the figures ----------------------------------------------------------------------------


def weekly(session: DBSession, filters: Filters) -> Table:
    counts: dict[str, dict[date, int]] = {k: defaultdict(int) for k in ("found", "tri", "pub")}

    def per_day(key: str, column: Any, *where: Any, join: Any = None) -> None:
        day = _day_of(session, column)
        stmt = sa.select(day, sa.func.count()).where(*where).group_by(day)
        if join is not None:
            stmt = join(stmt)
        for value, n in session.execute(stmt):
            counts[key][_monday(_as_date(value))] += int(n)

    in_range = (filters.since, filters.until)
    per_day(
        "found",
        Claim.created_at,
        Claim.created_at >= in_range[0],
        Claim.created_at < in_range[1],
        *_language(filters),
    )
    triage_where = [
        AuditEvent.action.in_(TRIAGE_ACTIONS),
        AuditEvent.entity_type == "claim",
        AuditEvent.occurred_at >= in_range[0],
        AuditEvent.occurred_at < in_range[1],
    ]
    if filters.language:
        per_day(
            "tri",
            AuditEvent.occurred_at,
            *triage_where,
            Claim.language == filters.language,
            join=lambda s: s.select_from(Claim).join(
                AuditEvent,
                sa.and_(AuditEvent.entity_type == "claim", AuditEvent.entity_id == _claim_key()),
            ),
        )
    else:
        per_day("tri", AuditEvent.occurred_at, *triage_where)
    per_day(
        "pub",
        Claim.published_at,
        Claim.published_at >= in_range[0],
        Claim.published_at < in_range[1],
        *_language(filters),
    )
    table = Table(
        "weekly",
        N_("Claims found, triaged and published per week"),
        [N_("week (from Monday)"), N_("found"), N_("triaged"), N_("published")],
    )
    for week in _weeks(filters):
        table.rows.append([week, counts["found"][week], counts["tri"][week], counts["pub"][week]])
    return table


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile with linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def time_to_publish(
    session: DBSession, filters: Filters
) -> tuple[Table, float | None, float | None, int]:
    first_queued = sa.func.min(AuditEvent.occurred_at)
    stmt = (
        sa.select(Claim.published_at, first_queued)
        .select_from(Claim)
        .join(
            AuditEvent,
            sa.and_(
                AuditEvent.entity_type == "claim",
                AuditEvent.entity_id == _claim_key(),
                AuditEvent.action == "claim.accept",
            ),
        )
        .where(
            Claim.published_at >= filters.since,
            Claim.published_at < filters.until,
            *_language(filters),
        )
        .group_by(Claim.id, Claim.published_at)
    )
    hours: list[float] = []
    for published_at, queued_at in session.execute(stmt):
        if published_at is None or queued_at is None:
            continue
        queued = (
            queued_at if isinstance(queued_at, datetime) else datetime.fromisoformat(str(queued_at))
        )
        if queued.tzinfo is None:
            queued = queued.replace(tzinfo=UTC)
        hours.append(max(0.0, (published_at - queued).total_seconds() / 3600))
    median = statistics.median(hours) if hours else None
    p90 = _quantile(hours, 0.9) if hours else None
    table = Table(
        "time_to_publish",
        N_("Time from queued to published (hours)"),
        [N_("published claims"), N_("median"), N_("90th percentile")],
        [[len(hours), _round(median), _round(p90)]],
        note=N_("Claims published in the range, from their first acceptance into the queue."),
    )
    return table, median, p90, len(hours)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def open_by_status_and_age(
    session: DBSession, filters: Filters, *, now: datetime | None = None
) -> Table:
    moment = now or utcnow()
    bucket = sa.case(
        *(
            (Claim.created_at > moment - timedelta(days=low), i - 1)
            for i, (_label, low, _high) in enumerate(AGES)
            if i > 0
        ),
        else_=len(AGES) - 1,
    )
    rows = session.execute(
        sa.select(Claim.status, bucket, sa.func.count())
        .where(Claim.status.in_(OPEN), *_language(filters))
        .group_by(Claim.status, bucket)
    ).all()
    grid = {status: [0] * len(AGES) for status in OPEN}
    for status, index, n in rows:
        grid[ClaimStatus(status)][int(index)] += int(n)
    table = Table(
        "open",
        N_("Open claims by status and age (now)"),
        [N_("status"), *(label for label, _, _ in AGES), N_("total")],
        note=N_("Age since the claim was found; the date range does not apply, the language does."),
    )
    for status in OPEN:
        table.rows.append([status.value.replace("_", " "), *grid[status], sum(grid[status])])
    return table


def reviewer_load(session: DBSession, filters: Filters) -> Table:
    in_review = sa.func.count().filter(Claim.status == ClaimStatus.IN_REVIEW)
    awaiting = sa.func.count().filter(Claim.status == ClaimStatus.AWAITING_APPROVAL)
    published = sa.func.count().filter(
        Claim.published_at >= filters.since, Claim.published_at < filters.until
    )
    rows = session.execute(
        sa.select(User.display_name, User.email, in_review, awaiting, published)
        .join(Claim, Claim.assignee_id == User.id)
        .where(
            sa.or_(
                Claim.status.in_((ClaimStatus.IN_REVIEW, ClaimStatus.AWAITING_APPROVAL)),
                sa.and_(Claim.published_at >= filters.since, Claim.published_at < filters.until),
            ),
            *_language(filters),
        )
        .group_by(User.id, User.display_name, User.email)
        .order_by(in_review.desc(), User.display_name)
    ).all()
    return Table(
        "load",
        N_("Load per reviewer"),
        [N_("reviewer"), N_("in review"), N_("awaiting approval"), N_("published in range")],
        [[name, int(a), int(b), int(c)] for name, _email, a, b, c in rows],
    )


def verdicts(session: DBSession, filters: Filters) -> Table:
    count = sa.func.count()
    rows = session.execute(
        sa.select(Verdict.snapshot_label, Claim.language, count)
        .join(Verdict, Verdict.id == Claim.published_verdict_id)
        .where(
            Claim.published_at >= filters.since,
            Claim.published_at < filters.until,
            *_language(filters),
        )
        .group_by(Verdict.snapshot_label, Claim.language)
        .order_by(count.desc(), Verdict.snapshot_label, Claim.language)
    ).all()
    return Table(
        "verdicts",
        N_("Verdicts by rating and language"),
        [N_("rating"), N_("language"), N_("published")],
        [[label or "—", language, int(n)] for label, language, n in rows],
        note=N_("Claims published in the range, with the rating they are published with now."),
    )


def dashboard(session: DBSession, filters: Filters) -> Dashboard:
    ttp, median, p90, published = time_to_publish(session, filters)
    tables = {
        "weekly": weekly(session, filters),
        "time_to_publish": ttp,
        "open": open_by_status_and_age(session, filters),
        "load": reviewer_load(session, filters),
        "verdicts": verdicts(session, filters),
    }
    return Dashboard(filters, tables, median, p90, published)


TABLES = ("weekly", "time_to_publish", "open", "load", "verdicts")


def one_table(session: DBSession, filters: Filters, key: str) -> Table:
    if key not in TABLES:
        raise ValidationError(
            _l("table: one of %(tables)s", tables=", ".join(TABLES)), field="table"
        )
    if key == "time_to_publish":
        return time_to_publish(session, filters)[0]
    return {
        "weekly": weekly,
        "open": open_by_status_and_age,
        "load": reviewer_load,
        "verdicts": verdicts,
    }[key](session, filters)
