"""The queue page counts a filter's matches up to a cap (issue 19), in English and French.

Counting every claim a common word matches takes seconds at a million claims, so the page counts
at most ``queries.COUNT_CAP`` of them and then says "More than 10,000" (the tab: "10,000+").
Below the cap every count is exact; the unfiltered counts (kept per status) and the JSON of
``/queue`` stay exact whatever their size. The cap is lowered here so a few claims pass it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from factcheck.claims import queries, workflow
from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus
from tests.factories import make_article, make_claim, people_of
from tests.helpers import login

BODY = (
    "Mark Rutte a dit que 23 membres dépensent 2 % du PIB. "
    "Rutte estime que 10 000 soldats ont été envoyés en Russie. "
    "Selon Rutte, le sommet de Budapest a coûté 40 millions. "
    "Rutte affirme que 5 pays ont quitté le traité en 2024. "
    "Pour Rutte, 12 alliés ont livré 300 chars à Kiev."
)
FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


@pytest.fixture
def five(app: Flask, users: dict[str, Any]) -> None:
    """Five claims with « Rutte »: three new, two queued; and one without."""
    with app.app_context():
        people = people_of(users)
        article = make_article(BODY + " Un autre sujet est resté sans réponse en mars.")
        sentences = [s.strip() for s in article.body.split(". ") if s.strip()]
        claims = [
            make_claim(article, s.rstrip(".") + ".", actor=people["editor"]) for s in sentences
        ]
        for claim in claims[3:5]:
            workflow.accept(db.session, claim, actor=people["editor"])
        db.session.commit()


def _queue(app: Flask, users: dict[str, Any], path: str, headers: Any = None) -> str:
    client = app.test_client()
    login(client, users["reviewer"].email)
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _headline(html: str) -> str:
    found = re.search(r'<p class="muted small" id="queue-count">(.*?)</p>', html)
    assert found is not None
    return found.group(1)


def _tab_counts(html: str) -> list[str]:
    tabs = html[html.index('class="status-tabs"') : html.index("</nav>", html.index("status-tabs"))]
    return re.findall(r'<span class="count">([^<]*)</span>', tabs)


def test_beyond_the_cap_the_page_says_more_than(app, users, five, monkeypatch) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    html = _queue(app, users, "/queue?q=rutte")
    assert _headline(html) == "More than 3 claims match the filters."
    assert _tab_counts(html) == ["3+"]  # "All": the statuses' own counts are not shown
    assert html.count('class="queue-row"') == 5  # the page itself lists every match
    french = _queue(app, users, "/queue?q=rutte", FR)
    assert _headline(french) == "Plus de 3 affirmations correspondent aux filtres."
    assert _tab_counts(french) == ["3+"]


def test_the_status_filtered_on_is_counted_up_to_the_cap(app, users, five, monkeypatch) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    html = _queue(app, users, "/queue?q=rutte&status=new")
    assert _headline(html) == "More than 2 new claims match the filters."
    french = _queue(app, users, "/queue?q=rutte&status=new", FR)
    assert _headline(french) == "Plus de 2 affirmations (nouvelle) correspondent aux filtres."
    monkeypatch.setattr(queries, "COUNT_CAP", 4)  # 5 match, but only 2 of them are queued
    html = _queue(app, users, "/queue?q=rutte&status=queued")
    assert _headline(html) == "2 queued claims match the filters."
    assert _tab_counts(html) == ["4+"]


def test_at_or_under_the_cap_every_count_is_exact(app, users, five, monkeypatch) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 5)
    html = _queue(app, users, "/queue?q=rutte")
    assert _headline(html) == "5 claims match the filters."
    # All, then each status in order: new 3, queued 2, the others 0.
    assert _tab_counts(html)[:3] == ["5", "3", "2"]
    assert set(_tab_counts(html)[3:]) == {"0"}
    french = _queue(app, users, "/queue?q=rutte", FR)
    assert _headline(french) == "5 affirmations correspondent aux filtres."


def test_unfiltered_counts_and_json_stay_exact(app, users, five, monkeypatch) -> None:
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    html = _queue(app, users, "/queue")
    assert _headline(html) == "6 claims match the filters."  # the kept counts: never capped
    client = app.test_client()
    login(client, users["reviewer"].email)
    counts = client.get("/queue?q=rutte", headers={"Accept": "application/json"}).get_json()
    assert counts["counts"][ClaimStatus.NEW.value] == 3
    assert counts["counts"][ClaimStatus.QUEUED.value] == 2


def test_capped_counts_agree_with_exact_ones_below_the_cap(app, users, five) -> None:
    with app.app_context():
        conds = [queries.search_condition(db.session, queries.search_terms("rutte"))]
        exact = queries.status_counts(db.session, conds)
        for cap in (5, 6, 100):
            counts, selected = queries.capped_counts(db.session, conds, ClaimStatus.QUEUED, cap)
            assert counts == exact and selected == 2
        counts, selected = queries.capped_counts(db.session, conds, ClaimStatus.NEW, 1)
        assert sum(counts.values()) == 2 and selected == 2  # cap + 1: "more than 1"


@pytest.mark.parametrize("status", [None, ClaimStatus.NEW, ClaimStatus.QUEUED])
@pytest.mark.parametrize("cap", [1, 4, 100])
def test_counting_a_search_from_its_index_counts_the_same_claims(
    app, users, five, status, cap
) -> None:
    """SQLite counts a search's matches joined to its FTS5 ids (``search_matches``), not through
    ``claims.id IN (...)``: the same counts, with other filters too."""
    with app.app_context():
        terms = queries.search_terms("rutte")
        matches = queries.search_matches(db.session, terms)
        if matches is None:
            assert db.session.get_bind().dialect.name != "sqlite"
            pytest.skip("the search is a condition on this database")
        for others in ([], [Claim.language == "fr"], [Claim.assignee_id.is_(None)]):
            conds = [*others, queries.search_condition(db.session, terms)]
            joined = queries.capped_counts(db.session, others, status, cap, matches=matches)
            filtered = queries.capped_counts(db.session, conds, status, cap)
            assert joined[1] == filtered[1]  # the status's count, up to cap + 1
            if sum(filtered[0].values()) <= cap:
                assert joined[0] == filtered[0]  # exact below the cap
            else:  # beyond it, a sample of the matches: either says "more than cap"
                assert sum(joined[0].values()) == cap + 1


def test_a_search_is_planned_without_parallel_workers_until_its_transaction_ends(
    app, users, five
) -> None:
    """PostgreSQL: a search's counts and page run with ``max_parallel_workers_per_gather`` at 0
    (it guesses 5,000 matches for a rare prefix and would start two workers for them); the
    setting is the transaction's own, so the next one plans as configured."""
    with app.app_context():
        if db.session.get_bind().dialect.name != "postgresql":
            pytest.skip("a PostgreSQL planner setting")

        def workers() -> str:
            return str(db.session.execute(sa.text("SHOW max_parallel_workers_per_gather")).scalar())

        configured = workers()
        db.session.rollback()
        if configured == "0":
            pytest.skip("this server starts no parallel workers")
        reader = people_of(users)["reviewer"]
        page = queries.queue_page(db.session, queries.QueueFilters(q="rutte"), reader)
        assert len(page.claims) == 5
        assert workers() == "0"
        db.session.rollback()
        assert workers() == configured
        db.session.rollback()
        queries.queue_page(db.session, queries.QueueFilters(), reader)  # no search: as configured
        assert workers() == configured
        db.session.rollback()
        # The page's capped counts say it themselves (set_config), without a SET of their own.
        seen: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            page = queries.queue_page(
                db.session, queries.QueueFilters(q="rutte"), reader, count_cap=queries.COUNT_CAP
            )
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        assert len(page.claims) == 5 and page.total == 5
        assert workers() == "0"
        assert not any(s.lstrip().upper().startswith("SET") for s in seen), seen
        assert any("set_config" in s for s in seen), seen
        db.session.rollback()
        assert workers() == configured
        db.session.rollback()


@pytest.mark.parametrize("sort", sorted(queries.SORTS))
def test_a_page_of_many_matches_holds_the_claims_of_a_page_of_few(app, users, five, sort) -> None:
    """Beyond the cap, SQLite reads a search's page along its sort index, each claim tested
    against the matches' ids (``search_condition``'s ``many``), where below it the matches are
    looked up and sorted: the same claims in the same order, page after page."""
    with app.app_context():
        reader = people_of(users)["reviewer"]
        seen: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        def walk(filters: queries.QueueFilters, cap: int) -> list[int]:
            ids: list[int] = []
            cursor = None
            while True:
                page = queries.queue_page(
                    db.session, filters, reader, cursor=cursor, page_size=2, count_cap=cap
                )
                ids += [claim.id for claim in page.claims]
                if page.next_cursor is None:
                    return ids
                cursor = page.next_cursor

        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            for status in (None, ClaimStatus.NEW):
                filters = queries.QueueFilters(q="rutte", sort=sort, status=status)
                few = walk(filters, 100)
                assert len(few) == (5 if status is None else 3)
                assert not any("claims.id + " in s for s in seen)
                assert walk(filters, 1) == few
                if db.session.get_bind().dialect.name == "sqlite":
                    assert any("claims.id + " in s for s in seen)  # the sort index's way
                seen.clear()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
