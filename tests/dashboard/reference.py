"""The dashboard's figures counted directly from the claims and the audit trail, as they were
before migration 0023 kept them: the oracle the kept counts are compared with."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from factcheck.dashboard import figures
from factcheck.database import DBSession
from factcheck.languages import N_
from factcheck.models import AuditEvent, Claim, ClaimStatus, User, Verdict, utcnow


def _key() -> Any:
    """``claims.id`` spelled as the audit trail's ``entity_id`` (a string), for index joins."""
    return sa.cast(Claim.id, sa.String)


def weekly(session: DBSession, filters: figures.Filters) -> figures.Table:
    counts: dict[str, dict[date, int]] = {k: defaultdict(int) for k in ("found", "tri", "pub")}

    def per_day(key: str, column: Any, *where: Any, join: Any = None) -> None:
        day = figures._day_of(session, column)
        stmt = sa.select(day, sa.func.count()).where(*where).group_by(day)
        if join is not None:
            stmt = join(stmt)
        for value, n in session.execute(stmt):
            counts[key][figures._monday(figures._as_date(value))] += int(n)

    in_range = (filters.since, filters.until)
    per_day(
        "found",
        Claim.created_at,
        Claim.created_at >= in_range[0],
        Claim.created_at < in_range[1],
        *figures._language(filters),
    )
    triage_where = [
        AuditEvent.action.in_(figures.TRIAGE_ACTIONS),
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
                sa.and_(AuditEvent.entity_type == "claim", AuditEvent.entity_id == _key()),
            ),
        )
    else:
        per_day("tri", AuditEvent.occurred_at, *triage_where)
    per_day(
        "pub",
        Claim.published_at,
        Claim.published_at >= in_range[0],
        Claim.published_at < in_range[1],
        *figures._language(filters),
    )
    table = figures.Table(
        "weekly",
        N_("Claims found, triaged and published per week"),
        [N_("week (from Monday)"), N_("found"), N_("triaged"), N_("published")],
    )
    for week in figures._weeks(filters):
        table.rows.append([week, counts["found"][week], counts["tri"][week], counts["pub"][week]])
    return table


def time_to_publish(
    session: DBSession, filters: figures.Filters
) -> tuple[figures.Table, float | None, float | None, int]:
    first_queued = sa.func.min(AuditEvent.occurred_at)
    stmt = (
        sa.select(Claim.published_at, first_queued)
        .select_from(Claim)
        .join(
            AuditEvent,
            sa.and_(
                AuditEvent.entity_type == "claim",
                AuditEvent.entity_id == _key(),
                AuditEvent.action == "claim.accept",
            ),
        )
        .where(
            Claim.published_at >= filters.since,
            Claim.published_at < filters.until,
            *figures._language(filters),
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
    p90 = figures._quantile(hours, 0.9) if hours else None
    table = figures.Table(
        "time_to_publish",
        N_("Time from queued to published (hours)"),
        [N_("published claims"), N_("median"), N_("90th percentile")],
        [[len(hours), figures._round(median), figures._round(p90)]],
        note=N_("Claims published in the range, from their first acceptance into the queue."),
    )
    return table, median, p90, len(hours)


def open_by_status_and_age(
    session: DBSession, filters: figures.Filters, *, now: datetime | None = None
) -> figures.Table:
    moment = now or utcnow()
    bucket = sa.case(
        *(
            (Claim.created_at > moment - timedelta(days=low), i - 1)
            for i, (_label, low, _high) in enumerate(figures.AGES)
            if i > 0
        ),
        else_=len(figures.AGES) - 1,
    )
    rows = session.execute(
        sa.select(Claim.status, bucket, sa.func.count())
        .where(Claim.status.in_(figures.OPEN), *figures._language(filters))
        .group_by(Claim.status, bucket)
    ).all()
    grid = {status: [0] * len(figures.AGES) for status in figures.OPEN}
    for status, index, n in rows:
        grid[ClaimStatus(status)][int(index)] += int(n)
    table = figures.Table(
        "open",
        N_("Open claims by status and age (now)"),
        [N_("status"), *(label for label, _, _ in figures.AGES), N_("total")],
        note=N_("Age since the claim was found; the date range does not apply, the language does."),
    )
    for status in figures.OPEN:
        table.rows.append([status.value.replace("_", " "), *grid[status], sum(grid[status])])
    return table


def reviewer_load(session: DBSession, filters: figures.Filters) -> figures.Table:
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
            *figures._language(filters),
        )
        .group_by(User.id, User.display_name, User.email)
        .order_by(in_review.desc(), User.display_name)
    ).all()
    return figures.Table(
        "load",
        N_("Load per reviewer"),
        [N_("reviewer"), N_("in review"), N_("awaiting approval"), N_("published in range")],
        [[name, int(a), int(b), int(c)] for name, _email, a, b, c in rows],
    )


def verdicts(session: DBSession, filters: figures.Filters) -> figures.Table:
    count = sa.func.count()
    rows = session.execute(
        sa.select(Verdict.snapshot_label, Claim.language, count)
        .join(Verdict, Verdict.id == Claim.published_verdict_id)
        .where(
            Claim.published_at >= filters.since,
            Claim.published_at < filters.until,
            *figures._language(filters),
        )
        .group_by(Verdict.snapshot_label, Claim.language)
        .order_by(count.desc(), Verdict.snapshot_label, Claim.language)
    ).all()
    return figures.Table(
        "verdicts",
        N_("Verdicts by rating and language"),
        [N_("rating"), N_("language"), N_("published")],
        [[label or "—", language, int(n)] for label, language, n in rows],
        note=N_("Claims published in the range, with the rating they are published with now."),
    )
