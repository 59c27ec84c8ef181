"""The dashboard's kept counts (migration 0023) answer exactly what counting the claims answers.

The figures read tables that triggers keep in the transaction of every change. These tests
make claims through the services, then scramble them with bulk SQL that bypasses the services
(days found, publication times, languages, assignees, statuses, deletions, rating labels,
triage events), and compare every figure with the direct queries of :mod:`tests.dashboard.reference`
for several ranges, languages and clocks — and check that a change shows before its commit,
goes away with its rollback, and reaches another user's next page.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.dashboard import figures
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Verdict
from tests.dashboard import reference
from tests.factories import STATES, make_article, make_claim, people_of, walk_claim
from tests.helpers import login, submit

NOW = datetime(2026, 3, 20, 15, 30, 12, tzinfo=UTC)
LANGUAGES = (None, "fr", "en")


def _filters(language: str | None, start: date, end: date) -> figures.Filters:
    return figures.Filters(start=start, end=end, language=language)


def assert_same_figures(now: datetime = NOW, *, days: int = 60) -> None:
    """Every figure, kept and direct, for each language and a few ranges and clocks."""
    session = db.session
    today = now.date()
    ranges = [(today - timedelta(days=days), today), (today - timedelta(days=9), today)]
    clocks = [
        now,
        now + timedelta(days=2, hours=7),
        datetime.combine(today, datetime.min.time(), UTC),
    ]
    for language in LANGUAGES:
        for start, end in ranges:
            f = _filters(language, start, end)
            assert figures.weekly(session, f) == reference.weekly(session, f)
            assert figures.time_to_publish(session, f) == reference.time_to_publish(session, f)
            assert figures.reviewer_load(session, f) == reference.reviewer_load(session, f)
            assert figures.verdicts(session, f) == reference.verdicts(session, f)
        for clock in clocks:
            f = _filters(language, today, today)
            kept = figures.open_by_status_and_age(session, f, now=clock)
            assert kept == reference.open_by_status_and_age(session, f, now=clock)


def _walked(app: Flask, users: dict[str, Any], rng: random.Random, count: int) -> list[int]:
    """``count`` claims walked through the services to random states, in two languages."""
    with app.app_context():
        people = people_of(users)
        ids = []
        for n in range(count):
            language = rng.choice(("fr", "en"))
            article = make_article(
                f"Le rapport {n} montre que {n + 20} des 32 membres paient. Fin.",
                title=f"Article {n}",
                language=language,
            )
            claim = make_claim(article, actor=people["editor"])
            walk_claim(people, claim, rng.choice(STATES))
            ids.append(claim.id)
        db.session.commit()
        return ids


def _moment(rng: random.Random) -> datetime:
    """A time in the 60 days before NOW, often on a day's or an age bucket's edge."""
    edge = rng.choice((None, 0, 1, 7, 30))
    if edge is None:
        return NOW - timedelta(seconds=rng.randrange(60 * 86400))
    exact = NOW - timedelta(days=edge) + timedelta(microseconds=rng.choice((-1, 0, 1)))
    midnight = datetime.combine(exact.date(), datetime.min.time(), UTC)
    return rng.choice((exact, midnight))


def _scramble(users: dict[str, Any], rng: random.Random, ids: list[int]) -> None:
    """Change the claims with bulk SQL, as a restore or a script would: no service, no ORM."""
    claims = Claim.__table__
    people = [u.id for u in users.values()]
    _triage_events(rng, ids)  # before the changes that must move them (language, deletion)
    for claim_id in ids:
        values: dict[str, Any] = {"created_at": _moment(rng)}
        if rng.random() < 0.3:
            values["language"] = rng.choice(("fr", "en", "de"))
        if rng.random() < 0.5:
            values["published_at"] = _moment(rng) if rng.random() < 0.8 else None
        if rng.random() < 0.4:
            values["assignee_id"] = rng.choice(people)
        db.session.execute(
            sa.update(claims).where(claims.c.id == claim_id).values(**values),
        )
    db.session.execute(
        sa.update(claims)
        .where(claims.c.id == rng.choice(ids), claims.c.status.in_(("new", "queued")))
        .values(status="dismissed", dismiss_reason="opinion")
    )
    doomed = db.session.scalars(
        sa.select(Claim.id).where(Claim.status.in_(("new", "queued"))).order_by(Claim.id).limit(1)
    ).first()
    if doomed is not None:
        db.session.execute(sa.delete(claims).where(claims.c.id == doomed))
    db.session.execute(
        sa.update(Verdict.__table__)
        .where(Verdict.__table__.c.id == sa.select(sa.func.min(Verdict.id)).scalar_subquery())
        .values(snapshot_label="Trompeur")
    )
    _triage_events(rng, ids)


def _triage_events(rng: random.Random, ids: list[int]) -> None:
    """Accept and dismiss events at random times, some naming no claim (written as raw rows:
    the dashboard reads only their times, actions and claims)."""
    head = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) or 0
    rows = []
    for k in range(30):
        entity = rng.choice([str(i) for i in ids] + ["0", "x1", "0" + str(ids[0])])
        rows.append(
            {
                "seq": head + 1000 + k,
                "occurred_at": _moment(rng),
                "actor": "script@example.org",
                "action": rng.choice(("claim.accept", "claim.accept", "claim.dismiss")),
                "entity_type": rng.choice(("claim", "claim", "claim", "article")),
                "entity_id": entity,
                "body": "{}",
                "prev_hash": f"{k:064x}",
                "hash": f"{head + 1000 + k:064x}",
            }
        )
    db.session.execute(sa.insert(AuditEvent.__table__), rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_figures_equal_the_direct_queries_on_random_data(
    app: Flask, users: dict[str, Any], seed: int
) -> None:
    rng = random.Random(seed)
    ids = _walked(app, users, rng, 14)
    with app.app_context():
        assert_same_figures(datetime.now(UTC))
        _scramble(users, rng, ids)
        assert_same_figures()  # in the scrambling transaction
        db.session.commit()
        assert_same_figures()
        load = figures.reviewer_load(
            db.session, _filters(None, NOW.date() - timedelta(60), NOW.date())
        )
        weekly = figures.weekly(db.session, _filters(None, NOW.date() - timedelta(60), NOW.date()))
        assert load.rows and sum(row[1] for row in weekly.rows) > 0  # not equal by emptiness


def test_a_change_shows_before_its_commit_and_leaves_with_its_rollback(
    app: Flask, users: dict[str, Any]
) -> None:
    rng = random.Random(3)
    _walked(app, users, rng, 4)
    with app.app_context():
        today = datetime.now(UTC).date()
        f = _filters(None, today - timedelta(days=7), today)
        before = figures.dashboard(db.session, f)
        people = people_of(users)
        claim = make_claim(make_article("Un rapport montre que 23 des 32 membres paient. Fin."))
        walk_claim(people, claim, "published")
        during = figures.dashboard(db.session, f)  # not committed yet
        assert_same_figures(datetime.now(UTC))
        assert during.published_count == before.published_count + 1
        assert during.tables["weekly"].rows[-1][1:] != before.tables["weekly"].rows[-1][1:]
        db.session.rollback()
        assert figures.dashboard(db.session, f) == before
        assert_same_figures(datetime.now(UTC))


def test_another_users_take_reaches_the_next_dashboard(
    app: Flask, client: FlaskClient, users: dict[str, Any]
) -> None:
    """Edith reads the dashboard; Rob takes a claim in his own session; her next page shows it."""
    with app.app_context():
        people = people_of(users)
        claim = make_claim(make_article("Un rapport montre que 23 des 32 membres paient. Fin."))
        walk_claim(people, claim, "queued")
        db.session.commit()
    login(client, users["editor"].email)
    json = {"Accept": "application/json"}
    before = client.get("/dashboard", headers=json).get_json()["tables"]
    assert before["load"]["rows"] == []
    other = app.test_client()
    login(other, users["reviewer2"].email)
    assert submit(other, "/queue", {}, action="/queue/take-next").status_code == 302
    after = client.get("/dashboard", headers=json).get_json()["tables"]
    assert [row[1:] for row in after["load"]["rows"]] == [[1, 0, 0]]
    opened = {row[0]: row[-1] for row in after["open"]["rows"]}
    assert (opened["queued"], opened["in review"]) == (0, 1)


def test_a_verdict_written_after_the_claim_that_names_it_gives_its_label(
    app: Flask, users: dict[str, Any]
) -> None:
    """A bulk load (or a restore) may write a published claim before its verdict, with the
    foreign keys checked at commit (SQLite): the rating label is kept all the same."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's foreign keys here are not deferrable")
        claim = make_claim(make_article("Un rapport montre que 23 des 32 membres paient. Fin."))
        walk_claim(people_of(users), claim, "published")
        db.session.commit()
        ids = [claim.id]
        verdict = db.session.get(Claim, ids[0]).published_verdict
        row = {c.name: getattr(verdict, c.name) for c in Verdict.__table__.columns}
        db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        db.session.expunge_all()
        db.session.execute(sa.delete(Verdict.__table__).where(Verdict.__table__.c.id == row["id"]))
        db.session.execute(sa.insert(Verdict.__table__), [{**row, "snapshot_label": "Trompeur"}])
        db.session.commit()
        today = datetime.now(UTC).date()
        f = _filters(None, today, today)
        assert [r[0] for r in figures.verdicts(db.session, f).rows] == ["Trompeur"]
        assert figures.verdicts(db.session, f) == reference.verdicts(db.session, f)
