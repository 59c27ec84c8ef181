"""The desk's pages in French over real HTTP: the queue, a claim, an article, my work, the
dashboard, and the refusals (pages and JSON ``message``), with French numbers and dates. What
is stored or exported (the audit trail, the CSV) stays English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, User
from tests.factories import default_rating, make_article, make_claim, people_of, walk_claim
from tests.helpers import csrf_token, login

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
FR_JSON = {**FR, "Accept": "application/json"}
NNBSP = "\u202f"  # the narrow no-break space French typography wants before « : ; ? ! % »


def as_user(app: Flask, users: dict[str, Any], who: str) -> FlaskClient:
    client = app.test_client()
    login(client, users[who].email)
    return client


def french_page(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url, headers=FR)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    body = response.get_data(as_text=True)
    assert '<html lang="fr">' in body
    return body


def text_of(body: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities of quotes decoded."""
    text = re.sub(r"<[^>]+>", " ", body)
    text = text.replace("&#39;", "'").replace("&#34;", '"').replace("&quot;", '"')
    return re.sub(r"[ \t\r\n]+", " ", text)  # keeps the no-break spaces


def claim_in(app: Flask, users: dict[str, Any], state: str, **values: Any) -> int:
    with app.app_context():
        people = people_of(users)
        claim = make_claim(make_article(), actor=people["reviewer"])
        default_rating()
        walk_claim(people, claim, state)
        for name, value in values.items():
            setattr(claim, name, value)
        db.session.commit()
        return int(claim.id)


def test_the_queue_in_french(app, users):
    claim_in(app, users, "new", score=0.87)
    page = french_page(as_user(app, users, "editor"), "/queue")
    text = text_of(page)
    for french in (
        "Aller au contenu",  # the skip link
        "File d’attente des affirmations",
        "1 affirmation correspond aux filtres.",
        "Prendre l’affirmation suivante",
        "Appliquer les filtres",
        "Réinitialiser",
        "Nouvelle",  # a status tab (the value in the address stays "new")
        "Raccourcis clavier",
        "Tableau de bord",  # the header's navigation
        "Se déconnecter",
        "Mon travail",
        "Accepter la sélection",
        "à l’instant",  # the claim's age
    ):
        assert french in text, french
    assert '<span class="score">0,87</span>' in page
    assert '<option value="Ne mérite pas de vérification">' in page  # the dismiss reasons offered
    assert 'href="/queue?status=new"' in page
    assert 'aria-label="Filtrer la file d’attente"' in page  # screen-reader labels
    assert 'aria-label="Sélectionner l’affirmation nº' in page
    assert 'aria-label="Affirmations par statut"' in page
    assert '<span class="visually-hidden">Sélectionner</span>' in page
    assert 'placeholder="Mots de l’affirmation ou de son auteur"' in page
    for english in ("Claim queue", "Apply filters", "Take next claim", "match the filters"):
        assert english not in text, english


def test_the_queue_filtered_by_status_and_its_bad_input_in_french(app, users):
    claim_in(app, users, "queued")
    editor = as_user(app, users, "editor")
    text = text_of(french_page(editor, "/queue?status=queued"))
    assert "1 affirmation (en file d’attente) correspond aux filtres." in text
    refused = text_of(french_page(editor, "/queue?min_score=7", status=422))
    assert "entre 0 et 1" in refused


def test_a_claim_awaiting_approval_in_french(app, users):
    claim_id = claim_in(app, users, "proposed", score=0.5, priority=2)
    page = french_page(as_user(app, users, "editor2"), f"/claims/{claim_id}")
    text = text_of(page)
    for french in (
        f"Affirmation nº\u00a0{claim_id}",
        "en attente d’approbation",  # the status badge
        "priorité 2",
        "score 0,50",
        "ajoutée à l’instant",
        "Pas encore d’auteur",
        "Attribuée à" + NNBSP + ":",
        "Flux de travail",
        "Dans l’article",
        "Sources",
        "Approuver et publier",
        "Demander des modifications",
        "Proposé par",
        "Notes internes",
        "Jamais publiées.",
        "Échelle de notation",
        "Historique",
    ):
        assert french in text, french
    assert 'aria-label="Fil d’Ariane"' in page
    assert 'aria-label="Échelle de notation et historique"' in page
    for english in ("Approve and publish", "Internal notes", "In the article", "awaiting approval"):
        assert english not in text, english


def test_a_reviewer_s_claim_in_french_with_its_sources_and_verdict_form(app, users):
    claim_id = claim_in(app, users, "sourced")
    page = french_page(as_user(app, users, "reviewer"), f"/claims/{claim_id}")
    text = text_of(page)
    for french in (
        "en vérification",
        "Enregistrer l’affirmation",
        "caractères · moins de 75 recommandés",
        "Dites ce qui a été affirmé, jamais le verdict.",
        "Affirmation vérifiée (claimReviewed)",  # a form label
        "Ajouter une source",
        "Modifier cette source",
        "Confirme l’affirmation",
        "Enregistrer le brouillon",
        "Proposer ce verdict pour approbation",
        "(obligatoire" + NNBSP + ": choisissez-en une)",
    ):
        assert french in text, french
    # The desk's script says its live counter in French too.
    script = as_user(app, users, "reviewer").get("/claims/desk.js", headers=FR)
    said = re.search(r'under: (".*?"),', script.get_data(as_text=True))
    assert said and json.loads(said.group(1)) == "caractères · moins de NUMBER recommandés"


def test_the_article_page_in_french_with_extraction_s_reasons(app, users):
    with app.app_context():
        people = people_of(users)
        claim = make_claim(make_article(), actor=people["reviewer"])
        claim.score = 0.87
        claim.reasons = [
            "attribution verb: estime",
            "number: 10 000",
            "claimant subject of: estime",
            "question",
        ]
        db.session.commit()
        article_id = claim.article_id
    page = french_page(as_user(app, users, "editor"), f"/articles/{article_id}")
    text = text_of(page)
    for french in (
        "Affirmations (1)",
        f"4 indices{NNBSP}: verbe d’attribution{NNBSP}: estime",
        f"nombre{NNBSP}: 10 000",
        f"auteur{NNBSP}: sujet de{NNBSP}: estime",
        "Pourquoi elle a été repérée",
        "nouvelle",
        "Accepter dans la file",
        "Motif du rejet",
        "Ajouter une affirmation à la main",
        "Historique",
    ):
        assert french in text, french
    assert (
        '<span class="score" title="score de pertinence pour la vérification">0,87</span>' in page
    )
    assert 'data-add-label="Ajouter comme affirmation"' in page
    articles = text_of(french_page(as_user(app, users, "editor"), "/"))
    assert "Ajouter un article" in articles and "Signature" in articles


def test_my_work_in_french(app, users):
    claim_in(app, users, "in_review")
    text = text_of(french_page(as_user(app, users, "reviewer"), "/my-work"))
    for french in (
        "Mon travail",
        "Ce qui vous attend maintenant.",
        "Modifications qui vous sont demandées",
        "Affirmations que vous avez en main",
        "en vérification",
        "modifiée à l’instant",
        "Nouveau depuis votre dernière visite",
    ):
        assert french in text, french
    assert "Claims you hold" not in text


def test_the_dashboard_in_french_and_its_csv_in_english(app, users):
    claim_in(app, users, "published")
    editor = as_user(app, users, "editor")
    page = french_page(editor, "/dashboard?start=2026-01-05&end=2026-12-31")
    text = text_of(page)
    for french in (
        "Tableau de bord",
        "Du 5 janvier 2026 au 31 décembre 2026 (UTC).",
        "Délai entre la file d’attente et la publication",
        "h en médiane",
        "Affirmations trouvées, triées et publiées par semaine",
        "semaine (à partir du lundi)",
        "Affirmations ouvertes par statut et par âge (maintenant)",
        "moins d’un jour",
        "Charge par relecteur",
        "Verdicts par note et par langue",
        "Télécharger ce tableau en CSV",
    ):
        assert french in text, french
    assert "Bar chart" not in text and "Load per reviewer" not in text
    csv = editor.get(
        "/dashboard/export.csv?table=weekly&start=2026-01-05&end=2026-12-31", headers=FR
    )
    assert (
        csv.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
        == "week (from Monday),found,triaged,published"
    )


def test_refusals_in_french_as_json_and_the_audit_trail_in_english(app, users):
    claim_id = claim_in(app, users, "new")
    reviewer = as_user(app, users, "reviewer")
    token = csrf_token(reviewer, "/queue")
    forbidden = reviewer.post(
        f"/claims/{claim_id}/accept", data={"csrf_token": token}, headers=FR_JSON
    )
    assert forbidden.status_code == 403
    assert forbidden.get_json()["message"] == (
        "seuls les éditeurs peuvent accepter une affirmation candidate"
    )
    assert forbidden.get_json()["error"] == "forbidden"  # the machine's code stays English

    editor = as_user(app, users, "editor")
    token = csrf_token(editor, "/queue")
    invalid = editor.post(
        f"/claims/{claim_id}/dismiss", data={"csrf_token": token, "reason": ""}, headers=FR_JSON
    )
    assert invalid.status_code == 422
    assert invalid.get_json()["field"] == "reason"
    assert "donnez un motif" in invalid.get_json()["message"]
    assert invalid.get_json()["message"].startswith("Vérifiez le formulaire — Motif" + NNBSP + ":")

    conflict = editor.post(f"/claims/{claim_id}/take", data={"csrf_token": token}, headers=FR_JSON)
    assert conflict.status_code == 409
    assert conflict.get_json()["message"] == (
        f"l’affirmation nº\u00a0{claim_id} est au statut «{NNBSP}nouvelle{NNBSP}», "
        "pas en file d’attente"
    )
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(AuditEvent.body)
            .where(AuditEvent.action.like("%.denied"), AuditEvent.entity_id == str(claim_id))
            .order_by(AuditEvent.seq)
        ).all()
    assert [json.loads(b)["data"]["rule"] for b in bodies] == [
        "only editors can accept a candidate claim",
        "Check the form — Reason: give a reason",
        f"claim #{claim_id} is new, not queued",
    ]


def test_refusal_pages_in_french(app, users):
    editor = as_user(app, users, "editor")
    missing = text_of(french_page(editor, "/claims/999999", status=404))
    assert "Erreur 404" in missing and "aucune affirmation nº\u00a0999999" in missing
    assert "Retour au desk" in missing
    claim_id = claim_in(app, users, "published")
    token = csrf_token(editor, "/queue")
    page = editor.post(f"/claims/{claim_id}/take", data={"csrf_token": token}, headers=FR)
    assert page.status_code == 409
    text = text_of(page.get_data(as_text=True))
    assert f"est au statut «{NNBSP}publiée{NNBSP}», pas en file d’attente" in text
    assert "Identifiant de la requête" + NNBSP + ":" in text
    expired = editor.post("/queue/take-next", data={}, headers=FR)
    assert expired.status_code == 400
    assert "Le jeton CSRF est manquant." in text_of(expired.get_data(as_text=True))


@pytest.mark.parametrize(
    ("language", "score", "percent", "grouped"),
    [("fr", "0,87", f"12{NNBSP}%", f"1{NNBSP}234,5"), ("en", "0.87", "12%", "1,234.5")],
)
def test_the_number_helpers_follow_the_interface_language(app, language, score, percent, grouped):
    from factcheck.i18n import format_decimal, format_percent, format_score

    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert format_score(0.87) == score
        assert format_score(None) == "—"
        assert format_percent(0.12) == percent
        assert format_decimal(1234.5, "#,##0.0") == grouped


def test_the_english_desk_is_unchanged(app, users):
    claim_id = claim_in(app, users, "proposed", score=0.5)
    editor2 = as_user(app, users, "editor2")
    page = editor2.get(f"/claims/{claim_id}", headers={"Accept-Language": "en"})
    body = page.get_data(as_text=True)
    assert '<html lang="en">' in body
    text = text_of(body)
    assert "awaiting approval" in text and "Approve and publish" in text
    assert '<span class="score">0.50</span>' in body
    with app.app_context():
        assert db.session.get(Claim, claim_id) is not None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) >= 3
