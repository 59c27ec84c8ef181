"""Who said it across sentences, quantities a checker can use, one claim per statement, and
input the engine refuses with a clear message."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.extraction import ExtractionError, extract
from factcheck.extraction.quantities import find_quantities


def _claimants(body: str, language: str) -> list[tuple[str, str] | None]:
    return [
        (c.claimant.name, c.claimant.type) if c.claimant else None
        for c in extract(body, language, split_compound=False)
    ]


def test_institution_and_report_author_carry_to_later_sentences() -> None:
    body = (
        "La Commission européenne a publié jeudi ses prévisions d'automne. "
        "L'institution abaisse ses prévisions de croissance à 0,8 % pour 2025.\n\n"
        "L'Assurance maladie a publié un rapport sur les arrêts de travail. "
        "Les dépenses ont atteint 17 milliards d'euros en 2023, selon le rapport."
    )
    found = _claimants(body, "fr")
    assert found[0] == ("Commission européenne", "Organization")
    assert found[1] == ("Commission européenne", "Organization")
    assert found[2] is not None and found[2][0] == "Assurance maladie"
    assert found[3] == found[2]


def test_source_phrases_name_the_source() -> None:
    body = (
        "Selon les pompiers, la victime a été transportée à l'hôpital avec 3 blessés. "
        "Au total, 230 tentatives ont été recensées par les forces de l'ordre françaises."
    )
    found = _claimants(body, "fr")
    assert found[0] == ("pompiers", "Organization")
    assert found[1] == ("forces de l'ordre françaises", "Organization")


def test_days_months_and_places_are_never_claimants_and_names_stay_whole() -> None:
    body = (
        "On Tuesday the Department for Environment, Food and Rural Affairs said that "
        "Northvale Water lost 1.8 million litres a day."
    )
    (claimant,) = _claimants(body, "en")
    assert claimant == ("Department for Environment, Food and Rural Affairs", "Organization")
    body = "Northvale Water said leaks cost £48 million from its budget."
    assert _claimants(body, "en") == [("Northvale Water", "Organization")]


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("The council received £48 million from the government.", "en",
         [(48e6, "pounds", None)]),
        ("Le chiffre de 2023 selon le ministère.", "fr", []),
        ("One in four homes lost water.", "en", [(1.0, None, 4.0)]),
        ("23 des 32 membres ont voté.", "fr", [(23.0, "membres", 32.0)]),
        ("Elle a été adoptée par 19 voix sur 54.", "fr", [(19.0, "voix", 54.0)]),
        ("Une fraude de 6 à 12 millions d'euros.", "fr", [(6e6, "euros", None),
                                                          (12e6, "euros", None)]),
        ("Le PIB a reculé de -2,2% à 18H00.", "fr", [(-2.2, "%", None)]),
        ("Il y a 45 ans, 710.000 Allemands auraient voté.", "fr",
         [(45.0, "ans", None), (710_000.0, None, None)]),
    ],
)  # fmt: skip
def test_quantities_have_value_unit_and_whole(
    sentence: str, language: str, expected: list[tuple[float, str | None, float | None]]
) -> None:
    found = [(q.value, q.unit, q.of) for q in find_quantities(sentence, language)]
    assert found == expected


def test_a_sentence_joining_two_statements_gives_two_candidates() -> None:
    body = "The council voted 54–19 to approve the plan as leaks rose to 1,500 a week."
    candidates = extract(body, "en")
    assert [body[c.start : c.end] for c in candidates] == [
        "The council voted 54–19 to approve the plan",
        "leaks rose to 1,500 a week.",
    ]
    assert all(c.text == body[c.start : c.end] for c in candidates)
    assert [c.quantities[0].value for c in candidates] == [54.0, 1500.0]
    # The same sentence stays whole where the caller scores labelled sentences.
    assert len(extract(body, "en", split_compound=False)) == 1


def test_a_range_is_not_cut() -> None:
    body = "Entre 2019 et 2020, le nombre est passé de 6 à 12, et il reste stable."
    assert len(extract(body, "fr")) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("\x00\x01\x02binary\x03\x04\x05\x06\x07\x08\x0e\x0f", "binary"),
        (" ".join(["mot"] * 5000) + ".", "more than 400 words"),
    ],
)
def test_bad_input_gives_a_clear_message(body: str, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract(body, "fr")


def test_a_refused_body_stores_nothing(app) -> None:
    from factcheck.articles.parsing import ParsedArticle
    from factcheck.articles.services import ingest_article
    from factcheck.domain import ValidationError
    from factcheck.extensions import db
    from factcheck.models import Article

    body = " ".join(["mot"] * 5000)
    parsed = ParsedArticle(title="Long", byline=None, headline=None, body=body, language="fr",
                           raw=body)  # fmt: skip
    with app.app_context():
        with pytest.raises(ValidationError) as info:
            ingest_article(db.session, parsed, actor=None)
        assert info.value.field == "text" and "more than 400 words" in info.value.message
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


def test_a_specific_noun_needs_a_matching_name_before_it() -> None:
    body = (
        "The Department for Environment, Food and Rural Affairs said fines rose to £48 million. "
        "The council voted 54–19 to approve the plan. "
        "One in four homes lost water, a survey found. "
        "The department said leaks fell by 3 percent."
    )
    found = _claimants(body, "en")
    defra = ("Department for Environment, Food and Rural Affairs", "Organization")
    assert found == [defra, None, None, defra]
