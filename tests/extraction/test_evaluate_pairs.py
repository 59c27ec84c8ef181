"""How make eval reads fr-checkworthy's claimant and quantities columns (issue 14, items 4-5)."""

from __future__ import annotations

import pytest

from factcheck.extraction.evaluate import claimant_accuracy, gold_pairs, quantity_pairs, same_entity
from factcheck.extraction.frdata import FrSentence
from factcheck.extraction.types import Candidate, Claimant, Quantity


@pytest.mark.parametrize(
    ("expression", "pairs"),
    [
        ("19 voix sur 54", [(19.0, "voi")]),
        ("23 des 32 membres", [(23.0, "membre")]),
        ("6,8 à 8,4 milliards d'euros par an", [(6.8e9, "euro"), (8.4e9, "euro")]),
        ("16 et 17 ans", [(16.0, "ans"), (17.0, "ans")]),
        ("3,2% à 4%", [(3.2, "%"), (4.0, "%")]),
        ("3,1 pour 100.000", [(3.1, "")]),
        ("4 octobre 2020", []),
        ("2018", []),
        ("un quart", []),
    ],
)
def test_gold_quantities_give_value_unit_pairs(
    expression: str, pairs: list[tuple[float, str]]
) -> None:
    assert gold_pairs(expression) == pairs


def _sentence(label: str, claimant: str, quantities: tuple[str, ...] = ()) -> FrSentence:
    return FrSentence("1", 0, "x", label, claimant, quantities)


def test_quantities_without_a_digit_are_out_on_both_sides() -> None:
    candidate = Candidate(
        "x", 0, 1, 0.5, True,
        quantities=[Quantity("une personne sur trois", 1.0, None, 3.0),
                    Quantity("500 amendes", 500.0, "amendes")],
    )  # fmt: skip
    pairs = [(_sentence("should", "", ("500 amendes", "une personne sur trois")), candidate)]
    assert quantity_pairs(pairs) == (1, 1, 1)


def test_claimant_accuracy_counts_checkable_sentences_with_a_claimant() -> None:
    right = Candidate("x", 0, 1, 0.5, True, claimant=Claimant("OFCE", "Organization"))
    wrong = Candidate("x", 0, 1, 0.5, True, claimant=Claimant("Mardi", "Person"))
    pairs = [
        (_sentence("must", "Observatoire français des conjonctures économiques"), right),
        (_sentence("should", "Jean-Paul Bodin (ministère des Armées)"), wrong),
        (_sentence("not", "OFCE"), wrong),  # not checkable: not counted
        (_sentence("should", ""), wrong),  # the outlet speaks: not counted
    ]
    assert claimant_accuracy(pairs) == (1, 2)
    assert same_entity("Jean-Paul Bodin", "Jean-Paul Bodin (ministère des Armées)")
    assert same_entity("ministère des Armées", "Jean-Paul Bodin (ministère des Armées)")
