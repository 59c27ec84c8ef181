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


def _chain_head_is_free(app) -> bool:
    """Whether another connection can lock the chain head right now (PostgreSQL, NOWAIT)."""
    with app.app_context(), db.engine.connect() as other:
        try:
            other.execute(sa.text("SELECT id FROM audit_chain_head WHERE id = 1 FOR UPDATE NOWAIT"))
        except sa.exc.OperationalError:
            return False
        finally:
            other.rollback()
        return True


def test_a_writer_of_claims_holds_the_chain_head_before_its_first_write(app, users):
    """Lock order (PostgreSQL): a claim's write locks kept-count rows (triggers) and its event
    locks the chain head; two writers taking them in opposite orders deadlocked under load
    (`make loadtest`). The chain head now comes first, at the first write of a claim or
    verdict, even when the change is flushed before the event is recorded."""
    from factcheck.claims import workflow
    from tests.factories import make_claim, people_of

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return  # SQLite runs one writer at a time (BEGIN IMMEDIATE): no lock order to keep
        people = people_of(users)
        claim = make_claim(actor=people["editor"])
        db.session.commit()
        assert _chain_head_is_free(app)
        claim.priority = 3  # a plain change, flushed before any event is recorded
        db.session.flush()
        assert not _chain_head_is_free(app)  # taken by the flush, before the event
        db.session.rollback()
        assert _chain_head_is_free(app)
        db.session.execute(
            sa.update(type(claim)).where(type(claim).id == claim.id).values(priority=2)
        )
        assert not _chain_head_is_free(app)  # an UPDATE statement takes it too
        db.session.rollback()
        workflow.accept(db.session, claim, actor=people["editor"])  # the whole service
        assert not _chain_head_is_free(app)
        db.session.commit()
        assert _chain_head_is_free(app)
