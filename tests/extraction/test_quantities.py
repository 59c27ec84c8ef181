"""How numbers are read: separators, scale words, percentages, part of a whole."""

from __future__ import annotations

import pytest

from factcheck.extraction.quantities import find_quantities


@pytest.mark.parametrize(
    ("sentence", "language", "text", "value", "unit", "of"),
    [
        ("environ 10 000 soldats", "fr", "10 000 soldats", 10_000, "soldats", None),
        ("environ 10\u202f000 soldats", "fr", "10\u202f000 soldats", 10_000, "soldats", None),
        ("environ 10\u00a0000 soldats", "fr", "10\u00a0000 soldats", 10_000, "soldats", None),
        ("au moins 2 % de leur PIB", "fr", "2 % de leur PIB", 2, "%", None),
        ("au moins 2% du PIB", "fr", "2% du PIB", 2, "%", None),
        ("l’objectif de 2 %, a déclaré", "fr", "2 %", 2, "%", None),
        ("23 des 32 membres de l’OTAN", "fr", "23 des 32 membres", 23, "membres", 32),
        ("23 des 32", "fr", "23 des 32", 23, None, 32),
        ("1,5 milliard d’euros", "fr", "1,5 milliard d’euros", 1.5e9, "euros", None),
        ("3.5 million jobs", "en", "3.5 million jobs", 3.5e6, "jobs", None),
        ("40 percent of the vote", "en", "40 percent of the vote", 40, "%", None),
        ("10,000 troops", "en", "10,000 troops", 10_000, "troops", None),
        ("23 of the 32 members", "en", "23 of the 32 members", 23, "members", 32),
        ("$4.5 billion", "en", "$4.5 billion", 4.5e9, "dollars", None),
        ("7,3 % des actifs", "fr", "7,3 % des actifs", 7.3, "%", None),
    ],
)
def test_quantity_table(
    sentence: str, language: str, text: str, value: float, unit: str | None, of: float | None
) -> None:
    quantity = find_quantities(sentence, language)[0]
    assert quantity.text == text
    assert quantity.text in sentence
    assert quantity.value == pytest.approx(value)
    assert quantity.unit == unit
    assert quantity.of == of


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("le 47e président des États-Unis", "fr"),
        ("investi le 20 janvier", "fr"),
        ("depuis 2016", "fr"),
        ("the 3rd time", "en"),
    ],
)
def test_not_quantities(sentence: str, language: str) -> None:
    assert find_quantities(sentence, language) == []


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        # The English article: a unit after the scale word, never a preposition.
        ("Northvale Water lost 1.8 million litres a day.", "en", [(1.8e6, "litres", None)]),
        ("Leaks cost £48 million from the budget.", "en", [(48e6, "pounds", None)]),
        # A vote tally is not a bare count: "19" has no unit to stand on its own.
        ("The council voted 54–19 to approve the plan.", "en", [(54.0, None, None)]),
        ("Le chiffre de 2023 selon le ministère.", "fr", []),
        # A unit symbol against the number, a range written with a hyphen, a rate per 100.000.
        ("La vitesse passe à 80km/h sur les routes.", "fr", [(80.0, "km/h", None)]),
        ("Les femmes de 18-75 ans sont invitées.", "fr", [(18.0, "ans", None),
                                                          (75.0, "ans", None)]),
        ("Le taux était de 3,1 pour 100.000, contre 1,7 pour 100.000 l'an dernier.", "fr",
         [(3.1, None, 100_000.0), (1.7, None, 100_000.0)]),
    ],
)  # fmt: skip
def test_units_are_nouns_or_symbols_never_prepositions(
    sentence: str, language: str, expected: list[tuple[float, str | None, float | None]]
) -> None:
    found = [(q.value, q.unit, q.of) for q in find_quantities(sentence, language)]
    assert found == expected
