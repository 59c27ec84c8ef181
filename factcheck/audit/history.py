"""An entity's history in words, for the timeline shown on claim and article pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup

from factcheck.audit.actions import DENIED_SUFFIX, AuditAction, is_denied
from factcheck.database import DBSession, prebuilt
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Article, AuditEvent, ClaimStatus, RatingValue, Role, User

# What a person reads after the actor's name ("Alice published the fact-check"); translated.
ACTION_WORDS: dict[str, Any] = {
    AuditAction.ARTICLE_INGEST: _l("ingested the article"),
    AuditAction.CLAIM_CREATE: _l("created the claim"),
    AuditAction.CLAIM_EDIT: _l("edited the claim"),
    AuditAction.CLAIM_ACCEPT: _l("accepted the claim into the queue"),
    AuditAction.CLAIM_DISMISS: _l("dismissed the claim"),
    AuditAction.CLAIM_REOPEN: _l("reopened the claim"),
    AuditAction.CLAIM_TAKE: _l("took the claim for review"),
    AuditAction.CLAIM_ASSIGN: _l("assigned the claim"),
    AuditAction.CLAIM_HAND_BACK: _l("handed the claim back to the queue"),
    AuditAction.CLAIM_PROPOSE: _l("proposed a verdict"),
    AuditAction.CLAIM_SEND_BACK: _l("sent the claim back for changes"),
    AuditAction.CLAIM_PUBLISH: _l("published the fact-check"),
    AuditAction.CLAIM_CORRECT: _l("published a correction"),
    AuditAction.SOURCE_ADD: _l("added a source"),
    AuditAction.SOURCE_EDIT: _l("edited a source"),
    AuditAction.SOURCE_REMOVE: _l("removed a source"),
    AuditAction.VERDICT_DRAFT: _l("drafted a verdict"),
    AuditAction.VERDICT_EDIT: _l("edited the draft verdict"),
    AuditAction.VERDICT_PROPOSE: _l("proposed a verdict"),
    AuditAction.VERDICT_APPROVE: _l("approved the verdict"),
    AuditAction.VERDICT_SEND_BACK: _l("sent the verdict back"),
    AuditAction.VERDICT_CORRECT: _l("corrected the verdict"),
    AuditAction.VERDICT_CORRECTION_DRAFT: _l("drafted a correction"),
    AuditAction.VERDICT_APPROVE_CORRECTION: _l("approved the correction"),
    AuditAction.VERDICT_SUPERSEDE: _l("superseded the verdict by a correction"),
    AuditAction.VERDICT_DISCARD: _l("discarded the correction draft"),
    AuditAction.NOTE_ADD: _l("added a note"),
    AuditAction.RATING_SCALE_CREATE: _l("created the rating scale"),
    AuditAction.RATING_SCALE_EDIT: _l("changed the rating scale"),
    AuditAction.RATING_VALUE_ADD: _l("added a rating"),
    AuditAction.RATING_VALUE_EDIT: _l("changed a rating"),
    AuditAction.RATING_VALUE_MOVE: _l("reordered a rating"),
    AuditAction.RATING_VALUE_DELETE: _l("deleted a rating"),
    AuditAction.ORGANISATION_EDIT: _l("changed the organisation settings"),
    AuditAction.USER_CREATE: _l("created the user"),
    AuditAction.USER_ROLE: _l("changed the role"),
    AuditAction.USER_DEACTIVATE: _l("deactivated the user"),
    AuditAction.USER_ACTIVATE: _l("reactivated the user"),
    AuditAction.USER_PASSWORD: _l("changed the password"),
    AuditAction.LOGIN_SUCCESS: _l("signed in"),
    AuditAction.LOGIN_FAILURE: _l("failed to sign in"),
    AuditAction.LOGIN_THROTTLED: _l("was refused sign-in (too many attempts)"),
    AuditAction.LOGOUT: _l("signed out"),
    AuditAction.AUDIT_EXPORT: _l("exported the audit trail"),
    AuditAction.EXPORT_CLAIMREVIEW: _l("exported the ClaimReview feed"),
    AuditAction.OUTLET_ADD: _l("started following the outlet"),
    AuditAction.OUTLET_PAUSE: _l("paused the outlet"),
    AuditAction.OUTLET_RESUME: _l("resumed the outlet"),
    AuditAction.OUTLET_POLL_NOW: _l("asked for a poll now"),
    AuditAction.OUTLET_POLL: _l("polled the outlet"),
    AuditAction.OUTLET_REMOVE: _l("stopped following the outlet"),
    AuditAction.SNAPSHOT_CAPTURE: _l("captured the source's page"),
    AuditAction.SNAPSHOT_FAIL: _l("could not capture the source's page"),
    AuditAction.CLAIM_BULK_TRIAGE: _l("triaged claims in bulk"),
    AuditAction.CLAIM_MARK_EXAMPLE: _l("marked the fact-check as a worked example"),
    AuditAction.CLAIM_MATCH_LINKED: _l("linked an earlier fact-check as a source"),
    AuditAction.CLAIM_MATCH_DUPLICATE: _l("dismissed the claim as already checked"),
    AuditAction.VERDICT_ANNOTATE: _l("annotated the verdict"),
    AuditAction.USER_ACTIVE: _l("changed whether the account is active"),
    AuditAction.MODEL_SWITCH: _l("switched the check-worthiness model"),
    AuditAction.LOGIN_2FA_FAILURE: _l("failed the two-factor code"),
    AuditAction.TWO_FACTOR_ENABLE: _l("turned on two-factor sign-in"),
    AuditAction.TWO_FACTOR_DISABLE: _l("turned off two-factor sign-in"),
    AuditAction.AUDIT_VERIFY: _l("verified the audit trail"),
    AuditAction.FACT_CHECK_IMPORT: _l("imported a fact-check"),
    AuditAction.FACT_CHECK_REIMPORT: _l("updated an imported fact-check"),
    AuditAction.JOB_SUBMIT: _l("queued a background job"),
    AuditAction.JOB_RESUBMIT: _l("queued a background job again"),
    AuditAction.FEED_FOLLOW: _l("started following a fact-check feed"),
    AuditAction.FEED_UNFOLLOW: _l("stopped following a fact-check feed"),
    AuditAction.INBOX_SEEN: _l("marked the new claims as seen"),
    AuditAction.NOTIFICATION_READ: _l("read a notification"),
    AuditAction.USER_PREFERENCES: _l("changed their preferences"),
    AuditAction.MAIL_SENT: _l("sent an e-mail notification"),
    AuditAction.MAIL_FAILED: _l("could not send an e-mail notification"),
    AuditAction.EXPORT_CSV: _l("exported a CSV file"),
    AuditAction.API_TOKEN_CREATE: _l("created an API token"),
    AuditAction.API_TOKEN_REVOKE: _l("revoked an API token"),
    AuditAction.API_TOKEN_USE: _l("used an API token"),
    AuditAction.WEBHOOK_ADD: _l("added a webhook"),
    AuditAction.WEBHOOK_EDIT: _l("changed a webhook"),
    AuditAction.WEBHOOK_REMOVE: _l("removed a webhook"),
    AuditAction.WEBHOOK_RESEND: _l("resent a webhook delivery"),
    AuditAction.WEBHOOK_ROTATE_SECRET: _l("rotated a webhook's secret"),
}
_MAX_VALUE = 160


def action_words(action: str) -> str:
    """``claim.status`` → "changed the status"; unknown actions are spelled out."""
    if is_denied(action):
        return _("was refused: %(what)s", what=action_words(action.removesuffix(DENIED_SUFFIX)))
    if action in ACTION_WORDS:
        return str(ACTION_WORDS[action])
    entity, _sep, verb = action.partition(".")
    return f"{verb.replace('_', ' ')} ({entity.replace('_', ' ')})" if verb else action


def show_value(value: Any) -> str:
    """A recorded value for people: empty for null, JSON for lists, shortened when long."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _shown_value(name: str, value: Any) -> str:
    """A recorded value in the reader's language where it is one of ours (a claim's status, a
    role); a recorded list or object as code (it is data, not words)."""
    from factcheck.auth.forms import ROLE_LABELS
    from factcheck.claims.workflow import STATUS_NAMES

    if name == "status" and value in ClaimStatus._value2member_map_:
        return str(STATUS_NAMES[ClaimStatus(value)])
    if name == "role" and value in Role._value2member_map_:
        return str(ROLE_LABELS[Role(value)]).lower()
    shown = show_value(value)
    if isinstance(value, list | dict) and shown != "—":
        return Markup("<code>%s</code>") % shown
    return shown


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    words: str
    changes: list[FieldChange] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    created: bool = False  # the changes are a creation snapshot (every before is null)
    actor_email: str = ""  # the recorded actor (an e-mail, "cli"…) when ``actor`` is a name


# Recorded foreign keys, shown by what they point at: a person's name, a rating's label, an
# article's title, "#12" for a claim or verdict. What an id no longer finds stays "#id".
USER_FIELDS = frozenset(
    {
        "assignee_id",
        "added_by_id",
        "author_id",
        "created_by_id",
        "proposed_by_id",
        "approved_by_id",
        "last_edited_by_id",
        "user_id",
    }
)
NUMBERED_FIELDS = frozenset(
    {"duplicate_of_id", "published_verdict_id", "corrects_id", "claim_id", "verdict_id"}
)


@dataclass
class Names:
    """What the ids of a timeline stand for (users, ratings, articles), read in one query."""

    users: dict[int, str] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    articles: dict[int, str] = field(default_factory=dict)

    def show(self, name: str, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            return _shown_value(name, value)
        if name in USER_FIELDS:
            return self.users.get(value, _("user #%(id)s", id=value))
        if name == "rating_value_id":
            return self.ratings.get(value, _("rating #%(id)s", id=value))
        if name == "article_id":
            return self.articles.get(value, _("article #%(id)s", id=value))
        if name in NUMBERED_FIELDS:
            return f"#{value}"
        return show_value(value)


# The fields a person meets in timelines, named in the reader's language; any other field is
# spelled out from its column name.
FIELD_LABELS: dict[str, Any] = {
    "text": _l("text"),
    "claim reviewed": _l("claim reviewed"),
    "claimant name": _l("claimant name"),
    "claimant type": _l("claimant type"),
    "claimant same as": _l("claimant same as"),
    "claim date": _l("claim date"),
    "appearance url": _l("appearance url"),
    "appearance headline": _l("appearance headline"),
    "language": _l("language"),
    "score": _l("score"),
    "status": _l("status"),
    "assignee": _l("assignee"),
    "priority": _l("priority"),
    "duplicate of": _l("duplicate of"),
    "dismiss reason": _l("dismiss reason"),
    "url": _l("url"),
    "title": _l("title"),
    "publisher": _l("publisher"),
    "date published": _l("date published"),
    "date accessed": _l("date accessed"),
    "excerpt": _l("excerpt"),
    "stance": _l("stance"),
    "archive url": _l("archive url"),
    "state": _l("state"),
    "rating": _l("rating"),
    "summary": _l("summary"),
    "explanation": _l("explanation"),
    "review comment": _l("review comment"),
    "correction note": _l("correction note"),
    "kind": _l("kind"),
    "name": _l("name"),
    "feed url": _l("feed url"),
    "interval seconds": _l("interval seconds"),
    "paused": _l("paused"),
    "description": _l("description"),
    "events": _l("events"),
    "active": _l("active"),
    "byline": _l("byline"),
    "headline": _l("headline"),
    "published on": _l("published on"),
    "role": _l("role"),
    "display name": _l("display name"),
    "email": _l("email"),
    "definition": _l("definition"),
    "value": _l("value"),
    "label": _l("label"),
    "position": _l("position"),
    "published at": _l("published at"),
    "published verdict": _l("published verdict"),
    "reasons": _l("reasons"),
    "slug": _l("address"),
    "content hash": _l("content hash"),
    "body": _l("body"),
    "raw": _l("raw"),
    "created at": _l("created at"),
    "created by": _l("created by"),
    "updated at": _l("updated at"),
    "article": _l("article"),
    "end offset": _l("end offset"),
    "start offset": _l("start offset"),
    "is example": _l("is example"),
    "model version": _l("model version"),
    "quantities": _l("quantities"),
    "version": _l("version"),
    "author": _l("author"),
    "claim": _l("claim"),
    "corrections policy url": _l("corrections policy url"),
    "logo url": _l("logo url"),
    "methodology url": _l("methodology url"),
    "same as": _l("same as"),
    "articles found": _l("articles found"),
    "failures": _l("failures"),
    "last error": _l("last error"),
    "last poll at": _l("last poll at"),
    "next poll at": _l("next poll at"),
    "last modified": _l("last modified"),
    "is default": _l("is default"),
    "scale": _l("scale"),
    "added by": _l("added by"),
    "email notifications": _l("email notifications"),
    "interface language": _l("interface language"),
    "approved alone": _l("approved alone"),
    "approved at": _l("approved at"),
    "approved by": _l("approved by"),
    "corrects": _l("corrects"),
    "last edited by": _l("last edited by"),
    "proposed at": _l("proposed at"),
    "proposed by": _l("proposed by"),
    "proposed digest": _l("proposed digest"),
    "proposed version": _l("proposed version"),
    "snapshot label": _l("snapshot label"),
    "snapshot value": _l("snapshot value"),
    "snapshot best": _l("snapshot best"),
    "snapshot worst": _l("snapshot worst"),
    "snapshot definition": _l("snapshot definition"),
    "snapshot language": _l("snapshot language"),
    "snapshot scale": _l("snapshot scale"),
    "expires at": _l("expires at"),
    "last used at": _l("last used at"),
    "prefix": _l("prefix"),
    "revoked at": _l("revoked at"),
    "revoked by": _l("revoked by"),
    "scopes": _l("scopes"),
    "user": _l("user"),
}


def field_label(name: str) -> str:
    """``assignee_id`` → "assignee"; ``rating_value_id`` → "rating" (translated when known)."""
    label = "rating" if name == "rating_value_id" else name.removesuffix("_id").replace("_", " ")
    return str(FIELD_LABELS.get(label, label))


@prebuilt
def _names_select() -> sa.CompoundSelect:
    """The names of the users, rating values and articles a timeline mentions (the ids as
    expanding parameters: an empty list selects nothing)."""
    columns = {
        "users": (User.id, User.display_name),
        "ratings": (RatingValue.id, RatingValue.label),
        "articles": (Article.id, Article.title),
    }
    return sa.union_all(
        *(
            sa.select(sa.literal(kind, sa.String), key, sa.cast(name, sa.Text)).where(
                key.in_(sa.bindparam(kind, expanding=True))
            )
            for kind, (key, name) in columns.items()
        )
    )


_NAMED: dict[str, tuple[type[Any], str]] = {
    "users": (User, "display_name"),
    "ratings": (RatingValue, "label"),
    "articles": (Article, "title"),
}


def _loaded_name(session: DBSession, model: type[Any], key: int, attribute: str) -> str | None:
    """The name of a row this transaction has already read (the same value a query would
    give), or ``None`` when it has not: never a statement."""
    row = session.identity_map.get(sa.inspect(model).identity_key_from_primary_key((key,)))
    if row is None or attribute in sa.inspect(row).unloaded:
        return None
    name: str = getattr(row, attribute)
    return name


def names_for(
    session: DBSession,
    bodies: list[dict[str, Any]],
    actor_ids: Iterable[int] = (),
    known: Names | None = None,
) -> Names:
    """The names of the ids in ``bodies`` and of ``actor_ids``: those in ``known``, those of
    rows this transaction has read, the rest in one statement."""
    wanted: dict[str, set[int]] = {"users": set(), "ratings": set(), "articles": set()}
    for body in bodies:
        for name, change in (body.get("changes") or {}).items():
            kind = (
                "users"
                if name in USER_FIELDS
                else "ratings"
                if name == "rating_value_id"
                else "articles"
                if name == "article_id"
                else None
            )
            if kind is None:
                continue
            for value in (change.get("before"), change.get("after")):
                if isinstance(value, int) and not isinstance(value, bool):
                    wanted[kind].add(value)
    wanted["users"] |= set(actor_ids)
    names = known if known is not None else Names()
    for kind, (model, attribute) in _NAMED.items():
        found = getattr(names, kind)
        for key in list(wanted[kind]):
            if key not in found:
                found_name = _loaded_name(session, model, key, attribute)
                if found_name is None:
                    continue
                found[key] = found_name
            wanted[kind].discard(key)
    if any(wanted.values()):  # one statement for every kind of name still unknown
        params = {kind: sorted(ids) for kind, ids in wanted.items()}
        for kind, key, value in session.execute(_names_select(), params):
            getattr(names, kind)[key] = value
    return names


def entry_from(event: AuditEvent, names: Names | None = None) -> TimelineEntry:
    body = json.loads(event.body)
    return _entry(event, body, names or Names())


def _entry(event: AuditEvent, body: dict[str, Any], names: Names) -> TimelineEntry:
    changes = body.get("changes") or {}
    created = bool(changes) and all(c.get("before") is None for c in changes.values())
    return TimelineEntry(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor=names.users.get(event.actor_id or 0, event.actor),
        actor_email=event.actor,
        action=event.action,
        words=action_words(event.action),
        changes=[
            FieldChange(
                name,
                field_label(name),
                names.show(name, c.get("before")),
                names.show(name, c.get("after")),
            )
            for name, c in sorted(changes.items())
            if not (created and show_value(c.get("after")) == "—")
        ],
        details={k: show_value(v) for k, v in sorted((body.get("data") or {}).items())},
        created=created,
    )


@prebuilt
def _history_select() -> sa.Select[tuple[AuditEvent, str]]:
    """One entity's events but refusals, oldest first, each with its actor's name."""
    return (
        sa.select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.entity_type == sa.bindparam("entity_type"),
            AuditEvent.entity_id == sa.bindparam("entity_id"),
            AuditEvent.action.not_like("%.denied"),
        )
        .order_by(AuditEvent.seq)
    )


def history_for(
    entity_type: str, entity_id: Any, *, session: DBSession | None = None
) -> list[TimelineEntry]:
    """Every change to one entity, oldest first, ready for ``audit/_timeline.html``.

    Refused attempts (``….denied``) changed nothing, so they are listed on ``/audit`` only.
    """
    session = session if session is not None else db.session
    found = session.execute(
        _history_select(), {"entity_type": entity_type, "entity_id": str(entity_id)}
    ).all()
    rows = [(e, json.loads(e.body)) for e, _ in found]
    actors = Names(users={e.actor_id: name for e, name in found if e.actor_id and name})
    names = names_for(
        session,
        [body for _, body in rows],
        (e.actor_id for e, _ in rows if e.actor_id),
        known=actors,
    )
    return [_entry(e, body, names) for e, body in rows]
