"""An entity's history in words, for the timeline shown on claim and article pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from factcheck.audit.store import DbSession
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, RatingValue, User

ACTION_WORDS = {
    "article.ingest": "ingested the article",
    "claim.create": "created the claim",
    "claim.edit": "edited the claim",
    "claim.accept": "accepted the claim into the queue",
    "claim.dismiss": "dismissed the claim",
    "claim.reopen": "reopened the claim",
    "claim.take": "took the claim for review",
    "claim.assign": "assigned the claim",
    "claim.hand_back": "handed the claim back to the queue",
    "claim.propose": "proposed a verdict",
    "claim.send_back": "sent the claim back for changes",
    "claim.publish": "published the fact-check",
    "claim.correct": "published a correction",
    "source.add": "added a source",
    "source.edit": "edited a source",
    "source.remove": "removed a source",
    "verdict.draft": "drafted a verdict",
    "verdict.edit": "edited the draft verdict",
    "verdict.propose": "proposed a verdict",
    "verdict.approve": "approved the verdict",
    "verdict.send_back": "sent the verdict back",
    "verdict.correct": "corrected the verdict",
    "verdict.correction_draft": "drafted a correction",
    "verdict.approve_correction": "approved the correction",
    "verdict.supersede": "superseded the verdict by a correction",
    "verdict.discard": "discarded the correction draft",
    "note.add": "added a note",
    "rating_scale.create": "created the rating scale",
    "rating_scale.edit": "changed the rating scale",
    "rating_value.add": "added a rating",
    "rating_value.edit": "changed a rating",
    "rating_value.move": "reordered a rating",
    "rating_value.delete": "deleted a rating",
    "organisation.edit": "changed the organisation settings",
    "user.create": "created the user",
    "user.role": "changed the role",
    "user.deactivate": "deactivated the user",
    "user.activate": "reactivated the user",
    "user.password": "changed the password",
    "login.success": "signed in",
    "login.failure": "failed to sign in",
    "login.throttled": "was refused sign-in (too many attempts)",
    "logout": "signed out",
    "audit.export": "exported the audit trail",
    "export.claimreview": "exported the ClaimReview feed",
    "outlet.add": "started following the outlet",
    "outlet.pause": "paused the outlet",
    "outlet.resume": "resumed the outlet",
    "outlet.poll_now": "asked for a poll now",
    "outlet.poll": "polled the outlet",
    "outlet.remove": "stopped following the outlet",
    "snapshot.capture": "captured the source's page",
    "snapshot.fail": "could not capture the source's page",
}
_MAX_VALUE = 160


def action_words(action: str) -> str:
    """``claim.status`` → "changed the status"; unknown actions are spelled out."""
    if action.endswith(".denied"):
        return "was refused: " + action_words(action.removesuffix(".denied"))
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    entity, _, verb = action.partition(".")
    return f"{verb.replace('_', ' ')} ({entity.replace('_', ' ')})" if verb else action


def show_value(value: Any) -> str:
    """A recorded value for people: empty for null, JSON for lists, shortened when long."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


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
    """What the ids of a timeline stand for, read with one query per kind."""

    users: dict[int, str] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    articles: dict[int, str] = field(default_factory=dict)

    def show(self, name: str, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            return show_value(value)
        if name in USER_FIELDS:
            return self.users.get(value, f"user #{value}")
        if name == "rating_value_id":
            return self.ratings.get(value, f"rating #{value}")
        if name == "article_id":
            return self.articles.get(value, f"article #{value}")
        if name in NUMBERED_FIELDS:
            return f"#{value}"
        return show_value(value)


def field_label(name: str) -> str:
    """``assignee_id`` → "assignee"; ``rating_value_id`` → "rating"."""
    if name == "rating_value_id":
        return "rating"
    return name.removesuffix("_id").replace("_", " ")


def names_for(
    session: DbSession, bodies: list[dict[str, Any]], actor_ids: Iterable[int] = ()
) -> Names:
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
    names = Names()
    if wanted["users"]:
        names.users = _pairs(
            session.execute(
                sa.select(User.id, User.display_name).where(User.id.in_(wanted["users"]))
            )
        )
    if wanted["ratings"]:
        names.ratings = _pairs(
            session.execute(
                sa.select(RatingValue.id, RatingValue.label).where(
                    RatingValue.id.in_(wanted["ratings"])
                )
            )
        )
    if wanted["articles"]:
        names.articles = _pairs(
            session.execute(
                sa.select(Article.id, Article.title).where(Article.id.in_(wanted["articles"]))
            )
        )
    return names


def _pairs(rows: Any) -> dict[int, str]:
    return {key: value for key, value in rows}


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


def history_for(
    entity_type: str, entity_id: Any, *, session: DbSession | None = None
) -> list[TimelineEntry]:
    """Every change to one entity, oldest first, ready for ``audit/_timeline.html``.

    Refused attempts (``….denied``) changed nothing, so they are listed on ``/audit`` only.
    """
    session = session if session is not None else db.session
    events = session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id == str(entity_id),
            AuditEvent.action.not_like("%.denied"),
        )
        .order_by(AuditEvent.seq)
    )
    rows = [(e, json.loads(e.body)) for e in events]
    names = names_for(
        session, [body for _, body in rows], (e.actor_id for e, _ in rows if e.actor_id)
    )
    return [_entry(e, body, names) for e, body in rows]
