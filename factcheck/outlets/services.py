"""Following outlets: adding, pausing, resuming and removing them, and recording their polls.

Each function changes rows and records its audit event in the caller's transaction; none
commits. Polling itself (fetching, then one transaction per article) is in ``polling.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, change_and_record, record
from factcheck.claims import policy
from factcheck.database import DBSession
from factcheck.domain import Conflict, NotFound, PermissionDenied, ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import LANGUAGE_CHOICES
from factcheck.models import Outlet, OutletKind, User, utcnow
from factcheck.validation import clean_text, clean_url

OUTLET_FIELDS = ("url", "kind", "name", "feed_url", "language", "interval_seconds", "paused")
LANGUAGES = LANGUAGE_CHOICES
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60
DEFAULT_INTERVAL_MINUTES = 60
MAX_NAME = 200
MAX_ERROR = 1000
EDITORS_ONLY = _l("only editors and admins can change the outlets the desk follows")


def can_manage(user: User) -> bool:
    """Editors and admins add, pause, resume, poll and remove outlets; everyone may look."""
    return policy.is_editor(user)


def _require_manage(actor: User | None) -> None:
    if actor is not None and not can_manage(actor):
        raise PermissionDenied(str(EDITORS_ONLY))


def clean_outlet_values(values: dict[str, Any]) -> dict[str, Any]:
    """The fields of a new outlet, each checked; refusals name the field."""
    url = clean_url(values.get("url"), "url", required=True)
    try:
        kind = OutletKind(str(values.get("kind") or OutletKind.SITE.value))
    except ValueError:
        raise ValidationError(_("kind must be rss, atom, sitemap or site"), field="kind") from None
    language = str(values.get("language") or "auto")
    if language not in LANGUAGES:
        raise ValidationError(_("language must be auto, fr or en"), field="language")
    raw_interval = values.get("interval_minutes", DEFAULT_INTERVAL_MINUTES)
    try:
        minutes = int(str(raw_interval).strip())
    except ValueError:
        raise ValidationError(
            _("interval must be a whole number of minutes"), field="interval_minutes"
        ) from None
    if not MIN_INTERVAL_MINUTES <= minutes <= MAX_INTERVAL_MINUTES:
        raise ValidationError(
            _(
                "interval must be between %(low)d and %(high)d minutes",
                low=MIN_INTERVAL_MINUTES,
                high=MAX_INTERVAL_MINUTES,
            ),
            field="interval_minutes",
        )
    return {
        "url": url,
        "kind": kind,
        "name": clean_text(values.get("name"), "name", max_length=MAX_NAME),
        "feed_url": None if kind is OutletKind.SITE else url,
        "language": None if language == "auto" else language,
        "interval_seconds": minutes * 60,
        "paused": False,
    }


def add_outlet(session: DBSession, values: dict[str, Any], *, actor: User | None) -> Outlet:
    """Follow a new outlet; it is polled as soon as a worker is free."""
    _require_manage(actor)
    cleaned = clean_outlet_values(values)
    existing = session.scalar(sa.select(Outlet).where(Outlet.url == cleaned["url"]))
    if existing is not None:
        raise ValidationError(
            _("%(url)s is already followed (outlet #%(id)s)", url=cleaned["url"], id=existing.id),
            field="url",
        )
    outlet = Outlet(
        **cleaned,
        next_poll_at=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    add_and_record(
        session,
        outlet,
        OUTLET_FIELDS,
        actor=actor,
        action=AuditAction.OUTLET_ADD,
        entity_type="outlet",
    )
    return outlet


def get_outlet(session: DBSession, outlet_id: int) -> Outlet:
    outlet = session.get(Outlet, outlet_id)
    if outlet is None:
        raise NotFound(_("no outlet #%(id)s", id=outlet_id))
    return outlet


def find_outlet(session: DBSession, ref: str) -> Outlet:
    """An outlet by id (``12``) or by its exact URL, for the command line."""
    if ref.isdigit():
        return get_outlet(session, int(ref))
    outlet = session.scalar(sa.select(Outlet).where(Outlet.url == ref))
    if outlet is None:
        raise NotFound(_("no outlet with the address %(url)s", url=ref))
    return outlet


def list_outlets(session: DBSession) -> list[Outlet]:
    return list(session.scalars(sa.select(Outlet).order_by(Outlet.id)))


def set_paused(session: DBSession, outlet: Outlet, paused: bool, *, actor: User | None) -> None:
    """Pause (no more polls) or resume (polled at once) an outlet."""
    _require_manage(actor)
    values: dict[str, Any] = {"paused": paused}
    if not paused:
        values["next_poll_at"] = utcnow()
    change_and_record(
        session,
        outlet,
        values,
        actor=actor,
        action=AuditAction.OUTLET_PAUSE if paused else AuditAction.OUTLET_RESUME,
        entity_type="outlet",
    )


def remove_outlet(session: DBSession, outlet: Outlet, *, actor: User | None) -> None:
    """Stop following an outlet; the articles it brought stay on the desk."""
    _require_manage(actor)
    before = {f: (getattr(outlet, f), None) for f in OUTLET_FIELDS}
    outlet_id = outlet.id
    data = {"articles_found": outlet.articles_found}
    session.delete(outlet)
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction.OUTLET_REMOVE,
        entity_type="outlet",
        entity_id=outlet_id,
        changes=before,
        data=data,
    )


def due_outlets(session: DBSession, now: datetime | None = None) -> list[int]:
    """Ids of the outlets whose next poll is due, most overdue first."""
    moment = now or utcnow()
    return list(
        session.scalars(
            sa.select(Outlet.id)
            .where(Outlet.paused.is_(False), Outlet.next_poll_at <= moment)
            .order_by(Outlet.next_poll_at, Outlet.id)
        )
    )


def lease(session: DBSession, outlet_id: int, *, seconds: int, force: bool = False) -> bool:
    """Take the outlet's next poll for this worker (move ``next_poll_at`` on by ``seconds``).

    One conditional UPDATE: of two workers that see the same due outlet, one gets it.
    """
    now = utcnow()
    condition = [Outlet.id == outlet_id]
    if not force:
        condition += [Outlet.paused.is_(False), Outlet.next_poll_at <= now]
    result = session.execute(
        sa.update(Outlet)
        .where(*condition)
        .values(next_poll_at=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def backoff_seconds(interval: int, failures: int, limit: int) -> int:
    """The wait after ``failures`` consecutive failures: the interval doubled each time, capped."""
    return int(min(interval * 2 ** min(failures, 20), max(limit, interval)))


@dataclass
class PollOutcome:
    """What one poll found, as ``polling.py`` hands it to :func:`record_poll`."""

    ok: bool
    not_modified: bool = False
    new_articles: int = 0
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    keep_validators: bool = False  # store the answer's validators (everything listed was read)
    feed_url: str | None = None  # the feed or sitemap a site poll found


def record_poll(
    session: DBSession, outlet: Outlet, outcome: PollOutcome, *, max_backoff: int
) -> None:
    """Store a poll's result on the outlet: schedule, backoff, validators, counts, last error.

    An event is recorded when the poll added articles or its error changed (a poll that finds
    nothing new leaves no trace but the outlet's "last poll" time).
    """
    now = utcnow()
    error = outcome.error[:MAX_ERROR] if outcome.error else None
    values: dict[str, Any] = {"last_poll_at": now, "last_error": error}
    if outcome.ok:
        values["failures"] = 0
        values["next_poll_at"] = now + timedelta(seconds=outlet.interval_seconds)
        values["articles_found"] = outlet.articles_found + outcome.new_articles
        if outcome.feed_url:
            values["feed_url"] = outcome.feed_url
        if outcome.keep_validators and not outcome.not_modified:
            values["etag"] = outcome.etag
            values["last_modified"] = outcome.last_modified
        elif not outcome.not_modified:
            values["etag"] = values["last_modified"] = None
    else:
        failures = outlet.failures + 1
        values["failures"] = failures
        values["next_poll_at"] = now + timedelta(
            seconds=backoff_seconds(outlet.interval_seconds, failures, max_backoff)
        )
    error_changed = error != outlet.last_error
    if outcome.new_articles or error_changed:
        change_and_record(
            session,
            outlet,
            values,
            actor=None,
            action=AuditAction.OUTLET_POLL,
            entity_type="outlet",
            data={"new_articles": outcome.new_articles, "ok": outcome.ok},
        )
    else:
        for name, value in values.items():
            setattr(outlet, name, value)
        session.flush()


def poll_now(session: DBSession, outlet: Outlet, *, actor: User | None) -> None:
    """Make the outlet due at once (a worker polls it next); a paused outlet must be resumed."""
    _require_manage(actor)
    if outlet.paused:
        raise Conflict(_("outlet #%(id)s is paused; resume it to poll it", id=outlet.id))
    change_and_record(
        session,
        outlet,
        {"next_poll_at": utcnow()},
        actor=actor,
        action=AuditAction.OUTLET_POLL_NOW,
        entity_type="outlet",
    )
