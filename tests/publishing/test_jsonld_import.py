"""Importer: real-world samples with their documented quirks, wrappers, and bad input."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from factcheck.publishing.jsonld.build import (
    Organisation,
    ReviewData,
    build_claim_review,
    data_feed,
)
from factcheck.publishing.jsonld.importer import (
    ClaimReviewImportError,
    ImportedReview,
    ImportProblem,
    load_claim_reviews,
    parse_claim_reviews,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "data" / "claimreview-samples"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent"
)

MINIMAL: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://verif.example.fr/fc/1",
    "claimReviewed": "10 000 soldats nord-coréens à Koursk",
    "reviewRating": {"@type": "Rating", "alternateName": "Plutôt vrai"},
}


def imported(results: list[ImportedReview | ImportProblem]) -> list[ImportedReview]:
    return [r for r in results if isinstance(r, ImportedReview)]


def problems(results: list[ImportedReview | ImportProblem]) -> list[ImportProblem]:
    return [r for r in results if isinstance(r, ImportProblem)]


def with_warning(reviews: list[ImportedReview], start: str) -> list[ImportedReview]:
    return [r for r in reviews if any(w.startswith(start) for w in r.warnings)]


# --- the shared real-world sample ---------------------------------------------------------------


@pytest.mark.shared
@needs_shared
def test_meedan_sample_imports_with_the_documented_quirks() -> None:
    results = load_claim_reviews(str(SAMPLES / "meedan-fetch-fixtures-claimreviews.json"))
    reviews = imported(results)
    assert (len(reviews), len(problems(results))) == (63, 0)
    assert [r.index for r in reviews] == list(range(63))
    assert len(with_warning(reviews, "no @context")) == 40
    assert len(with_warning(reviews, "itemReviewed is CreativeWork, not Claim")) == 17
    assert len(with_warning(reviews, "itemReviewed is creativeWork, not Claim")) == 1
    assert len(with_warning(reviews, "itemReviewed is")) == 63 - 45
    assert len(with_warning(reviews, "author is a Person")) == 5  # 4 Persons + 1 array of them
    assert len(with_warning(reviews, "author is an array")) == 1
    numeric = [r for r in reviews if r.rating_value is not None]
    assert len(numeric) == 26
    assert len([r for r in numeric if r.worst_rating is not None and r.worst_rating < 1]) == 2
    assert len(with_warning(numeric, "bestRating -1 is not above worstRating -1")) == 1
    assert len([r for r in reviews if len(r.claim_reviewed) <= 75]) == 23
    assert all(r.language is None for r in reviews)
    relative = with_warning(reviews, "url ")
    assert len(relative) == 2
    assert all(r.review_url and r.review_url.startswith("https://") for r in relative)
    assert {r.review_url for r in relative} == {
        "https://aosfatos.org/noticias/video-manipulado-faz-crer-que-drauzio-incentiva-criancas-a-usarem-drogas/",
        "https://www.estadao.com.br/estadao-verifica/yanomamis-desnutricao-venezuelanos-brasileiros-maduro-lula/",
    }
    spaced = with_warning(reviews, "datePublished '2020-06-23 20:02'")
    assert len(spaced) == 1
    assert spaced[0].date_published == date(2020, 6, 23)
    assert spaced[0].published_at == datetime(2020, 6, 23, 20, 2, tzinfo=UTC)
    assert all(r.publisher_name for r in reviews if r.index != 18)  # 18: a Person, no publisher
    assert all(r.rating_label == r.rating_label.strip() for r in reviews)  # 'Incorrect \r'


@pytest.mark.shared
@needs_shared
def test_meedan_fields_are_normalised() -> None:
    results = load_claim_reviews(str(SAMPLES / "meedan-fetch-fixtures-claimreviews.json"))
    by_index = {r.index: r for r in imported(results)}
    afp = by_index[1]
    assert (afp.publisher_name, afp.publisher_url) == ("Checamos", "https://checamos.afp.com/")
    assert (afp.claimant_name, afp.claimant_type) == ("Várias fontes", "Person")
    assert afp.claim_date == date(2020, 5, 30)
    assert afp.appearance_url == "https://twitter.com/CatinhaZen/status/1266839666889809923"
    assert (afp.rating_value, afp.best_rating, afp.worst_rating) == (1, 5, 1)
    assert isinstance(afp.rating_value, int)
    boom = by_index[13]
    assert (boom.publisher_name, boom.review_author_name) == ("BOOM", "Srijit Das")
    assert boom.best_rating is None
    assert by_index[11].rating_label == "Incorrect"
    assert (by_index[16].appearance_url or "").startswith("https://www.facebook.com/photo.php")
    assert by_index[25].appearance_url == "https://archive.is/wip/XKReX"  # firstAppearance


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("datacommons-feed-DataFeedItem-example.json", "imported"),
        ("google-search-central-factcheck-example.jsonld", "imported"),
        ("schemaorg-eg-0324-ClaimReview.jsonld", "imported"),
        ("schemaorg-eg-0325-ClaimReview-Clip.jsonld", "reviewRating is missing"),
        ("schemaorg-eg-0467-MediaReview.jsonld", "MediaReview is not a ClaimReview"),
    ],
)
def test_other_samples(name: str, expected: str) -> None:
    results = load_claim_reviews(str(SAMPLES / name))
    assert len(results) == 1
    result = results[0]
    if expected == "imported":
        assert isinstance(result, ImportedReview)
    else:
        assert isinstance(result, ImportProblem)
        assert result.message == expected


@pytest.mark.shared
@needs_shared
def test_data_commons_feed_item_is_unwrapped() -> None:
    [review] = load_claim_reviews(str(SAMPLES / "datacommons-feed-DataFeedItem-example.json"))
    assert isinstance(review, ImportedReview)
    assert review.path == "item[0]"
    assert review.publisher_name == "Deutsche Presse-Agentur"
    assert review.claimant_name == "Irmin Suhl"
    assert (review.appearance_url or "").startswith("https://www.facebook.com/photo.php")
    assert "no @context" not in review.warnings


# --- synthetic ------------------------------------------------------------------------------------


def test_round_trip_from_the_builder() -> None:
    org = Organisation(name="Le Desk", url="https://verif.example.fr/")
    data = ReviewData(
        url="/fc/otan",
        claim_reviewed="23 des 32 membres de l'OTAN à 2 % du PIB",
        date_published=datetime(2025, 6, 20, 9, 30, tzinfo=UTC),
        in_language="fr",
        rating_label="Vrai",
        rating_value=5,
        best_rating=5,
        worst_rating=1,
        claimant_name="Mark Rutte",
        claimant_type="Person",
        claim_date=date(2025, 6, 18),
        appearance_url="https://news.example.com/a",
    )
    feed = data_feed([build_claim_review(data, org)], org)
    [review] = parse_claim_reviews(json.dumps(feed))
    assert isinstance(review, ImportedReview)
    assert review.warnings == ()
    assert review.claim_reviewed == data.claim_reviewed
    assert (review.rating_label, review.rating_value, review.best_rating) == ("Vrai", 5, 5)
    assert review.review_url == "https://verif.example.fr/fc/otan"
    assert (review.publisher_name, review.publisher_url) == ("Le Desk", org.url)
    assert (review.claimant_name, review.claimant_type) == ("Mark Rutte", "Person")
    assert review.claim_date == date(2025, 6, 18)
    assert review.published_at == data.date_published
    assert review.language == "fr"


def test_graph_references_are_resolved_and_other_nodes_skipped() -> None:
    review = {k: v for k, v in MINIMAL.items() if k != "@context"}
    review["author"] = {"@id": "#org"}
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": "#page"},
            {"@type": "Organization", "@id": "#org", "name": "Le Desk", "url": "/"},
            review,
        ],
    }
    [result] = parse_claim_reviews(graph)
    assert isinstance(result, ImportedReview)
    assert result.publisher_name == "Le Desk"
    assert result.path == "@graph[2]"
    assert parse_claim_reviews({"@graph": [{"@type": "WebPage"}]}) == [
        ImportProblem(0, "@graph holds no ClaimReview", "@graph")
    ]


def test_bad_items_become_problems_with_their_index() -> None:
    no_label = {**MINIMAL, "reviewRating": {"@type": "Rating", "ratingValue": 1}}
    no_claim = {k: v for k, v in MINIMAL.items() if k != "claimReviewed"}
    no_rating = {k: v for k, v in MINIMAL.items() if k != "reviewRating"}
    feed = {
        "@type": "DataFeed",
        "dataFeedElement": [MINIMAL, no_label, "text", no_claim, {"@type": "Person"}, no_rating],
    }
    results = parse_claim_reviews(feed)
    assert [type(r).__name__ for r in results] == [
        "ImportedReview",
        "ImportProblem",
        "ImportProblem",
        "ImportProblem",
        "ImportProblem",
        "ImportProblem",
    ]
    assert [(p.index, p.message) for p in problems(results)] == [
        (1, "reviewRating has no alternateName (verdict label)"),
        (2, "expected an object, got str"),
        (3, "claimReviewed is missing or empty"),
        (4, "Person is not a ClaimReview"),
        (5, "reviewRating is missing"),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "value", "warning"),
    [
        ({"@type": "claimReview"}, "claim_reviewed", MINIMAL["claimReviewed"], "not spelt"),
        ({"@type": None}, "rating_label", "Plutôt vrai", None),
        ({"url": "/fc/1"}, "review_url", None, "no base URL"),
        ({"url": "javascript:alert(1)"}, "review_url", None, "not an http(s) URL"),
        ({"datePublished": "2025-06-20"}, "date_published", date(2025, 6, 20), None),
        ({"datePublished": "hier"}, "date_published", None, "is not a date"),
        ({"datePublished": "2025-02-30"}, "date_published", None, "not a real date"),
        (
            {"datePublished": "2020-03-27T10:46:13+0200"},
            "published_at",
            datetime.fromisoformat("2020-03-27T10:46:13+02:00"),
            None,
        ),
        ({"inLanguage": {"@type": "Language", "alternateName": "fr"}}, "language", "fr", None),
        (
            {"reviewRating": {"alternateName": "Faux", "ratingValue": "2", "bestRating": 5}},
            "rating_value",
            2,
            None,
        ),
        (
            {"reviewRating": {"alternateName": "Faux", "ratingValue": "2.5"}},
            "rating_value",
            2.5,
            None,
        ),
        (
            {"reviewRating": {"alternateName": "Faux", "ratingValue": "deux"}},
            "rating_value",
            None,
            "is not a number",
        ),
        (
            {
                "reviewRating": {
                    "alternateName": "Faux",
                    "ratingValue": 9,
                    "bestRating": 5,
                    "worstRating": 1,
                }
            },
            "rating_value",
            9,
            "outside",
        ),
        (
            {"author": {"@type": "NewsMediaOrganization", "name": "AFP", "url": "afp.com"}},
            "publisher_url",
            "https://afp.com",
            "assumed https://",
        ),
        (
            {"itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "X"}}},
            "claimant_type",
            "Organization",
            None,
        ),
    ],
)
def test_tolerated_variants(
    changes: dict[str, Any], field: str, value: Any, warning: str | None
) -> None:
    item = {**MINIMAL, **changes}
    item = {k: v for k, v in item.items() if v is not None}
    [result] = parse_claim_reviews([item])
    assert isinstance(result, ImportedReview)
    assert getattr(result, field) == value
    if warning:
        assert any(warning in w for w in result.warnings), result.warnings


def test_missing_type_is_accepted_from_its_properties() -> None:
    item = {k: v for k, v in MINIMAL.items() if k != "@type"}
    [result] = parse_claim_reviews(item)
    assert isinstance(result, ImportedReview)
    assert "no @type; taken as ClaimReview from its properties" in result.warnings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("<html><body>not json</body></html>", "not JSON"),
        (b"\xff\xfe{", "not UTF-8"),
        ("", "not JSON"),
        ("42", "expected a JSON object or array, got int"),
        (None, "expected a JSON object or array, got NoneType"),
    ],
)
def test_input_that_is_not_json_raises(data: Any, message: str) -> None:
    with pytest.raises(ClaimReviewImportError, match=message):
        parse_claim_reviews(data)


def test_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ClaimReviewImportError, match="cannot read"):
        load_claim_reviews(str(tmp_path / "missing.json"))
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps([MINIMAL]).encode())
    assert len(imported(load_claim_reviews(str(bom)))) == 1


def test_imported_review_is_frozen() -> None:
    [result] = parse_claim_reviews(MINIMAL)
    assert isinstance(result, ImportedReview)
    with pytest.raises(AttributeError):
        result.claim_reviewed = "autre"  # type: ignore[misc]
