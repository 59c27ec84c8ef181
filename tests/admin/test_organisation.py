"""The organisation page: admins save what authors every fact-check; the public outputs follow."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Claim, FeedRevision, OrganisationSettings
from factcheck.publishing.jsonld.validate import errors, validate_claim_review, validate_document
from tests.admin.conftest import audit_actions, in_db, text
from tests.helpers import csrf_token, login, submit
from tests.publishing.test_public_pages import jsonld_of, publish

ORG = "/admin/organisation"
FEED = "/claimreview.json"
JSON = {"Accept": "application/json"}
NEW = {
    "name": "Le Desk Vérif",
    "url": "https://verif.example.fr/",
    "methodology_url": "https://verif.example.fr/methode",
    "corrections_policy_url": "https://verif.example.fr/corrections",
    "logo_url": "https://verif.example.fr/logo.png",
    "same_as": "https://www.wikidata.org/wiki/Q1\r\nhttps://ifcn.example.org/le-desk",
}


def save(client: Any, version: int = 0, **changes: Any) -> Any:
    """Open the page, then save ``NEW`` with ``changes`` as read at ``version``."""
    data = {**NEW, "version": str(version), **changes}
    return submit(client, ORG, data, headers=changes.pop("headers", {}))


def saved_row(app) -> OrganisationSettings | None:
    with in_db(app) as session:
        row = session.get(OrganisationSettings, 1)
        if row is not None:
            session.expunge(row)
        return row


def test_the_page_shows_the_configured_values_and_where_they_come_from(admin_client):
    page = text(admin_client.get(ORG))
    assert "From the configuration" in page and "Nothing saved here yet" in page
    assert 'value="Factcheck Newsroom"' in page
    assert 'value="https://factcheck.example.org/"' in page
    assert "Now from <code>ORG_NAME</code>" in page and "from <code>ORG_URL</code>" in page
    assert 'name="version" type="hidden" value="0"' in page
    assert '"name": "Factcheck Newsroom"' in page  # the ClaimReview author they make
    assert 'href="/admin/organisation"' in page  # in the admin navigation


def test_saving_changes_every_public_output(app, admin_client, runner, users, tmp_path):
    with app.app_context():
        slug = publish(users)
    response = save(admin_client)
    assert response.status_code == 302 and response.headers["Location"] == ORG
    page = text(admin_client.get(ORG))
    assert "Saved here" in page and "version 1" in page and "Now from" not in page
    assert "changed the organisation settings" in page  # the history
    assert '"sameAs": [' in page

    public = app.test_client()
    fact_check = public.get(f"/fact-checks/{slug}").get_data(as_text=True)
    review = jsonld_of(fact_check)
    assert review["url"] == f"https://verif.example.fr/fact-checks/{slug}"
    assert f'<link rel="canonical" href="{review["url"]}">' in fact_check
    assert review["author"]["name"] == "Le Desk Vérif"
    assert review["author"]["logo"]["url"] == "https://verif.example.fr/logo.png"
    assert review["author"]["sameAs"] == [
        "https://www.wikidata.org/wiki/Q1",
        "https://ifcn.example.org/le-desk",
    ]
    assert errors(validate_claim_review(review, org_url="https://verif.example.fr/")) == []
    assert 'href="https://verif.example.fr/methode"' in fact_check
    assert "· Le Desk Vérif</title>" in fact_check and "Factcheck Newsroom" not in fact_check
    assert "Le Desk Vérif checks claims" in text(public.get("/fact-checks"))

    feed = public.get(FEED, buffered=True).get_json(force=True)
    assert feed["publisher"]["name"] == "Le Desk Vérif"
    assert feed["url"] == "https://verif.example.fr/"
    (element,) = feed["dataFeedElement"]
    assert element["item"][0]["author"] == review["author"]
    assert all(p.severity != "error" for _, p in validate_document(feed))

    target = tmp_path / "export.json"
    result = runner.invoke(args=["export", "claimreview", "-o", str(target)])
    assert result.exit_code == 0, result.output
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["dataFeedElement"][0]["item"][0]["author"]["name"] == "Le Desk Vérif"
    assert exported["dataFeedElement"][0]["url"] == review["url"]


def test_a_settings_change_is_a_new_version_of_the_feed(app, admin_client, users):
    """Every ClaimReview changes with the organisation: conditional requests must see it."""
    with app.app_context():
        slug = publish(users)
        # Published an hour ago, so that saving the settings is a later second on the clock.
        claim = db.session.scalar(sa.select(Claim).where(Claim.slug == slug))
        claim.published_at -= timedelta(hours=1)
        claim.published_verdict.approved_at -= timedelta(hours=1)
        db.session.flush()  # that edit is a change to the feed too: its revision is now …
        revision = db.session.get(FeedRevision, 1)
        revision.changed_at -= timedelta(hours=1)  # … moved back with it
        db.session.commit()
    public = app.test_client()
    first = public.get(FEED, buffered=True)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert public.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    assert public.get(FEED, headers={"If-Modified-Since": modified}).status_code == 304

    assert save(admin_client).status_code == 302
    renamed = public.get(FEED, buffered=True, headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and renamed.headers["ETag"] != etag
    assert renamed.get_json(force=True)["publisher"]["name"] == "Le Desk Vérif"
    later = parsedate_to_datetime(renamed.headers["Last-Modified"])
    assert later > parsedate_to_datetime(modified)
    assert public.get(FEED, headers={"If-Modified-Since": modified}).status_code == 200

    # Any field counts, sameAs included, even within the same second.
    etag = renamed.headers["ETag"]
    assert save(admin_client, 1, same_as="https://ifcn.example.org/le-desk").status_code == 302
    again = public.get(FEED, buffered=True, headers={"If-None-Match": etag})
    assert again.status_code == 200
    author = again.get_json(force=True)["dataFeedElement"][0]["item"][0]["author"]
    assert author["sameAs"] == ["https://ifcn.example.org/le-desk"]


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_reviewers_and_editors_get_403_and_change_nothing(app, client, users, role):
    login(client, users[role].email)
    before = audit_actions(app)
    assert client.get(ORG).status_code == 403
    token = csrf_token(client, "/")
    data = {**NEW, "version": "0", "csrf_token": token}
    assert client.post(ORG, data=data).status_code == 403
    api = client.post(ORG, data=data, headers=JSON)
    assert api.status_code == 403 and api.get_json()["error"] == "forbidden"
    assert audit_actions(app) == before
    assert saved_row(app) is None


@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "url must be an http:// or https:// address"),
        ("url", "https://verif.example.fr/?edition=fr", "url must not have a query"),
        ("methodology_url", "mailto:desk@example.org", "methodology_url must be an http"),
        ("logo_url", "data:image/png;base64,AAAA", "logo_url must be an http"),
        ("same_as", "https://ok.example/\nftp://files.example/", "same_as must be an http"),
        ("name", "", "name is required"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(
    app, admin_client, field, value, message, as_json
):
    before = audit_actions(app)
    response = save(admin_client, **{field: value, "headers": JSON if as_json else {}})
    assert response.status_code == 422
    if as_json:
        body = response.get_json()
        assert body["error"] == "invalid" and body["field"] == field
        assert body["message"].startswith(message)
    else:
        page = text(response)
        assert message in page
        assert 'aria-invalid="true"' in page and f'id="{field}-error"' in page
        if field != "name":
            assert 'value="Le Desk Vérif"' in page  # what the admin typed is kept
    assert audit_actions(app) == before
    assert saved_row(app) is None


def test_someone_saving_first_is_409_with_the_form_kept(app, admin_client, users):
    other = app.test_client()
    login(other, users["admin"].email)
    token = csrf_token(admin_client, ORG)  # this admin's form was read at version 0
    assert save(other, name="Le Desk d'abord").status_code == 302

    mine = {**NEW, "name": "Mon Desk", "version": "0", "csrf_token": token}
    response = admin_client.post(ORG, data=mine)
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved a change first" in page
    assert "your copy: version 0; now: version 1" in page
    assert 'value="Mon Desk"' in page and "Le Desk d'abord" in page  # yours, and theirs
    assert 'name="version" type="hidden" value="1"' in page  # saving again replaces it
    api = admin_client.post(ORG, data=mine, headers=JSON)
    assert api.status_code == 409 and api.get_json()["error"] == "conflict"
    assert saved_row(app).name == "Le Desk d'abord"

    assert admin_client.post(ORG, data={**mine, "version": "1"}).status_code == 302
    assert saved_row(app).name == "Mon Desk"


def test_scripts_read_and_save_the_settings_in_json(app, admin_client):
    got = admin_client.get(ORG, headers=JSON)
    assert got.status_code == 200
    body = got.get_json()
    assert body["organisation"]["name"] == "Factcheck Newsroom"
    assert body["organisation"]["saved"] is False and body["organisation"]["version"] == 0
    data = {**NEW, "version": "0", "csrf_token": body["csrf_token"]}
    response = admin_client.post(ORG, data=data, headers=JSON)
    assert response.status_code == 200
    organisation = response.get_json()["organisation"]
    assert organisation["saved"] is True and organisation["version"] == 1
    assert organisation["same_as"] == [
        "https://www.wikidata.org/wiki/Q1",
        "https://ifcn.example.org/le-desk",
    ]
    no_version = {k: v for k, v in data.items() if k != "version"}
    refused = admin_client.post(ORG, data=no_version, headers=JSON)
    assert refused.status_code == 422 and refused.get_json()["field"] == "version"


def test_saving_the_same_values_again_records_nothing(app, admin_client):
    assert save(admin_client).status_code == 302
    events = audit_actions(app)
    assert events.count("organisation.edit") == 1
    assert save(admin_client, 1).status_code == 302
    assert audit_actions(app) == events
    assert saved_row(app).version == 1


def test_a_configuration_that_cannot_author_reviews_is_fixed_here(app, admin_client):
    app.config["ORG_URL"] = "factcheck.example.org"  # no scheme: not a base for review urls
    page = text(admin_client.get(ORG))
    assert "These values cannot author a ClaimReview" in page
    assert save(admin_client).status_code == 302
    assert "cannot author" not in text(admin_client.get(ORG))


def test_a_signed_in_page_reads_the_settings_with_its_sign_in(app, admin_client, users):
    """The sign-in's statement brings the settings' row (``organisation.settings.read_with``): a
    signed-in page runs no statement of its own for them, whether an admin saved some or not,
    and shows what an admin saved in another session on its next request."""
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    client = app.test_client()
    login(client, users["reviewer"].email)
    with app.app_context():
        engine = db.engine
    for expected in ("Factcheck Newsroom", NEW["name"]):
        if expected == NEW["name"]:
            assert save(admin_client).status_code in (200, 302)
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", listen)
        try:
            page = text(client.get("/queue"))
        finally:
            sa.event.remove(engine, "before_cursor_execute", listen)
        assert f"· {expected}</title>" in page
        reading = [s for s in statements if "organisation_settings" in s]
        assert len(reading) == 1 and "user_sessions" in reading[0], reading
