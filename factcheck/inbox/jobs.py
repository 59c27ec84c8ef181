"""The worker's e-mail job: every minute, send the notification e-mails that are due."""

from __future__ import annotations

import logging

from huey import crontab

from factcheck.inbox.mail import send_pending
from factcheck.jobs.registry import periodic_job

log = logging.getLogger("factcheck.inbox")


@periodic_job("notifications.mail", crontab(minute="*"))
def send_notification_mail() -> None:
    outcome = send_pending()
    if outcome.error:
        log.warning("notification e-mail: %s (left pending, retried later)", outcome.error)
