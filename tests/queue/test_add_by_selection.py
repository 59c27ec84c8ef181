"""Adding a claim by selection (issue 17, item 6): whole words, at least a clause (checked on
the server with the French tagger), and the new claim is marked where it sits."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.extensions import db
from factcheck.extraction.clauses import MIN_CLAUSE_WORDS, clause_problem, snap_to_words
from factcheck.models import AuditEvent, Claim
from tests.factories import make_article
from tests.helpers import submit

JSON = {"Accept": "application/json"}
BODY = (
    "Le ministre a présenté le rapport de juin sur les dépenses de défense.\n\n"
    "Selon ce rapport, 23 des 32 membres de l'OTAN consacrent au moins 2 % de leur PIB à la "
    "défense. Les travaux de réparation du pont ont commencé."
)
ENGLISH = "The June report on defence spending. The Pentagon said 10,000 soldiers were sent."


@pytest.fixture
def articles(app: Flask) -> dict[str, int]:
    with app.app_context():
        fr = make_article(BODY, title="Dépenses", language="fr")
        en = make_article(ENGLISH, title="Spending", language="en")
        db.session.commit()
        return {"fr": fr.id, "en": en.id}


def add(client: FlaskClient, article_id: int, text: str, **kw: Any) -> Any:
    page = f"/articles/{article_id}"
    return submit(client, page, {"text": text}, action=f"{page}/claims", **kw)


def claim_count(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Claim)) or 0,
            db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "claim.create"))
            or 0,
        )


@pytest.mark.parametrize(
    ("lang", "text", "words"),
    [
        ("fr", "réparation", "1 word"),
        ("fr", "rapport de juin", "3 words and 20 characters"),
        ("fr", "le rapport de juin sur les dépenses de défense", "no verb"),
        ("en", "The June report on defence spending", "no verb"),
    ],
)
def test_less_than_a_clause_is_a_422_naming_text(
    app: Flask,
    reviewer_client: FlaskClient,
    articles: dict[str, int],
    lang: str,
    text: str,
    words: str,
) -> None:
    before = claim_count(app)
    response = add(reviewer_client, articles[lang], text, headers=JSON)
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "text"
    assert "at least a clause" in body["message"] and words in body["message"]
    assert claim_count(app) == before
    html = add(reviewer_client, articles[lang], text)
    assert html.status_code == 422
    assert "at least a clause" in html.get_data(as_text=True)


def test_a_selection_cut_inside_words_takes_the_whole_words(
    app: Flask, reviewer_client: FlaskClient, articles: dict[str, int]
) -> None:
    cut = "port, 23 des 32 membres de l'OTAN consacrent au moins 2 % de leur P"
    response = add(reviewer_client, articles["fr"], cut, headers=JSON)
    assert response.status_code == 201, response.get_data(as_text=True)
    text = response.get_json()["claim"]["claim_reviewed"]
    assert text == "rapport, 23 des 32 membres de l'OTAN consacrent au moins 2 % de leur PIB"
    with app.app_context():
        claim = db.session.scalar(sa.select(Claim).order_by(Claim.id.desc()))
        assert claim is not None
        assert claim.article.body[claim.start_offset : claim.end_offset] == text


def test_the_new_claim_is_marked_where_it_sits(
    app: Flask, reviewer_client: FlaskClient, articles: dict[str, int]
) -> None:
    passage = "Les travaux de réparation du pont ont commencé."
    response = add(reviewer_client, articles["fr"], passage)
    assert response.status_code == 302
    location = response.headers["Location"]
    match = re.search(r"/articles/(\d+)#claim-(\d+)$", location)
    assert match is not None and int(match.group(1)) == articles["fr"]
    page = reviewer_client.get(location.split("#")[0]).get_data(as_text=True)
    mark = re.search(
        rf'<mark class="claim claim-new" id="claim-{match.group(2)}">(.*?)</mark>', page
    )
    assert mark is not None and passage in mark.group(1)
    assert f'data-min-words="{MIN_CLAUSE_WORDS}"' in page
    english = add(reviewer_client, articles["en"], "The Pentagon said 10,000 soldiers were sent.")
    assert english.status_code == 302


def test_clause_rules_directly() -> None:
    assert clause_problem("Le chômage a baissé de 3 % en un an.", "fr") is None
    assert clause_problem("Un rapport montre que 23 des 32 membres", "fr") is None
    assert clause_problem("repair", "en") is not None
    body = "Les travaux de réparation ont commencé."
    start = body.index("paration")
    assert body[slice(*snap_to_words(body, start, start + 12))] == "réparation ont"
    assert snap_to_words(body, 0, 3) == (0, 3)
