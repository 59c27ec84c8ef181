"""Webhooks end to end: events captured with the change, sent by the worker to a real receiver.

Every test runs on SQLite and PostgreSQL. The receiver (``conftest.py``) listens on 127.0.0.1,
which the app may reach only because ``FETCH_ALLOW_HOSTS`` names it, and checks each signature
with the endpoint's secret. Time is not waited for: retries are scheduled in the database, and
the tests hand the worker a later ``now`` instead of sleeping.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.models import (
    WEBHOOK_EVENTS,
    AuditEvent,
    Claim,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from factcheck.webhooks import services, signing
from factcheck.webhooks.delivery import deliver_endpoint, due_endpoints
from factcheck.webhooks.jobs import queue_due
from tests.conftest import REPO
from tests.factories import make_article, make_claim, people_of, published_claim, walk_claim
from tests.helpers import csrf_token, login
from tests.webhooks.conftest import Receiver, expected_signature

# --- the signature scheme ----------------------------------------------------------------------

# The Standard Webhooks project's own reference vector (its libraries' sign test).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_matches_the_specification_vector():
    when = datetime.fromtimestamp(SPEC_TIMESTAMP, UTC)
    assert signing.signature(SPEC_SECRET, SPEC_ID, when, SPEC_BODY) == SPEC_SIGNATURE
    headers = signing.headers(SPEC_SECRET, SPEC_ID, when, SPEC_BODY)
    assert headers == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }
    # The receiver's own check (plain hmac) agrees with the vector too.
    assert (
        expected_signature(SPEC_SECRET, SPEC_ID, str(SPEC_TIMESTAMP), SPEC_BODY.encode())
        == SPEC_SIGNATURE
    )
    # One byte more in the body and it no longer matches.
    assert signing.signature(SPEC_SECRET, SPEC_ID, when, SPEC_BODY + " ") != SPEC_SIGNATURE


def test_new_secrets_are_whsec_and_32_random_bytes():
    one, two = signing.new_secret(), signing.new_secret()
    assert one != two
    for secret in (one, two):
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


# --- helpers -----------------------------------------------------------------------------------


def register(receiver: Receiver, events: tuple[str, ...] = WEBHOOK_EVENTS, path: str = "/hook"):
    endpoint = services.create_endpoint(
        db.session, {"url": receiver.url + path, "events": list(events)}, actor=None
    )
    db.session.commit()
    receiver.secret = endpoint.secret
    return endpoint.id


def deliveries(endpoint_id: int) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.event_id)
        )
    )


def attempts(delivery_id: int) -> list[WebhookAttempt]:
    return list(
        db.session.scalars(
            sa.select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id)
        )
    )


def publish(users: dict[str, Any]) -> Claim:
    claim = published_claim(users)
    db.session.commit()
    return claim


def two_articles() -> None:
    """Two ``article.ingested`` events, in this order, each committed on its own."""
    make_article(body="Le Pentagone estime que 10 000 soldats ont été envoyés.", title="One")
    db.session.commit()
    make_article(body="Un rapport montre que 23 des 32 membres dépensent 2 %.", title="Two")
    db.session.commit()


# --- capture: the outbox -----------------------------------------------------------------------


def test_publishing_queues_one_delivery_and_sends_nothing_yet(ctx, users, receiver):
    endpoint_id = register(receiver, ("claim.published",))
    claim = publish(users)
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 0
    assert delivery.event.type == "claim.published"
    assert delivery.event.subject_id == claim.id
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "claim.publish"))
    assert audit is not None and delivery.event.audit_seq == audit.seq
    assert receiver.received == []  # the change never waits for the endpoint


def test_events_are_only_for_subscribed_active_endpoints(ctx, users, receiver):
    published_only = register(receiver, ("claim.published",), path="/a")
    ingested_only = register(receiver, ("article.ingested",), path="/b")
    inactive = services.create_endpoint(
        db.session,
        {"url": receiver.url + "/c", "events": list(WEBHOOK_EVENTS), "active": False},
        actor=None,
    ).id
    db.session.commit()
    publish(users)  # ingests an article, then publishes a claim of it
    assert [d.event.type for d in deliveries(published_only)] == ["claim.published"]
    assert [d.event.type for d in deliveries(ingested_only)] == ["article.ingested"]
    assert deliveries(inactive) == []


def test_an_event_rolls_back_with_its_change(ctx, users, receiver):
    register(receiver)
    people = people_of(users)
    claim = walk_claim(people, make_claim(actor=people["reviewer"]), "proposed")
    db.session.commit()
    from factcheck.review import services as review

    review.approve(db.session, db.session.get(Claim, claim.id), actor=people_of(users)["editor2"])
    db.session.flush()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.type == "claim.published")
        )
        == 1
    )
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(WebhookEvent)
            .where(WebhookEvent.type == "claim.published")
        )
        == 0
    )


# --- sending -----------------------------------------------------------------------------------


def test_the_worker_sends_a_signed_claim_published_with_its_claimreview(app, ctx, users, receiver):
    endpoint_id = register(receiver, ("claim.published",))
    claim = publish(users)
    slug = claim.slug
    assert queue_due() == [endpoint_id]  # the periodic job hands the endpoint to a worker
    [got] = receiver.received
    assert got.signature_ok, got.headers
    assert got.headers["content-type"] == "application/json"
    [delivery] = deliveries(endpoint_id)
    assert got.headers["webhook-id"] == delivery.event.message_id
    assert abs(int(got.headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 120
    payload = got.payload
    assert payload["type"] == "claim.published"
    assert payload["data"]["claim"]["id"] == claim.id
    assert payload["data"]["claim"]["url"] == f"https://factcheck.example.org/fact-checks/{slug}"
    review = payload["data"]["claim_review"]
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "Vrai"
    # The same ClaimReview as the public page embeds.
    page = app.test_client().get(f"/fact-checks/{slug}").get_data(as_text=True)
    from tests.publishing.test_public_pages import jsonld_of

    assert jsonld_of(page) == review
    assert delivery.state is DeliveryState.SUCCEEDED and delivery.delivered_at is not None
    [attempt] = attempts(delivery.id)
    assert attempt.status_code == 200 and attempt.succeeded and attempt.error is None
    assert queue_due() == []  # nothing left


def test_the_readme_verification_snippet_accepts_a_real_delivery(ctx, receiver):
    """The few lines of Python the README gives receivers verify what the worker sends."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 (our own README)
    verify = namespace["verify"]
    endpoint_id = register(receiver, ("article.ingested",))
    make_article()
    db.session.commit()
    deliver_endpoint(endpoint_id)
    [got] = receiver.received
    assert verify(receiver.secret, got.headers, got.body)
    assert not verify(receiver.secret, got.headers, got.body + b" ")
    assert not verify(signing.new_secret(), got.headers, got.body)
    stale = {**got.headers, "webhook-timestamp": str(int(got.headers["webhook-timestamp"]) - 600)}
    assert not verify(receiver.secret, stale, got.body)


def test_a_correction_sends_claim_corrected_with_the_new_claimreview(ctx, users, receiver):
    endpoint_id = register(receiver, ("claim.corrected",))
    claim = publish(users)
    from tests.publishing.test_public_pages import correct

    correct(users, claim.slug, rating="Plutôt vrai", note="Le chiffre exact est 11 000.")
    deliver_endpoint(endpoint_id)
    [got] = receiver.received
    assert got.signature_ok
    data = got.payload["data"]
    assert got.payload["type"] == "claim.corrected"
    assert data["correction_note"] == "Le chiffre exact est 11 000."
    assert data["rating"]["label"] == "Plutôt vrai"
    assert data["claim_review"]["reviewRating"]["alternateName"] == "Plutôt vrai"
    assert "dateModified" in data["claim_review"]


def test_assignment_and_ingestion_payloads(ctx, users, receiver):
    endpoint_id = register(receiver, ("claim.assigned", "article.ingested"))
    people = people_of(users)
    claim = walk_claim(people, make_claim(actor=people["reviewer"]), "in_review")
    db.session.commit()
    deliver_endpoint(endpoint_id)
    kinds = [r.payload["type"] for r in receiver.received]
    assert kinds == ["article.ingested", "claim.assigned"]
    assert all(r.signature_ok for r in receiver.received)
    article = receiver.received[0].payload["data"]["article"]
    assert article["id"] == claim.article_id and article["language"] == "fr"
    assigned = receiver.received[1].payload["data"]
    assert assigned["claim"]["id"] == claim.id and assigned["claim"]["status"] == "in_review"
    assert assigned["assignee"] == {"id": users["reviewer"].id, "name": "Rita Reviewer"}
    assert "email" not in json.dumps(assigned)


def test_500_twice_then_200_is_retried_with_backoff(ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [500, 500, 200]
    make_article()
    db.session.commit()
    start = datetime.now(UTC)
    first = deliver_endpoint(endpoint_id, now=start)
    assert [o.status_code for o in first] == [500]
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
    wait = (delivery.next_attempt_at - start).total_seconds()
    assert 30 * 0.8 <= wait <= 30 * 1.2  # WEBHOOK_RETRY_BASE, jittered
    # Not due yet: the worker sends nothing (and does not sleep).
    assert deliver_endpoint(endpoint_id, now=start + timedelta(seconds=20)) == []
    assert due_endpoints(start + timedelta(seconds=20)) == []
    second_at = delivery.next_attempt_at + timedelta(seconds=1)
    assert due_endpoints(second_at) == [endpoint_id]
    assert [o.status_code for o in deliver_endpoint(endpoint_id, now=second_at)] == [500]
    [delivery] = deliveries(endpoint_id)
    wait = (delivery.next_attempt_at - second_at).total_seconds()
    assert 120 * 0.8 <= wait <= 120 * 1.2  # x4 for the next one
    third_at = delivery.next_attempt_at + timedelta(seconds=1)
    assert [o.status_code for o in deliver_endpoint(endpoint_id, now=third_at)] == [200]
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.SUCCEEDED and delivery.attempts == 3
    log = attempts(delivery.id)
    assert [(a.number, a.status_code, a.succeeded) for a in log] == [
        (1, 500, False),
        (2, 500, False),
        (3, 200, True),
    ]
    assert log[0].error == "answered HTTP 500"
    # Three requests, one event: the same webhook-id every time, each correctly signed.
    assert len(receiver.received) == 3
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.event.message_id}
    assert all(r.signature_ok for r in receiver.received)


def test_attempts_are_bounded(app, ctx, users, receiver):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 3
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [503, 503, 503, 503]
    make_article()
    db.session.commit()
    now = datetime.now(UTC)
    for _ in range(3):
        deliver_endpoint(endpoint_id, now=now)
        now += timedelta(hours=7)  # past any backoff (capped at 6 hours)
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.FAILED and delivery.next_attempt_at is None
    assert delivery.last_error == "gave up after 3 attempts: answered HTTP 503"
    assert deliver_endpoint(endpoint_id, now=now) == []
    assert len(receiver.received) == 3


def test_an_endpoint_that_answers_too_late_times_out_and_is_retried(ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [("sleep", 3.0)]  # WEBHOOK_DEADLINE is 1 s in these tests
    make_article()
    db.session.commit()
    [outcome] = deliver_endpoint(endpoint_id)
    assert not outcome.succeeded and outcome.status_code is None
    assert "did not answer within 1 s" in (outcome.error or "")
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.PENDING and delivery.next_attempt_at is not None
    [attempt] = attempts(delivery.id)
    assert attempt.status_code is None and attempt.duration_ms < 2900
    assert len(receiver.received) == 1  # it did get the request


def test_a_redirect_to_a_private_address_is_not_followed(ctx, users, receiver, intranet):
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [("redirect", f"{intranet.url}/internal")]
    make_article()
    db.session.commit()
    [outcome] = deliver_endpoint(endpoint_id)
    assert not outcome.succeeded and outcome.status_code == 302
    assert "redirects are not followed" in (outcome.error or "")
    assert intranet.received == []  # 127.0.0.2 is never contacted
    [delivery] = deliveries(endpoint_id)
    assert delivery.state is DeliveryState.PENDING and delivery.last_status == 302


def test_an_address_no_longer_allowed_is_refused_without_retries(app, ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    make_article()
    db.session.commit()
    app.config["FETCH_ALLOW_HOSTS"] = ()  # the deployment stopped allowing 127.0.0.1
    [outcome] = deliver_endpoint(endpoint_id)
    assert not outcome.succeeded and outcome.state is DeliveryState.FAILED
    assert "private or local address" in (outcome.error or "")
    assert receiver.received == []


def test_private_endpoint_urls_are_refused_at_registration(ctx):
    for url in ("http://127.0.0.2/hook", "http://10.0.0.5/hook", "http://localhost/hook"):
        with pytest.raises(ValidationError) as refused:
            services.create_endpoint(
                db.session, {"url": url, "events": ["claim.published"]}, actor=None
            )
        assert refused.value.field == "url"
    with pytest.raises(ValidationError) as refused:
        services.create_endpoint(
            db.session, {"url": "https://cms.example.org/h", "events": ["claim.nope"]}, actor=None
        )
    assert refused.value.field == "events"
    with pytest.raises(ValidationError) as refused:
        services.create_endpoint(
            db.session, {"url": "javascript:alert(1)", "events": ["claim.published"]}, actor=None
        )
    assert refused.value.field == "url"


# --- order -------------------------------------------------------------------------------------


def test_a_later_event_waits_while_an_earlier_one_is_pending_retry(ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [500]
    two_articles()
    start = datetime.now(UTC)
    outcomes = deliver_endpoint(endpoint_id, now=start)
    assert [o.status_code for o in outcomes] == [500]  # stopped at the first failure
    first, second = deliveries(endpoint_id)
    assert first.state is DeliveryState.PENDING and first.attempts == 1
    assert second.state is DeliveryState.PENDING and second.attempts == 0  # due, but waits
    assert due_endpoints(start + timedelta(seconds=5)) == []  # its head is not due
    later = first.next_attempt_at + timedelta(seconds=1)
    outcomes = deliver_endpoint(endpoint_id, now=later)
    assert [o.status_code for o in outcomes] == [200, 200]
    titles = [r.payload["data"]["article"]["title"] for r in receiver.received]
    assert titles == ["One", "One", "Two"]


def test_a_failed_delivery_no_longer_holds_the_line(app, ctx, users, receiver):
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [500]
    two_articles()
    assert [o.state for o in deliver_endpoint(endpoint_id)] == [DeliveryState.FAILED]
    assert [o.status_code for o in deliver_endpoint(endpoint_id)] == [200]
    assert [d.state for d in deliveries(endpoint_id)] == [
        DeliveryState.FAILED,
        DeliveryState.SUCCEEDED,
    ]


def test_one_sender_per_endpoint(ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    make_article()
    db.session.commit()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    endpoint.lease_until = datetime.now(UTC) + timedelta(minutes=1)  # another worker has it
    db.session.commit()
    assert deliver_endpoint(endpoint_id) == []
    assert receiver.received == []
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    endpoint.lease_until = datetime.now(UTC) - timedelta(seconds=1)  # that worker died
    db.session.commit()
    assert [o.status_code for o in deliver_endpoint(endpoint_id)] == [200]


# --- the admin page: attempts, "send again" ----------------------------------------------------


def test_admin_page_lists_attempts_and_sends_again(app, client, users, receiver):
    with app.app_context():
        app.config["WEBHOOK_MAX_ATTEMPTS"] = 1
        endpoint_id = register(receiver, ("article.ingested",))
        receiver.script = [404]
        make_article()
        db.session.commit()
        [outcome] = deliver_endpoint(endpoint_id)
        assert outcome.state is DeliveryState.FAILED
        [delivery] = deliveries(endpoint_id)
        delivery_id, message_id = delivery.id, delivery.event.message_id
    login(client, users["admin"].email)
    page = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "HTTP 404" in page and "gave up after 1 attempts: answered HTTP 404" in page
    assert message_id in page and "Send again" in page
    token = csrf_token(client, f"/admin/webhooks/{endpoint_id}")
    answer = client.post(
        f"/admin/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend",
        data={"csrf_token": token},
    )
    assert answer.status_code == 302
    with app.app_context():
        [delivery] = deliveries(endpoint_id)
        assert delivery.state is DeliveryState.PENDING and delivery.attempts == 0
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "webhook.resend")
        )
        assert event is not None and event.actor == users["admin"].email
        assert receiver.received and len(receiver.received) == 1  # not sent by the request
        [outcome] = deliver_endpoint(endpoint_id)
        assert outcome.status_code == 200
        [delivery] = deliveries(endpoint_id)
        assert delivery.state is DeliveryState.SUCCEEDED
        assert [a.number for a in attempts(delivery.id)] == [1, 2]
    assert [r.headers["webhook-id"] for r in receiver.received] == [message_id, message_id]
    page = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "delivered" in page


def test_admins_register_endpoints_on_the_page(app, client, users, receiver):
    login(client, users["admin"].email)
    token = csrf_token(client, "/admin/webhooks")
    refused = client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": "http://10.1.2.3/h", "events": ["claim.published"]},
    )
    assert refused.status_code == 422
    assert "private or local address" in refused.get_data(as_text=True)
    refused = client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": receiver.url + "/h"},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 422 and refused.get_json()["field"] == "events"
    made = client.post(
        "/admin/webhooks",
        data={
            "csrf_token": token,
            "url": receiver.url + "/h",
            "description": "<b>CMS</b>",
            "events": ["claim.published", "claim.corrected"],
            "active": "y",
        },
    )
    assert made.status_code == 302
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        endpoint = db.session.scalar(sa.select(WebhookEndpoint))
        assert endpoint.events == ["claim.published", "claim.corrected"]
        assert endpoint.secret in page  # viewable by admins on the endpoint's page
        body = db.session.scalar(
            sa.select(AuditEvent.body).where(AuditEvent.action == "webhook.add")
        )
        assert endpoint.secret not in body  # never in the audit trail
    listing = client.get("/admin/webhooks").get_data(as_text=True)
    assert "&lt;b&gt;CMS&lt;/b&gt;" in listing
    editor = app.test_client()
    login(editor, users["editor"].email)
    assert editor.get("/admin/webhooks").status_code == 403


# --- the command line --------------------------------------------------------------------------


def test_cli_add_list_remove(app, runner, receiver):
    added = runner.invoke(
        args=["webhooks", "add", receiver.url + "/cli", "--event", "claim.published"]
    )
    assert added.exit_code == 0, added.output
    secret = added.output.split("secret: ")[1].strip()
    assert secret.startswith("whsec_")
    listed = runner.invoke(args=["webhooks", "list"])
    assert receiver.url + "/cli" in listed.output and "claim.published" in listed.output
    shown = runner.invoke(args=["webhooks", "secret", receiver.url + "/cli"])
    assert shown.output.strip() == secret
    bad = runner.invoke(
        args=["webhooks", "add", "http://192.168.1.1/", "--event", "claim.published"]
    )
    assert bad.exit_code != 0 and "private or local address" in bad.output
    removed = runner.invoke(args=["webhooks", "remove", "1"])
    assert removed.exit_code == 0, removed.output
    assert "no webhook endpoints" in runner.invoke(args=["webhooks", "list"]).output
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.action.like("webhook.%"))
        ).all()
        assert actions == ["webhook.add", "webhook.remove"]


# --- the request never waits ------------------------------------------------------------------


def test_a_desk_approval_hands_the_delivery_to_the_queue_and_returns(app, users, receiver):
    """With a real queue (Redis, no worker running), publishing through the desk answers at once:
    the delivery is committed with the claim and one job waits in the queue; nothing was sent."""
    from tests.workflow.test_http_desk import as_user, make_state, post

    app.config.update(
        JOBS_IMMEDIATE=False,
        JOBS_URL="redis://127.0.0.1:6379/0",
        JOBS_NAME=f"h18b-webhooks-{uuid.uuid4().hex[:8]}",
    )
    with app.app_context():
        endpoint_id = register(receiver, ("claim.published",))
    claim_id = make_state(app, users, "proposed")
    queue = app.extensions["factcheck.jobs"]
    try:
        with app.app_context():
            queue.flush()  # the jobs of the set-up (assignment events: none subscribed)
        response = post(as_user(app, users, "editor2"), claim_id, "approve", {})
        assert response.status_code == 302
        with app.app_context():
            [delivery] = deliveries(endpoint_id)
            assert delivery.state is DeliveryState.PENDING
            assert queue.pending() == 1  # webhooks.deliver for this endpoint, for a worker
        assert receiver.received == []
    finally:
        with app.app_context():
            queue.flush()


def test_retry_delays_grow_by_four_with_jitter_and_a_cap():
    from factcheck.webhooks.delivery import BACKOFF_CAP, retry_delay

    for attempt, nominal in ((1, 30), (2, 120), (3, 480), (4, 1920), (5, 7680)):
        delays = {retry_delay(attempt, base=30.0) for _ in range(50)}
        expected = min(nominal, BACKOFF_CAP)
        assert all(expected * 0.8 <= d <= expected * 1.2 for d in delays), (attempt, delays)
        assert len(delays) > 1  # jittered, not one fixed schedule for every endpoint
    assert retry_delay(20, base=30.0) <= BACKOFF_CAP * 1.2
    # Retry-After asks for longer: granted, up to the cap; never shorter than the backoff.
    assert retry_delay(1, base=30.0, retry_after=900) == 900
    assert retry_delay(1, base=30.0, retry_after=10**9) == BACKOFF_CAP
    assert retry_delay(1, base=30.0, retry_after=1) >= 24


def test_410_gone_fails_at_once(ctx, users, receiver):
    endpoint_id = register(receiver, ("article.ingested",))
    receiver.script = [410]
    make_article()
    db.session.commit()
    [outcome] = deliver_endpoint(endpoint_id)
    assert outcome.state is DeliveryState.FAILED and outcome.status_code == 410
    [delivery] = deliveries(endpoint_id)
    assert delivery.attempts == 1 and "410 Gone" in (delivery.last_error or "")
