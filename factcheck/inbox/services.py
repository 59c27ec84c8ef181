"""Reading what needs a user now, and the changes a user makes to their own inbox.

Every change here records its audit event in the caller's transaction, like any other service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import change_and_record, record
from factcheck.claims import policy
from factcheck.database import DBSession, prebuilt
from factcheck.domain import NotFound, ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import (
    Claim,
    ClaimAssigneeCount,
    ClaimStatus,
    ClaimStatusCount,
    Notification,
    User,
    Verdict,
    VerdictState,
    utcnow,
)

LIST_LIMIT = 50  # rows per section of the My work page
HELD = (ClaimStatus.IN_REVIEW, ClaimStatus.AWAITING_APPROVAL)
FRESH = (ClaimStatus.NEW, ClaimStatus.QUEUED)  # "new since I last looked": found, not yet taken


# --- the counts in the navigation: one query ---------------------------------------------------


@dataclass(frozen=True)
class Counts:
    held: int = 0  # claims assigned to me, in review or awaiting approval
    changes_requested: int = 0  # of those, in review with an editor's comment to answer
    to_approve: int = 0  # proposals and corrections I may approve (editors)
    new: int = 0  # claims found since I last looked, still new or queued
    unread: int = 0  # notifications not read yet

    @property
    def my_work(self) -> int:
        return self.held + self.to_approve + self.new


def _changes_requested() -> Any:
    return sa.exists().where(
        Verdict.claim_id == Claim.id,
        Verdict.state == VerdictState.DRAFT,
        Verdict.corrects_id.is_(None),
        Verdict.review_comment.is_not(None),
    )


def _approvable(user_id: Any) -> Any:
    """Verdicts awaiting an editor that the user ``user_id`` may approve (the two-person rule in
    SQL, the same as ``policy.is_second_person``)."""
    return sa.and_(
        Verdict.state == VerdictState.PROPOSED,
        sa.or_(Verdict.proposed_by_id.is_(None), Verdict.proposed_by_id != user_id),
        sa.or_(Verdict.last_edited_by_id.is_(None), Verdict.last_edited_by_id != user_id),
    )


def _fresh(seen_at: Any | None) -> Any:
    """Claims new to a user who last looked at ``seen_at`` (``None``: never)."""
    conds: list[Any] = [Claim.status.in_(FRESH)]
    if seen_at is not None:
        conds.append(Claim.created_at > seen_at)
    return sa.and_(*conds)


def _never_looked_count() -> Any:
    """How many claims are new to someone who never looked: every new or queued claim, read
    from the counts kept per status (migration 0019's triggers, in the transaction of every
    change), not by counting most of the claims on every page."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(ClaimStatusCount.n), 0))
        .where(ClaimStatusCount.status.in_([s.value for s in FRESH]))
        .scalar_subquery()
    )


def _held_count(user_id: Any) -> Any:
    """Claims assigned to the user ``user_id`` in review or awaiting approval, from the counts
    migration 0023's triggers keep per assignee and status (in the transaction of every change)."""
    kept = ClaimAssigneeCount
    return (
        sa.select(sa.func.coalesce(sa.func.sum(kept.n), 0))
        .where(kept.assignee_id == user_id, kept.status.in_([s.value for s in HELD]))
        .scalar_subquery()
    )


def counts(session: DBSession, user: User) -> Counts:
    """Everything the navigation shows, in one SELECT of scalar subqueries."""
    stmt, params = counts_select(user)
    return counts_of(session.execute(stmt, params).one())


def counts_select(user: User) -> tuple[Any, dict[str, Any]]:
    """The SELECT of :func:`counts` for ``user`` and its parameters: one row, for a page that
    reads it beside another one-row statement (the claim desk); :func:`counts_of` reads it."""
    stmt = _counts_statement(policy.is_editor(user), user.claims_seen_at is not None)
    return stmt, {"user_id": user.id, "seen_at": user.claims_seen_at}


COUNTS = len(fields(Counts))  # the columns of counts_select()


def counts_of(row: Sequence[Any]) -> Counts:
    """The counts of a row of :func:`counts_select` (its first :data:`COUNTS` columns)."""
    return Counts(*(int(n or 0) for n in row[:COUNTS]))


@prebuilt
def _counts_statement(editor: bool, has_looked: bool) -> Any:
    """The SELECT of :func:`counts` for an editor or not, who has looked at new claims or not
    (four statements at most), the user bound when it runs (``user_id``, ``seen_at``): the
    counts are read on every page."""
    user_id: Any = sa.bindparam("user_id")
    seen_at: Any = sa.bindparam("seen_at")

    def count(*where: Any, of: Any = Claim) -> Any:
        return sa.select(sa.func.count()).select_from(of).where(*where).scalar_subquery()

    return sa.select(
        _held_count(user_id),
        count(
            Claim.assignee_id == user_id,
            Claim.status == ClaimStatus.IN_REVIEW,
            _changes_requested(),
        ),
        count(_approvable(user_id), of=Verdict) if editor else sa.literal(0),
        count(_fresh(seen_at)) if has_looked else _never_looked_count(),
        count(Notification.user_id == user_id, Notification.read_at.is_(None), of=Notification),
    )


# --- the My work page ------------------------------------------------------------------------


@dataclass
class MyWork:
    counts: Counts
    changes_requested: list[tuple[Claim, Verdict]] = field(default_factory=list)
    held: list[Claim] = field(default_factory=list)
    to_approve: list[tuple[Claim, Verdict]] = field(default_factory=list)
    new: list[Claim] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)


def my_work(session: DBSession, user: User) -> MyWork:
    work = MyWork(counts=counts(session, user))
    held = session.scalars(
        sa.select(Claim)
        .where(Claim.assignee_id == user.id, Claim.status.in_(HELD))
        .options(selectinload(Claim.verdicts))
        .order_by(Claim.updated_at.desc(), Claim.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    for claim in held:
        draft = next(
            (
                v
                for v in claim.verdicts
                if v.state is VerdictState.DRAFT and v.corrects_id is None and v.review_comment
            ),
            None,
        )
        if claim.status is ClaimStatus.IN_REVIEW and draft is not None:
            work.changes_requested.append((claim, draft))
        else:
            work.held.append(claim)
    if policy.is_editor(user):
        rows = session.execute(
            sa.select(Claim, Verdict)
            .join(Verdict, Verdict.claim_id == Claim.id)
            .where(_approvable(user.id))
            .order_by(Verdict.proposed_at, Verdict.id)
            .limit(LIST_LIMIT)
        ).all()
        work.to_approve = [
            (claim, verdict) for claim, verdict in rows if policy.is_second_person(user, verdict)
        ]
    work.new = list(
        session.scalars(
            sa.select(Claim)
            .where(_fresh(user.claims_seen_at))
            .order_by(Claim.created_at.desc(), Claim.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    work.notifications = list_notifications(session, user, unread_only=True, limit=10)
    return work


def mark_claims_seen(session: DBSession, user: User) -> None:
    """From now on, "new since I last looked" counts claims found after this moment."""
    change_and_record(
        session,
        user,
        {"claims_seen_at": utcnow()},
        actor=user,
        action=AuditAction.INBOX_SEEN,
        entity_type="user",
    )


# --- notifications ---------------------------------------------------------------------------


def list_notifications(
    session: DBSession, user: User, *, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    stmt = (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(selectinload(Notification.claim), selectinload(Notification.actor))
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt))


def mark_read(session: DBSession, user: User, ids: Sequence[int]) -> int:
    """Mark the user's notifications ``ids`` read; another user's (or no such) id is 404."""
    if not ids:
        raise ValidationError(_l("choose a notification to mark as read"), field="id")
    found = session.scalars(
        sa.select(Notification).where(Notification.id.in_(ids), Notification.user_id == user.id)
    ).all()
    if len(found) != len(set(ids)):
        raise NotFound(_l("no such notification of yours"))
    return _read(session, user, [n for n in found if n.read_at is None])


def mark_all_read(session: DBSession, user: User) -> int:
    unread = session.scalars(
        sa.select(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    ).all()
    return _read(session, user, list(unread))


def _read(session: DBSession, user: User, notifications: list[Notification]) -> int:
    if not notifications:
        return 0
    now = utcnow()
    for notification in notifications:
        notification.read_at = now
    record(
        session,
        actor=user,
        action=AuditAction.NOTIFICATION_READ,
        entity_type="user",
        entity_id=user.id,
        data={"notification_ids": sorted(n.id for n in notifications)},
    )
    return len(notifications)


def set_preferences(session: DBSession, user: User, *, email_notifications: bool) -> bool:
    """Save the user's notification preferences; True when something changed."""
    changes = change_and_record(
        session,
        user,
        {"email_notifications": bool(email_notifications)},
        actor=user,
        action=AuditAction.USER_PREFERENCES,
        entity_type="user",
    )
    return bool(changes)
