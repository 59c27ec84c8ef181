"""The outlets pages over HTTP: who may do what, the audit of each change, errors shown."""

from __future__ import annotations

import json

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, Outlet
from factcheck.outlets.polling import poll_outlet
from tests.helpers import csrf_token, login, submit
from tests.outlets.conftest import rss

JSON = {"Accept": "application/json"}


def events(app, action: str) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
        return [json.loads(e.body) for e in rows]


def only_outlet(app) -> Outlet:
    with app.app_context():
        found = db.session.scalars(sa.select(Outlet)).one()
        db.session.expunge(found)
        return found


def test_editor_adds_pauses_resumes_and_removes_an_outlet_each_audited(app, client, users, site):
    feed = site.set("/feed.xml", rss(site, []), content_type="application/rss+xml")
    login(client, users["editor"].email)
    page = client.get("/outlets")
    assert page.status_code == 200 and "No outlet is followed yet." in page.get_data(as_text=True)
    assert 'href="/outlets"' in page.get_data(as_text=True)  # in the navigation

    added = submit(
        client,
        "/outlets",
        {
            "url": feed,
            "kind": "rss",
            "name": "Le Journal",
            "language": "fr",
            "interval_minutes": "15",
        },
    )
    assert added.status_code == 302
    outlet = only_outlet(app)
    assert (outlet.kind.value, outlet.language, outlet.interval_seconds) == ("rss", "fr", 900)
    [add] = events(app, "outlet.add")
    assert add["actor"] == users["editor"].email and add["changes"]["url"]["after"] == feed

    for action, path in (("outlet.pause", "pause"), ("outlet.resume", "resume")):
        done = submit(client, f"/outlets/{outlet.id}", {}, f"/outlets/{outlet.id}/{path}")
        assert done.status_code == 302
        [event] = events(app, action)
        assert event["actor"] == users["editor"].email
        assert event["changes"]["paused"] == {
            "before": action == "outlet.resume",
            "after": action == "outlet.pause",
        }

    removed = submit(client, f"/outlets/{outlet.id}", {}, f"/outlets/{outlet.id}/remove")
    assert removed.status_code == 302
    [event] = events(app, "outlet.remove")
    assert event["changes"]["url"] == {"before": feed, "after": None}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Outlet.id))) == 0


def test_reviewers_see_outlets_but_cannot_change_them(app, client, users, site):
    feed = site.set("/feed.xml", rss(site, []), content_type="application/rss+xml")
    login(client, users["editor"].email)
    submit(client, "/outlets", {"url": feed, "kind": "rss", "interval_minutes": "60"})
    outlet = only_outlet(app)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/outlets")})

    login(client, users["reviewer"].email)
    page = client.get("/outlets").get_data(as_text=True)
    assert feed in page and "Follow an outlet" not in page
    token = csrf_token(client, "/queue")
    before = len(events(app, "outlet.pause"))
    refused = client.post(f"/outlets/{outlet.id}/pause", data={"csrf_token": token}, headers=JSON)
    assert refused.status_code == 403 and "editors" in refused.get_json()["message"]
    adding = client.post("/outlets", data={"csrf_token": token, "url": feed}, headers=JSON)
    assert adding.status_code == 403
    assert len(events(app, "outlet.pause")) == before and not only_outlet(app).paused


def test_bad_input_is_refused_naming_the_field(app, client, users, site):
    login(client, users["editor"].email)
    cases = [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": site.url("/f"), "kind": "gopher"}, "kind"),
        ({"url": site.url("/f"), "language": "de"}, "language"),
        ({"url": site.url("/f"), "interval_minutes": "1"}, "interval_minutes"),
        ({"url": site.url("/f"), "interval_minutes": "often"}, "interval_minutes"),
    ]
    token = csrf_token(client, "/outlets")
    for data, field in cases:
        answer = client.post("/outlets", data={"csrf_token": token, **data}, headers=JSON)
        assert answer.status_code == 422 and answer.get_json()["field"] == field, data
    page = submit(client, "/outlets", {"url": "ftp://example.org/feed"})
    assert (
        page.status_code == 422
        and "url must be an http:// or https:// address" in page.get_data(as_text=True)
    )
    submit(client, "/outlets", {"url": site.url("/f"), "interval_minutes": "60"})
    again = client.post("/outlets", data={"csrf_token": token, "url": site.url("/f")}, headers=JSON)
    assert again.status_code == 422 and "already followed" in again.get_json()["message"]


def test_the_outlet_page_shows_polls_and_the_reason_of_a_malformed_feed(app, client, users, site):
    feed = site.set("/feed.xml", "<rss><channel><item><title>cassé", content_type="text/xml")
    login(client, users["editor"].email)
    submit(client, "/outlets", {"url": feed, "kind": "rss", "interval_minutes": "60"})
    outlet = only_outlet(app)
    with app.app_context():
        poll_outlet(outlet.id)

    page = client.get(f"/outlets/{outlet.id}").get_data(as_text=True)
    assert "Last error" in page and "is malformed" in page and "1 failed poll in a row" in page
    assert "Failing" in client.get("/outlets").get_data(as_text=True)
    data = client.get(f"/outlets/{outlet.id}", headers=JSON).get_json()["outlet"]
    assert data["failures"] == 1 and "malformed" in data["last_error"]
    assert data["last_poll_at"] and data["next_poll_at"] and data["articles_found"] == 0


def test_poll_now_makes_the_outlet_due_without_fetching_in_the_request(app, client, users, site):
    feed = site.set("/feed.xml", rss(site, []), content_type="application/rss+xml")
    login(client, users["editor"].email)
    submit(client, "/outlets", {"url": feed, "kind": "rss", "interval_minutes": "60"})
    outlet = only_outlet(app)
    with app.app_context():
        poll_outlet(outlet.id)
    hits = site.count("/feed.xml")
    answer = submit(client, f"/outlets/{outlet.id}", {}, f"/outlets/{outlet.id}/poll")
    assert answer.status_code == 302 and site.count("/feed.xml") == hits
    assert only_outlet(app).next_poll_at <= only_outlet(app).last_poll_at.replace(year=2100)
    assert len(events(app, "outlet.poll_now")) == 1
