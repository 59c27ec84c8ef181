"""Rule-based sentence splitter that keeps exact character offsets.

spaCy's French parser splits news prose badly (a lone « becomes a sentence, a participial phrase
is cut off its clause), so sentences are cut here with a few explicit rules and spaCy is used
for tokens and entities only. Rules: a blank line always ends a sentence; otherwise a sentence
ends after . ! ? or … (plus any closing quotes/brackets) when whitespace follows and the next
character starts a sentence (capital letter, digit, opening quote); known abbreviations and
single-letter initials do not end a sentence, nor does an elision mark "(...)" or "[…]".
"""

from __future__ import annotations

import re

_PARAGRAPH = re.compile(r"\n[ \t\r\f\v\u00a0\u202f]*\n\s*")
_BOUNDARY = re.compile(
    r"(?P<punct>[.!?…]+)(?P<close>[\s\u00a0\u202f]*[»”\"’')\]])*"
    r"(?P<space>\s+)(?=[«“\"(\[]?[\s\u00a0\u202f]*[A-ZÀ-ÖØ-Þ0-9])"
)
_ABBREVIATIONS = frozenset(
    {
        "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "mgr", "st", "ste", "mr", "mrs",
        "ms", "prof", "gen", "gén", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "jr", "sr",
        "vs", "etc", "no", "nos", "art", "av", "bd", "ch", "p", "pp", "vol", "fig", "cf", "env",
        "approx", "inc", "corp", "ltd", "co", "mt", "ft", "jan", "feb", "fév", "aug", "sept",
        "oct", "nov", "dec", "déc", "u.s", "u.k", "e.g", "i.e", "j.-c",
    }
)  # fmt: skip
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    # Only look at a short window: searching from 0 would make splitting quadratic.
    match = _WORD_BEFORE.search(text, max(0, dot - 40), dot)
    if match is None:
        return False
    word = match.group(1).lower().strip(".")
    if word in _ABBREVIATIONS:
        return True
    # A single capital letter ("Donald J. Trump") is an initial, not a sentence end.
    return len(word) == 1 and text[match.start(1)].isupper()


def _is_elision(text: str, start: int, end: int) -> bool:
    """An elision mark inside a quotation, "(...)" or "[…]", does not end a sentence."""
    return start > 0 and text[start - 1] in "([" and text[end : end + 1] in ")]"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return start, end


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the blank-line separated paragraphs of ``text``, trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        span = _trimmed(text, pos, match.start())
        if span:
            spans.append(span)
        pos = match.end()
    span = _trimmed(text, pos, len(text))
    if span:
        spans.append(span)
    return spans


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of ``text[start:end]``, whitespace-trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for p_start, p_end in split_paragraphs(text[start:end]):
        p_start += start
        p_end += start
        pos = p_start
        for match in _BOUNDARY.finditer(text, p_start, p_end):
            punct = match.group("punct")
            if punct == "." and _is_abbreviation(text, match.start("punct")):
                continue
            if _is_elision(text, match.start("punct"), match.end("punct")):
                continue
            span = _trimmed(text, pos, match.start("space"))
            if span:
                spans.append(span)
            pos = match.end("space")
        span = _trimmed(text, pos, p_end)
        if span:
            spans.append(span)
    return spans
