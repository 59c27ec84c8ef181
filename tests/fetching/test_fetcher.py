"""The safe fetcher: every hop checked, pinned connections, a deadline, a byte cap, one message.

Servers run on loopback only: 127.0.0.2 plays the intranet host a deployment allows through
``FETCH_ALLOW_HOSTS``; 127.0.0.1 (and ``localhost``) play the private addresses that stay refused.
"""

from __future__ import annotations

import socket
import time

import pytest

from factcheck.fetching import (
    FEED_TYPES,
    FetchPolicy,
    FetchRefused,
    FetchTimeout,
    FetchUnreachable,
    fetch,
    parse_allow_hosts,
)
from tests.fetching.servers import closed_port, page, redirect, serve, slammer

ARTICLE = "<html><head><title>T</title></head><body><p>" + "mot " * 50 + "</p></body></html>"
ALLOW = FetchPolicy(allow_hosts=("127.0.0.2",), deadline=3.0)


@pytest.fixture
def private():
    """A server on 127.0.0.1 that must never be reached; it counts the requests it gets."""
    with serve("127.0.0.1", {"/admin": page("<p>secret admin page</p>")}) as server:
        yield server


def test_an_allowed_host_is_fetched():
    with serve("127.0.0.2", {"/a": page(ARTICLE)}) as site:
        got = fetch(f"{site.url}/a", policy=ALLOW)
    assert got.status == 200 and got.content_type == "text/html" and got.charset == "utf-8"
    assert "mot mot" in got.text()
    assert got.url == f"{site.url}/a" and got.redirects == ()


def test_private_addresses_are_refused_without_the_allow_list(private):
    for url in (f"{private.url}/admin", "http://localhost:1/x", "http://[::1]:1/x"):
        with pytest.raises(FetchRefused, match="private or local address"):
            fetch(url, policy=FetchPolicy())
    assert private.seen == []


def test_a_redirect_to_a_private_address_is_refused(private):
    routes = {
        "/to-ip": redirect(f"{private.url}/admin"),
        "/to-name": redirect(f"http://localhost:{private.server_address[1]}/admin"),
        "/to-mapped": redirect(f"http://[::ffff:127.0.0.1]:{private.server_address[1]}/admin"),
        "/via": redirect("/to-ip", status=301),
    }
    with serve("127.0.0.2", routes) as site:
        for path in routes:
            with pytest.raises(FetchRefused, match="private or local address"):
                fetch(site.url + path, policy=ALLOW)
    assert private.seen == [], "the private server was reached through a redirect"


def test_redirects_are_followed_hop_by_hop_up_to_five():
    routes = {f"/r{i}": redirect(f"/r{i + 1}") for i in range(7)}
    routes["/r3"] = redirect("/final")
    routes["/final"] = page(ARTICLE)
    with serve("127.0.0.2", routes) as site:
        got = fetch(f"{site.url}/r0", policy=ALLOW)
        assert got.url == f"{site.url}/final" and len(got.redirects) == 4
        routes["/r3"] = redirect("/r4")
        with pytest.raises(FetchRefused, match="redirects more than 5 times"):
            fetch(f"{site.url}/r0", policy=ALLOW)


def test_a_name_is_resolved_once_and_the_checked_address_is_connected(monkeypatch):
    """DNS rebinding: the second answer would be 127.0.0.1, but we connect where we checked."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1"])
    calls = []

    def rebinding(host, port, *args, **kwargs):
        if host == "cms.intranet.test":
            calls.append(host)
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    policy = FetchPolicy(allow_hosts=("127.0.0.2",), deadline=3.0)
    with serve("127.0.0.2", {"/a": page(ARTICLE)}) as site:
        port = site.server_address[1]
        got = fetch(f"http://cms.intranet.test:{port}/a", policy=policy)
        assert "mot" in got.text()
        assert calls == ["cms.intranet.test"], "resolved exactly once"
        assert site.seen[-1]["host"] == f"cms.intranet.test:{port}", "Host is the name"
        # The next fetch gets the rebinding answer: refused before any connection.
        with pytest.raises(FetchRefused, match="private or local address"):
            fetch(f"http://cms.intranet.test:{port}/a", policy=policy)


def test_an_allowed_name_may_be_private(monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: real(
            "127.0.0.2" if host == "cms.test" else host, port, *a, **k
        ),
    )
    with serve("127.0.0.2", {"/a": page(ARTICLE)}) as site:
        url = f"http://cms.test:{site.server_address[1]}/a"
        assert fetch(url, policy=FetchPolicy(allow_hosts=("cms.test",))).status == 200
        with pytest.raises(FetchRefused):
            fetch(url, policy=FetchPolicy(allow_hosts=("other.test",)))


def test_a_drip_server_is_cut_off_at_the_deadline():
    with serve("127.0.0.2", {"/drip": ("drip", 0.3)}) as site:
        started = time.monotonic()
        with pytest.raises(FetchTimeout, match=r"took longer than 1\.5 s"):
            fetch(f"{site.url}/drip", policy=FetchPolicy(allow_hosts=("127.0.0.2",), deadline=1.5))
        assert time.monotonic() - started < 2.5


def test_a_huge_body_is_refused_at_the_cap():
    policy = FetchPolicy(allow_hosts=("127.0.0.2",), max_bytes=100_000)
    routes = {"/declared": page("x" * 200_000), "/streamed": ("huge", 5_000_000)}
    with serve("127.0.0.2", routes) as site:
        for path in routes:
            with pytest.raises(FetchRefused, match="is larger than 100,000 bytes"):
                fetch(site.url + path, policy=policy)


def test_a_wrong_content_type_is_refused():
    routes = {
        "/doc.pdf": page("%PDF", "application/pdf"),
        "/none": (200, {}, b"<p>x</p>"),
        "/feed": page("<rss/>", "application/rss+xml"),
    }
    with serve("127.0.0.2", routes) as site:
        with pytest.raises(
            FetchRefused, match=r"is not a web page \(Content-Type: application/pdf"
        ):
            fetch(f"{site.url}/doc.pdf", policy=ALLOW)
        with pytest.raises(FetchRefused, match=r"Content-Type: none"):
            fetch(f"{site.url}/none", policy=ALLOW)
        with pytest.raises(FetchRefused, match="expected one of application/rss"):
            fetch(f"{site.url}/doc.pdf", policy=ALLOW, accept=FEED_TYPES)
        assert fetch(f"{site.url}/feed", policy=ALLOW, accept=FEED_TYPES).body == b"<rss/>"


def test_unreachable_reads_the_same_whatever_the_cause():
    """A closed port, an open port that hangs up, an unknown name: one message (no oracle)."""
    messages = []
    with closed_port() as closed, slammer() as open_port:
        for url in (
            f"http://127.0.0.2:{closed}/x",
            f"http://127.0.0.2:{open_port}/x",
            "http://no-such-host.invalid/x",
        ):
            with pytest.raises(FetchUnreachable) as caught:
                fetch(url, policy=ALLOW)
            messages.append(caught.value.message.replace(url, "URL"))
    assert len(set(messages)) == 1, messages
    assert messages[0] == "could not reach URL; check the address or try again later"


def test_http_errors_say_their_status():
    routes = {"/gone": (410, {"Content-Type": "text/html"}, b"gone")}
    with serve("127.0.0.2", routes) as site:
        with pytest.raises(FetchRefused, match="answered HTTP 404"):
            fetch(f"{site.url}/missing", policy=ALLOW)
        with pytest.raises(FetchRefused, match="answered HTTP 410"):
            fetch(f"{site.url}/gone", policy=ALLOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cms.intranet, 10.0.0.5 ,10.1.0.0/16,", ("cms.intranet", "10.0.0.5", "10.1.0.0/16")),
        ("CMS.Example.", ("cms.example",)),
        (["127.0.0.2"], ("127.0.0.2",)),
        ("", ()),
        (None, ()),
    ],
)
def test_allow_hosts_parsing(value, expected):
    assert parse_allow_hosts(value) == expected


@pytest.mark.parametrize("value", ["http://cms", "cms intranet", "a..b", "-x.org"])
def test_allow_hosts_refuses_what_is_not_a_host(value):
    with pytest.raises(ValueError, match="neither a host name nor an address"):
        parse_allow_hosts(value)


def test_allow_network_entries():
    with serve("127.0.0.2", {"/a": page(ARTICLE)}) as site:
        assert fetch(f"{site.url}/a", policy=FetchPolicy(allow_hosts=("127.0.0.0/30",))).status
    with pytest.raises(FetchRefused):
        fetch(f"{site.url}/a", policy=FetchPolicy(allow_hosts=("127.0.0.8/29",)))


@pytest.mark.parametrize(
    ("env", "expected"),
    [("no", False), ("false", False), ("0", False), ("off", False), ("yes", True), ("true", True)],
)
def test_allow_private_is_parsed_strictly(monkeypatch, env, expected):
    from factcheck import create_app

    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", env)
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_HOSTS", "cms.intranet,10.0.0.5")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["FETCH_ALLOW_PRIVATE"] is expected
    assert app.config["FETCH_ALLOW_HOSTS"] == ("cms.intranet", "10.0.0.5")
    assert FetchPolicy.from_config(app.config).allow_private is expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("FETCH_ALLOW_PRIVATE", "maybe", "FETCH_ALLOW_PRIVATE must be true or false"),
        ("FETCH_ALLOW_HOSTS", "http://cms/", "FETCH_ALLOW_HOSTS: 'http://cms/' is neither"),
        ("FETCH_DEADLINE", "-1", "FETCH_DEADLINE must be a positive number"),
        ("JOBS_URL", "mysql://x", "JOBS_URL must be a redis:// URL"),
    ],
)
def test_bad_fetch_settings_stop_start_up(monkeypatch, name, value, message):
    from factcheck import create_app
    from factcheck.config import ConfigError

    monkeypatch.setenv(f"FACTCHECK_{name}", value)
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
