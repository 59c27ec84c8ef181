"""The cue patterns' look-ahead (``lexicons._words``) changes their speed, never their matches."""

from __future__ import annotations

import re

import pytest

from factcheck.extraction import lexicons
from factcheck.extraction.lexicons import _CUES, LEXICONS, _first_letters

from .seed import seed_body

TRICKY = [
    "Selon l'Insee, 23 des 32 membres — soit 71,9 % — ont dépassé 2 % du PIB en 2023.",
    "« Nous devons agir », a-t-il déclaré ; j'estime qu'il faudrait 1,8 million d'euros.",
    "I think we must cut taxes: they rose 54–19 last year, as leaks rose to 1,500 a week.",
    "Thank you. Let's vote for it together! Isn't it true? 10,000 soldiers, says the Pentagon.",
    "aujourd'hui demain hier ÉTUDE étude-pilote sondage_x sondages données2020 x-ray",
    "",
]


def _without_lookahead(pattern: str) -> str:
    return re.sub(r"\(\?=\[[^\]]*\]\)\(\?<!\[\\w\]\)", r"(?<![\\w])", pattern)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_lookahead_finds_what_the_plain_pattern_finds(language: str) -> None:
    index = 0 if language == "fr" else 1
    sentences = [*re.split(r"(?<=[.!?])\s+", seed_body()), *TRICKY]
    plain = {name: re.compile(_without_lookahead(pair[index])) for name, pair in _CUES.items()}
    assert any("(?=[" in pair[index] for pair in _CUES.values())  # the look-ahead is in use
    for sentence in sentences:
        lowered = sentence.lower()
        for name, pattern in LEXICONS[language].patterns.items():
            fast, slow = pattern.search(lowered), plain[name].search(lowered)
            assert (fast and fast.span()) == (slow and slow.span()), (name, sentence)


def test_first_letters_only_when_every_alternative_starts_with_a_sure_letter() -> None:
    assert _first_letters("devons|doit|il est temps") == {"d", "i"}
    assert _first_letters(r"augment\w*|plus de") == {"a", "p"}
    assert _first_letters("(?:a|ont) dit|selon") is None  # a group first
    assert _first_letters("s?cause|effet") is None  # an optional first letter
    assert _first_letters(r"\d+|mille") is None and _first_letters("") is None
    assert _first_letters("a(?:b|c)|d[ef]|g") == {"a", "d", "g"}  # nested "|" is not top-level
    assert lexicons._words("oui|non").startswith("(?=[no])")
