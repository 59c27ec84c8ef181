"""The sign-in, account, administration and token pages and the API's refusals in French.

Real HTTP through the app; the language from ``Accept-Language`` (signed out, and in the API) or
from the user's preference. The scan of every page (``test_catalogue.py``) finds English words;
these tests check what the scan cannot reach: refusals, flash messages, forms sent back, JSON.
"""

from __future__ import annotations

import re

import pytest

from factcheck.extensions import db
from factcheck.models import User
from tests.api.conftest import bearer, make_token
from tests.helpers import PASSWORD, csrf_token, login, submit

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
NNBSP = "\u202f"


def _prefer_french(app, email: str) -> None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user.interface_language = "fr"
        db.session.commit()


def test_a_failed_sign_in_and_the_forms_messages_are_french(client, users):
    page = client.get("/login", headers=FR).get_data(as_text=True)
    assert "<h1>Se connecter</h1>" in page and ">Adresse e-mail</label>" in page
    token = csrf_token(client, "/login")
    wrong = client.post(
        "/login",
        data={"csrf_token": token, "email": users["editor"].email, "password": "pas le bon"},
        headers=FR,
    )
    assert wrong.status_code == 401
    assert (
        "L’adresse e-mail ou le mot de passe est incorrect, ou le compte est désactivé."
        in wrong.get_data(as_text=True)
    )
    empty = client.post("/login", data={"csrf_token": token, "email": ""}, headers=FR)
    assert empty.status_code == 400 and "Ce champ est requis." in empty.get_data(as_text=True)


def test_signing_in_greets_in_the_users_language(app, client, users):
    _prefer_french(app, users["reviewer"].email)
    response = login(client, users["reviewer"].email)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Connecté en tant que {users['reviewer'].display_name}." in page


def test_the_users_page_and_a_refused_new_user_are_french(app, admin_client, users):
    _prefer_french(app, users["admin"].email)
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "<h1>Utilisateurs</h1>" in page and "5 comptes" in page
    assert '<span class="role role-reviewer">relecteur</span>' in page
    assert '<option selected value="reviewer">Relecteur</option>' in page
    refused = submit(
        admin_client,
        "/admin/users",
        {"email": "nina@example.org", "role": "editor", "password": "court"},
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"le mot de passe est trop court{NNBSP}: utilisez au moins 12 caractères" in body
    made = submit(
        admin_client,
        "/admin/users",
        {"email": "nina@example.org", "role": "editor", "password": PASSWORD},
        follow_redirects=True,
    )
    assert "Compte nina@example.org créé (éditeur)." in made.get_data(as_text=True)


def test_the_last_admin_refusal_is_one_french_sentence(app, admin_client, users):
    _prefer_french(app, users["admin"].email)
    admin_id = users["admin"].id
    refused = submit(
        admin_client,
        f"/admin/users/{admin_id}",
        {"role": "editor"},
        action=f"/admin/users/{admin_id}/role",
    )
    assert refused.status_code == 422
    assert (
        f"{users['admin'].email} est le dernier administrateur actif et ne peut pas être "
        f"rétrogradé{NNBSP}: nommez d’abord un autre utilisateur administrateur"
    ) in refused.get_data(as_text=True)


def test_tokens_page_in_french_scope_codes_stay_code(app, client, users):
    _prefer_french(app, users["editor"].email)
    login(client, users["editor"].email)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "<h1>Jetons d’API</h1>" in page
    assert "<code>review</code> — travailler sur les affirmations" in page
    made = submit(client, "/account/tokens", {"name": "Mon CMS", "scopes": ["read"]})
    assert made.status_code == 201
    assert f"Jeton «{NNBSP}Mon CMS{NNBSP}» créé." in made.get_data(as_text=True)
    english = client.get("/account/tokens", headers={"Accept-Language": "en"})
    assert "<h1>Jetons d’API</h1>" in english.get_data(as_text=True)  # the preference wins


def test_two_factor_page_is_french(app, client, users):
    _prefer_french(app, users["reviewer"].email)
    login(client, users["reviewer"].email)
    page = client.get("/account/2fa").get_data(as_text=True)
    assert "La connexion à deux facteurs est <strong>désactivée</strong>." in page
    refused = submit(client, "/account/2fa", {"code": "000000"})
    assert refused.status_code == 422
    assert f"ce code est incorrect{NNBSP}: saisissez les 6 chiffres" in refused.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (FR, "envoyez un jeton\u202f: Authorization: Bearer <jeton>"),
        ({}, "send a token: Authorization: Bearer <token>"),
        ({"Accept-Language": "de"}, "send a token: Authorization: Bearer <token>"),
    ],
)
def test_the_apis_refusals_follow_accept_language(client, headers, expected):
    response = client.get("/api/v1/articles", headers=headers)
    assert response.status_code == 401 and response.get_json()["message"] == expected


def test_the_api_ignores_the_users_preference_and_the_cookie(app, client, users):
    _prefer_french(app, users["editor"].email)
    secret = make_token(app, users["editor"].email, ("read",))
    client.set_cookie("lang", "fr")
    response = client.post("/api/v1/articles", json={"text": "Un texte."}, headers=bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["message"] == "this token lacks the ingest scope"
    french = client.post(
        "/api/v1/articles", json={"text": "Un texte."}, headers={**bearer(secret), **FR}
    )
    assert french.get_json()["message"] == "ce jeton n’a pas la portée ingest"
    assert french.get_json()["field"] == "scope:ingest"  # machine codes stay


def test_a_refused_token_is_french_in_the_body_and_english_in_the_header(app, client, users):
    response = client.get("/api/v1/articles", headers={**bearer("fct_nope"), **FR})
    assert response.status_code == 401
    assert response.get_json()["message"] == "jeton inconnu"
    assert 'error_description="unknown token"' in response.headers["WWW-Authenticate"]


def test_the_apis_schema_messages_are_french(app, client, users):
    secret = make_token(app, users["editor"].email, ("ingest",))
    headers = {**bearer(secret), **FR}
    unknown = client.post("/api/v1/articles", json={"text": "Un texte.", "x": 1}, headers=headers)
    assert unknown.status_code == 422 and unknown.get_json()["message"] == "x: champ inconnu"
    wrong = client.post("/api/v1/articles", json={"text": 3}, headers=headers)
    assert wrong.get_json()["message"] == "text: Chaîne de caractères invalide."
    english = client.post("/api/v1/articles", json={"text": 3}, headers=bearer(secret))
    assert english.get_json()["message"] == "text: Not a valid string."


def test_too_many_sign_in_attempts_is_said_in_french(app, client, users):
    token = csrf_token(client, "/login")
    body = ""
    for _attempt in range(8):
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": users["editor"].email, "password": "non"},
            headers=FR,
        )
        body = response.get_data(as_text=True)
        if response.status_code == 429:
            break
    assert re.search(f"Trop de tentatives{NNBSP}; attendez une minute et réessayez", body)
