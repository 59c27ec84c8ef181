"""French text is found (issue 16, item 4): the queue's search folds accents, case and ligatures,
cuts French elisions and matches French and English word forms — through the queue page and the
API, with the same claims found on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck import textsearch
from factcheck.claims.services import edit_claim
from factcheck.extensions import db
from factcheck.languages import SUPPORTED_LANGUAGES
from factcheck.models import Claim, ClaimStatus, User
from tests import dbutil
from tests.api.conftest import bearer, make_token
from tests.conftest import PG_SKIP_REASON, PG_URL, make_app
from tests.factories import make_article, make_claim, make_users
from tests.helpers import login

JSON = {"Accept": "application/json"}

# key: (language, claim text, claimant)
CLAIMS: dict[str, tuple[str, str, str | None]] = {
    "defense": ("fr", "La défense européenne coûte 300 milliards d'euros par an.", "Éric Lombard"),
    "soldat": ("fr", "Un soldat sur trois a quitté l'armée en 2024.", "Sébastien Lecornu"),
    "soldats": ("fr", "Les soldats nord-coréens ont été envoyés à Koursk.", "Le Pentagone"),
    "coeur": ("fr", "Le cœur de l'économie repose sur l'œuvre des PME.", "Bruno Le Maire"),
    "etat": ("fr", "L'ÉTAT a dépensé 12 milliards pour les hôpitaux.", "Gabriel Attal"),
    "estimait": ("fr", "Le gouvernement estimait que le chômage baisserait.", None),
    "soldier": ("en", "A soldier earns less than a teacher in Britain.", "Keir Starmer"),
    "soldiers": ("en", "More than 10,000 soldiers were deployed to the border.", "Donald Trump"),
    "defence": ("en", "Defense spending rose by 12 percent last year.", "NATO"),
    "running": ("en", "He is running the country like a business.", "Kamala Harris"),
}
ALL = frozenset(CLAIMS)

# The search box → the claims it finds. Every row holds on both databases.
TABLE: list[tuple[str, set[str]]] = [
    # accents and case, either way round
    ("defense", {"defense", "defence"}),
    ("Défense", {"defense", "defence"}),
    ("DÉFENSE", {"defense", "defence"}),
    ("de\u0301fense", {"defense", "defence"}),  # decomposed: e + combining acute
    ("etat", {"etat"}),
    ("état", {"etat"}),
    ("hopitaux", {"etat"}),
    ("economie", {"coeur"}),
    # ligatures
    ("coeur", {"coeur"}),
    ("cœur", {"coeur"}),
    ("CŒUR", {"coeur"}),
    ("oeuvre", {"coeur"}),
    ("ﬁ", set()),  # the « fi » ligature folds to "fi": no word starts with it here
    # apostrophes and elisions: « l'armée » is the word « armée »
    ("l'armée", {"soldat"}),
    ("l\u2019armée", {"soldat"}),
    ("armee", {"soldat"}),
    ("d'euros", {"defense"}),
    ("l'", ALL - {"soldiers"}),  # no elision without a word after it: "l", a word start
    # singular and plural, French and English
    ("soldats", {"soldat", "soldats"}),
    ("soldat", {"soldat", "soldats"}),
    ("soldiers", {"soldier", "soldiers"}),
    ("soldier", {"soldier", "soldiers"}),
    ("sold", {"soldat", "soldats", "soldier", "soldiers"}),  # typing: a word start
    ("défenses", {"defense", "defence"}),  # the French stem of one, the English of the other
    ("hôpital", {"etat"}),  # « hôpitaux »: one stem, « hôpital »
    ("soldes", set()),  # stems match whole: « sold » (sales) is no start of « soldat »
    # verb forms
    ("envoyer", {"soldats"}),
    ("envoie", {"soldats"}),
    ("estime", {"estimait"}),
    ("estimer", {"estimait"}),
    ("dépenser", {"etat"}),
    ("runs", {"running"}),
    ("run", {"running"}),
    ("deploy", {"soldiers"}),
    ("deploying", {"soldiers"}),
    # several words: all of them
    ("nord-coréens soldats", {"soldats"}),
    ("12 milliards", {"etat"}),
    ("12", {"etat", "defence"}),
    ("soldats koursk", {"soldats"}),
    ("soldats britain", set()),
    # claimant names
    ("Lecornu", {"soldat"}),
    ("sebastien", {"soldat"}),
    ("le maire", {"coeur"}),
    ("trump", {"soldiers"}),
    ("ÉRIC lombard", {"defense"}),
    ("nato", {"defence"}),
    # invisible characters are dropped; a query with no letter or digit searches nothing
    ("\u202edéfense\u202c", {"defense", "defence"}),
    ("\u2067soldats\u2069", {"soldat", "soldats"}),
    ("dé\u200bfense", {"defense", "defence"}),  # zero-width space inside the word
    ("dé\u00adfense", {"defense", "defence"}),  # soft hyphen
    ("\u202e\u202c", ALL),
    ("'; --", ALL),
    ("« … » !?", ALL),
    ("xyzzy", set()),
]


def _load(app: Flask) -> dict[str, int]:
    """The claims of :data:`CLAIMS`, made through the services; their ids by key."""
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        reviewer, editor = users["reviewer@example.org"], users["editor@example.org"]
        ids = {}
        for key, (language, text, claimant) in CLAIMS.items():
            article = make_article(text, title=f"Article {key}", language=language)
            claim = make_claim(article, text, actor=reviewer)
            db.session.flush()
            if claimant:
                values = {"claimant_name": claimant}
                edit_claim(db.session, claim, values, actor=editor, expected_version=claim.version)
            ids[key] = claim.id
        db.session.commit()
        return ids


def _queue_keys(client: FlaskClient, ids: dict[str, int], query: str) -> set[str]:
    response = client.get("/queue", query_string={"q": query}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {c["id"] for c in response.get_json()["claims"]}
    return {k for k, claim_id in ids.items() if claim_id in found}


def _api_keys(
    client: FlaskClient, ids: dict[str, int], token: dict[str, str], query: str
) -> set[str]:
    response = client.get("/api/v1/claims", query_string={"q": query}, headers=token)
    assert response.status_code == 200, response.get_data(as_text=True)
    found = {c["id"] for c in response.get_json()["claims"]}
    return {k for k, claim_id in ids.items() if claim_id in found}


@pytest.fixture
def loaded(app: Flask, users: dict[str, Any]) -> dict[str, int]:
    return _load(app)


def test_every_desk_language_has_a_stemmer() -> None:
    assert set(SUPPORTED_LANGUAGES) <= set(textsearch.STEMMERS)
    assert textsearch.language_stemmer("fr-CA") == "fr"
    assert textsearch.language_stemmer("de") is None


def test_search_table_through_the_queue(editor_client: FlaskClient, loaded: dict[str, int]) -> None:
    found = {query: _queue_keys(editor_client, loaded, query) for query, _ in TABLE}
    assert found == {query: expected for query, expected in TABLE}


def test_search_table_through_the_api(
    app: Flask, users: dict[str, Any], loaded: dict[str, int]
) -> None:
    client = app.test_client()
    token = bearer(make_token(app, users["editor"].email))
    found = {query: _api_keys(client, loaded, token, query) for query, _ in TABLE}
    assert found == {query: expected for query, expected in TABLE}


def test_the_databases_follow_the_rule_of_textsearch(app: Flask, loaded: dict[str, int]) -> None:
    """The SQL of each database finds exactly what :func:`textsearch.matches` says, for every
    query of the table over every claim's stored words."""
    with app.app_context():
        stored = dict(db.session.execute(sa.select(Claim.id, Claim.search_words)).all())
    client = app.test_client()
    login(client, "editor@example.org")
    for query, _ in TABLE:
        terms = textsearch.search_terms(query)
        expected = {
            k for k, i in loaded.items() if not terms or textsearch.matches(stored[i], terms)
        }
        assert _queue_keys(client, loaded, query) == expected, query


def test_the_queue_page_shows_what_it_searched(
    editor_client: FlaskClient, loaded: dict[str, int]
) -> None:
    html = editor_client.get("/queue", query_string={"q": "DEFENSE"}).get_data(as_text=True)
    assert "La défense européenne" in html and "Defense spending" in html
    assert "Un soldat sur trois" not in html
    assert "2 claims match the filters." in html
    assert 'id="q-hint"' not in html
    html = editor_client.get("/queue", query_string={"q": "'; --"}).get_data(as_text=True)
    assert "No letter or digit to search for in “&#39;; --”: every claim is shown." in html
    assert 'aria-describedby="q-hint"' in html
    assert f"{len(CLAIMS)} claims match the filters." in html


def test_an_edited_claimant_is_searched_by_its_new_name(
    app: Flask, users: dict[str, Any], loaded: dict[str, int]
) -> None:
    client = app.test_client()
    token = bearer(make_token(app, users["editor"].email, ("read", "review")))
    claim_id = loaded["running"]
    version = client.get(f"/api/v1/claims/{claim_id}", headers=token).get_json()["version"]
    response = client.patch(
        f"/api/v1/claims/{claim_id}",
        json={"claimant_name": "Élisabeth Borne", "version": version},
        headers=token,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _api_keys(client, loaded, token, "elisabeth BORNE") == {"running"}
    assert _api_keys(client, loaded, token, "harris") == set()


def test_claims_written_in_bulk_are_searchable(app: Flask, users: dict[str, Any]) -> None:
    """A bulk INSERT through the model (imports, benchmarks) gets its words from the column's
    default, row by row."""
    with app.app_context():
        article = make_article()
        rows = [
            {
                "article_id": article.id,
                "text": text,
                "claim_reviewed": text,
                "language": language,
                "status": ClaimStatus.QUEUED,
                "reasons": [],
                "quantities": [],
            }
            for text, language in [
                ("Les armées européennes recrutent.", "fr"),
                ("The armies of Europe are recruiting.", "en"),
            ]
        ]
        db.session.execute(sa.insert(Claim), rows)
        db.session.commit()
        words = list(db.session.scalars(sa.select(Claim.search_words).order_by(Claim.id)))
    assert words == [textsearch.document(r["text"], None, r["language"]) for r in rows]
    client = app.test_client()
    login(client, users["editor"].email)
    found = client.get("/queue", query_string={"q": "armée"}, headers=JSON).get_json()["claims"]
    assert [c["claim_reviewed"] for c in found] == ["Les armées européennes recrutent."]
    found = client.get("/queue", query_string={"q": "army"}, headers=JSON).get_json()["claims"]
    assert [c["claim_reviewed"] for c in found] == ["The armies of Europe are recruiting."]


# --- the same claims on both databases ------------------------------------------------------

COMPARE_SCHEMA = "factcheck_search_compare"


@pytest.fixture
def both_databases(tmp_path: Any) -> Iterator[dict[str, Flask]]:
    """A migrated SQLite file and a migrated PostgreSQL schema, each with its users."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    dbutil.reset_postgres_schema(PG_URL, COMPARE_SCHEMA)
    base = dbutil.sqlalchemy_url(PG_URL)
    sep = "&" if "?" in base else "?"
    urls = {
        "sqlite": f"sqlite:///{tmp_path / 'compare.sqlite3'}",
        "postgresql": f"{base}{sep}options=-csearch_path%3D{COMPARE_SCHEMA}",
    }
    apps = {}
    for name, url in urls.items():
        dbutil.upgrade(url)
        apps[name] = make_app(url)
        make_users(apps[name])
    yield apps
    dbutil.reset_postgres_schema(PG_URL, COMPARE_SCHEMA)


def test_sqlite_and_postgresql_find_the_same_claims(both_databases: dict[str, Flask]) -> None:
    found: dict[str, dict[str, set[str]]] = {}
    stored: dict[str, set[str]] = {}
    for name, app in both_databases.items():
        ids = _load(app)
        client = app.test_client()
        login(client, "editor@example.org")
        found[name] = {query: _queue_keys(client, ids, query) for query, _ in TABLE}
        with app.app_context():
            stored[name] = set(db.session.scalars(sa.select(Claim.search_words)))
    assert stored["sqlite"] == stored["postgresql"]
    assert found["sqlite"] == found["postgresql"]
    assert found["sqlite"]["soldats"] == {"soldat", "soldats"}  # and not both empty
