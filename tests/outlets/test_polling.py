"""Polling followed outlets against a real HTTP server on 127.0.0.1, on both databases."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, ClaimStatus, Outlet, utcnow
from factcheck.outlets import services
from factcheck.outlets.polling import poll_due, poll_outlet
from tests.outlets.conftest import article_page, atom, rss, sitemap

pytestmark = pytest.mark.usefixtures("ctx")


def follow(url: str, kind: str = "rss", **values: object) -> int:
    outlet = services.add_outlet(
        db.session, {"url": url, "kind": kind, "interval_minutes": 10, **values}, actor=None
    )
    db.session.commit()
    return outlet.id


def outlet(outlet_id: int) -> Outlet:
    db.session.rollback()
    found = db.session.get(Outlet, outlet_id, populate_existing=True)
    assert found is not None
    return found


def articles() -> list[Article]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Article).order_by(Article.id)))


def serve_articles(site, *paths: str) -> None:
    for n, path in enumerate(paths, start=1):
        site.set(path, article_page(f"Titre {path}", n))


def test_rss_poll_ingests_new_articles_in_their_language_with_claims_in_new(site):
    serve_articles(site, "/a/1", "/a/2")
    feed = site.set("/feed.xml", rss(site, ["/a/1", "/a/2"]), content_type="application/rss+xml")
    oid = follow(feed, name="Le Journal")

    report = poll_outlet(oid)

    assert report.status == "ok" and report.new_articles == 2 and report.errors == []
    stored = articles()
    assert [a.url for a in stored] == [site.url("/a/1"), site.url("/a/2")]
    assert {a.language for a in stored} == {"fr"} and {a.publisher for a in stored} == {
        "Le Journal"
    }
    claims = list(db.session.scalars(sa.select(Claim)))
    assert claims and {c.status for c in claims} == {ClaimStatus.NEW}
    o = outlet(oid)
    assert o.articles_found == 2 and o.last_error is None and o.failures == 0
    assert o.last_poll_at is not None
    assert o.next_poll_at - o.last_poll_at == timedelta(minutes=10)


def test_conditional_get_304_adds_nothing_and_fetches_no_article(site):
    serve_articles(site, "/a/1")
    feed = site.set(
        "/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml", etag='"v1"'
    )
    oid = follow(feed)
    assert poll_outlet(oid).new_articles == 1
    assert outlet(oid).etag == '"v1"'

    second = poll_outlet(oid, force=True)

    assert second.status == "not_modified" and second.new_articles == 0
    assert site.hits[-1][1].get("If-None-Match") == '"v1"'
    assert site.count("/a/1") == 1 and len(articles()) == 1
    o = outlet(oid)
    assert o.articles_found == 1 and o.last_error is None


def test_a_feed_listing_the_same_articles_again_adds_nothing(site):
    serve_articles(site, "/a/1", "/a/2")
    feed = site.set("/feed.xml", rss(site, ["/a/1", "/a/2"]), content_type="application/rss+xml")
    oid = follow(feed)
    poll_outlet(oid)
    events = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)))

    again = poll_outlet(oid, force=True)

    assert again.status == "ok" and again.new_articles == 0 and again.listed == 2
    assert len(articles()) == 2 and outlet(oid).articles_found == 2
    assert site.count("/a/1") == 1  # known addresses are not fetched again
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.seq))) == events


def test_the_same_article_under_another_address_is_stored_once(site):
    body = article_page("Même article", 7)
    site.set("/a/1", body)
    site.set("/a/1-copy", body)
    feed = site.set("/feed.xml", rss(site, ["/a/1", "/a/1-copy"]), content_type="text/xml")
    oid = follow(feed)
    report = poll_outlet(oid)
    assert report.new_articles == 1 and len(articles()) == 1


def test_atom_feed(site):
    serve_articles(site, "/b/1")
    feed = site.set("/atom.xml", atom(site, ["/b/1"]), content_type="application/atom+xml")
    oid = follow(feed, kind="atom")
    assert poll_outlet(oid).new_articles == 1
    assert articles()[0].url == site.url("/b/1")


def test_sitemap_and_sitemap_index(site):
    serve_articles(site, "/c/1", "/c/2")
    site.set("/sitemap-news.xml", sitemap(site, ["/c/2"]), content_type="application/xml")
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>"
    )
    site.set("/sitemap-index.xml", index, content_type="application/xml")
    top = site.set("/sitemap.xml", sitemap(site, ["/c/1"]), content_type="application/xml")
    oid = follow(top, kind="sitemap")
    assert poll_outlet(oid).new_articles == 1

    nested = follow(site.url("/sitemap-index.xml"), kind="sitemap")
    report = poll_outlet(nested)
    assert report.new_articles == 1
    assert sorted(a.url for a in articles()) == [site.url("/c/1"), site.url("/c/2")]


def test_a_site_is_followed_through_the_feed_it_announces(site):
    serve_articles(site, "/d/1")
    site.set("/feed.xml", rss(site, ["/d/1"]), content_type="application/rss+xml")
    site.set(
        "/",
        '<html><head><title>Journal</title><link rel="alternate" type="application/rss+xml" '
        'href="/feed.xml"></head><body><p>Accueil</p></body></html>',
    )
    oid = follow(site.url("/"), kind="site")
    assert outlet(oid).feed_url is None

    assert poll_outlet(oid).new_articles == 1
    assert outlet(oid).feed_url == site.url("/feed.xml")


def test_a_site_without_a_feed_falls_back_to_its_sitemap(site):
    serve_articles(site, "/e/1")
    site.set("/", "<html><head><title>J</title></head><body><p>Accueil</p></body></html>")
    site.set(
        "/robots.txt",
        f"User-agent: *\nSitemap: {site.url('/map.xml')}\n",
        content_type="text/plain",
    )
    site.set("/map.xml", sitemap(site, ["/e/1"]), content_type="application/xml")
    oid = follow(site.url("/"), kind="site")
    assert poll_outlet(oid).new_articles == 1
    assert outlet(oid).feed_url == site.url("/map.xml")


def test_malformed_feed_fails_with_its_reason_and_backs_off(site):
    feed = site.set(
        "/feed.xml", "<?xml version='1.0'?><rss><channel><item><title>oops", content_type="text/xml"
    )
    oid = follow(feed)

    report = poll_outlet(oid)

    assert report.status == "failed" and "malformed" in (report.error or "")
    o = outlet(oid)
    assert o.failures == 1 and "malformed" in (o.last_error or "")
    assert o.next_poll_at - o.last_poll_at == timedelta(minutes=20)  # 10 min × 2
    assert articles() == []
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "outlet.poll")
    ).one()
    assert "malformed" in json.loads(event.body)["changes"]["last_error"]["after"]


def test_backoff_grows_with_each_failure_and_a_success_resets_it(app, site):
    feed = site.url("/feed.xml")  # 404 for now
    oid = follow(feed)
    waits = []
    for _ in range(3):
        report = poll_outlet(oid, force=True)
        assert report.status == "failed" and "HTTP 404" in (report.error or "")
        o = outlet(oid)
        waits.append(o.next_poll_at - o.last_poll_at)
    assert waits == [timedelta(minutes=20), timedelta(minutes=40), timedelta(minutes=80)]
    assert outlet(oid).failures == 3

    app.config["OUTLET_MAX_BACKOFF"] = 3600
    poll_outlet(oid, force=True)
    o = outlet(oid)
    assert o.next_poll_at - o.last_poll_at == timedelta(hours=1)  # capped

    serve_articles(site, "/a/1")
    site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml")
    assert poll_outlet(oid, force=True).new_articles == 1
    o = outlet(oid)
    assert o.failures == 0 and o.last_error is None
    assert o.next_poll_at - o.last_poll_at == timedelta(minutes=10)


def test_unreachable_outlet_fails_without_touching_others(site):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    dead = follow(f"http://127.0.0.1:{dead_port}/feed.xml")
    serve_articles(site, "/a/1")
    live = follow(site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml"))

    reports = {r.outlet_id: r for r in poll_due()}

    assert reports[dead].status == "failed" and "could not reach" in (reports[dead].error or "")
    assert reports[live].new_articles == 1
    assert outlet(dead).failures == 1 and outlet(live).failures == 0


@pytest.mark.parametrize(
    ("path", "route", "reason"),
    [
        ("/x/pdf", {"body": b"%PDF-1.4", "content_type": "application/pdf"}, "not a web page"),
        (
            "/x/huge",
            {"body": b"<html></html>", "headers": {"Content-Length": str(50 * 1024 * 1024)}},
            "larger than",
        ),
        (
            "/x/private",
            {"body": b"", "status": 302, "headers": {"Location": "http://127.0.0.2:9/secret"}},
            "private or local address",
        ),
        ("/x/missing", None, "HTTP 404"),
        ("/x/empty", {"body": "<html><body><nav>menu</nav></body></html>"}, "no article text"),
    ],
)
def test_an_unreadable_article_is_skipped_whole_with_its_reason(site, path, route, reason):
    serve_articles(site, "/a/1")
    if route is not None:
        site.set(path, **route)
    feed = site.set("/feed.xml", rss(site, [path, "/a/1"]), content_type="application/rss+xml")
    oid = follow(feed)

    report = poll_outlet(oid)

    assert report.status == "ok" and report.new_articles == 1
    assert [a.url for a in articles()] == [site.url("/a/1")]
    o = outlet(oid)
    assert reason in (o.last_error or "") and site.url(path) in (o.last_error or "")
    assert o.etag is None  # the feed is read in full again next time, for the skipped link


def test_a_huge_or_non_feed_answer_fails_the_poll(site):
    site.set("/feed.xml", b"x", headers={"Content-Length": str(64 * 1024 * 1024)})
    big = follow(site.url("/feed.xml"))
    assert "larger than" in (poll_outlet(big).error or "")
    site.set("/data.json", b'{"a": 1}', content_type="application/json")
    other = follow(site.url("/data.json"))
    assert "not an RSS or Atom feed" in (poll_outlet(other).error or "")


def test_a_slow_feed_is_cut_off_at_the_fetch_deadline(app, site):
    app.config["FETCH_DEADLINE"] = 0.5
    feed = site.set("/feed.xml", rss(site, []), content_type="application/rss+xml", delay=3.0)
    oid = follow(feed)
    report = poll_outlet(oid)
    assert report.status == "failed" and "longer than 0.5 s" in (report.error or "")
    assert outlet(oid).failures == 1


def test_a_feed_redirecting_to_a_private_address_fails_and_says_why(site):
    feed = site.set("/feed.xml", b"", status=302, headers={"Location": "http://10.0.0.1/feed"})
    oid = follow(feed)
    report = poll_outlet(oid)
    assert report.status == "failed" and "private or local address" in (report.error or "")
    assert "private or local address" in (outlet(oid).last_error or "")


def test_only_due_unpaused_outlets_are_polled(site):
    serve_articles(site, "/a/1")
    feed = site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml")
    oid = follow(feed)
    o = outlet(oid)
    services.set_paused(db.session, o, True, actor=None)
    db.session.commit()
    assert poll_due() == [] and poll_outlet(oid).status == "skipped"

    services.set_paused(db.session, outlet(oid), False, actor=None)
    db.session.commit()
    assert [r.new_articles for r in poll_due()] == [1]
    assert poll_due() == []  # next poll in 10 minutes
    o = outlet(oid)
    o.next_poll_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert [r.status for r in poll_due()] == ["ok"]


def test_many_new_links_are_read_a_few_per_poll(site):
    paths = [f"/m/{n}" for n in range(7)]
    serve_articles(site, *paths)
    feed = site.set("/feed.xml", rss(site, paths), content_type="application/rss+xml")
    oid = follow(feed)
    first = poll_outlet(oid)
    assert first.new_articles == 5 and "wait for the next poll" in (outlet(oid).last_error or "")
    second = poll_outlet(oid, force=True)
    assert second.new_articles == 2 and outlet(oid).last_error is None
    assert outlet(oid).articles_found == 7
