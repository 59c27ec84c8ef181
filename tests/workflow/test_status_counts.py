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
