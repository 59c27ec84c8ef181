"""Every naughty string through every text field of every form: refused cleanly, or stored and
shown back escaped on every page that shows it (and inside the JSON-LD, parsed back); never 500.

Strings go into all of a form's text fields at once (a refusal names one of them); control
characters go into each field on its own, and each field must refuse them naming itself. URL
fields get the string on its own (never an http(s) address: refused, naming the field) and
inside an https address (stored and shown as an inert link, or refused naming the field).
"""

from __future__ import annotations

import html as htmllib
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.extensions import db
from factcheck.models import Claim, Note, RatingValue, Source, User, Verdict
from tests.hardening.conftest import (
    JSON,
    World,
    assert_unchanged,
    signed_in,
    snapshot,
    token,
)
from tests.hardening.naughty import CONTROL, NAUGHTY
from tests.hardening.pages import jsonld, read, shows, squash, strings

LABELS = {
    "claim_reviewed": "Claim as reviewed",
    "claimant_name": "Claimant",
    "appearance_headline": "Appeared in",
    "claimant_same_as": "sameAs",
    "appearance_url": "Appeared at",
    "url": "URL",
    "archive_url": "Archive URL",
    "title": "Title",
    "publisher": "Publisher",
    "excerpt": "Excerpt",
    "summary": "Summary",
    "explanation": "Explanation",
    "body": "note",
    "note": "note",
    "comment": "comment",
    "reason": "reason",
    "text": "article",
    "display_name": "display_name",
    "email": "email",
    "name": "name",
    "language": "language",
    "label": "label",
    "definition": "definition",
    "value": "value",
    "methodology_url": "methodology_url",
    "corrections_policy_url": "corrections_policy_url",
    "logo_url": "logo_url",
    "same_as": "same_as",
}
IN_URL = "https://example.org/?q="
# Strings also tried bare in URL fields here (not an http(s) address: refused, naming it).
BARE_URL_CHECKS = {
    *CONTROL.values(),
    NAUGHTY["javascript-url"],
    NAUGHTY["data-url"],
    NAUGHTY["script"],
    NAUGHTY["rtl-override"],
}


def _strip_prefix(field: str) -> str:
    return field.split("-")[-1]


def names_field(response: Any, fields: list[str]) -> bool:
    text = htmllib.unescape(response.get_data(as_text=True)).lower()
    return any(
        _strip_prefix(f).lower() in text or LABELS.get(_strip_prefix(f), "\0").lower() in text
        for f in fields
    )


class Poster:
    """Posts forms for one user and checks the outcome of each."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app, self.client, self.csrf = app, client, token(client)

    def post(self, url: str, data: dict[str, Any], fields: list[str], *, control: bool) -> bool:
        """POST; True when stored. A refusal must be 4xx, name a field, and change nothing."""
        before = snapshot(self.app) if control else None
        response = self.client.post(url, data={**data, "csrf_token": self.csrf})
        status = response.status_code
        assert status < 500, (url, fields, status)
        if status in (200, 302, 303) and not control:
            return True
        assert 400 <= status < 500, (url, fields, data, status)
        assert names_field(response, fields), (url, fields, response.get_data(as_text=True)[:800])
        read(response.get_data(as_text=True))  # the refusal page echoes the input: escaped
        if before is not None:
            assert_unchanged(before, snapshot(self.app), f"{url} {fields}")
        return False

    def each(
        self,
        url: Callable[[], str],
        base: Callable[[], dict[str, Any]],
        fields: list[str],
        value: str,
    ) -> bool:
        """All ``fields`` at once; control characters one field at a time (each must refuse)."""
        if value in CONTROL.values():
            for name in fields:
                self.post(url(), {**base(), name: value}, [name], control=True)
            return False
        return self.post(url(), {**base(), **dict.fromkeys(fields, value)}, fields, control=False)

    def urls(
        self,
        url: Callable[[], str],
        base: Callable[[], dict[str, Any]],
        fields: list[str],
        value: str,
    ) -> bool:
        if value in BARE_URL_CHECKS:  # every other scheme is in test_url_fields_take_only_http
            for name in fields:
                self.post(url(), {**base(), name: value}, [name], control=True)
        return self.each(url, base, fields, IN_URL + value)


def _get(app: Flask, model: Any, ident: int) -> Any:
    with app.app_context():
        obj = db.session.get(model, ident)
        db.session.expunge_all()
        db.session.remove()
        return obj


def _draft(app: Flask, claim_id: int) -> Verdict | None:
    with app.app_context():
        draft = db.session.scalar(
            sa.select(Verdict).where(Verdict.claim_id == claim_id, Verdict.state == "draft")
        )
        db.session.expunge_all()
        return draft


def _faux(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(RatingValue.id).where(RatingValue.label == "Faux")))


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


VALUES = sorted(NAUGHTY.items())


@pytest.mark.slow
def test_claim_desk_fields(app, users, world: World):
    """Claim wording and claimant, sources, the draft verdict and notes, on the reviewer's claim."""
    reviewer = Poster(app, signed_in(app, users["reviewer"].email))
    editor = signed_in(app, users["editor"].email)
    cid, sid = world.claims["in_review"], world.source
    desk, prefix = f"/claims/{cid}", f"source-{sid}-"
    rating = _faux(app)

    def claim_base() -> dict[str, Any]:
        claim = _get(app, Claim, cid)
        return {"claim_reviewed": "Le Pentagone estime", "version": str(claim.version)}

    def source_base() -> dict[str, Any]:
        source = _get(app, Source, sid)
        return {
            prefix + "url": "https://example.org/s",
            prefix + "title": "Titre",
            prefix + "stance": "supports",
            prefix + "version": str(source.version),
        }

    def verdict_base() -> dict[str, Any]:
        draft = _draft(app, cid)
        return {"rating": str(rating), "version": str(draft.version if draft else 0)}

    for name, value in VALUES:
        claim_text = ["claim_reviewed", "claimant_name", "appearance_headline"]
        source_text = [prefix + f for f in ("title", "publisher", "excerpt")]
        stored = []
        if reviewer.each(lambda: f"{desk}/edit", claim_base, claim_text, value):
            claim = _get(app, Claim, cid)
            stored += [claim.claim_reviewed, claim.claimant_name, claim.appearance_headline]
        reviewer.urls(
            lambda: f"{desk}/edit", claim_base, ["claimant_same_as", "appearance_url"], value
        )
        if reviewer.each(lambda: f"{desk}/sources/{sid}/edit", source_base, source_text, value):
            source = _get(app, Source, sid)
            stored += [source.title, source.publisher or "", source.excerpt or ""]
        reviewer.urls(
            lambda: f"{desk}/sources/{sid}/edit",
            source_base,
            [prefix + "url", prefix + "archive_url"],
            value,
        )
        if reviewer.each(
            f"{desk}/verdict".__str__, verdict_base, ["summary", "explanation"], value
        ):
            draft = _draft(app, cid)
            assert draft is not None
            stored += [draft.summary, draft.explanation]
        if reviewer.each(f"{desk}/notes".__str__, dict, ["body"], value):
            with app.app_context():
                stored.append(db.session.scalar(sa.select(Note.body).order_by(Note.id.desc())))
        page = _page(reviewer.client, desk)
        for text in stored:
            assert shows(page, text), (name, text[:80])
        read(_page(reviewer.client, f"/articles/{_get(app, Claim, cid).article_id}"))
        if name in ("script", "attr-breakout", "jinja", "emoji", "long-400", "nul"):
            read(_page(reviewer.client, "/queue"))
            read(_page(editor, "/audit"))
    queue = _page(reviewer.client, "/queue")
    read(queue)
    assert shows(queue, _get(app, Claim, cid).claim_reviewed[:100])


def test_triage_fields(app, users, world: World):
    """Dismiss reasons (desk and article page), change requests, corrections: editor forms."""
    editor = Poster(app, signed_in(app, users["editor"].email))
    new, proposed = world.claims["new"], world.claims["proposed"]
    published, slug = world.claims["published"], world.slug
    article = world.article
    rating = _faux(app)
    with app.app_context():
        reviewer_user = db.session.get(User, users["reviewer"].id)
        db.session.expunge_all()
    for i, (name, value) in enumerate(VALUES):
        route = f"/claims/{new}/dismiss" if i % 2 else f"/articles/{article}/claims/{new}/dismiss"
        if editor.each(route.__str__, dict, ["reason"], value):
            reason = _get(app, Claim, new).dismiss_reason
            assert shows(_page(editor.client, f"/claims/{new}"), reason), name
            read(_page(editor.client, f"/articles/{article}"))
            editor.post(f"/claims/{new}/reopen", {}, [], control=False)
        if editor.each(f"/claims/{proposed}/request-changes".__str__, dict, ["comment"], value):
            comment = _draft(app, proposed).review_comment  # type: ignore[union-attr]
            assert shows(_page(editor.client, f"/claims/{proposed}"), comment), name
            _repropose(app, proposed, reviewer_user.id)

        def correction() -> dict[str, Any]:
            return {"rating": str(rating), "summary": "Corrigé.", "note": "Erratum."}

        fields = ["summary", "explanation", "note"]
        if editor.each(f"/claims/{published}/correct".__str__, correction, fields, value):
            public = _page(editor.client, f"/fact-checks/{slug}")
            claim = _get(app, Claim, published)
            with app.app_context():
                verdict = db.session.get(Claim, published).published_verdict
                shown = [verdict.summary, verdict.explanation, verdict.correction_note]
            for text in shown:
                assert shows(public, text or ""), (name, text)
            data = jsonld(public)
            assert squash(claim.claim_reviewed) in map(squash, strings(data))
            assert squash(shown[0]) in map(squash, strings(data)) or not shown[0]
    read(_page(editor.client, "/audit"))


def _repropose(app: Flask, claim_id: int, reviewer_id: int) -> None:
    from factcheck.review import services as review

    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        review.propose(db.session, claim, actor=db.session.get(User, reviewer_id))
        db.session.commit()


def test_published_wording_in_page_and_jsonld(app, users, world: World):
    """Wording, claimant and headline reach the public page and its JSON-LD escaped, intact."""
    from factcheck.claims.services import edit_claim
    from factcheck.domain import DomainError
    from tests.hardening.conftest import build_world

    client = app.test_client()
    editor = signed_in(app, users["editor"].email)
    for name, value in VALUES:
        if value in CONTROL.values() or not value.strip():
            continue
        w = build_world(app, users, ("in_review",), base=world)
        cid = w.claims["in_review"]
        with app.app_context():
            claim = db.session.get(Claim, cid)
            reviewer = db.session.get(User, users["reviewer"].id)
            try:
                edit_claim(
                    db.session,
                    claim,
                    {
                        "claim_reviewed": value[:400],
                        "claimant_name": value[:200],
                        "appearance_headline": value[:400],
                        "appearance_url": IN_URL + "x",
                    },
                    actor=reviewer,
                    expected_version=claim.version,
                )
                db.session.commit()
            except DomainError:
                db.session.rollback()
                continue
        _publish(app, users, cid)
        claim = _get(app, Claim, cid)
        page = _page(client, f"/fact-checks/{claim.slug}")
        for text in (claim.claim_reviewed, claim.claimant_name, claim.appearance_headline):
            assert shows(page, text), (name, text)
        found = list(map(squash, strings(jsonld(page))))
        assert squash(claim.claim_reviewed) in found, name
        assert squash(claim.claimant_name) in found, name
        read(_page(client, "/fact-checks"))
        feed = client.get("/claimreview.json")
        assert squash(claim.claim_reviewed) in map(squash, strings(feed.get_json())), name
        read(_page(editor, "/queue"))


def _publish(app: Flask, users: dict[str, Any], claim_id: int) -> None:
    from factcheck.review import services as review

    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        review.propose(db.session, claim, actor=db.session.get(User, users["reviewer"].id))
        review.approve(db.session, claim, actor=db.session.get(User, users["editor2"].id))
        db.session.commit()


def test_article_paste_and_manual_claim(app, users):
    """An article pasted with the string in it, then the string taken as a claim by hand."""
    editor = Poster(app, signed_in(app, users["editor"].email))
    for i, (name, value) in enumerate(VALUES):
        body = f"Titre {i}\n\nLe ministre a dit que {value} était vrai. Fin de la dépêche {i}."
        response = editor.client.post(
            "/articles/new",
            data={"text": body, "language": "fr", "publisher": value, "csrf_token": editor.csrf},
        )
        assert response.status_code < 500, name
        if response.status_code >= 400:
            assert names_field(response, ["text", "publisher"]), (name, response.status_code)
            read(response.get_data(as_text=True))
            if value in CONTROL.values():
                assert response.status_code in (400, 422)
            continue
        assert value not in CONTROL.values() or "\n" in value, name
        location = response.headers["Location"]
        article = _page(editor.client, location)
        assert shows(article, f"Fin de la dépêche {i}."), name
        if value.strip():
            assert shows(article, value.strip()), name
        read(_page(editor.client, "/"))
        if not value.strip():
            continue
        added = editor.client.post(
            f"{location}/claims", data={"text": value, "csrf_token": editor.csrf}
        )
        assert added.status_code < 500, name
        if added.status_code == 302:
            read(_page(editor.client, added.headers["Location"]))
        else:
            assert names_field(added, ["text"]), name


@pytest.mark.slow
def test_admin_fields(app, users, world: World):
    """User names and emails, scale names and languages, value labels, numbers, definitions."""
    admin = Poster(app, signed_in(app, users["admin"].email))
    reviewer = signed_in(app, users["reviewer"].email)
    scale, value_id = world.scale, world.value
    for i, (name, value) in enumerate(VALUES):
        user = {"email": f"u{i}@example.org", "role": "reviewer", "generate": "y"}
        if admin.each("/admin/users".__str__, lambda u=user: u, ["display_name"], value):
            read(_page(admin.client, "/admin/users"))
            read(_page(reviewer, f"/claims/{world.claims['queued']}"))
        admin.post(
            "/admin/users",
            {"email": value, "role": "reviewer", "generate": "y"},
            ["email"],
            control=True,
        )
        admin.post(
            "/admin/users",
            {"email": f"{value}@example.org", "role": "reviewer", "generate": "y"},
            ["email"],
            control=value in CONTROL.values(),
        )
        if admin.each(
            f"/admin/scales/{scale}".__str__,
            lambda: {"name": "Échelle", "language": "fr", "is_default": "y"},
            ["name"],
            value,
        ):
            assert shows(_page(admin.client, f"/admin/scales/{scale}"), value.strip()[:200])
        admin.post(
            f"/admin/scales/{scale}",
            {"name": "Échelle", "language": value, "is_default": "y"},
            ["language"],
            control=True,
        ) if not value.strip() or value in CONTROL.values() else None
        label = f"{i} {value}"[:60]
        if admin.each(
            f"/admin/scales/{scale}/values/{value_id}".__str__,
            lambda i=i: {"label": f"Inclassable {i}", "value": "41"},
            ["label", "definition"],
            label if value not in CONTROL.values() else value,
        ):
            stored = _get(app, RatingValue, value_id)
            assert shows(_page(admin.client, f"/admin/scales/{scale}"), stored.label), name
            desk = _page(reviewer, f"/claims/{world.claims['in_review']}")
            assert shows(desk, stored.label), name
        admin.post(
            f"/admin/scales/{scale}/values",
            {"label": "Autre", "value": value},
            ["value"],
            control=True,
        ) if not value.strip().isdigit() else None


def test_organisation_fields(app, users, world: World):
    """The organisation's name and links: refused naming the field, or shown escaped on the
    public page, inside its JSON-LD and in the feed, where they author every ClaimReview."""
    from factcheck.models import OrganisationSettings

    admin = Poster(app, signed_in(app, users["admin"].email))
    public = app.test_client()
    links = ["methodology_url", "corrections_policy_url", "logo_url", "same_as"]

    def saved() -> OrganisationSettings | None:
        with app.app_context():
            row = db.session.get(OrganisationSettings, 1)
            db.session.expunge_all()
            db.session.remove()
            return row

    def base() -> dict[str, Any]:
        row = saved()
        return {
            "name": "Le Desk",
            "url": "https://factcheck.example.org/",
            "version": str(row.version if row else 0),
        }

    def shown_everywhere(name: str) -> None:
        row = saved()
        assert row is not None
        page = _page(public, f"/fact-checks/{world.slug}")
        assert shows(page, row.name), name
        found = list(map(squash, strings(jsonld(page))))
        for text in (row.name, row.logo_url, *row.same_as):
            assert not text or squash(text) in found, (name, text)
        feed = public.get("/claimreview.json")
        assert squash(row.name) in map(squash, strings(feed.get_json())), name
        read(_page(public, "/fact-checks"))
        read(_page(admin.client, "/admin/organisation"))

    for name, value in VALUES:
        if admin.each("/admin/organisation".__str__, base, ["name"], value):
            shown_everywhere(name)
        if admin.urls("/admin/organisation".__str__, base, links, value):
            shown_everywhere(name)
        admin.urls("/admin/organisation".__str__, base, ["url"], value)  # has a query: refused


def test_login_email(app, users):
    """Sign-in with every string as the email: refused (400 or 401), never a 5xx."""
    client = app.test_client()
    csrf = _login_token(client)
    for i, (name, value) in enumerate(VALUES):
        before = snapshot(app) if value in CONTROL.values() else None
        response = client.post(
            "/login",
            data={"email": value, "password": "whatever", "csrf_token": csrf},
            environ_base={"REMOTE_ADDR": f"10.9.{i // 250}.{i % 250}"},  # not throttled
        )
        assert response.status_code in (400, 401), (name, response.status_code)
        read(response.get_data(as_text=True))
        if before is not None:
            assert response.status_code == 400 and names_field(response, ["email"]), name
            assert_unchanged(before, snapshot(app), f"login with {name}")


def _login_token(client: FlaskClient) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client, "/login")


@pytest.mark.parametrize(
    "url",
    [
        "/queue?q={v}",
        "/audit?actor={v}&entity_id={v}",
        "/fact-checks?page={v}",
        "/claimreview.json?since={v}",
        "/queue?min_score={v}&sort={v}&status={v}&after={v}",
    ],
)
def test_query_string_filters(app, users, world: World, url):
    from urllib.parse import quote

    client = signed_in(app, users["editor"].email)
    for name, value in VALUES:
        target = url.format(v=quote(value, safe=""))
        response = client.get(target)
        assert response.status_code < 500, (target, name)
        if response.mimetype == "text/html":
            read(response.get_data(as_text=True))
        api = client.get(target, headers=JSON)
        assert api.status_code < 500, (target, name)


def test_outlet_fields(app, users, world: World):
    """An outlet's name and address: refused naming the field, or shown escaped on its pages."""
    editor = Poster(app, signed_in(app, users["editor"].email))
    reviewer = signed_in(app, users["reviewer"].email)
    for i, (name, value) in enumerate(VALUES):

        def base(i: int = i) -> dict[str, Any]:
            return {"url": f"https://news.example.org/{i}.xml", "kind": "rss"}

        if editor.each("/outlets".__str__, base, ["name"], value):
            page = _page(reviewer, "/outlets")
            assert shows(page, value.strip()[:200]), name
        if editor.urls(
            "/outlets".__str__, lambda i=i: {"kind": "rss", "name": f"n{i}"}, ["url"], value
        ):
            read(_page(reviewer, "/outlets"))
    with app.app_context():
        from factcheck.models import Outlet

        ids = list(db.session.scalars(sa.select(Outlet.id)))
        db.session.remove()
    for outlet_id in ids:
        read(_page(reviewer, f"/outlets/{outlet_id}"))
