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

from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import N_
from factcheck.models import (
    Claim,
    ClaimAssigneeCount,
    ClaimDayCount,
    ClaimPublication,
    ClaimStatus,
    ClaimTriageDayCount,
    TriageDayCount,
    User,
    utcnow,
)

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


# --- the figures ----------------------------------------------------------------------------


def _per_week(rows: Any) -> dict[date, int]:
    """Counts per day folded into ISO weeks (keyed by their Monday)."""
    out: dict[date, int] = defaultdict(int)
    for day, n in rows:
        out[_monday(_as_date(day))] += int(n)
    return out


def _found_per_week(session: DBSession, filters: Filters) -> dict[date, int]:
    languages = [ClaimDayCount.language == filters.language] if filters.language else []
    return _per_week(
        session.execute(
            sa.select(ClaimDayCount.day, sa.func.sum(ClaimDayCount.n))
            .where(ClaimDayCount.day >= filters.start, ClaimDayCount.day <= filters.end)
            .where(*languages)
            .group_by(ClaimDayCount.day)
        )
    )


def _triaged_per_week(session: DBSession, filters: Filters) -> dict[date, int]:
    if filters.language:
        kept: Any = ClaimTriageDayCount
        where = [ClaimTriageDayCount.language == filters.language]
    else:
        kept, where = TriageDayCount, []
    return _per_week(
        session.execute(
            sa.select(kept.day, kept.n).where(
                kept.day >= filters.start, kept.day <= filters.end, *where
            )
        )
    )


def _published(filters: Filters) -> list[Any]:
    """The kept publications of the range (and language)."""
    where = [
        ClaimPublication.published_at >= filters.since,
        ClaimPublication.published_at < filters.until,
    ]
    if filters.language:
        where.append(ClaimPublication.language == filters.language)
    return where


def _published_per_week(session: DBSession, filters: Filters) -> dict[date, int]:
    day = _day_of(session, ClaimPublication.published_at)
    return _per_week(
        session.execute(sa.select(day, sa.func.count()).where(*_published(filters)).group_by(day))
    )


def weekly(session: DBSession, filters: Filters) -> Table:
    found = _found_per_week(session, filters)
    triaged = _triaged_per_week(session, filters)
    published = _published_per_week(session, filters)
    table = Table(
        "weekly",
        N_("Claims found, triaged and published per week"),
        [N_("week (from Monday)"), N_("found"), N_("triaged"), N_("published")],
    )
    for week in _weeks(filters):
        table.rows.append([week, found[week], triaged[week], published[week]])
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


def _seconds_to_publish(session: DBSession, filters: Filters) -> list[float]:
    """From first acceptance to publication, for each claim published in the range.

    PostgreSQL subtracts (an exact count of microseconds, as ``timedelta.total_seconds`` gives
    it here, sent as a double rather than a decimal), sparing two timestamps' conversion per row;
    SQLite's times are text, so Python subtracts them. The rows (thousands) are read through the
    session's connection, without the ORM's handling of each (≈ 30 ms at 6,700 rows).
    """
    published, accepted = ClaimPublication.published_at, ClaimPublication.accepted_at
    where = [*_published(filters), accepted.is_not(None)]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        seconds = sa.cast(sa.extract("epoch", published - accepted), sa.Float)
        return list(connection.execute(sa.select(seconds).where(*where)).scalars().all())
    rows = connection.execute(sa.select(published, accepted).where(*where)).all()
    return [(done - queued).total_seconds() for done, queued in rows]


def time_to_publish(
    session: DBSession, filters: Filters
) -> tuple[Table, float | None, float | None, int]:
    hours = [max(0.0, seconds / 3600) for seconds in _seconds_to_publish(session, filters)]
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


def _boundaries() -> list[timedelta]:
    """The ages at which a claim moves to the next bucket."""
    return [timedelta(days=low) for _label, low, _high in AGES[1:]]


def _age_bucket(column: Any, boundaries: list[Any]) -> Any:
    """The index of the age bucket of ``column``: the first boundary it is later than."""
    return sa.case(
        *((column > boundary, i) for i, boundary in enumerate(boundaries)), else_=len(AGES) - 1
    )


def _split_days(moment: datetime) -> set[date]:
    """The days a bucket boundary falls in: their claims are bucketed one by one."""
    return {(moment - age).date() for age in _boundaries()}


def _open_days(
    session: DBSession, filters: Filters, moment: datetime, days: set[date]
) -> list[tuple[str, int, int]]:
    """Open claims found on ``days`` by status and age bucket, counted claim by claim."""
    bucket = _age_bucket(Claim.created_at, [moment - age for age in _boundaries()])
    within = [
        sa.and_(Claim.created_at >= start, Claim.created_at < start + timedelta(days=1))
        for start in (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in sorted(days))
    ]
    rows = session.execute(
        sa.select(Claim.status, bucket, sa.func.count())
        .where(sa.or_(*within), Claim.status.in_(OPEN), *_language(filters))
        .group_by(Claim.status, bucket)
    )
    return [(status, int(index), int(n)) for status, index, n in rows]


def open_by_status_and_age(
    session: DBSession, filters: Filters, *, now: datetime | None = None
) -> Table:
    """Kept counts per day found, bucketed here: whole days fall in one bucket, and the (up to
    three) days a bucket boundary cuts through are counted claim by claim."""
    moment = now or utcnow()
    split = _split_days(moment)
    # A whole day is younger than a boundary exactly when it comes after the boundary's day.
    bucket = _age_bucket(ClaimDayCount.day, [(moment - age).date() for age in _boundaries()])
    languages = [ClaimDayCount.language == filters.language] if filters.language else []
    rows = session.execute(
        sa.select(ClaimDayCount.status, bucket, sa.func.sum(ClaimDayCount.n))
        .where(ClaimDayCount.status.in_(OPEN), ClaimDayCount.day.not_in(split), *languages)
        .group_by(ClaimDayCount.status, bucket)
    )
    grid = {status: [0] * len(AGES) for status in OPEN}
    for status, index, n in rows:
        grid[ClaimStatus(status)][int(index)] += int(n)
    for status, index, n in _open_days(session, filters, moment, split):
        grid[ClaimStatus(status)][index] += n
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
    held: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    languages = [ClaimAssigneeCount.language == filters.language] if filters.language else []
    statuses = (ClaimStatus.IN_REVIEW, ClaimStatus.AWAITING_APPROVAL)
    for user_id, status, n in session.execute(
        sa.select(ClaimAssigneeCount.assignee_id, ClaimAssigneeCount.status, ClaimAssigneeCount.n)
        .where(ClaimAssigneeCount.status.in_(statuses), ClaimAssigneeCount.n != 0)
        .where(*languages)
    ):
        held[user_id][statuses.index(ClaimStatus(status))] += int(n)
    for user_id, n in session.execute(
        sa.select(ClaimPublication.assignee_id, sa.func.count())
        .where(*_published(filters), ClaimPublication.assignee_id.is_not(None))
        .group_by(ClaimPublication.assignee_id)
    ):
        held[user_id][2] += int(n)
    return Table(
        "load",
        N_("Load per reviewer"),
        [N_("reviewer"), N_("in review"), N_("awaiting approval"), N_("published in range")],
        _by_load(session, {user: counts for user, counts in held.items() if any(counts)}),
    )


def _by_load(session: DBSession, held: dict[int, list[int]]) -> list[list[Any]]:
    """One row per reviewer: most claims in review first, then by name (the database's
    collation, as ``ORDER BY`` says it)."""
    if not held:
        return []
    names = session.execute(
        sa.select(User.id, User.display_name)
        .where(User.id.in_(list(held)))
        .order_by(User.display_name, User.id)
    ).all()
    rank = {user_id: k for k, (user_id, _name) in enumerate(names)}
    ordered = sorted(names, key=lambda row: (-held[row[0]][0], rank[row[0]]))
    return [[name, *held[user_id]] for user_id, name in ordered]


def verdicts(session: DBSession, filters: Filters) -> Table:
    count = sa.func.count()
    label, language = ClaimPublication.verdict_label, ClaimPublication.language
    rows = session.execute(
        sa.select(label, language, count)
        .where(*_published(filters), ClaimPublication.verdict_id.is_not(None))
        .group_by(label, language)
        .order_by(count.desc(), label, language)
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
