"""Concurrent changes on each backend: no fork, no gap, no lost change."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from factcheck.audit.store import verify_database
from factcheck.auth.services import create_user
from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.models import AuditEvent, Role, User
from tests.helpers import PASSWORD

THREADS, CHANGES = 8, 50


def test_concurrent_appends_make_one_contiguous_chain(app):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            with app.app_context():  # its own session
                start.wait()
                for i in range(CHANGES):
                    with write_intent():  # SQLite: BEGIN IMMEDIATE
                        create_user(
                            db.session,
                            email=f"t{n}-{i}@example.org",
                            password=PASSWORD,
                            role=Role.REVIEWER,
                            actor=None,
                        )
                        db.session.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    total = THREADS * CHANGES
    with app.app_context():
        seqs = list(db.session.scalars(sa.select(AuditEvent.seq).order_by(AuditEvent.seq)))
        assert seqs == list(range(1, total + 1))
        result = verify_database(db.session)
        assert result.ok and result.count == total, result
        users = set(db.session.scalars(sa.select(User.id)))
        recorded = {
            int(e)
            for e in db.session.scalars(
                sa.select(AuditEvent.entity_id).where(AuditEvent.action == "user.create")
            )
        }
        assert len(users) == total and recorded == users
