"""The hardening suite's world: one real object of every kind, URLs for every rule, snapshots.

``world`` walks claims through the real services to every state a route acts on (the reviewer is
the assignee of every reviewed claim), so each URL parameter of ``app.url_map`` is filled with the
id of a real object. ``snapshot`` reads every table in full so that "changes nothing" means it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from factcheck.extensions import db
from factcheck.models import (
    AuditEvent,
    Claim,
    OrganisationSettings,
    RatingScale,
    RatingValue,
    User,
)
from tests.helpers import csrf_token, login

JSON = {"Accept": "application/json"}
SOURCE = {
    "url": "https://www.defense.gov/News/briefing",
    "title": "Pentagon briefing",
    "publisher": "US Department of Defense",
    "date_published": "2024-11-04",
    "date_accessed": "2024-11-10",
    "excerpt": "About 10,000 North Korean soldiers are in Kursk.",
    "stance": "supports",
    "archive_url": "",
}
# "correcting": published, with a correction drafted by editor2 awaiting a second editor.
STATES = ("new", "queued", "in_review", "proposed", "published", "correcting", "dismissed")
_N = itertools.count()

# Bookkeeping a read may write, and so left out of "a GET changes nothing":
# - user_sessions.last_seen_at: the server-side idle clock of the signed-in session moves on
#   every request, reads included (factcheck.auth._save_last_seen), by design of idle timeouts;
# - login_attempts: the sign-in throttle's counter (failed attempts, pruned by age). It is
#   security bookkeeping rather than data, written by the sign-in steps the tests perform
#   between snapshots; no route other than sign-in writes it.
EXCLUDED_COLUMNS = {"user_sessions": {"last_seen_at"}}
EXCLUDED_TABLES = {"login_attempts"}
# Audit actions that record a refusal: the only trace a refused request may leave.
REFUSAL_ACTIONS = ("refused", "denied", "throttled", "failure")


@dataclass
class World:
    users: dict[str, int]
    article: int  # the article of the "new" claim
    claims: dict[str, int]  # by state; the reviewer is the assignee from in_review on
    source: int  # a source of the in_review claim
    spare_source: int  # another one, for the remove route
    scale: int  # the French default scale
    value: int  # a value of it no verdict uses (deletable)
    slug: str  # the published claim's public slug
    extra: dict[str, Any] = field(default_factory=dict)
    job: int = 0  # a failed URL-ingestion job (its page)


def _claim_in(state: str, people: dict[str, User]) -> Claim:
    from factcheck.claims import workflow
    from factcheck.review import services as review
    from tests.factories import make_article, make_claim, walk_claim

    editor, reviewer = people["editor"], people["reviewer"]
    article = make_article(
        "Le Pentagone estime que 10 000 soldats ont été envoyés. "
        f"Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. Dépêche {next(_N)}.",
        title=f"Article {state}",
    )
    claim = make_claim(article, actor=reviewer)
    if state == "dismissed":
        workflow.dismiss(db.session, claim, "opinion", actor=editor)
        return claim
    target = {"in_review": "sourced", "correcting": "published"}.get(state, state)
    sources = [
        {**SOURCE, "url": url, "date_published": None, "date_accessed": None}
        for url in ("https://www.defense.gov/a", "https://www.nato.int/b")
    ]
    walk_claim(people, claim, target, sources=sources)
    if state == "correcting":
        from tests.factories import default_rating

        review.draft_correction(
            db.session,
            claim,
            actor=people["editor2"],
            rating_value_id=default_rating("Plutôt vrai").id,
            summary="Chiffre précisé.",
            explanation="",
            note="Erratum.",
        )
    return claim


def build_world(
    app: Flask,
    users: dict[str, Any],
    states: tuple[str, ...] = STATES,
    *,
    base: World | None = None,
) -> World:
    """Claims in ``states`` (all by default); with ``base``, only those claims are new."""
    from factcheck.ratings.services import add_value

    with app.app_context():
        people = {k: db.session.get(User, u.id) for k, u in users.items()}
        webhook = _webhook(people["admin"]) if base is None else None
        claims = {state: _claim_in(state, people) for state in states}
        db.session.flush()
        reviewed = claims.get("in_review")
        outlet = _outlet(people["admin"])
        if base is not None:
            db.session.commit()
            return World(
                job=base.job,
                users=base.users,
                article=claims["new"].article_id if "new" in claims else base.article,
                claims={**base.claims, **{k: c.id for k, c in claims.items()}},
                source=reviewed.sources[0].id if reviewed else base.source,
                spare_source=reviewed.sources[1].id if reviewed else base.spare_source,
                scale=base.scale,
                value=base.value,
                slug=str(claims["published"].slug) if "published" in claims else base.slug,
                extra={**base.extra, "outlet": outlet},
            )
        scale = db.session.scalar(
            sa.select(RatingScale).where(RatingScale.language == "fr", RatingScale.is_default)
        )
        assert scale is not None and reviewed is not None
        spare = add_value(
            db.session,
            scale,
            label="Inclassable",
            value=str(max(v.value for v in scale.values) + 1),
            definition="Ni vrai ni faux.",
            actor=people["admin"],
        )
        job = _failed_job(people["editor"])
        db.session.commit()
        return World(
            job=job,
            users={k: u.id for k, u in people.items()},
            article=claims["new"].article_id,
            claims={k: c.id for k, c in claims.items()},
            source=reviewed.sources[0].id,
            spare_source=reviewed.sources[1].id,
            scale=scale.id,
            value=spare.id,
            slug=str(claims["published"].slug),
            extra={
                "outlet": outlet,
                "snapshot": _captured_snapshot(reviewed.sources[0].id),
                **_webhook_ids(webhook),
            },
        )


def _outlet(admin: User) -> int:
    """A followed outlet (a fresh one per world, so each allowed action has its own)."""
    from factcheck.outlets.services import add_outlet

    outlet = add_outlet(
        db.session,
        {"url": f"https://news.example.org/feed-{next(_N)}.xml", "kind": "rss"},
        actor=admin,
    )
    return outlet.id


def _webhook(admin: User) -> int:
    """A webhook endpoint (never called here: no worker runs), registered before the claims so
    that their events give it deliveries."""
    from factcheck.webhooks.services import create_endpoint

    return create_endpoint(
        db.session,
        {"url": "https://cms.example.org/hook", "events": ["claim.published", "claim.assigned"]},
        actor=admin,
    ).id


def _webhook_ids(endpoint_id: int | None) -> dict[str, int]:
    from factcheck.models import WebhookDelivery

    if endpoint_id is None:
        return {}
    delivery = db.session.scalar(
        sa.select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint_id).limit(1)
    )
    assert delivery is not None
    return {"webhook": endpoint_id, "webhook_delivery": delivery}


def _captured_snapshot(source_id: int) -> int:
    """The source's pending snapshot, captured from a made-up answer (no network)."""
    from factcheck.models import SourceSnapshot, utcnow
    from factcheck.outlets.fetch import Fetched
    from factcheck.outlets.snapshots import _keep, warc_bytes

    snap = db.session.scalars(
        sa.select(SourceSnapshot).where(SourceSnapshot.source_id == source_id)
    ).first()
    assert snap is not None
    answer = Fetched(
        url=snap.url,
        status=200,
        headers=[("content-type", "text/html; charset=utf-8")],
        body=b"<html><body><p>About 10,000 North Korean soldiers are in Kursk.</p></body></html>",
        content_type="text/html",
        charset="utf-8",
        fetched_at=utcnow(),
    )
    assert _keep(snap, answer, warc_bytes(answer)) is None
    db.session.commit()
    return snap.id


def _failed_job(editor: User) -> int:
    from factcheck.models import Job, JobState, utcnow

    job = Job(
        kind="articles.ingest_url",
        key="url:hardening",
        state=JobState.FAILED,
        payload={"url": "https://example.org/gone"},
        attempts=1,
        max_attempts=4,
        error="https://example.org/gone answered HTTP 404",
        created_by_id=editor.id,
        finished_at=utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    return job.id


@pytest.fixture
def world(app: Flask, users: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> World:
    app.config["SNAPSHOT_DIR"] = str(tmp_path_factory.mktemp("snapshots"))
    return build_world(app, users)


# --- which claim a route acts on ------------------------------------------------------------

CLAIM_STATE_OF = {
    "claims.bulk": "new",
    "claims.accept": "new",
    "claims.dismiss": "new",
    "memory.duplicate_match": "new",
    "articles.accept": "new",
    "articles.dismiss": "new",
    "articles.add_claim": "new",
    "articles.show": "new",
    "claims.reopen": "dismissed",
    "claims.take": "queued",
    "claims.assign": "queued",
    "review.approve": "proposed",
    "review.request_changes": "proposed",
    "review.correct": "published",
    "review.approve_correction": "correcting",
    "review.discard_correction": "correcting",
}


def claim_state(endpoint: str) -> str:
    return CLAIM_STATE_OF.get(endpoint, "in_review")


def article_of(app: Flask, claim_id: int) -> int:
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None
        return claim.article_id


def url_for_rule(app: Flask, w: World, rule: Rule) -> str:
    """The rule's URL, every parameter filled with a real object's id."""
    claim_id = w.claims[claim_state(rule.endpoint)]
    values: dict[str, Any] = {
        "claim_id": claim_id,
        "article_id": article_of(app, claim_id),
        "source_id": w.spare_source if rule.endpoint == "review.remove_source" else w.source,
        "user_id": w.users["reviewer2"],
        "scale_id": w.scale,
        "value_id": w.value,
        "slug": w.slug,
        "filename": "factcheck.css",
        "outlet_id": w.extra.get("outlet"),
        "snapshot_id": w.extra.get("snapshot"),
        "job_id": w.job,
        "webhook_id": w.extra.get("webhook"),
        "delivery_id": w.extra.get("webhook_delivery"),
        "token_id": 1,
        "name": "swagger-ui.css",
    }
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


def rules(app: Flask) -> list[Rule]:
    """The browser's routes. The token API (``api_v1.*``) reads no cookie: tests/api checks it."""
    return sorted(
        (r for r in app.url_map.iter_rules() if not r.endpoint.startswith("api_v1.")),
        key=lambda r: (r.rule, r.endpoint),
    )


def routes(app: Flask, methods: set[str]) -> list[tuple[Rule, str]]:
    """Every (rule, method) pair whose method is one of ``methods``."""
    return [(r, m) for r in rules(app) for m in sorted(r.methods or ()) if m in methods]


# --- form data that a route would accept (so that a refusal is about who, not what) ----------


def valid_data(app: Flask, w: World, endpoint: str) -> dict[str, Any]:
    with app.app_context():
        claim = db.session.get(Claim, w.claims[claim_state(endpoint)])
        assert claim is not None
        version = str(claim.version)
        draft = next((v for v in claim.verdicts if v.state.value == "draft"), None)
        rating = db.session.scalar(sa.select(RatingValue.id).where(RatingValue.label == "Faux"))
        source = next((s for s in claim.sources if s.id == w.source), None)
        org_version = db.session.scalar(sa.select(OrganisationSettings.version)) or 0
    prefix = f"source-{w.source}-"
    data: dict[str, dict[str, Any]] = {
        "claims.edit": {"claim_reviewed": "Le Pentagone estime", "version": version},
        "claims.dismiss": {"reason": "opinion"},
        "articles.dismiss": {"reason": "opinion"},
        "articles.add_claim": {"text": "Un rapport montre que 23 des 32 membres"},
        "claims.bulk": {"claims": f"{claim.id}:{version}", "action": "accept"},
        "claims.assign": {"assignee": str(w.users["reviewer2"])},
        "review.add_source": {**SOURCE, "url": "https://example.org/new"},
        "review.edit_source": {
            **{prefix + k: v for k, v in SOURCE.items()},
            prefix + "version": str(source.version if source else 1),
        },
        "review.save_verdict": {
            "rating": str(rating),
            "summary": "Résumé.",
            "explanation": "",
            "version": str(draft.version if draft else 0),
        },
        "review.approve": {"version": version},
        "review.propose": {"version": str(draft.version if draft else 0)},
        "review.approve_correction": {"version": "1"},
        "review.discard_correction": {"version": "1"},
        "review.request_changes": {"comment": "More sources."},
        "review.correct": {"rating": str(rating), "summary": "Corrigé.", "note": "Erratum."},
        "review.add_note": {"body": "A note."},
        "outlets.add": {
            "url": f"https://news.example.org/added-{next(_N)}.xml",
            "kind": "rss",
            "language": "fr",
            "interval_minutes": "60",
        },
        # Our published claim says the same as the others: it is their "already checked" match.
        "memory.link_match": {"kind": "ours", "target_id": str(w.claims["published"])},
        "memory.duplicate_match": {"kind": "ours", "target_id": str(w.claims["published"])},
        "admin.create_user": {
            "email": "new@example.org",
            "display_name": "New",
            "role": "reviewer",
            "generate": "y",
        },
        "admin.user_role": {"role": "editor"},
        "admin.user_active": {"active": "0"},
        "admin.user_password": {"generate": "y"},
        "admin.scale": {"name": "Échelle", "language": "fr", "is_default": "y"},
        "admin.add_value": {"label": "Nouveau", "value": "42", "definition": "."},
        "admin.value": {"label": "Inclassable", "value": "41", "definition": "."},
        "admin.move_value": {"direction": "up"},
        "admin.organisation": {
            "name": "Le Desk",
            "url": "https://factcheck.example.org/",
            "methodology_url": "https://factcheck.example.org/methode",
            "corrections_policy_url": "",
            "logo_url": "https://factcheck.example.org/logo.png",
            "same_as": "https://www.wikidata.org/wiki/Q1\nhttps://ifcn.example.org/desk",
            "version": str(org_version),
        },
        "admin.webhooks.create": {
            "url": f"https://cms.example.org/hook-{next(_N)}",
            "events": "claim.published",
            "active": "y",
        },
        "admin.webhooks.edit": {
            "url": "https://cms.example.org/hook",
            "events": ["claim.published", "claim.corrected"],
            "active": "y",
        },
        "auth.password": {"current_password": "x", "new_password": "y", "confirm": "y"},
        "auth.login": {"email": "nobody@example.org", "password": "wrong"},
        "auth.two_factor": {"code": "000000"},
        "auth.two_factor_disable": {"code": "000000"},
    }
    return dict(data.get(endpoint, {}))


# --- clients and snapshots ------------------------------------------------------------------


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    login(client, email)
    return client


def token(client: FlaskClient) -> str:
    """The session's CSRF token (one per session, valid for every form)."""
    return csrf_token(client, "/account/password")


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (bar the bookkeeping above), in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with app.app_context():
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                if table.name in EXCLUDED_TABLES:
                    continue
                skip = EXCLUDED_COLUMNS.get(table.name, set())
                columns = [c for c in table.columns if c.name not in skip]
                query = sa.select(*columns).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(row) for row in conn.execute(query)]
        db.session.remove()
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Tables whose rows differ, with what was added and removed (for a readable failure)."""
    diff = {}
    for name in before:
        if before[name] != after[name]:
            old, new = set(before[name]), set(after[name])
            diff[name] = {
                "added": sorted(new - old, key=repr),
                "removed": sorted(old - new, key=repr),
            }
    return diff


def assert_unchanged(before: dict[str, Any], after: dict[str, Any], what: str = "") -> None:
    """Nothing changed, except audit events that record a refusal (and the chain head they move)."""
    diff = changes(before, after)
    events = diff.pop("audit_events", None)
    head = diff.pop("audit_chain_head", None)
    assert not diff, f"{what} changed data: {diff}"
    if events is not None:
        assert not events["removed"], f"{what} removed audit events"
        actions = [row[_action_index()] for row in events["added"]]
        assert all(any(word in a for word in REFUSAL_ACTIONS) for a in actions), (
            f"{what} added audit events beyond a recorded refusal: {actions}"
        )
    else:
        assert head is None, f"{what} moved the audit head without an event"


def _action_index() -> int:
    names = [c.name for c in AuditEvent.__table__.columns]
    return names.index("action")


def audit_head(app: Flask) -> int:
    with app.app_context():
        seq = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) or 0
        db.session.remove()
        return int(seq)
