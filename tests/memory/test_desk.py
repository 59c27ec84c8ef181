"""Already checked on the desk: the panel, link as source, dismiss as duplicate, queue filter."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from factcheck.extensions import db
from factcheck.memory.services import import_reviews
from factcheck.models import AuditEvent, Claim, ClaimMatch, ClaimStatus
from factcheck.publishing.jsonld.importer import parse_claim_reviews
from tests.factories import make_article, make_claim, people_of, walk_claim
from tests.helpers import csrf_token, login

ENGLISH_REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://fullfact.example.org/nato-23-of-32/",
    "claimReviewed": "23 of NATO's 32 members now meet the 2% of GDP defence target, "
    "Jens Stoltenberg said in June",
    "datePublished": "2024-06-18",
    "inLanguage": "en",
    "author": {"@type": "Organization", "name": "Full Fact", "url": "https://fullfact.org/"},
    "reviewRating": {"@type": "Rating", "alternateName": "Correct"},
}
OTHERS = [
    {
        **ENGLISH_REVIEW,
        "url": f"https://other.example.org/{n}",
        "claimReviewed": text,
        "author": {"@type": "Organization", "name": "Other"},
    }
    for n, text in enumerate(
        [
            "Vaccines contain microchips that track people",
            "The Eiffel Tower will be sold to a private company in 2025",
            "France spends 2% of GDP on culture",
        ]
    )
]
FRENCH = (
    "Un rapport publié en juin montre que 23 des 32 membres de l'OTAN consacrent au moins "
    "2 % de leur PIB à la défense, a déclaré Jens Stoltenberg."
)


def _setup(app: Any, users: dict[str, Any], to: str = "new") -> tuple[int, int]:
    """Import the fact-checks, add the French claim; return (claim id, fact-check id)."""
    with app.app_context():
        return _made(users, to)


def _made(users: dict[str, Any], to: str) -> tuple[int, int]:
    people = people_of(users)
    article = make_article(body=FRENCH + " Fin.", title="OTAN")
    claim = make_claim(article, text=FRENCH, actor=people["reviewer"])
    outcomes = import_reviews(
        db.session,
        parse_claim_reviews(json.dumps([ENGLISH_REVIEW, *OTHERS])),
        source="test",
        actor=None,
    )
    from factcheck.memory.desk import refresh_open_claims

    assert refresh_open_claims(db.session) == 1
    if to != "new":
        walk_claim(people, claim, to)
    db.session.commit()
    return claim.id, int(outcomes[0].fact_check_id or 0)


def test_the_desk_shows_the_english_fact_check_of_a_french_claim(app, client, users):
    claim_id, fc_id = _setup(app, users)
    login(client, users["editor"].email)
    page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Already checked?" in page
    panel = page[page.index('id="already-checked"') :]
    panel = panel[: panel.index("</section>")]
    assert "Full Fact" in panel and "Correct" in panel and "2024-06-18" in panel
    assert ENGLISH_REVIEW["url"] in panel and "same numbers: 2, 23, 32" in panel
    assert "Microchips" not in panel and "Eiffel" not in panel
    detail = client.get(f"/claims/{claim_id}", headers={"Accept": "application/json"}).get_json()
    [first, *_] = detail["already_checked"]
    assert (first["kind"], first["id"], first["publisher"], first["language"]) == (
        "imported",
        fc_id,
        "Full Fact",
        "en",
    )
    assert any("stoltenberg" in reason for reason in first["reasons"])


def test_queue_filters_claims_that_have_a_match(app, client, users):
    claim_id, _ = _setup(app, users)
    with app.app_context():
        unmatched_id = make_claim(make_article(body="Le ciel est vert depuis hier soir. Fin.")).id
        db.session.commit()
    login(client, users["editor"].email)
    ids = lambda query: [  # noqa: E731
        c["id"]
        for c in client.get(f"/queue?{query}", headers={"Accept": "application/json"}).get_json()[
            "claims"
        ]
    ]
    assert claim_id in ids("") and unmatched_id in ids("")
    assert ids("match=yes") == [claim_id]
    assert "Has a match" in client.get("/queue").get_data(as_text=True)


def test_a_reviewer_links_the_match_as_a_source(app, client, users):
    claim_id, fc_id = _setup(app, users, "in_review")
    login(client, users["reviewer"].email)
    token = csrf_token(client, f"/claims/{claim_id}")
    response = client.post(
        f"/claims/{claim_id}/matches/link",
        data={"csrf_token": token, "kind": "imported", "target_id": fc_id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    again = client.post(
        f"/claims/{claim_id}/matches/link",
        data={"csrf_token": token, "kind": "imported", "target_id": fc_id},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 422 and again.get_json()["field"] == "url"
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        [source] = claim.sources
        assert (source.url, source.publisher) == (ENGLISH_REVIEW["url"], "Full Fact")
        row = db.session.scalar(db.select(ClaimMatch).where(ClaimMatch.fact_check_id == fc_id))
        assert row is not None and row.decision is not None and row.decision.value == "linked"
        actions = db.session.scalars(
            db.select(AuditEvent.action).where(AuditEvent.entity_id == str(claim_id))
        ).all()
        assert "claim.match_linked" in actions


def test_an_editor_dismisses_the_claim_as_a_duplicate(app, client, users):
    claim_id, fc_id = _setup(app, users)
    login(client, users["reviewer2"].email)
    token = csrf_token(client, f"/claims/{claim_id}")
    refused = client.post(
        f"/claims/{claim_id}/matches/duplicate",
        data={"csrf_token": token, "kind": "imported", "target_id": fc_id},
    )
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login(client, users["editor"].email)
    token = csrf_token(client, f"/claims/{claim_id}")
    unknown = client.post(
        f"/claims/{claim_id}/matches/duplicate",
        data={"csrf_token": token, "kind": "imported", "target_id": 99999},
        headers={"Accept": "application/json"},
    )
    assert unknown.status_code == 404
    response = client.post(
        f"/claims/{claim_id}/matches/duplicate",
        data={"csrf_token": token, "kind": "imported", "target_id": fc_id},
    )
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.status is ClaimStatus.DISMISSED
        assert "already checked by Full Fact" in (claim.dismiss_reason or "")
        assert ENGLISH_REVIEW["url"] in (claim.dismiss_reason or "")


def test_our_published_fact_check_is_found_for_a_new_claim(app, client, users):
    from tests.publishing.test_public_pages import publish

    with app.app_context():
        publish(users, "Le Pentagone estime que 10 000 soldats nord-coréens sont à Koursk.")
        claim_id = make_claim(
            make_article(body="Selon le Pentagone, 10 000 soldats nord-coréens sont à Koursk. Fin.")
        ).id
        db.session.commit()
    login(client, users["editor"].email)
    detail = client.get(f"/claims/{claim_id}", headers={"Accept": "application/json"}).get_json()
    [first, *_] = detail["already_checked"]
    assert first["kind"] == "ours" and first["url"].startswith("https://factcheck.example.org/")
    assert first["rating"].startswith("Vrai")


def test_the_desk_finds_a_fact_check_that_shares_no_word_with_the_claim(app, client, users):
    review = {
        **ENGLISH_REVIEW,
        "url": "https://fullfact.example.org/vaccines-dna/",
        "claimReviewed": "Coronavirus vaccines alter your DNA",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    with app.app_context():
        claim_id = make_claim(make_article(body="COVID jabs modify human genomes. Fin.")).id
        import_reviews(
            db.session,
            parse_claim_reviews(json.dumps([review, *OTHERS])),
            source="test",
            actor=None,
        )
        db.session.commit()
    login(client, users["editor"].email)
    detail = client.get(f"/claims/{claim_id}", headers={"Accept": "application/json"}).get_json()
    [first, *others] = detail["already_checked"]
    assert first["url"] == review["url"] and first["coverage"] == 0
    assert any(reason.startswith("similar meaning") for reason in first["reasons"])
    assert all(other["url"] != OTHERS[1]["url"] for other in others)  # the Eiffel Tower


def test_after_a_restart_the_memory_reads_its_vectors_from_the_instance_folder(
    app, users, monkeypatch
):
    from factcheck.memory import index, matching

    # A process that has built no index yet (an earlier test's index would lend it its vectors,
    # and with nothing newly embedded there would be no store to write).
    monkeypatch.setattr(index, "_cache", {"stamp": None, "matcher": None})
    _setup(app, users)
    store = Path(app.instance_path) / index.VECTORS_FILE
    assert store.is_file()
    monkeypatch.setattr(index, "_cache", {"stamp": None, "matcher": None})  # a new process
    matching.query_vector.cache_clear()  # which has embedded no claim either
    embedded: list[str] = []
    real = matching.embed
    monkeypatch.setattr(matching, "embed", lambda texts: embedded.extend(texts) or real(texts))
    with app.app_context():
        from factcheck.memory.desk import refresh_open_claims

        refresh_open_claims(db.session)
    assert embedded and all("NATO" not in text and "Microchips" not in text for text in embedded)
    assert all(text.startswith("Un rapport") for text in embedded)  # the claim alone


def test_the_desk_embeds_a_claim_once_and_again_when_its_words_change(
    app, client, users, monkeypatch
):
    """Its sentence vector is kept for the next view of the desk (issue 19: embedding was most
    of a desk view); a vector belongs to a text, so an edited claim is embedded anew and its
    matches follow the new words."""
    from factcheck.claims.services import edit_claim
    from factcheck.memory import index, matching

    claim_id, _fc_id = _setup(app, users)
    matching.query_vector.cache_clear()
    index._cache["matcher"]._rankings.cache_clear()  # the setup's matching kept its ranking too
    embedded: list[str] = []
    real = matching.embed
    monkeypatch.setattr(matching, "embed", lambda texts: embedded.extend(texts) or real(texts))
    login(client, users["editor"].email)
    for _ in range(3):
        page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
        assert "Full Fact" in page.split('id="already-checked"')[1].split("</section>")[0]
    assert len(embedded) == 1 and embedded[0].startswith("Un rapport")
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        edit_claim(
            db.session,
            claim,
            {"claim_reviewed": "La tour Eiffel sera vendue à une entreprise privée en 2025."},
            actor=people_of(users)["editor"],
            expected_version=claim.version,
        )
        db.session.commit()
    page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert len(embedded) == 2 and embedded[1].startswith("La tour Eiffel sera vendue")
    panel = page.split('id="already-checked"')[1].split("</section>")[0]
    assert "other.example.org/1" in panel  # the Eiffel Tower fact-check, found for the new words


def test_a_kept_ranking_gives_way_to_a_fact_check_imported_meanwhile(app, client, users):
    """The desk keeps a claim's ranking with the index it came from; a fact-check imported
    since (by any process: the index is checked against the database on every view) shows on
    the next view."""
    claim_id, _fc_id = _setup(app, users)
    login(client, users["editor"].email)

    def panel() -> str:
        page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
        return page.split('id="already-checked"')[1].split("</section>")[0]

    for _ in range(2):  # the second view reads the kept ranking
        assert "Full Fact" in panel() and "AFP Factuel" not in panel()
    french = {
        **ENGLISH_REVIEW,
        "url": "https://factuel.example.org/otan-23-membres/",
        "claimReviewed": "23 des 32 membres de l'OTAN consacrent au moins 2 % de leur PIB à la "
        "défense, selon Jens Stoltenberg",
        "inLanguage": "fr",
        "author": {"@type": "Organization", "name": "AFP Factuel"},
    }
    with app.app_context():  # as an import command would, in its own session
        import_reviews(
            db.session, parse_claim_reviews(json.dumps([french])), source="test", actor=None
        )
        db.session.commit()
    assert "AFP Factuel" in panel()
