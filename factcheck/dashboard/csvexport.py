"""CSV of the queue (its current filters) and of the dashboard's tables, streamed.

Spreadsheets read the files as they are meant: UTF-8 with a byte-order mark (so accents survive
Excel), ISO 8601 dates, one row per claim. A text cell that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
``'`` so it stays text. Rows are read from the database in batches (``yield_per``: a server-side
cursor on PostgreSQL) and written as they come, so 100,000 claims take bounded memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from factcheck.claims import queries
from factcheck.dashboard.figures import Table
from factcheck.database import DBSession
from factcheck.models import Article, Claim, User, Verdict
from factcheck.publishing.services import public_path

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000
QUEUE_COLUMNS = [
    "id",
    "status",
    "claim_reviewed",
    "text",
    "claimant",
    "claimant_type",
    "language",
    "score",
    "priority",
    "rating",
    "reviewer",
    "article",
    "claim_date",
    "created_at",
    "updated_at",
    "published_at",
    "public_url",
]


def neutralise(value: Any) -> str:
    """One cell as text: ISO dates, and no formula a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float):
        value = value.value  # an enum
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text, a chunk at a time: the BOM and header first, then ~100 rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([neutralise(cell) for cell in row])
        if n % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def table_lines(table: Table) -> Iterator[str]:
    return lines(table.columns, table.rows)


def queue_select(session: DBSession, filters: queries.QueueFilters, user: User) -> sa.Select[Any]:
    """One row per claim matching the queue's filters, in the queue's order."""
    reviewer = aliased(User)
    sort = filters.sort if filters.sort in queries.SORTS else queries.DEFAULT_SORT
    stmt = (
        sa.select(
            Claim.id,
            Claim.status,
            Claim.claim_reviewed,
            Claim.text,
            Claim.claimant_name,
            Claim.claimant_type,
            Claim.language,
            Claim.score,
            Claim.priority,
            Verdict.snapshot_label,
            reviewer.display_name,
            Article.title,
            Claim.claim_date,
            Claim.created_at,
            Claim.updated_at,
            Claim.published_at,
            Claim.slug,
        )
        .outerjoin(Article, Article.id == Claim.article_id)
        .outerjoin(reviewer, reviewer.id == Claim.assignee_id)
        .outerjoin(Verdict, Verdict.id == Claim.published_verdict_id)
        .where(*queries._conditions(session, filters, user))
        .order_by(*queries.order_by(queries.SORTS[sort][1]))
    )
    if filters.status is not None:
        stmt = stmt.where(Claim.status == filters.status)
    return stmt


def queue_rows(
    session: DBSession,
    filters: queries.QueueFilters,
    user: User,
    org_url: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[list[Any]]:
    """The queue's rows for CSV, fetched ``BATCH`` at a time (a server-side cursor on PG)."""
    result = session.execute(
        queue_select(session, filters, user).execution_options(yield_per=BATCH)
    )
    for row in result:
        *cells, slug = row
        score = cells[7]
        cells[7] = None if score is None else f"{score:.3f}"
        url = urljoin(org_url, public_path(slug).lstrip("/")) if slug and row.published_at else ""
        yield [*cells, url]
        if progress is not None:
            progress(1)


def queue_count(session: DBSession, filters: queries.QueueFilters, user: User) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(Claim)
        .where(*queries._conditions(session, filters, user))
    )
    if filters.status is not None:
        stmt = stmt.where(Claim.status == filters.status)
    return int(session.scalar(stmt) or 0)
