"""Choosing the interface language: Accept-Language before sign-in, the switcher's cookie, the
user's preference (kept in the database, audited), and English for anything unknown."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, User
from tests.helpers import csrf_token, login


def _html_lang(body: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', body)
    assert found, "no <html lang>"
    return found.group(1)


def _login_page(client, **headers) -> str:
    response = client.get("/login", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en;q=0.5", "fr"),
        ("fr-CA", "fr"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "en"),  # none of ours: English
        ("de;q=0.9, fr;q=0.8", "fr"),
        ("xx-%%%;q=abc", "en"),  # malformed: no error, English
        ("", "en"),
    ],
)
def test_accept_language_decides_before_sign_in(client, header, expected):
    body = _login_page(client, **({"Accept-Language": header} if header else {}))
    assert _html_lang(body) == expected


def test_the_switcher_is_on_every_page_and_keeps_the_choice_in_a_cookie(client):
    body = _login_page(client, **{"Accept-Language": "en"})
    assert 'action="/language"' in body
    assert 'lang="fr">Français</button>' in body
    response = client.post(
        "/language",
        data={"csrf_token": csrf_token(client, "/login"), "language": "fr", "next": "/login"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=fr;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = _login_page(client, **{"Accept-Language": "en"})  # the cookie outranks the browser
    assert _html_lang(page) == "fr"
    assert "L’interface est maintenant en français." in page


@pytest.mark.parametrize("cookie", ["de", "", "fr-FR-x-%%", "../../etc", "e" * 300])
def test_an_unknown_language_in_the_cookie_falls_back_without_error(client, cookie):
    client.set_cookie("lang", cookie)
    body = _login_page(client, **{"Accept-Language": "en"})
    expected = "fr" if cookie.startswith("fr") and cookie != "fr-FR-x-%%" else "en"
    assert _html_lang(body) == expected


def test_a_bad_language_is_refused_naming_the_field_and_nothing_is_kept(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/language",
        data={"csrf_token": token, "language": "de"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "language"
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_a_next_off_site_is_ignored(client):
    response = client.post(
        "/language",
        data={
            "csrf_token": csrf_token(client, "/login"),
            "language": "en",
            "next": "//evil.example/",
        },
    )
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]


def test_the_users_preference_is_kept_audited_and_outranks_the_browser(app, client, users):
    reviewer = users["reviewer"]
    login(client, reviewer.email)
    assert _html_lang(client.get("/account/language").get_data(as_text=True)) == "en"
    token = csrf_token(client, "/account/language")
    response = client.post("/language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/account/language"
    )
    with app.app_context():
        assert db.session.get(User, reviewer.id).interface_language == "fr"
        event = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "user.preferences")
            .order_by(AuditEvent.seq.desc())
        ).first()
        assert event is not None and event.entity_id == str(reviewer.id)
    # Another browser, set to English, with no cookie: the preference decides once signed in.
    other = app.test_client()
    login(other, reviewer.email)
    page = other.get("/account/language", headers={"Accept-Language": "en"})
    assert _html_lang(page.get_data(as_text=True)) == "fr"
    assert re.search(r'<input checked[^>]*value="fr"', page.get_data(as_text=True))
    assert "Langue de l’interface" in page.get_data(as_text=True)


def test_a_stored_unknown_preference_cannot_exist(app, users):
    with app.app_context():
        user = db.session.get(User, users["reviewer"].id)
        user.interface_language = "de"
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


@pytest.mark.parametrize("maker", ["flask_babel", "factcheck.i18n"])
def test_a_lazy_string_follows_the_locale_in_force_within_one_request(app, maker):
    """The request's catalogue is kept for its lazy strings (factcheck.i18n.RequestCatalogue),
    yet a forced locale, its end and a refresh are followed at once, in any order: Flask-Babel's
    lazy strings and the project's (factcheck.i18n.lazy_gettext, which reads the kept catalogue
    itself) alike."""
    import importlib

    from flask_babel import force_locale, refresh

    _l = importlib.import_module(maker).lazy_gettext
    label = _l("Claimant")
    assert str(label) == "Claimant"  # outside any application: English
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(label) == "Auteur de l’affirmation"  # kept for this request's French
        assert str(label) == "Auteur de l’affirmation"
        with force_locale("en"):
            assert str(label) == "Claimant"
            with force_locale("fr"):
                assert str(label) == "Auteur de l’affirmation"
            assert str(label) == "Claimant"
        assert str(label) == "Auteur de l’affirmation"
        refresh()
        assert str(label) == "Auteur de l’affirmation"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(label) == "Claimant"  # a new request, its own language
    with app.app_context():
        assert str(label) == "Claimant"  # outside a request: English


def test_the_projects_lazy_string_says_what_flask_babels_says(app):
    """factcheck.i18n.lazy_gettext is a drop-in for Flask-Babel's: the same text with its
    variables, in markup, formatted, compared, in English for the audit trail, and pickled."""
    import pickle

    from flask_babel import LazyString, force_locale
    from flask_babel import lazy_gettext as babels
    from markupsafe import escape

    from factcheck.domain import in_english
    from factcheck.i18n import lazy_gettext

    cases = [("Claimant", {}), ("no claim #%(id)s", {"id": 7}), ("Check <b> & %(x)s", {"x": "<i>"})]
    for language in ("fr", "en"):
        with app.test_request_context(headers={"Accept-Language": language}):
            for message, variables in cases:
                ours, theirs = lazy_gettext(message, **variables), babels(message, **variables)
                assert isinstance(ours, LazyString)
                assert str(ours) == str(theirs)
                assert escape(ours) == escape(theirs)  # __html__: the text, escaped
                assert ours == str(theirs) and hash(ours) == hash(theirs)
                assert repr(ours) == repr(theirs)
                assert f"{ours}!" == f"{theirs}!" and f"[{ours!s}]" == f"[{theirs!s}]"
                assert ours + "." == theirs + "." and len(ours) == len(theirs)
                assert in_english(ours) == in_english(theirs)
                with force_locale("en"):
                    assert str(ours) == (message % variables if variables else message)
                again = pickle.loads(pickle.dumps(ours))  # noqa: S301 - our own bytes
                assert str(again) == str(ours) and type(again) is type(ours)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(lazy_gettext("no claim #%(id)s", id=7)) == "aucune affirmation nº\u00a07"
        assert (
            str(lazy_gettext("not a message of the catalogue")) == "not a message of the catalogue"
        )
