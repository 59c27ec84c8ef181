"""Organisation settings: the configuration until an admin saves, the rules, the audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import current_app

from factcheck.audit.store import verify_database
from factcheck.domain import Conflict, ValidationError
from factcheck.extensions import db
from factcheck.models import AuditEvent, OrganisationSettings, User
from factcheck.organisation import services
from factcheck.organisation.services import effective_settings, save_settings
from factcheck.publishing.jsonld.build import ReviewData, build_claim_review
from factcheck.publishing.jsonld.validate import validate_claim_review
from factcheck.publishing.services import organisation, organisation_of

DESK = {
    "name": "Le Desk Vérif",
    "url": "https://verif.example.fr",
    "methodology_url": "https://verif.example.fr/methode",
    "corrections_policy_url": "https://verif.example.fr/corrections",
    "logo_url": "https://verif.example.fr/logo.png",
    "same_as": "https://www.wikidata.org/wiki/Q1\nhttps://ifcncodeofprinciples.poynter.org/x",
}


def save(users: dict[str, Any], version: int | None, **changes: Any) -> Any:
    return save_settings(
        db.session,
        {**DESK, **changes},
        expected_version=version,
        actor=db.session.get(User, users["admin"].id),
        config=current_app.config,
    )


def events() -> list[dict[str, Any]]:
    bodies = db.session.scalars(
        sa.select(AuditEvent.body)
        .where(AuditEvent.entity_type == "organisation_settings")
        .order_by(AuditEvent.seq)
    )
    return [json.loads(body) for body in bodies]


def test_until_an_admin_saves_the_configuration_is_in_force(app, ctx):
    app.config["METHODOLOGY_URL"] = "https://factcheck.example.org/methode"
    settings = effective_settings(db.session, app.config)
    assert not settings.saved and settings.version == 0 and settings.updated_at is None
    assert settings.name == app.config["ORG_NAME"]
    assert settings.url == "https://factcheck.example.org/"
    assert settings.methodology_url == "https://factcheck.example.org/methode"
    assert settings.logo_url is None and settings.same_as == ()
    app.config["ORG_URL"] = "https://other.example.org"  # the base of relative addresses
    assert effective_settings(db.session, app.config).url == "https://other.example.org/"


def test_the_first_save_replaces_the_configuration_and_is_audited(app, users, ctx):
    changes = save(users, 0)
    db.session.commit()
    settings = effective_settings(db.session, app.config)
    assert settings.saved and settings.version == 1 and settings.updated_at is not None
    assert settings.name == "Le Desk Vérif"
    assert settings.url == "https://verif.example.fr/"  # a base: it ends with a slash
    assert settings.same_as == (
        "https://www.wikidata.org/wiki/Q1",
        "https://ifcncodeofprinciples.poynter.org/x",
    )
    assert changes["version"] == (0, 1)
    (event,) = events()
    assert event["action"] == "organisation.edit" and event["entity_id"] == "1"
    assert event["actor"] == users["admin"].email
    assert event["changes"]["name"] == {"before": "Factcheck Newsroom", "after": "Le Desk Vérif"}
    assert event["changes"]["url"]["before"] == "https://factcheck.example.org/"
    assert event["changes"]["same_as"]["before"] == []
    assert event["data"] == {"replaces": "configuration"}
    assert verify_database(db.session).ok
    # From now on the configuration is not read for these settings.
    app.config["ORG_NAME"] = "Ignored"
    assert organisation(db.session, app.config).name == "Le Desk Vérif"


def test_an_edit_records_what_changed_and_moves_the_version(app, users, ctx):
    save(users, 0)
    db.session.commit()
    changes = save(users, 1, name="Le Desk", logo_url="")
    db.session.commit()
    assert set(changes) == {"name", "logo_url", "version"}
    settings = effective_settings(db.session, app.config)
    assert (settings.name, settings.logo_url, settings.version) == ("Le Desk", None, 2)
    event = events()[-1]
    assert event["changes"] == {
        "name": {"before": "Le Desk Vérif", "after": "Le Desk"},
        "logo_url": {"before": "https://verif.example.fr/logo.png", "after": None},
        "version": {"before": 1, "after": 2},
    }
    assert "data" not in event or event["data"] == {}


def test_saving_the_same_values_changes_and_records_nothing(app, users, ctx):
    save(users, 0)
    db.session.commit()
    assert save(users, 1) == {}
    db.session.commit()
    assert effective_settings(db.session, app.config).version == 1
    assert len(events()) == 1


@pytest.mark.parametrize("stale", [0, 2, None])
def test_a_stale_version_is_a_conflict_and_changes_nothing(app, users, ctx, stale):
    save(users, 0)
    db.session.commit()
    if stale is None:  # no version: scripts that do not ask (the CLI style) just save
        save(users, None, name="Sans version")
        assert effective_settings(db.session, app.config).name == "Sans version"
        return
    with pytest.raises(Conflict, match=f"your copy: version {stale}; now: version 1"):
        save(users, stale, name="Trop tard")
    db.session.rollback()
    assert effective_settings(db.session, app.config).name == "Le Desk Vérif"
    assert len(events()) == 1


def test_two_first_saves_at_once_the_second_is_a_conflict(app, users, ctx, monkeypatch):
    """The row did not exist when both read it; the second insert loses, cleanly."""
    save(users, 0)
    db.session.commit()
    monkeypatch.setattr(services, "_locked_row", lambda session: None)
    with pytest.raises(Conflict, match="changed by someone else"):
        save(users, 0, name="Au même moment")
    db.session.rollback()
    assert effective_settings(db.session, app.config).name == "Le Desk Vérif"
    assert len(events()) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "name is required"),
        ("name", "  ", "name is required"),
        ("name", "Le\x00Desk", "name contains a control character"),
        ("name", "x" * 201, "name is too long"),
        ("url", "", "url is required"),
        ("url", "verif.example.fr", "url must be an http:// or https:// address"),
        ("url", "ftp://verif.example.fr/", "url must be an http:// or https:// address"),
        ("url", "javascript:alert(1)", "url must be an http:// or https:// address"),
        ("url", "https://verif.example.fr/?page=1", "url must not have a query"),
        ("url", "https://verif.example.fr/#top", "url must not have a query"),
        ("url", "https://:443/", "url must name a host"),
        ("methodology_url", "javascript:alert(1)", "methodology_url must be an http"),
        ("corrections_policy_url", "data:text/html,x", "corrections_policy_url must be an http"),
        ("logo_url", "//evil.example/logo.png", "logo_url must be an http"),
        ("logo_url", "https://a b.example/", "logo_url must not contain spaces"),
        ("same_as", "https://ok.example/\njavascript:alert(1)", "same_as must be an http"),
        ("same_as", "https://ok.example/\tx", "same_as contains a control character"),
        ("same_as", "\n".join(f"https://e{i}.example/" for i in range(11)), "at most 10"),
    ],
)
def test_bad_values_are_refused_naming_the_field(app, users, ctx, field, value, message):
    with pytest.raises(ValidationError, match=message) as refused:
        save(users, 0, **{field: value})
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.get(OrganisationSettings, 1) is None
    assert events() == []


def test_a_bad_same_as_line_is_named_by_its_number(users, ctx):
    with pytest.raises(ValidationError, match=r"\(line 3\)"):
        save(users, 0, same_as="https://a.example/\n\nmailto:desk@example.org")


def test_values_are_tidied_for_json_ld(app, users, ctx):
    save(
        users,
        0,
        name="  Le Desk  ",
        url="HTTPS://verif.example.fr/desk",
        logo_url="  ",
        same_as="\r\nHttp://a.example/\n\nhttps://b.example/\nhttp://a.example/\n",
    )
    settings = effective_settings(db.session, app.config)
    assert settings.name == "Le Desk"
    assert settings.url == "https://verif.example.fr/desk/"
    assert settings.logo_url is None
    assert settings.same_as == ("http://a.example/", "https://b.example/")


def test_saved_settings_author_valid_claim_reviews(app, users, ctx):
    """Logo and sameAs reach the ClaimReview author, and the result is valid schema.org."""
    from datetime import UTC, datetime

    save(users, 0)
    org = organisation_of(effective_settings(db.session, app.config))
    review = build_claim_review(
        ReviewData(
            url="fact-checks/otan",
            claim_reviewed="23 des 32 membres consacrent 2 % du PIB à la défense",
            date_published=datetime(2025, 6, 20, tzinfo=UTC),
            in_language="fr",
            rating_label="Vrai",
            rating_value=5,
            best_rating=5,
            worst_rating=1,
            claimant_name="Mark Rutte",
        ),
        org,
    )
    assert review["url"] == "https://verif.example.fr/fact-checks/otan"
    assert review["author"] == {
        "@type": "Organization",
        "name": "Le Desk Vérif",
        "url": "https://verif.example.fr/",
        "logo": {"@type": "ImageObject", "url": "https://verif.example.fr/logo.png"},
        "publishingPrinciples": "https://verif.example.fr/methode",
        "correctionsPolicy": "https://verif.example.fr/corrections",
        "sameAs": [
            "https://www.wikidata.org/wiki/Q1",
            "https://ifcncodeofprinciples.poynter.org/x",
        ],
    }
    problems = validate_claim_review(review, org_url=org.url)
    assert [p for p in problems if p.severity == "error"] == []
    assert not [p for p in problems if p.path.startswith("author")], problems


def test_the_database_holds_one_row_at_most(ctx):
    db.session.add(OrganisationSettings(id=2, name="Autre", url="https://x.example/"))
    with pytest.raises(sa.exc.IntegrityError, match="single_row"):
        db.session.flush()
    db.session.rollback()


def test_the_builder_refuses_a_same_as_that_is_not_http():
    from factcheck.publishing.jsonld.build import Organisation

    with pytest.raises(ValueError, match=r"Organisation\.same_as"):
        Organisation(name="Desk", url="https://verif.example.fr/", same_as=("javascript:x",))
    with pytest.raises(ValueError, match="tuple"):
        Organisation(name="Desk", url="https://verif.example.fr/", same_as=["https://a.example/"])  # type: ignore[arg-type]


def test_unsaved_settings_are_read_once_and_a_save_is_seen_at_once(app, users, ctx):
    """A page asks for the settings several times: with no saved row, the first asking reads
    the database and the others do not; a save in the same transaction is seen by the next
    asking (the marker is forgotten at every flush), and so is a row saved by someone else
    once the transaction ends."""
    from tests.inbox.sqlcount import statements

    with statements(db.engine) as seen:
        first = effective_settings(db.session, app.config)
        again = effective_settings(db.session, app.config)
    assert not first.saved and again == first
    assert len([s for s in seen if "organisation_settings" in s]) == 1
    save(users, 0)  # flushes: the next asking reads the row
    saved = effective_settings(db.session, app.config)
    assert saved.saved and saved.name == "Le Desk Vérif"
    db.session.rollback()
    assert not effective_settings(db.session, app.config).saved
    with db.engine.begin() as other:  # another transaction saves a row behind this session
        other.execute(
            sa.insert(OrganisationSettings).values(
                id=1, name="Ailleurs", url="https://ailleurs.example.org/", version=1
            )
        )
    db.session.commit()  # this transaction ends: the next asking reads again
    assert effective_settings(db.session, app.config).name == "Ailleurs"


def test_a_signed_in_page_reads_the_settings_with_its_session(app, users, client):
    """Every signed-in page names the organisation: its settings come with the session's row
    (auth.services.load_session), in no statement of their own, saved or not, and a save is
    on the next page."""
    from tests.helpers import login
    from tests.inbox.sqlcount import statements

    login(client, "reviewer@example.org")
    with app.app_context():
        engine = db.engine

    def page() -> tuple[str, list[str]]:
        with statements(engine) as seen:
            response = client.get("/queue")
        assert response.status_code == 200
        return response.get_data(as_text=True), [s for s in seen if "organisation_settings" in s]

    body, reads = page()
    assert f"· {app.config['ORG_NAME']}</title>" in body
    assert len(reads) == 1 and "user_sessions" in reads[0]
    with app.app_context():
        save(users, 0)
        db.session.commit()
    body, reads = page()
    assert "· Le Desk Vérif</title>" in body
    assert len(reads) == 1 and "user_sessions" in reads[0]
