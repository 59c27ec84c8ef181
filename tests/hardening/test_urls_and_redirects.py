"""Only http(s) addresses are stored; ``next=`` never leads off the site."""

from __future__ import annotations

import html
from urllib.parse import quote, urlsplit

import pytest

from tests.hardening.conftest import (
    JSON,
    SOURCE,
    World,
    assert_unchanged,
    signed_in,
    snapshot,
    token,
)
from tests.helpers import PASSWORD, csrf_token

NOT_HTTP = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.org/a",
    "file:///etc/passwd",
    "mailto:desk@example.org",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "http:/no-host",
    "https://",
    "example.org/no-scheme",
]


def _names(text: str, field: str) -> bool:
    """The refusal names the field and says why: not http(s), or a control character in it."""
    reasons = ("must be an http:// or https:// address", "contains a control character")
    return any(f"{field} {reason}" in text for reason in reasons)


def _forms(w: World) -> list[tuple[str, str, dict[str, str], list[str]]]:
    cid, sid = w.claims["in_review"], w.source
    prefix = f"source-{sid}-"
    return [
        (
            "reviewer",
            f"/claims/{cid}/edit",
            {"claim_reviewed": "Le Pentagone estime"},
            ["claimant_same_as", "appearance_url"],
        ),
        ("reviewer", f"/claims/{cid}/sources", dict(SOURCE), ["url", "archive_url"]),
        (
            "reviewer",
            f"/claims/{cid}/sources/{sid}/edit",
            {prefix + k: v for k, v in SOURCE.items()},
            [prefix + "url", prefix + "archive_url"],
        ),
        ("editor", "/articles/new", {"language": "auto"}, ["url"]),
        (
            "admin",
            "/admin/organisation",
            {"name": "Le Desk", "url": "https://factcheck.example.org/", "version": "0"},
            ["url", "methodology_url", "corrections_policy_url", "logo_url", "same_as"],
        ),
    ]


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
def test_url_fields_take_only_http(app, users, world: World, json):
    from factcheck.extensions import db
    from factcheck.models import Claim, Source

    clients = {who: signed_in(app, users[who].email) for who in ("reviewer", "editor", "admin")}
    tokens = {who: token(c) for who, c in clients.items()}
    for who, url, base, fields in _forms(world):
        for field in fields:
            for bad in NOT_HTTP:
                with app.app_context():
                    version = db.session.get(Claim, world.claims["in_review"]).version
                    source_version = db.session.get(Source, world.source).version
                    db.session.remove()
                # A form's own version (the organisation's) wins over the claim's.
                data = {"version": str(version), **base, field: bad, "csrf_token": tokens[who]}
                data[f"source-{world.source}-version"] = str(source_version)
                before = snapshot(app)
                response = clients[who].post(url, data=data, headers=JSON if json else {})
                assert response.status_code == 422, (url, field, bad, response.status_code)
                short = field.split("-")[-1]
                if json and url != "/articles/new":
                    body = response.get_json()
                    assert body["field"] == short and _names(body["message"], short), (field, bad)
                else:
                    text = html.unescape(response.get_data(as_text=True))
                    assert _names(text, short), (url, field, bad)
                assert_unchanged(before, snapshot(app), f"{url} {field}={bad!r}")


OFF_SITE = [
    "//evil.example",
    "//evil.example/path",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "https://evil.example",
    "http://evil.example@factcheck.example.org",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/\t/evil.example",
    "\t//evil.example",
    "/\n/evil.example",
    "\r\n//evil.example",
    " //evil.example",
    "//evil.example%2F..",
    "/.//evil.example",  # a local path, which browsers keep on this site
    "evil.example",
]


def _stays_here(location: str) -> None:
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert parts.scheme in ("", "http"), location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and "evil" not in parts.netloc, location


def test_off_site_next_is_ignored_at_sign_in(app, users):
    for target in OFF_SITE:
        client = app.test_client()
        page = f"/login?next={quote(target, safe='')}"
        csrf = csrf_token(client, page)
        data = {"email": users["editor"].email, "password": PASSWORD, "next": target}
        response = client.post(page, data={**data, "csrf_token": csrf})
        assert response.status_code == 302, target
        _stays_here(response.headers["Location"])
        # Signed in already, the sign-in page sends a visitor to ``next``: still never off-site.
        again = client.get(page)
        assert again.status_code == 302
        _stays_here(again.headers["Location"])
        raw = client.get(f"/login?next={target}")
        _stays_here(raw.headers["Location"])


def test_local_next_is_followed(app, users):
    client = app.test_client()
    csrf = csrf_token(client, "/login?next=/queue")
    response = client.post(
        "/login",
        data={
            "email": users["editor"].email,
            "password": PASSWORD,
            "next": "/queue?q=a",
            "csrf_token": csrf,
        },
    )
    assert response.headers["Location"] == "/queue?q=a"
