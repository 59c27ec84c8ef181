"""Sending notifications by e-mail, from the worker only.

A request never talks to the mail server: it writes the notification with ``mail_state``
*pending*, and the worker's periodic job ``notifications.mail`` (every minute) sends what is due
over one SMTP connection (``MAIL_SERVER``, ``MAIL_PORT``, STARTTLS with ``MAIL_USE_TLS``, login
with ``MAIL_USERNAME``/``MAIL_PASSWORD``, from ``MAIL_SENDER``). A server that cannot be reached,
or refuses a message, leaves it pending with the error and the next attempt's time (waiting
1, 2, 4… minutes, up to an hour); after ``MAX_ATTEMPTS`` it is *failed*. The notification itself
stays in the app either way, and admins see the trouble (:func:`status`).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.database import DBSession, write_intent
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import DEFAULT_INTERFACE_LANGUAGE
from factcheck.models import MailState, Notification, NotificationKind, User, utcnow

MAX_ATTEMPTS = 8
BATCH = 100
FIRST_WAIT = 60.0  # seconds before the second attempt; doubles after each failure
LONGEST_WAIT = 3600.0
ERROR_LENGTH = 500
SUBJECTS = {
    NotificationKind.ASSIGNED: _l("A claim was assigned to you"),
    NotificationKind.CHANGES_REQUESTED: _l("Changes were requested"),
    NotificationKind.PUBLISHED: _l("Published"),
    NotificationKind.CORRECTION_PROPOSED: _l("A correction awaits approval"),
    NotificationKind.MENTIONED: _l("You were mentioned in a note"),
}


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0  # attempts that failed this run (retried later, or given up)
    error: str | None = None


def wait_after(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_WAIT * 2 ** max(attempts - 1, 0), LONGEST_WAIT))


def build_message(notification: Notification, recipient: User, config: Any) -> EmailMessage:
    """The e-mail of one notification, in its recipient's interface language."""
    with force_locale(recipient.interface_language or DEFAULT_INTERFACE_LANGUAGE):
        subject = str(SUBJECTS.get(notification.kind, _("Notification")))
        if notification.claim_id is not None:
            subject = _("%(subject)s: claim #%(id)s", subject=subject, id=notification.claim_id)
        footer = _(
            "You get these e-mails because you asked for them on your account page; "
            "every notification is also on the Notifications page of the desk."
        )
    message = EmailMessage()
    message["Subject"] = f"[factcheck] {subject}"
    message["From"] = config["MAIL_SENDER"]
    message["To"] = formataddr((recipient.display_name, recipient.email))
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rsplit("@", 1)[1])
    lines = [notification.message, ""]
    if notification.claim_id is not None:
        lines.append(urljoin(config["ORG_URL"], f"/claims/{notification.claim_id}"))
    lines += ["", footer]
    message.set_content("\n".join(lines))
    return message


def _connect(config: Any) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        smtp.ehlo()
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:ERROR_LENGTH]


def send_pending(now: datetime | None = None) -> Outcome:
    """Send every pending e-mail that is due; record what happened. Run by the worker."""
    config = current_app.config
    outcome = Outcome()
    if not config.get("MAIL_SERVER"):
        return outcome
    moment = now or utcnow()
    due = db.session.execute(
        sa.select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.mail_state == MailState.PENDING,
            sa.or_(Notification.mail_next_at.is_(None), Notification.mail_next_at <= moment),
        )
        .order_by(Notification.id)
        .limit(BATCH)
    ).all()
    messages = [(n.id, build_message(n, u, config)) for n, u in due]
    db.session.commit()  # no transaction stays open while the mail server is talked to
    if not messages:
        return outcome
    results: dict[int, str | None] = {}
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        where = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
        outcome.error = f"could not reach the mail server {where}: {_describe(exc)}"
        results = dict.fromkeys((i for i, _ in messages), outcome.error)
    else:
        try:
            for notification_id, message in messages:
                try:
                    smtp.send_message(message)
                    results[notification_id] = None
                except (OSError, smtplib.SMTPException) as exc:
                    outcome.error = _describe(exc)
                    results[notification_id] = outcome.error
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    with write_intent():
        try:
            _save(db.session, results, moment, outcome)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return outcome


def _save(
    session: DBSession, results: dict[int, str | None], moment: datetime, outcome: Outcome
) -> None:
    rows = session.scalars(sa.select(Notification).where(Notification.id.in_(list(results)))).all()
    sent, retry, given_up = [], [], []
    for notification in rows:
        if notification.mail_state is not MailState.PENDING:
            continue  # another worker dealt with it meanwhile
        error = results[notification.id]
        notification.mail_attempts += 1
        if error is None:
            notification.mail_state = MailState.SENT
            notification.mailed_at = moment
            notification.mail_error = None
            notification.mail_next_at = None
            sent.append(notification.id)
            continue
        notification.mail_error = error
        if notification.mail_attempts >= MAX_ATTEMPTS:
            notification.mail_state = MailState.FAILED
            notification.mail_next_at = None
            given_up.append(notification.id)
        else:
            notification.mail_next_at = moment + wait_after(notification.mail_attempts)
            retry.append(notification.id)
    outcome.sent, outcome.failed = len(sent), len(retry) + len(given_up)
    if sent:
        record(
            session,
            actor=None,
            action=AuditAction.MAIL_SENT,
            entity_type="notification",
            data={"notification_ids": sent},
        )
    if retry or given_up:
        record(
            session,
            actor=None,
            action=AuditAction.MAIL_FAILED,
            entity_type="notification",
            data={"retrying": retry, "given_up": given_up, "error": outcome.error or ""},
        )


@dataclass(frozen=True)
class MailStatus:
    configured: bool
    pending: int
    retrying: int  # pending after at least one failed attempt
    failed: int  # given up (kept in the app)
    last_error: str | None
    last_error_at: datetime | None

    @property
    def in_trouble(self) -> bool:
        return self.retrying > 0 or self.failed > 0


def status(session: DBSession) -> MailStatus:
    """How e-mail delivery stands, for admins: one query."""
    pending_cond = Notification.mail_state == MailState.PENDING
    retrying = sa.and_(pending_cond, Notification.mail_attempts > 0)
    row = session.execute(
        sa.select(
            sa.func.count().filter(pending_cond),
            sa.func.count().filter(retrying),
            sa.func.count().filter(Notification.mail_state == MailState.FAILED),
        ).select_from(Notification)
    ).one()
    last = session.execute(
        sa.select(Notification.mail_error, Notification.mail_next_at)
        .where(Notification.mail_error.is_not(None), Notification.mail_state != MailState.SENT)
        .order_by(Notification.id.desc())
        .limit(1)
    ).first()
    return MailStatus(
        configured=bool(current_app.config.get("MAIL_SERVER")),
        pending=int(row[0] or 0),
        retrying=int(row[1] or 0),
        failed=int(row[2] or 0),
        last_error=last[0] if last else None,
        last_error_at=last[1] if last else None,
    )
