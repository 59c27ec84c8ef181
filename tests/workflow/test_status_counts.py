"""The counts per status the queue shows are never stale.

The unfiltered counts are read from ``claim_status_counts``, which triggers (migration 0019)
update in the transaction of every claim insert, delete and status change. These tests change
claims through the services, through HTTP in another session and by bulk SQL, and compare the
kept counts with a real count of the claims every time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.claims import queries
from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus
from tests.factories import make_article, make_claim, people_of, walk_claim
from tests.helpers import login, submit


def counted_for_real() -> dict[ClaimStatus, int]:
    rows = db.session.execute(sa.select(Claim.status, sa.func.count()).group_by(Claim.status))
    counts = dict.fromkeys(ClaimStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def _claims(app: Flask, users: dict[str, Any], count: int) -> list[int]:
    with app.app_context():
        people = people_of(users)
        ids = []
        for n in range(count):
            article = make_article(
                body=f"Le Pentagone estime que {n + 1} 000 soldats ont été envoyés. Fin.",
                title=f"Article {n}",
            )
            claim = make_claim(article, actor=people["reviewer"])
            walk_claim(people, claim, "queued")
            ids.append(claim.id)
        db.session.commit()
        return ids


def _queue_counts(client: FlaskClient) -> dict[str, int]:
    """The counts per status the queue answers with (the page shows the same numbers)."""
    counts: dict[str, int] = client.get("/queue", headers={"Accept": "application/json"}).json[
        "counts"
    ]
    return counts


def test_kept_counts_follow_every_change_in_the_same_transaction(
    app: Flask, users: dict[str, Any]
) -> None:
    _claims(app, users, 4)
    with app.app_context():
        people = people_of(users)
        assert queries.status_counts(db.session) == counted_for_real()
        assert queries.status_counts(db.session)[ClaimStatus.QUEUED] == 4
        claim = make_claim(
            make_article(body="Un rapport montre que 23 des 32 membres paient. Fin."),
            actor=people["reviewer"],
        )
        assert queries.status_counts(db.session)[ClaimStatus.NEW] == 1
        walk_claim(people, claim, "published")
        # Inside the writing transaction, before commit, the counts already moved with it.
        assert queries.status_counts(db.session) == counted_for_real()
        assert queries.status_counts(db.session)[ClaimStatus.PUBLISHED] == 1
        db.session.rollback()
        assert queries.status_counts(db.session) == counted_for_real()
        assert queries.status_counts(db.session)[ClaimStatus.QUEUED] == 4
        # Bulk SQL that bypasses the services is counted too.
        db.session.execute(
            sa.update(Claim)
            .where(Claim.id.in_(sa.select(Claim.id).order_by(Claim.id).limit(2).scalar_subquery()))
            .values(status=ClaimStatus.DISMISSED, dismiss_reason="opinion")
        )
        db.session.commit()
        counts = queries.status_counts(db.session)
        assert counts == counted_for_real()
        assert (counts[ClaimStatus.QUEUED], counts[ClaimStatus.DISMISSED]) == (2, 2)
        db.session.execute(sa.delete(Claim).where(Claim.status == ClaimStatus.DISMISSED))
        db.session.commit()
        counts = queries.status_counts(db.session)
        assert counts == counted_for_real()
        assert counts[ClaimStatus.DISMISSED] == 0
        assert sum(counts.values()) == 2


def test_queue_counts_move_after_a_take_in_another_session(
    app: Flask, client: FlaskClient, users: dict[str, Any]
) -> None:
    """Rita reads the queue; Rob takes a claim in his own session; Rita's next page shows it."""
    _claims(app, users, 3)
    login(client, users["reviewer"].email)
    before = _queue_counts(client)
    assert before["queued"] == 3 and before["in_review"] == 0
    other = app.test_client()
    login(other, users["reviewer2"].email)
    taken = submit(other, "/queue", {}, action="/queue/take-next")
    assert taken.status_code == 302
    after = _queue_counts(client)
    assert (after["queued"], after["in_review"]) == (2, 1)
    assert "3 claims match the filters" in client.get("/queue").get_data(as_text=True)
    with app.app_context():
        assert queries.status_counts(db.session) == counted_for_real()


def counted_in(language: str) -> dict[ClaimStatus, int]:
    rows = db.session.execute(
        sa.select(Claim.status, sa.func.count())
        .where(Claim.language == language)
        .group_by(Claim.status)
    )
    counts = dict.fromkeys(ClaimStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def _language_counts(language: str, reader: Any) -> dict[ClaimStatus, int]:
    """The queue's counts per status filtered on ``language``, as the page makes them."""
    filters = queries.QueueFilters(language=language)
    return queries.queue_page(db.session, filters, reader, count_cap=queries.COUNT_CAP).counts


def test_language_counts_are_the_kept_ones_and_follow_every_change(
    app: Flask, users: dict[str, Any]
) -> None:
    """A language alone is answered from the counts kept per status and language (migration
    0024: no claim is read to count), exact, and moved in the writing transaction."""
    _claims(app, users, 3)  # in French
    with app.app_context():
        people = people_of(users)
        reader = people["reviewer"]
        english = [
            make_claim(
                make_article(
                    body=f"The Pentagon says {n + 2},000 troops were sent. End.",
                    title=f"English {n}",
                    language="en",
                ),
                actor=reader,
            )
            for n in range(2)
        ]
        walk_claim(people, english[0], "queued")
        statements: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            counts = _language_counts("en", reader)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        counting = [s for s in statements if "count(" in s.lower() or "sum(" in s.lower()]
        assert counting and all("claim_status_counts" in s for s in counting), counting
        # Inside the writing transaction, before commit, the counts already moved with it.
        assert counts == counted_in("en")
        assert (counts[ClaimStatus.NEW], counts[ClaimStatus.QUEUED]) == (1, 1)
        assert _language_counts("fr", reader) == counted_in("fr")
        assert _language_counts("fr", reader)[ClaimStatus.QUEUED] == 3
        walk_claim(people, english[1], "published")
        assert _language_counts("en", reader) == counted_in("en")
        assert _language_counts("en", reader)[ClaimStatus.PUBLISHED] == 1
        db.session.rollback()
        assert _language_counts("en", reader) == counted_in("en")
        assert sum(_language_counts("en", reader).values()) == 0
        # A claim moved to another language by bulk SQL is counted there at once.
        first = db.session.scalar(sa.select(sa.func.min(Claim.id)))
        db.session.execute(sa.update(Claim).where(Claim.id == first).values(language="en"))
        assert _language_counts("en", reader) == counted_in("en")
        assert _language_counts("en", reader)[ClaimStatus.QUEUED] == 1
        assert _language_counts("fr", reader)[ClaimStatus.QUEUED] == 2
        db.session.commit()
        db.session.execute(sa.delete(Claim).where(Claim.id == first))
        assert _language_counts("en", reader) == counted_in("en")
        assert sum(_language_counts("en", reader).values()) == 0
        db.session.commit()
        assert queries.status_counts(db.session) == counted_for_real()


def test_queue_language_counts_move_after_a_take_in_another_session(
    app: Flask, client: FlaskClient, users: dict[str, Any]
) -> None:
    """Rita reads the French queue; Rob takes a claim in his own session; her next page shows
    it, and the English queue still counts its one new claim only."""
    _claims(app, users, 3)
    with app.app_context():
        english = make_article(body="The Pentagon says 4,000 troops were sent. End.", language="en")
        make_claim(english, actor=people_of(users)["reviewer"])
        db.session.commit()
    login(client, users["reviewer"].email)

    def counts(language: str) -> dict[str, int]:
        answer: dict[str, int] = client.get(
            f"/queue?language={language}", headers={"Accept": "application/json"}
        ).json["counts"]
        return answer

    assert (counts("fr")["queued"], counts("fr")["in_review"]) == (3, 0)
    other = app.test_client()
    login(other, users["reviewer2"].email)
    assert submit(other, "/queue", {}, action="/queue/take-next").status_code == 302
    assert (counts("fr")["queued"], counts("fr")["in_review"]) == (2, 1)
    assert {k: n for k, n in counts("en").items() if n} == {"new": 1}
    html = client.get("/queue?language=fr&status=queued").get_data(as_text=True)
    assert "2 queued claims match the filters" in html


def test_the_kept_counts_come_with_the_page_rows(app: Flask, users: dict[str, Any]) -> None:
    """Unfiltered (or by language or status alone), the page's own statement brings the kept
    counts with its rows (``queries.KEPT_COUNTS``): the same counts as their own statement,
    which is still run when the page has no row to bring them."""
    _claims(app, users, 3)  # queued, in French
    with app.app_context():
        reader = people_of(users)["reviewer"]
        make_claim(
            make_article(body="The Pentagon says 4,000 troops were sent. End.", language="en"),
            actor=reader,
        )
        statements: list[str] = []

        def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        cases = [
            (queries.QueueFilters(), queries.status_counts(db.session), True),
            (queries.QueueFilters(language="en"), counted_in("en"), True),
            (queries.QueueFilters(status=ClaimStatus.QUEUED), counted_for_real(), True),
            (queries.QueueFilters(status=ClaimStatus.PUBLISHED), counted_for_real(), False),
            (queries.QueueFilters(language="de"), counted_in("de"), False),
        ]
        for filters, expected, with_rows in cases:
            statements.clear()
            sa.event.listen(db.engine, "before_cursor_execute", listen)
            try:
                page = queries.queue_page(db.session, filters, reader, count_cap=queries.COUNT_CAP)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listen)
            assert page.counts == expected, filters
            assert bool(page.claims) == with_rows, filters
            kept = [s for s in statements if "claim_status_counts" in s]
            assert len(kept) == (1 if with_rows else 2), (filters, statements)
            assert queries.KEPT_COUNTS in kept[0]  # with the rows
        assert page.counts[ClaimStatus.QUEUED] == 0 and sum(page.counts.values()) == 0
