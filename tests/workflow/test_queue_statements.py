"""The queue page issues a fixed number of SQL statements, however many claims it shows; the
claim desk, however many sources its claim has.

Counted with a SQLAlchemy ``before_cursor_execute`` listener on the app's engine, for a signed-in
reviewer, with 10 and with 60 claims that have sources, verdicts and assignees (no N+1 query
per row). Not timed: speed is ``make bench``'s business (bench/bench_pages.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.extensions import db
from tests.factories import NATO_SOURCE, make_article, make_claim, people_of, walk_claim
from tests.helpers import login

MAX_STATEMENTS = 8
# The desk: BEGIN, the session, the claim with its article and assignee, the rating scale with
# its values, verdicts, sources, their snapshots, notes, the timeline and its names, the
# organisation, the memory's stamp, the header's counts. Each earlier fact-check the desk shows
# adds its row's statement; here there are none (issue 19: the benchmark's desk, which shows
# one, ran 22 statements before and 14 now on SQLite).
MAX_DESK_STATEMENTS = 13


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run on the app's engine inside the block."""
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def _make_claims(app: Flask, users: dict[str, Any], count: int) -> None:
    """``count`` claims, each on its own article: every third one in review with sources and a
    draft verdict (an assignee), every third one queued, the others new."""
    with app.app_context():
        people = people_of(users)
        for n in range(count):
            article = make_article(
                body=f"Le Pentagone estime que {n + 1} 000 soldats ont été envoyés. Fin.",
                title=f"Article {n}",
            )
            claim = make_claim(article, actor=people["reviewer"])
            if n % 3 == 0:
                walk_claim(people, claim, "sourced")
            elif n % 3 == 1:
                walk_claim(people, claim, "queued")
        db.session.commit()


@pytest.mark.parametrize("count", [10, 60])
def test_queue_page_statements_do_not_grow_with_the_claims(
    app: Flask, client: FlaskClient, users: dict[str, Any], count: int
) -> None:
    _make_claims(app, users, count)
    login(client, users["reviewer"].email)
    client.get("/queue")  # anything done once per process (e.g. first template compile) is past
    for path in ("/queue", "/queue?q=pentagone", "/queue?status=in_review&sort=score"):
        with counted(app) as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "Rita Reviewer" in html or "You" in html  # assignees are shown, loaded eagerly
        assert len(statements) <= MAX_STATEMENTS, (path, len(statements), statements)
        page = next(s for s in statements if "LIMIT" in s and "claims.claim_reviewed" in s)
        # A row reads what it shows: not the claim's text, nor its article's body.
        assert "claims.text" not in page and "articles.body" not in page, page
        assert "claims.search_words" not in page and "users.password_hash" not in page, page
    # The page shows what it counted: every claim made (plus none other) is in the counts.
    with counted(app) as statements:
        html = client.get("/queue").get_data(as_text=True)
    assert f"{count} claims match the filters" in html
    assert len(statements) <= MAX_STATEMENTS


def test_desk_statements_do_not_grow_with_the_sources(
    app: Flask, client: FlaskClient, users: dict[str, Any]
) -> None:
    """The claim desk reads the snapshots of all its sources at once (no query per source), and
    the rest of the page in a fixed number of statements."""
    from factcheck.review import services as review

    with app.app_context():
        people = people_of(users)
        ids = []
        for n, extra in enumerate((0, 4)):
            article = make_article(
                body=f"Le Pentagone estime que {n + 1} 000 soldats ont été envoyés. Fin.",
                title=f"Article {n}",
            )
            claim = walk_claim(people, make_claim(article, actor=people["reviewer"]), "sourced")
            for k in range(extra):
                review.add_source(
                    db.session,
                    claim,
                    {**NATO_SOURCE, "url": f"https://example.org/{n}/{k}", "title": f"Source {k}"},
                    actor=people["reviewer"],
                )
            ids.append(claim.id)
        db.session.commit()
    login(client, users["reviewer"].email)
    seen = []
    for claim_id in ids:
        client.get(f"/claims/{claim_id}")  # anything done once per process is past
        with counted(app) as statements:
            response = client.get(f"/claims/{claim_id}")
        assert response.status_code == 200
        seen.append(len(statements))
    assert "Source 3" in response.get_data(as_text=True)
    assert seen[0] == seen[1], seen  # one source or five: the same statements
    assert seen[0] <= MAX_DESK_STATEMENTS, seen


def test_the_filter_lists_are_read_by_one_statement(app: Flask, users: dict[str, Any]) -> None:
    """The queue's language and article lists come from one statement (``filter_choices``):
    what ``language_choices`` and ``article_choices`` read each by its own."""
    from factcheck.claims import queries

    with app.app_context():
        assert queries.filter_choices(db.session) == ([], [])
        for n, language in enumerate(("fr", "en", "fr", "de-CH")):
            make_article(
                body=f"Le Pentagone estime que {n} soldats. Fin.", title=f"A{n}", language=language
            )
        db.session.commit()
        with counted(app) as statements:
            languages, articles = queries.filter_choices(db.session)
        assert [s for s in statements if s != "BEGIN"] == [statements[-1]]  # SQLite: BEGIN
        assert languages == queries.language_choices(db.session) == ["de-CH", "en", "fr"]
        assert articles == queries.article_choices(db.session)
        assert len(articles) == 4
        assert queries.filter_choices(db.session, limit=2) == (
            languages,
            queries.article_choices(db.session, limit=2),
        )
