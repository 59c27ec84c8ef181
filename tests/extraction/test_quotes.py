"""Which sentences sit inside a quotation (``claimants.quote_depths``): the speaker named where
a multi-sentence quotation closes is the speaker of every sentence in it."""

from __future__ import annotations

from factcheck.extraction import extract
from factcheck.extraction.claimants import quote_depths
from factcheck.extraction.segment import split_sentences


def _depths(text: str) -> list[tuple[bool, bool]]:
    return quote_depths(text, split_sentences(text))


def test_a_quotation_over_three_sentences() -> None:
    text = (
        "Le budget augmente. « Nous dépensons 2 % du PIB. Nous irons plus loin. "
        "C'est un record », a déclaré la ministre. Le vote a lieu mardi."
    )
    assert _depths(text) == [
        (False, False),
        (True, False),
        (True, False),
        (True, True),
        (False, False),
    ]


def test_nested_and_stray_marks() -> None:
    # A closing mark with nothing open closes nothing; nested quotes close one level at a time.
    assert _depths("Il a dit » non. Puis « « oui » encore. Fin » ici.") == [
        (False, False),
        (False, True),
        (True, True),
    ]
    assert _depths("“Deux.” Trois.") == [(True, True), (False, False)]


def test_every_sentence_of_the_quotation_gets_its_speaker() -> None:
    body = (
        "« Nous avons recensé 230 morts. Le bilan est définitif. Il a été vérifié », "
        "a affirmé le porte-parole du ministère, Ali Rabiei."
    )
    names = [c.claimant.name if c.claimant else None for c in extract(body, "fr")]
    assert names == ["Ali Rabiei"] * len(names) and len(names) == 3
