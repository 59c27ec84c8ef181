"""Reading the claim queue: filters, full-text search, keyset pagination and counts per status.

Pagination is by keyset (a cursor holding the last row's sort values), never OFFSET, so page 2,000
costs what page 1 costs. Every sort ends with the claim id, which makes the order total.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from flask_babel import LazyString
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import contains_eager, load_only

from factcheck import textsearch
from factcheck.database import DBSession
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Article, Claim, ClaimMatch, ClaimStatus, ClaimStatusCount, User
from factcheck.validation import DB_INT_MAX

PAGE_SIZE = 50

# Search objects the models do not declare (see env.py's include_object): the FTS5 table of
# migration 0020 (SQLite), the GIN index and stored tsvector of migrations 0008 and 0020.
SEARCH_OBJECTS = frozenset(
    {
        "claims_fts",
        "claims_fts_config",
        "claims_fts_data",
        "claims_fts_docsize",
        "claims_fts_idx",
        "ix_claims_search",
        "search_document",  # PostgreSQL's stored tsvector column (migrations 0008, 0020)
    }
)

# Indexes of migration 0005 in the queue's exact sort orders; their NULLS LAST spelling differs
# between the databases, so they are written there rather than declared on the model.
SORT_INDEXES = frozenset(
    {
        "ix_claims_queue",
        "ix_claims_priority_order",
        "ix_claims_status_score",
        "ix_claims_score_order",
    }
)

# PostgreSQL's stored tsvector of the claim's search words, GIN-indexed (migration 0020).
PG_SEARCH_DOCUMENT = "claims.search_document"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the search objects (migrations 0008, 0020) and the sort indexes
    (0005) out of model comparison."""
    return not (reflected and compare_to is None and name in SEARCH_OBJECTS | SORT_INDEXES)


# --- sorting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    column: Any
    descending: bool
    nullable: bool = False


# The order "take next" gives out claims in, and the queue's default: priority, then score
# (unscored last), then oldest first. ``order_by(TAKE_NEXT_ORDER)`` is its SQL.
TAKE_NEXT_ORDER: tuple[SortKey, ...] = (
    SortKey(Claim.priority, True),
    SortKey(Claim.score, True, nullable=True),
    SortKey(Claim.created_at, False),
    SortKey(Claim.id, False),
)

SORTS: dict[str, tuple[LazyString, tuple[SortKey, ...]]] = {
    "priority": (_l("Priority"), TAKE_NEXT_ORDER),
    "score": (
        _l("Score"),
        (SortKey(Claim.score, True, nullable=True), SortKey(Claim.id, False)),
    ),
    "oldest": (_l("Oldest first"), (SortKey(Claim.created_at, False), SortKey(Claim.id, False))),
    "newest": (_l("Newest first"), (SortKey(Claim.created_at, True), SortKey(Claim.id, True))),
}
DEFAULT_SORT = "priority"


# A search matching at most this many claims is read through its full-text index and sorted
# (PostgreSQL): walking a sort index and testing each row would read most of the table first.
FEW_MATCHES = 20_000

# The queue page counts the claims its filters match up to this many, then says "10,000+":
# counting every claim a common word matches (a third of a million claims) takes seconds,
# and a count that large only says "narrow the search". Below it, every count is exact.
COUNT_CAP = 10_000


def _unindexed(column: Any) -> Any:
    """The same values as ``column``, as an expression no index provides in order."""
    if column.key == "created_at":
        return sa.func.date_trunc("microseconds", column)
    return column + 0


def order_by(keys: Sequence[SortKey], *, unindexed: bool = False) -> list[Any]:
    """ORDER BY terms for ``keys`` (``unindexed``: the first as an expression no index orders)."""
    out = []
    for i, key in enumerate(keys):
        column = _unindexed(key.column) if unindexed and i == 0 else key.column
        expr = column.desc() if key.descending else column.asc()
        if key.nullable:
            expr = expr.nulls_last()  # unscored claims last, on both databases
        out.append(expr)
    return out


def _after(key: SortKey, value: Any) -> Any:
    """Rows strictly after ``value`` in this key's order (NULLs sort last)."""
    if value is None:
        return sa.false()
    strictly = key.column < value if key.descending else key.column > value
    return sa.or_(strictly, key.column.is_(None)) if key.nullable else strictly


def _equal(key: SortKey, value: Any) -> Any:
    return key.column.is_(None) if value is None else key.column == value


def keyset_after(keys: Sequence[SortKey], values: Sequence[Any]) -> Any:
    """The rows that come after the row whose sort values are ``values``."""
    clauses = []
    for i, key in enumerate(keys):
        prefix = [_equal(k, v) for k, v in zip(keys[:i], values[:i], strict=True)]
        clauses.append(sa.and_(*prefix, _after(key, values[i])))
    return sa.or_(*clauses)


def encode_cursor(sort: str, claim: Claim) -> str:
    values = [_plain(getattr(claim, k.column.key)) for k in SORTS[sort][1]]
    raw = json.dumps([sort, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str | None) -> list[Any] | None:
    """The sort values in ``cursor``, or ``None`` when it is absent or not for this sort."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, values = json.loads(raw)
        keys = SORTS[sort][1]
        if cursor_sort != sort or len(values) != len(keys):
            return None
        return [_typed(k, v) for k, v in zip(keys, values, strict=True)]
    except (ValueError, TypeError, KeyError):
        return None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _typed(key: SortKey, value: Any) -> Any:
    if value is None:
        if not key.nullable:
            raise ValueError("null in a non-null sort key")
        return None
    if key.column.key == "created_at":
        return datetime.fromisoformat(value)
    if key.column.key == "score":
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= DB_INT_MAX:
        raise ValueError("bad cursor value")
    return value


# --- search --------------------------------------------------------------------------------


def search_terms(query: str | None) -> list[textsearch.Term]:
    """The terms of a search box (:func:`factcheck.textsearch.search_terms`): at most eight
    words, folded, each with its French and English stems."""
    return textsearch.search_terms(query)


def search_condition(
    session: DBSession, terms: Sequence[textsearch.Term | str], *, many: bool = False
) -> Any:
    """Claims whose search words match every term: a word starting with it (accents and case
    aside), or of the same French or English stem (:func:`factcheck.textsearch.matches`).

    Both databases look the same stored tokens up (migration 0020), so they find the same
    claims: SQLite through its FTS5 table, PostgreSQL through the GIN-indexed tsvector.

    ``many``: the search matches many claims (more than ``COUNT_CAP``), so on SQLite a page of
    them is best read along its sort index, each claim tested against the matches' ids, than
    by looking every match up and sorting them all (``claims.id IN (...)`` leads SQLite to the
    latter: for "rutte", in half of 100,000 claims, about five times as long).
    """
    made = [t if isinstance(t, textsearch.Term) else textsearch.term(t) for t in terms]
    made = [t for t in made if t.prefix]
    if not made:
        return sa.true()
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # ``claims.id + 0`` is no use of the primary key: the ids are then a list to test.
        return (_unindexed(Claim.id) if many else Claim.id).in_(_fts5_ids(made))
    if dialect == "postgresql":
        return sa.literal_column(PG_SEARCH_DOCUMENT).op("@@")(
            sa.cast(sa.literal(textsearch.tsquery(made), sa.Text), TSQUERY)
        )
    # Any other database: the same rule as plain, unindexed LIKEs over the stored words (tokens
    # hold letters, digits and the stem mark, never a LIKE wildcard).
    spaced = " " + sa.func.coalesce(Claim.search_words, "") + " "
    return sa.and_(
        *(
            sa.or_(
                *(
                    spaced.like(f"% {token}%" if is_prefix else f"% {token} %")
                    for token, is_prefix in t.alternatives
                )
            )
            for t in made
        )
    )


def _fts5_ids(terms: Sequence[textsearch.Term]) -> sa.Select[Any]:
    """The ids (rowids) of the claims SQLite's FTS5 table matches for ``terms`` (made terms)."""
    return (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table("claims_fts"))
        .where(sa.literal_column("claims_fts").op("MATCH")(textsearch.fts5_query(terms)))
    )


def search_matches(session: DBSession, terms: Sequence[textsearch.Term]) -> Any | None:
    """On SQLite, the claims a search matches as a subquery of ids (``rowid``) to join claims
    to; ``None`` elsewhere, or without a term (:func:`search_condition` filters them there).

    For counting up to a cap: joined, SQLite reads the matches as its FTS5 index yields them and
    stops at the ``LIMIT``, where ``claims.id IN (...)`` first collects every match into a list
    (half the claims, for a common word). The same claims as :func:`search_condition`.
    """
    made = [t for t in terms if t.prefix]
    if not made or session.get_bind().dialect.name != "sqlite":
        return None
    return _fts5_ids(made).subquery("matches")


# --- the queue -----------------------------------------------------------------------------


@dataclass
class QueueFilters:
    status: ClaimStatus | None = None
    assignee: str = "anyone"  # "me", "unassigned" or "anyone"
    language: str | None = None
    article_id: int | None = None
    min_score: float | None = None
    q: str | None = None
    sort: str = DEFAULT_SORT
    has_match: bool = False  # an earlier fact-check looks like it ("already checked")


@dataclass
class QueuePage:
    claims: list[Claim]
    next_cursor: str | None
    counts: dict[ClaimStatus, int] = field(default_factory=dict)
    # More than ``COUNT_CAP`` claims match the filters but the status: ``counts`` are then a
    # part of them only (not shown), and ``selected`` counts the status filtered on, up to the
    # cap again (``COUNT_CAP + 1`` meaning "more").
    capped: bool = False
    selected: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def matching(self, status: ClaimStatus | None) -> int:
        """How many claims match every filter, the status one included (the headline count);
        ``COUNT_CAP + 1`` when there are more than ``COUNT_CAP``."""
        if self.capped:
            return self.selected if status is not None and self.selected is not None else self.total
        return self.counts.get(status, 0) if status is not None else self.total


def _conditions(session: DBSession, filters: QueueFilters, user: User) -> list[Any]:
    """The WHERE terms of ``filters`` but the status."""
    return _with_language(_other_conditions(session, filters, user), filters)


def _with_language(others: list[Any], filters: QueueFilters) -> list[Any]:
    return [*others, Claim.language == filters.language] if filters.language else others


def _other_conditions(
    session: DBSession, filters: QueueFilters, user: User, *, search: bool = True
) -> list[Any]:
    """The WHERE terms of ``filters`` but the status and the language (which the kept counts
    answer: see :func:`status_counts`); without the search's when not ``search``."""
    conds: list[Any] = []
    if filters.assignee == "me":
        conds.append(Claim.assignee_id == user.id)
    elif filters.assignee == "unassigned":
        conds.append(Claim.assignee_id.is_(None))
    if filters.article_id is not None:
        conds.append(Claim.article_id == filters.article_id)
    if filters.min_score is not None:
        conds.append(Claim.score >= filters.min_score)
    if filters.has_match:
        conds.append(sa.exists().where(ClaimMatch.claim_id == Claim.id))
    terms = search_terms(filters.q) if search else []
    if terms:
        conds.append(search_condition(session, terms))
    return conds


# What a queue row shows (the page, ``serialize.claim_json``) and its sort keys: a row leaves
# the claim's text, search words and extraction details, and its article's body, unread.
QUEUE_ROW_COLUMNS = (
    Claim.id,
    Claim.claim_reviewed,
    Claim.status,
    Claim.score,
    Claim.priority,
    Claim.claimant_name,
    Claim.article_id,
    Claim.assignee_id,
    Claim.language,
    Claim.created_at,
    Claim.version,
)


def queue_statement(
    session: DBSession,
    filters: QueueFilters,
    user: User,
    *,
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    conds: Sequence[Any] | None = None,
    few: bool = False,
    kept_counts: str | None = None,
) -> Any:
    """The SELECT of one queue page (``page_size`` + 1 rows, to know if another follows).

    ``few``: the filters match few claims (a rare search word), so the page is sorted from
    them rather than read along a sort index (on PostgreSQL the planner, misjudging how many
    claims a prefix search matches, would otherwise test every claim in sort order).

    ``kept_counts``: ``"all"`` or ``"language"`` (the language bound as ``kept_language``):
    each row also holds the kept counts per status (:data:`KEPT_COUNTS`), read by the same
    statement rather than by one of their own (one round trip fewer).
    """
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    keys = SORTS[sort][1]
    where = list(conds if conds is not None else _conditions(session, filters, user))
    if filters.status is not None:
        where.append(Claim.status == filters.status)
    after = decode_cursor(sort, cursor)
    if after is not None:
        where.append(keyset_after(keys, after))
    stmt = _unfiltered_queue_statement(sort, few, page_size, kept_counts)
    return stmt.where(*where) if where else stmt


@lru_cache(maxsize=64)  # 4 sorts, ``few`` or the kept counts, a few page sizes (the API's limit)
def _unfiltered_queue_statement(
    sort: str, few: bool, page_size: int, kept_counts: str | None = None
) -> Any:
    """The first page of the whole queue in ``sort`` order, made once per process as
    :func:`~factcheck.database.prebuilt` says why (bounded here: the API chooses the page size).
    Filters add their WHERE terms to a copy."""
    columns = () if kept_counts is None else (_kept_counts_text(kept_counts == "language"),)
    return (
        sa.select(Claim, *columns)
        .outerjoin(Claim.article)
        .outerjoin(Claim.assignee)
        .options(
            load_only(*QUEUE_ROW_COLUMNS),
            contains_eager(Claim.article).load_only(Article.id, Article.title),
            contains_eager(Claim.assignee).load_only(User.id, User.display_name),
        )
        .order_by(*order_by(SORTS[sort][1], unindexed=few))
        .limit(page_size + 1)
    )


# The kept counts as one text, "new:12,queued:3", for a column of the page's statement: an
# uncorrelated scalar subquery, which both databases work out once for all the rows.
KEPT_COUNTS = "kept_counts"


def _kept_counts_text(of_language: bool) -> Any:
    kept = ClaimStatusCount
    per_status = sa.select(kept.status, sa.func.sum(kept.n).label("n")).group_by(kept.status)
    if of_language:
        per_status = per_status.where(
            kept.language == sa.bindparam("kept_language", type_=sa.String)
        )
    rows = per_status.subquery()
    pair = rows.c.status + ":" + sa.cast(rows.c.n, sa.String)
    return sa.select(sa.func.aggregate_strings(pair, ",")).scalar_subquery().label(KEPT_COUNTS)


def _read_kept_counts(text: str | None) -> dict[ClaimStatus, int]:
    counts = dict.fromkeys(ClaimStatus, 0)
    for pair in (text or "").split(","):
        if pair:
            status, n = pair.rsplit(":", 1)
            counts[ClaimStatus(status)] = int(n)
    return counts


def queue_page(
    session: DBSession,
    filters: QueueFilters,
    user: User,
    *,
    cursor: str | None = None,
    page_size: int = PAGE_SIZE,
    with_counts: bool = True,
    count_cap: int | None = None,
) -> QueuePage:
    """One page of the queue after ``cursor``, with the counts per status for the same filters
    (counted up to ``count_cap`` matches when given: see :func:`capped_counts`)."""
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    terms = search_terms(filters.q)
    searched = bool(terms)
    unsearched = _other_conditions(session, filters, user, search=False)
    others = [*unsearched, search_condition(session, terms)] if searched else unsearched
    conds = _with_language(others, filters)
    postgres = session.get_bind().dialect.name == "postgresql"
    capping = with_counts and count_cap is not None and bool(others)
    if searched and postgres and not capping:
        _without_parallel_workers(session)  # else the capped counts do it (their ``serial``)
    counts: dict[ClaimStatus, int] = {}
    capped, selected = False, None
    # No filter or a language alone: the kept counts answer, exact (migration 0024), read with
    # the page's rows (``kept_counts``; by a statement of their own when there is no row).
    kept = with_counts and not others
    if capping and count_cap is not None:
        # On SQLite, the search's matches are counted as its index yields them (search_matches).
        matches = search_matches(session, terms)
        counted = conds if matches is None else _with_language(unsearched, filters)
        counts, selected = capped_counts(
            session,
            counted,
            filters.status,
            count_cap,
            matches=matches,
            serial=searched and postgres,
        )
        capped = sum(counts.values()) > count_cap
    elif with_counts and not kept:
        counts = status_counts(session, conds)
    few = (
        searched
        and postgres
        and bool(counts)
        and not capped
        and sum(counts.values()) <= FEW_MATCHES
    )
    page = QueuePage([], None, counts, capped=capped, selected=selected if capped else None)
    if searched and not postgres and page.matching(filters.status) > (count_cap or COUNT_CAP):
        # Many matches: SQLite reads the page along its sort index (search_condition's many).
        many = search_condition(session, terms, many=True)
        conds = _with_language([*unsearched, many], filters)
    stmt = queue_statement(
        session,
        filters,
        user,
        cursor=cursor,
        page_size=page_size,
        conds=conds,
        few=few,
        kept_counts=("language" if filters.language else "all") if kept else None,
    )
    if kept:
        language = {"kept_language": filters.language} if filters.language else {}
        rows = session.execute(stmt, language).all()
        claims = [row[0] for row in rows]
        if rows:
            page.counts = _read_kept_counts(rows[0][1])
        else:
            page.counts = status_counts(session, language=filters.language)
    else:
        claims = list(session.scalars(stmt))
    if len(claims) > page_size:
        page.next_cursor = encode_cursor(sort, claims[page_size - 1])
    page.claims = claims[:page_size]
    return page


def _without_parallel_workers(session: DBSession) -> None:
    """Plan the rest of this transaction's statements (the request's) without parallel workers.

    PostgreSQL guesses 5,000 matches for a prefix it has no statistics for (a rare word, a
    number) and, for that many, starts two workers to read them: at 1,000,000 claims, ≈ 25 ms of
    start-up around 0.2 ms of work. A search's statements read at most ``COUNT_CAP + 1`` matches
    for the counts and one page, which one process does best. ``SET LOCAL`` ends with the
    transaction, so nothing else the process runs later is planned without them.
    """
    session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))


def counts_statement(
    session: DBSession, conds: Sequence[Any] = (), language: str | None = None
) -> Any:
    """The SELECT behind :func:`status_counts`: a count of the claims matching ``conds``, or
    without them the kept counts (of ``language`` when given)."""
    if conds:
        return sa.select(Claim.status, sa.func.count()).where(*conds).group_by(Claim.status)
    kept = ClaimStatusCount
    stmt = sa.select(kept.status, sa.func.sum(kept.n)).group_by(kept.status)
    return stmt.where(kept.language == language) if language is not None else stmt


def status_counts(
    session: DBSession, conds: Sequence[Any] = (), *, language: str | None = None
) -> dict[ClaimStatus, int]:
    """Claims per status matching ``conds`` (a count of the matching claims), or without
    conditions the counts the triggers of migrations 0019 and 0024 keep per status and language
    in ``claim_status_counts`` (in the transaction of every change, so as fresh as the claims
    themselves), of every language or of ``language``."""
    if conds and language is not None:
        raise ValueError("give the language among conds, or language without conds")
    counts = dict.fromkeys(ClaimStatus, 0)
    rows = session.execute(counts_statement(session, conds, language)).all()
    counts.update({ClaimStatus(status): int(n) for status, n in rows if n})
    return counts


def capped_counts_statement(
    conds: Sequence[Any],
    status: ClaimStatus | None,
    cap: int = COUNT_CAP,
    *,
    matches: Any | None = None,
    serial: bool = False,
) -> Any:
    """The SELECT behind :func:`capped_counts`: the first ``cap + 1`` matches grouped by status,
    and (filtering on ``status``) up to ``cap + 1`` matches of that status, in one statement:
    its row is the one without a status. ``matches``: a search's ids to join the claims to
    (:func:`search_matches`), its condition then not among ``conds``.

    ``serial`` (PostgreSQL): the statement also does what :func:`_without_parallel_workers`
    does, in the same round trip: a branch that returns no row calls ``set_config(...,
    is_local => true)``, which is ``SET LOCAL``; and a parallel-unsafe function anywhere in a
    statement plans all of it without workers."""
    claims: Any = Claim if matches is None else sa.join(Claim, matches, matches.c.rowid == Claim.id)
    sample = sa.select(Claim.status).select_from(claims).where(*conds).limit(cap + 1).subquery()
    stmt: Any = sa.select(sample.c.status, sa.func.count()).group_by(sample.c.status)
    if status is not None:
        chosen = (
            sa.select(Claim.id)
            .select_from(claims)
            .where(*conds, Claim.status == status)
            .limit(cap + 1)
        )
        stmt = sa.union_all(
            stmt,
            sa.select(sa.null(), sa.func.count()).select_from(chosen.subquery()),
        )
    if serial:
        stmt = sa.union_all(
            stmt,
            sa.select(sa.null(), sa.literal(0)).where(
                sa.func.set_config("max_parallel_workers_per_gather", "0", True).is_(None)
            ),
        )
    return stmt


def capped_counts(
    session: DBSession,
    conds: Sequence[Any],
    status: ClaimStatus | None,
    cap: int = COUNT_CAP,
    *,
    matches: Any | None = None,
    serial: bool = False,
) -> tuple[dict[ClaimStatus, int], int | None]:
    """Claims per status matching ``conds``, counting at most ``cap + 1`` matches, and the count
    of ``status`` (up to ``cap + 1``) when filtering on one.

    When the counts add up to ``cap`` or fewer they are exact; beyond, they are a sample of the
    matches and only say that there are more than ``cap``.
    """
    counts = dict.fromkeys(ClaimStatus, 0)
    selected = None
    stmt = capped_counts_statement(conds, status, cap, matches=matches, serial=serial)
    for value, n in session.execute(stmt).all():
        if value is None:
            selected = int(n)
        elif n:
            counts[ClaimStatus(value)] = int(n)
    return counts, selected


# The SELECTs behind the queue's article and language filters, made once (as
# ``database.prebuilt`` says why; they take no argument).
LATEST_ARTICLES = (
    sa.select(Article.id, Article.title)
    .order_by(Article.created_at.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
ARTICLE_LANGUAGES = sa.select(Article.language).distinct()


class json_array_agg(sa.sql.functions.GenericFunction[Any]):
    """The values of a column as a JSON array: ``json_agg`` (PostgreSQL),
    ``json_group_array`` (SQLite)."""

    type = sa.JSON()
    inherit_cache = True


@compiles(json_array_agg, "sqlite")
def _json_group_array(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(json_array_agg)
def _json_agg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"json_agg({compiler.process(element.clauses, **kw)})"


_LANGUAGES = ARTICLE_LANGUAGES.subquery()
# Both filter lists in one statement (one round trip): the latest articles, each row with the
# languages as a JSON array (an uncorrelated scalar subquery, worked out once). No article, no
# row: no language either.
FILTER_CHOICES = LATEST_ARTICLES.add_columns(
    sa.select(json_array_agg(_LANGUAGES.c.language)).scalar_subquery()
)


def article_choices(session: DBSession, limit: int = 200) -> list[tuple[int, str]]:
    """The most recent articles, for the queue's article filter."""
    rows = session.execute(LATEST_ARTICLES, {"limit": limit}).all()
    return [(article_id, title) for article_id, title in rows]


def filter_choices(session: DBSession, limit: int = 200) -> tuple[list[str], list[tuple[int, str]]]:
    """:func:`language_choices` and :func:`article_choices`, read by one statement."""
    rows = session.execute(FILTER_CHOICES, {"limit": limit}).all()
    languages = sorted(rows[0][2] or []) if rows else []
    return languages, [(article_id, title) for article_id, title, _ in rows]


def language_choices(session: DBSession) -> list[str]:
    """The languages articles are written in (few rows: read from articles, not claims)."""
    return sorted(session.scalars(ARTICLE_LANGUAGES))


def assignable_users(session: DBSession) -> list[User]:
    """Active users a claim can be assigned to."""
    return list(
        session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.display_name))
    )


# --- keeping the queue's filters while working on a claim -----------------------------------

# The query-string keys of the queue (QueueFilterForm's fields): a claim opened from a filtered
# queue carries them in ``back=`` so its breadcrumb returns to the same filtered page.
QUEUE_ARGS = (
    "q",
    "status",
    "assignee",
    "language",
    "article",
    "match",
    "sort",
    "min_score",
    "after",
)
MAX_BACK_LENGTH = 1000


def queue_back(args: dict[str, str]) -> str:
    """The queue's current filters as the ``back=`` value of a claim link ("" when none)."""
    return urlencode([(k, args[k]) for k in QUEUE_ARGS if args.get(k)])


def queue_back_args(raw: str | None) -> dict[str, str]:
    """The queue filters held in a ``back=`` value: only known keys, printable values; anything
    else is dropped (it only ever builds a link to ``/queue``, never a redirect elsewhere)."""
    if not raw or len(raw) > MAX_BACK_LENGTH:
        return {}
    try:
        pairs = parse_qsl(raw, max_num_fields=len(QUEUE_ARGS) * 2)
    except ValueError:
        return {}
    kept: dict[str, str] = {}
    for key, value in pairs:
        if key in QUEUE_ARGS and value and value.isprintable() and len(value) <= 200:
            kept.setdefault(key, value)
    return kept
