"""Sentence splitting keeps exact offsets and respects quotes, initials and abbreviations."""

from __future__ import annotations

import pytest

from factcheck.extraction.segment import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Un. Deux.", ["Un.", "Deux."]),
        ("M. Dupont est venu. Il est reparti.", ["M. Dupont est venu.", "Il est reparti."]),
        ("Donald J. Trump won. He said so.", ["Donald J. Trump won.", "He said so."]),
        ("Le taux est de 3.5 points. Voilà.", ["Le taux est de 3.5 points.", "Voilà."]),
        ("« Quoi ? », a-t-il demandé. Rien.", ["« Quoi ? », a-t-il demandé.", "Rien."]),
        ("Titre sans point\n\nTexte.", ["Titre sans point", "Texte."]),
        ("aux États-Unis. propre. »", ["aux États-Unis. propre. »"]),
        ("« Nous devons agir. Vite. »", ["« Nous devons agir.", "Vite. »"]),
        ("«\u00a0Fin.\u00a0»\n\n«\u00a0", ["«\u00a0Fin.\u00a0»"]),
    ],
)
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected
