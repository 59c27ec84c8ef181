"""Notifications are written by the change that causes them, in its transaction.

Every service records its change in the audit trail (``factcheck.audit.log.record``); a
``before_flush`` listener looks at the audit events about to be written and adds the
notifications they call for to the same flush. No service has to remember to notify anyone,
and a change that is rolled back takes its notifications with it.

- ``claim.assign``: the new assignee (unless they assigned themselves) — *assigned*;
- ``claim.send_back``: the claim's assignee — *changes requested*;
- ``claim.publish``: the assignee and the proposer — *published*;
- ``claim.correct``: the editor who drafted the correction — *published*;
- ``verdict.correction_draft``: every other active editor and admin — *correction proposed*;
- ``note.add``: every user the note ``@mentions`` — *mentioned*.

The actor is never notified of their own action. Users who asked for e-mail (and only when a
mail server is configured) get the notification's ``mail_state`` set to *pending*: the worker
sends it (``factcheck.inbox.mail``), never the request.

Each notification is worded in its recipient's interface language (their preference, else
English): it is a notice written to one person, like the e-mail that may carry it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from factcheck.inbox.mentions import mentions, resolve
from factcheck.languages import DEFAULT_INTERFACE_LANGUAGE
from factcheck.models import (
    AuditEvent,
    Claim,
    MailState,
    Notification,
    NotificationKind,
    Role,
    User,
    Verdict,
    utcnow,
)

K = NotificationKind
WORDING_SHOWN = 80  # characters of the claim's wording quoted in a notification


@dataclass(frozen=True)
class Planned:
    user_id: int
    kind: NotificationKind
    claim_id: int | None
    say: Callable[[], str]  # the message, worded when called (in the recipient's language)


def _wording(claim: Claim | None) -> str:
    if claim is None:
        return ""
    text = " ".join((claim.claim_reviewed or claim.text or "").split())
    if len(text) > WORDING_SHOWN:
        text = text[: WORDING_SHOWN - 1].rstrip() + "…"
    return " " + _("“%(text)s”", text=text)


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _after(body: dict[str, Any], field: str) -> Any:
    change = (body.get("changes") or {}).get(field)
    return change.get("after") if isinstance(change, dict) else None


def plan(session: Session, event: AuditEvent) -> Iterator[Planned]:
    """The notifications ``event`` calls for (before the actor is taken out)."""
    body = json.loads(event.body)
    action = event.action
    who = session.get(User, event.actor_id) if event.actor_id is not None else None

    def name() -> str:
        return who.display_name if who is not None else _("Someone")

    entity = _int(event.entity_id)
    if action == "claim.assign" and entity is not None:
        claim = session.get(Claim, entity)
        assignee = _int(_after(body, "assignee_id"))
        if assignee is not None:
            yield Planned(
                assignee,
                K.ASSIGNED,
                entity,
                lambda: _(
                    "%(name)s assigned you claim #%(id)s%(wording)s.",
                    name=name(),
                    id=entity,
                    wording=_wording(claim),
                ),
            )
    elif action == "claim.send_back" and entity is not None:
        claim = session.get(Claim, entity)
        if claim is not None and claim.assignee_id is not None:
            comment = " ".join(str((body.get("data") or {}).get("comment") or "").split())

            def changes_requested() -> str:
                said = dict(name=name(), id=entity, wording=_wording(claim), comment=comment)
                if comment:
                    return _(
                        "%(name)s requested changes to claim #%(id)s%(wording)s: %(comment)s",
                        **said,
                    )
                return _("%(name)s requested changes to claim #%(id)s%(wording)s.", **said)

            yield Planned(claim.assignee_id, K.CHANGES_REQUESTED, entity, changes_requested)
    elif action == "claim.publish" and entity is not None:
        claim = session.get(Claim, entity)
        if claim is None:
            return
        verdict_id = _int(_after(body, "published_verdict_id")) or claim.published_verdict_id
        verdict = session.get(Verdict, verdict_id) if verdict_id is not None else None
        for user_id in {claim.assignee_id, verdict.proposed_by_id if verdict else None}:
            if user_id is not None:
                yield Planned(
                    user_id,
                    K.PUBLISHED,
                    entity,
                    lambda: _(
                        "%(name)s approved and published claim #%(id)s%(wording)s.",
                        name=name(),
                        id=entity,
                        wording=_wording(claim),
                    ),
                )
    elif action == "claim.correct" and entity is not None:
        claim = session.get(Claim, entity)
        verdict_id = _int(_after(body, "published_verdict_id"))
        verdict = session.get(Verdict, verdict_id) if verdict_id is not None else None
        if verdict is not None and verdict.proposed_by_id is not None:
            yield Planned(
                verdict.proposed_by_id,
                K.PUBLISHED,
                entity,
                lambda: _(
                    "%(name)s approved your correction of claim #%(id)s%(wording)s; "
                    "it is published.",
                    name=name(),
                    id=entity,
                    wording=_wording(claim),
                ),
            )
    elif action == "verdict.correction_draft" and entity is not None:
        verdict = session.get(Verdict, entity)
        if verdict is None:
            return
        claim = session.get(Claim, verdict.claim_id)
        corrected = verdict.claim_id

        def correction_proposed() -> str:
            return _(
                "%(name)s proposed a correction of claim #%(id)s%(wording)s: "
                "another editor must approve it.",
                name=name(),
                id=corrected,
                wording=_wording(claim),
            )

        editors = session.scalars(
            sa.select(User.id).where(
                User.active.is_(True), User.role.in_([Role.EDITOR, Role.ADMIN])
            )
        )
        for user_id in editors:
            yield Planned(user_id, K.CORRECTION_PROPOSED, corrected, correction_proposed)
    elif action == "note.add":
        claim_id = _int((body.get("data") or {}).get("claim_id"))
        note = str(_after(body, "body") or "")
        tokens = mentions(note)
        if not tokens:
            return
        claim = session.get(Claim, claim_id) if claim_id is not None else None

        def mentioned() -> str:
            return _(
                "%(name)s mentioned you in a note on claim #%(id)s%(wording)s.",
                name=name(),
                id=claim_id,
                wording=_wording(claim),
            )

        people = session.scalars(sa.select(User).where(User.active.is_(True)))
        for user in {u.id: u for u in resolve(tokens, people).values()}.values():
            yield Planned(user.id, K.MENTIONED, claim_id, mentioned)


def _mail_configured() -> bool:
    return has_app_context() and bool(current_app.config.get("MAIL_SERVER"))


def notifications_for(session: Session, event: AuditEvent) -> list[Notification]:
    """The notification rows ``event`` calls for: one per person, never the actor."""
    made: list[Notification] = []
    seen: set[int] = set()
    mail = _mail_configured()
    for item in plan(session, event):
        if item.user_id == event.actor_id or item.user_id in seen:
            continue
        user = session.get(User, item.user_id)
        if user is None or not user.active:
            continue
        seen.add(item.user_id)
        with force_locale(user.interface_language or DEFAULT_INTERFACE_LANGUAGE):
            message = item.say()
        now = utcnow()
        wants_mail = mail and user.email_notifications
        made.append(
            Notification(
                user_id=user.id,
                kind=item.kind,
                claim_id=item.claim_id,
                actor_id=event.actor_id,
                message=message[:500],
                event_seq=event.seq,
                created_at=now,
                mail_state=MailState.PENDING if wants_mail else None,
                mail_next_at=now if wants_mail else None,
            )
        )
    return made


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    for event in sorted(events, key=lambda e: e.seq):
        for notification in notifications_for(session, event):
            session.add(notification)


def install() -> None:
    """Listen to every session's flushes (once per process)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)
