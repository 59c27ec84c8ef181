"""Notification e-mail: sent by the worker's job to a real SMTP server on 127.0.0.1 (aiosmtpd).

A request never talks to the mail server; an unreachable one leaves the notification in the
app and pending, retried later by the worker, and admins are told.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from factcheck.claims import workflow
from factcheck.config import ConfigError
from factcheck.extensions import db
from factcheck.inbox import mail
from factcheck.jobs.registry import SPECS
from factcheck.models import AuditEvent, Claim, MailState, Notification, User, utcnow
from tests import dbutil
from tests.conftest import make_app
from tests.factories import make_claim, make_users, people_of, walk_claim
from tests.helpers import login, submit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_port() -> int:
    """The port the app sends to; a test starts a server on it, or leaves it closed."""
    return free_port()


@pytest.fixture
def mail_app(backend: str, mail_port: int) -> Iterator[Any]:
    application = make_app(
        backend, MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_port, MAIL_SENDER="desk@example.org"
    )
    yield application
    dbutil.wipe(application)


def _opt_in(client: Any, email: str) -> None:
    login(client, email)
    done = submit(client, "/account/notifications", {"email_notifications": "y"})
    assert done.status_code == 303
    client.post("/logout", data={"csrf_token": _token(client)})


def _token(client: Any) -> str:
    import re

    html = client.get("/account/notifications").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _assign(app: Any, users: dict[str, Any]) -> int:
    """The editor assigns a queued claim to the reviewer, over HTTP; returns the claim id."""
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["editor"]), "queued")
        db.session.commit()
        claim_id = claim.id
    client = app.test_client()
    login(client, users["editor"].email)
    done = submit(
        client,
        f"/claims/{claim_id}",
        {"assignee": str(users["reviewer"].id)},
        action=f"/claims/{claim_id}/assign",
    )
    assert done.status_code == 302  # the request succeeded without any mail server talk
    return claim_id


def _pending(app: Any) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def test_the_worker_sends_the_mail_of_users_who_opted_in(mail_app, smtp):
    inbox, port = smtp
    mail_app.config["MAIL_PORT"] = port
    users = make_users(mail_app)
    _opt_in(mail_app.test_client(), users["reviewer"].email)
    claim_id = _assign(mail_app, users)
    [note] = _pending(mail_app)
    assert note.mail_state is MailState.PENDING and inbox.messages == []  # not sent by the request
    with mail_app.app_context():
        outcome = mail.send_pending()
    assert outcome.sent == 1 and outcome.error is None
    [(recipients, message)] = inbox.messages
    assert recipients == ["reviewer@example.org"]
    assert message["From"] == "desk@example.org"
    assert message["Subject"] == f"[factcheck] A claim was assigned to you: claim #{claim_id}"
    body = message.get_content()
    assert "Eddie Editor assigned you claim" in body
    assert f"https://factcheck.example.org/claims/{claim_id}" in body
    [sent] = _pending(mail_app)
    assert sent.mail_state is MailState.SENT and sent.mailed_at is not None
    assert sent.read_at is None  # still unread in the app
    with mail_app.app_context():
        assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mail.sent"))
        assert mail.send_pending().sent == 0  # nothing twice


def test_a_user_who_reads_french_gets_the_notice_and_its_mail_in_french(mail_app, smtp):
    inbox, port = smtp
    mail_app.config["MAIL_PORT"] = port
    users = make_users(mail_app)
    with mail_app.app_context():
        db.session.get(User, users["reviewer"].id).interface_language = "fr"
        db.session.commit()
    _opt_in(mail_app.test_client(), users["reviewer"].email)
    claim_id = _assign(mail_app, users)  # the editor assigning reads English
    [note] = _pending(mail_app)
    assert note.message.startswith(f"Eddie Editor vous a confié l’affirmation nº\u00a0{claim_id} «")
    with mail_app.app_context():
        assert mail.send_pending().sent == 1
    [(_recipients, message)] = inbox.messages
    assert message["Subject"] == (
        f"[factcheck] Une affirmation vous a été confiée\u202f: affirmation nº\u00a0{claim_id}"
    )
    body = message.get_content()
    assert note.message in body and "Vous recevez ces e-mails" in body


def test_users_who_did_not_opt_in_get_no_mail(mail_app, smtp):
    inbox, port = smtp
    mail_app.config["MAIL_PORT"] = port
    users = make_users(mail_app)
    _assign(mail_app, users)
    [note] = _pending(mail_app)
    assert note.mail_state is None
    with mail_app.app_context():
        assert mail.send_pending().sent == 0
    assert inbox.messages == []


def test_an_unreachable_server_keeps_the_notification_retries_and_tells_admins(mail_app, mail_port):
    users = make_users(mail_app)
    _opt_in(mail_app.test_client(), users["reviewer"].email)
    _assign(mail_app, users)
    with mail_app.app_context():
        outcome = mail.send_pending()  # nothing listens on mail_port
    assert outcome.sent == 0 and outcome.failed == 1
    assert f"could not reach the mail server 127.0.0.1:{mail_port}" in (outcome.error or "")
    [note] = _pending(mail_app)
    assert note.mail_state is MailState.PENDING and note.mail_attempts == 1
    assert note.mail_next_at is not None and note.mail_next_at > utcnow()
    # The reviewer still sees it in the app.
    reviewer = mail_app.test_client()
    login(reviewer, users["reviewer"].email)
    assert note.message in reviewer.get("/notifications").get_data(as_text=True)
    assert "mail-trouble" not in reviewer.get("/queue").get_data(as_text=True)
    # Admins are told, on every page.
    admin = mail_app.test_client()
    login(admin, users["admin"].email)
    page = admin.get("/queue").get_data(as_text=True)
    assert "Notification e-mail is not getting through" in page
    assert "1 waiting for another attempt" in page
    # Not due yet: the next run leaves it alone.
    with mail_app.app_context():
        assert mail.send_pending().failed == 0
    # The server comes back; once due, the worker sends it.
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=mail_port)
    controller.start()
    try:
        with mail_app.app_context():
            outcome = mail.send_pending(now=utcnow() + timedelta(minutes=5))
    finally:
        controller.stop()
    assert outcome.sent == 1 and len(inbox.messages) == 1
    assert _pending(mail_app)[0].mail_state is MailState.SENT
    assert "Notification e-mail is not getting through" not in admin.get("/queue").get_data(
        as_text=True
    )


def test_after_the_last_attempt_the_mail_is_given_up_but_the_notification_stays(
    mail_app, mail_port
):
    users = make_users(mail_app)
    _opt_in(mail_app.test_client(), users["reviewer"].email)
    _assign(mail_app, users)
    moment = utcnow()
    with mail_app.app_context():
        for _ in range(mail.MAX_ATTEMPTS):
            moment += timedelta(hours=2)
            mail.send_pending(now=moment)
    [note] = _pending(mail_app)
    assert note.mail_state is MailState.FAILED and note.mail_attempts == mail.MAX_ATTEMPTS
    with mail_app.app_context():
        status = mail.status(db.session)
        assert status.failed == 1 and status.in_trouble
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "mail.failed")
            )
            == mail.MAX_ATTEMPTS
        )


def test_the_worker_runs_the_mail_job_every_minute():
    spec = SPECS["notifications.mail"]
    assert spec.kind == "periodic"
    from datetime import datetime

    assert spec.schedule(datetime(2026, 12, 1, 3, 17))


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MAIL_PORT", "0", "MAIL_PORT"),
        ("MAIL_PORT", "70000", "MAIL_PORT"),
        ("MAIL_USE_TLS", "maybe", "MAIL_USE_TLS"),
        ("MAIL_SENDER", "not-an-address", "MAIL_SENDER"),
    ],
)
def test_bad_mail_settings_stop_start_up_naming_the_setting(tmp_path, setting, value, message):
    with pytest.raises(ConfigError, match=message):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", **{setting: value})


def test_mail_is_not_pending_without_a_server(app, users):
    with app.app_context():
        people = people_of(users)
        people["reviewer"].email_notifications = True
        claim = walk_claim(people, make_claim(actor=people["editor"]), "queued")
        workflow.assign(db.session, claim, people["reviewer"], actor=people["editor"])
        db.session.commit()
        note = db.session.scalar(sa.select(Notification))
        assert note is not None and note.mail_state is None
        assert mail.send_pending().sent == 0
        assert db.session.get(Claim, claim.id) is not None
