"""``factcheck sources add|list|poll|pause|resume|remove|run`` (and the ``outlets`` alias)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Outlet
from tests.outlets.conftest import article_page, rss


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_add_list_poll_pause_resume_remove(app, runner, site):
    site.set("/a/1", article_page("Un", 1))
    feed = site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml")

    added = runner.invoke(args=["sources", "add", feed, "--kind", "rss", "--every", "30"])
    assert added.exit_code == 0, added.output
    assert "outlet #1 followed" in added.output
    listed = runner.invoke(args=["sources", "list"])
    assert feed in listed.output and "never" in listed.output

    polled = runner.invoke(args=["sources", "poll"])
    assert polled.exit_code == 0, polled.output
    assert "1 listed, 1 new articles" in polled.output and "1 outlets polled" in polled.output
    with app.app_context():
        assert db.session.scalar(sa.select(Article.url)) == site.url("/a/1")
    again = runner.invoke(args=["outlets", "poll", "1"])  # the alias; the same article again
    assert again.exit_code == 0 and "0 new articles" in again.output

    for command in ("pause", "resume"):
        result = runner.invoke(args=["sources", command, feed])
        assert result.exit_code == 0 and command.rstrip("e") in result.output
    assert runner.invoke(args=["sources", "remove", "1"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Outlet.id))) == 0
    done = [a for a in actions(app) if a.startswith("outlet.")]
    assert done == ["outlet.add", "outlet.poll", "outlet.pause", "outlet.resume", "outlet.remove"]


def test_bad_input_is_one_message_and_a_nonzero_exit(app, runner, site):
    refused = runner.invoke(args=["sources", "add", "ftp://example.org/feed"])
    assert refused.exit_code == 1 and "url must be an http:// or https:// address" in refused.output
    assert runner.invoke(args=["sources", "poll", "42"]).exit_code == 1
    assert "no outlet #42" in runner.invoke(args=["sources", "pause", "42"]).output
    assert actions(app) == []

    broken = site.set("/feed.xml", "<rss><channel><item>", content_type="text/xml")
    runner.invoke(args=["sources", "add", broken, "--kind", "rss"])
    failed = runner.invoke(args=["sources", "poll"])
    assert failed.exit_code == 1 and "FAILED" in failed.output and "malformed" in failed.output
    assert "last error:" in runner.invoke(args=["sources", "list"]).output


def test_run_once_polls_what_is_due(app, runner, site):
    site.set("/a/1", article_page("Un", 1))
    feed = site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml")
    runner.invoke(args=["sources", "add", feed, "--kind", "rss"])
    result = runner.invoke(args=["sources", "run", "--once"])
    assert result.exit_code == 0 and "1 outlets polled" in result.output
    nothing = runner.invoke(args=["sources", "run", "--once"])
    assert nothing.exit_code == 0 and nothing.output == ""  # not due again for an hour
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "outlet.poll")
        ).one()
        assert json.loads(event.body)["data"]["new_articles"] == 1
