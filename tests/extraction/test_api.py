"""Public API: English sentences, score_lines, bad input, exact offsets."""

from __future__ import annotations

import pytest

from factcheck.extraction import (
    SUPPORTED_LANGUAGES,
    Candidate,
    ExtractionError,
    extract,
    score_lines,
)


def test_supported_languages() -> None:
    assert set(SUPPORTED_LANGUAGES) == {"fr", "en"}


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t \u00a0\n"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_empty_body_is_refused(body: str, language: str) -> None:
    with pytest.raises(ExtractionError, match="empty"):
        extract(body, language)


@pytest.mark.parametrize("language", ["de", "", "FR", "english", "fr-FR"])
def test_unsupported_language_is_refused(language: str) -> None:
    with pytest.raises(ExtractionError, match="not supported"):
        extract("Le chômage a baissé de 2 % en 2023.", language)
    with pytest.raises(ExtractionError, match="not supported"):
        score_lines(["Unemployment fell by 2 percent."], language)


def test_english_checkworthy_and_not() -> None:
    body = (
        "The Pentagon said about 10,000 North Korean troops were sent to Russia.\n\n"
        "Thank you very much, it is great to be here tonight.\n\n"
        "Unemployment fell to 3.5 percent last year, according to the Labor Department. "
        "I hope we can all work together."
    )
    candidates = extract(body, "en")
    assert [c.text[:14] for c in candidates] == [
        "The Pentagon s",
        "Thank you very",
        "Unemployment f",
        "I hope we can ",
    ]
    troops, thanks, unemployment, hope = candidates
    assert troops.checkworthy and unemployment.checkworthy
    assert not thanks.checkworthy and not hope.checkworthy
    assert troops.claimant is not None
    assert (troops.claimant.name, troops.claimant.type) == ("Pentagon", "Organization")
    assert [(q.value, q.unit) for q in troops.quantities] == [(10_000, "troops")]
    assert unemployment.quantities[0].value == 3.5
    assert unemployment.quantities[0].unit == "%"
    assert any(r.startswith("hope/fear marker") for r in hope.reasons)


def test_score_lines_keeps_order_and_count() -> None:
    lines = [
        "We cut taxes by 20 percent in 2017.",
        "",
        "Let's make this country great.",
        "  The deficit doubled to $1 trillion.  ",
    ]
    candidates = score_lines(lines, "en")
    assert len(candidates) == len(lines)
    assert [c.text for c in candidates] == [line.strip() for line in lines]
    for line, candidate in zip(lines, candidates, strict=True):
        assert line[candidate.start : candidate.end] == candidate.text
    assert candidates[1].score == 0.0 and not candidates[1].checkworthy
    assert candidates[0].score > candidates[2].score
    assert candidates[3].score > candidates[2].score


def test_score_lines_french() -> None:
    lines = ["Selon l’Insee, le chômage a reculé à 7,3 % en 2023.", "Nous devons agir."]
    first, second = score_lines(lines, "fr")
    assert first.checkworthy and not second.checkworthy
    assert first.claimant is not None and first.claimant.type == "Organization"
    assert first.quantities[0].value == pytest.approx(7.3)


def test_offsets_exact_with_odd_whitespace() -> None:
    body = (
        "  \u00a0Le chômage a baissé de 2\u202f% en 2023.\t\tSelon l’Insee,\u00a0"
        "1,5\u00a0million de personnes sont concernées.\r\n\r\n\n"
        "  « Nous devons agir », a déclaré M. Dupont.   \n  Il a   ajouté : « Vite ! »  "
    )
    candidates = extract(body, "fr")
    assert len(candidates) == 4
    for candidate in candidates:
        assert body[candidate.start : candidate.end] == candidate.text
        assert candidate.text == candidate.text.strip()
    assert candidates[2].text.startswith("« Nous devons agir »")
    assert candidates[2].claimant is not None and candidates[2].claimant.name == "Dupont"
    quantity = candidates[1].quantities[0]
    assert quantity.value == 1_500_000
    assert quantity.text == "1,5\u00a0million de personnes"


def test_candidate_is_frozen() -> None:
    candidate = extract("Le déficit atteint 5 % du PIB.", "fr")[0]
    assert isinstance(candidate, Candidate)
    with pytest.raises(AttributeError):
        candidate.score = 1.0  # type: ignore[misc]
