"""The audit trail, outlets, webhooks, imported fact-checks and API pages in French.

A signed-in editor or admin who chose French (the switcher's cookie) reads these pages, their
screen-reader labels, flash messages and refusals (page and JSON ``message``) in French; the
same pages stay English for an English reader. Real HTTP, SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from factcheck.extensions import db
from factcheck.models import User
from factcheck.outlets import services as outlets
from factcheck.webhooks import services as webhooks
from tests.helpers import csrf_token, login

NNBSP = "\u202f"
JSON = {"Accept": "application/json"}


def french(client: Any, email: str) -> Any:
    login(client, email)
    client.set_cookie("lang", "fr")
    return client


def page(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.get_data(as_text=True)
    return body


def follow_outlet(app: Any, users: dict[str, Any]) -> int:
    with app.app_context():
        editor = db.session.get(User, users["editor"].id)
        outlet = outlets.add_outlet(
            db.session,
            {"url": "https://journal.example.org/feed.xml", "kind": "rss", "language": "fr"},
            actor=editor,
        )
        db.session.commit()
        return outlet.id


def test_the_audit_trail_in_french(app, client, users):
    follow_outlet(app, users)
    body = page(french(client, users["editor"].email), "/audit")
    assert "<h1>Journal d’audit</h1>" in body
    assert ">Vérifier maintenant</button>" in body
    assert 'aria-label="Filtrer les événements"' in body
    assert '<caption class="visually-hidden">Événements du journal d’audit' in body
    assert "a commencé à suivre le média" in body
    assert "Audit trail" not in body and "Verify now" not in body

    token = csrf_token(client, "/audit")
    done = client.post("/audit/verify", data={"csrf_token": token}, follow_redirects=True)
    assert f"OK{NNBSP}: " in done.get_data(as_text=True)
    assert "événements vérifiés" in done.get_data(as_text=True)


def test_the_outlet_pages_in_french(app, client, users):
    outlet_id = follow_outlet(app, users)
    french(client, users["editor"].email)
    body = page(client, "/outlets")
    assert "<h1>Médias</h1>" in body and "1 média suivi." in body
    assert ">Suivre un média</h2>" in body and "Pas encore relevé" in body
    assert '<caption class="visually-hidden">Médias suivis</caption>' in body
    assert "Un flux RSS" in body  # the form's choices
    assert "Follow an outlet" not in body

    body = page(client, f"/outlets/{outlet_id}")
    assert "<dt>Intervalle</dt><dd>toutes les 60 min</dd>" in body
    assert ">Historique</h2>" in body and "a commencé à suivre le média" in body
    assert ">Relever maintenant</button>" in body

    # A refusal raised in the service, on the page and in JSON, names its field in English.
    token = csrf_token(client, "/outlets")
    refused = client.post(
        "/outlets",
        data={"csrf_token": token, "url": "https://autre.example.org/", "interval_minutes": "x"},
        headers=JSON,
    )
    assert refused.status_code == 422
    answer = refused.get_json()
    assert answer["field"] == "interval_minutes"
    assert answer["message"] == "l’intervalle doit être un nombre entier de minutes"


def test_the_outlet_pages_stay_english_for_an_english_reader(app, client, users):
    outlet_id = follow_outlet(app, users)
    login(client, users["editor"].email)
    body = page(client, f"/outlets/{outlet_id}")
    assert "<dt>Interval</dt><dd>every 60 min</dd>" in body
    assert "started following the outlet" in body and "Médias" not in body


def test_the_webhook_pages_in_french(app, client, users):
    with app.app_context():
        endpoint = webhooks.create_endpoint(
            db.session,
            {"url": "https://cms.example.org/hook", "events": ["claim.published"]},
            actor=db.session.get(User, users["admin"].id),
        )
        db.session.commit()
        endpoint_id = endpoint.id
    french(client, users["admin"].email)
    body = page(client, "/admin/webhooks")
    assert "<h1>Webhooks</h1>" in body and ">Ajouter un point de réception</h2>" in body
    assert "0 envoyées · 0 en attente · 0 en échec" in body
    assert re.search(r'Gérer <span class="visually-hidden">https://cms\.example\.org/hook', body)
    assert '<span class="visually-hidden">Actions</span>' in body
    body = page(client, f"/admin/webhooks/{endpoint_id}")
    assert ">Secret de signature</h2>" in body and "Rien n’a encore été envoyé." in body

    token = csrf_token(client, "/admin/webhooks")
    refused = client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": "https://cms.example.org/x", "events": "nothing.real"},
        headers=JSON,
    )
    assert refused.status_code == 422
    assert refused.get_json()["message"].startswith(f"events{NNBSP}: événement inconnu 'nothing")


def test_the_imported_fact_checks_page_in_french(client, users):
    body = page(french(client, users["admin"].email), "/admin/fact-checks")
    assert "<h1>Vérifications importées</h1>" in body
    assert "0 enregistrée" in body and "Rien n’a encore été importé." in body
    assert ">Flux suivis</h2>" in body and ">Aperçu (rien n’est enregistré)</button>" in body


@pytest.mark.parametrize(("cookie", "lang", "title"), [("fr", "fr", "API factcheck v1")])
def test_the_api_documentation_page_in_french(client, cookie, lang, title):
    client.set_cookie("lang", cookie)
    body = page(client, "/api/v1/docs")
    assert f'<html lang="{lang}">' in body and f"<title>{title}" in body
    assert '<div id="swagger-ui" lang="en"' in body  # Swagger UI's own words are English
    assert f"du JSON simple{NNBSP}: <a href=" in body


def test_every_audit_action_has_words_in_both_languages(app):
    """The timeline and /audit say every action in words, never a spelled-out code."""
    from flask_babel import force_locale

    from factcheck.audit.actions import AuditAction
    from factcheck.audit.history import ACTION_WORDS, action_words

    assert set(AuditAction) <= set(ACTION_WORDS)
    with app.test_request_context(), force_locale("fr"):
        for action in AuditAction:
            assert action_words(action) != str(ACTION_WORDS[action]._args[0]), action


def test_why_a_fact_check_matched_is_said_in_french(app):
    from flask_babel import force_locale

    from factcheck.memory.reasons import shown

    with app.test_request_context(), force_locale("fr"):
        assert shown("shared words: 87% of the claim's information") == (
            f"mots en commun{NNBSP}: 87{NNBSP}% de l’information de l’affirmation"
        )
        assert shown("same numbers: 10000, 2024") == f"mêmes nombres{NNBSP}: 10000, 2024"
        assert shown("similar meaning (0.73)") == "sens proche (0,73)"
        assert shown("something new") == "something new"  # unknown: as stored
    with app.test_request_context(), force_locale("en"):
        assert shown("similar meaning (0.73)") == "similar meaning (0.73)"
