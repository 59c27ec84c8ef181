"""The extraction pipeline: sentences -> entities -> cues -> claimant, quantities -> score.

French and English go through the same steps; only the lexicons, the number format and the
model block differ (see ``model.py``). spaCy supplies named entities for French; English has no
NER pipeline on PyPI, so capitalised spans stand in for entities there.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from factcheck.extraction import claimants as cl
from factcheck.extraction import features
from factcheck.extraction.lexicons import CUE_LABELS, LEXICONS
from factcheck.extraction.model import LinearModel, Models, default_models
from factcheck.extraction.nlp import load
from factcheck.extraction.quantities import find_quantities
from factcheck.extraction.segment import split_paragraphs, split_sentences
from factcheck.extraction.types import (
    Candidate,
    Claimant,
    ExtractionError,
    Quantity,
)
from factcheck.languages import SUPPORTED_LANGUAGES

# Cues whose reason shows the matched words; the others read well on their own.
_QUOTED_CUES = frozenset(CUE_LABELS) - {"report", "question", "part_of", "number", "percent"}
_REASON_LABELS = {
    "obligation": "opinion marker",
    "belief": "opinion marker",
    "hope_fear": "hope/fear marker",
    "future": "prediction marker",
    "conditional": "hedge",
    "call_to_action": "call to action",
}


def _check(language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        supported = ", ".join(sorted(SUPPORTED_LANGUAGES))
        raise ExtractionError(f"language {language!r} is not supported (use one of: {supported})")


def _mentions(texts: Sequence[str], language: str) -> list[list[cl.Mention]]:
    """Entity mentions of each text, offsets relative to that text."""
    if language == "fr":
        nlp = load("fr")
        found = [
            [cl.Mention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
            for doc in nlp.pipe(texts)
        ]
    else:
        found = [cl.capitalised_mentions(text) for text in texts]
    for text, mentions in zip(texts, found, strict=True):
        mentions.extend(cl.known_organization_mentions(text))
    return found


def _reasons(
    model: LinearModel,
    hits: dict[str, str],
    quantities: list[Quantity],
    claimant_reason: str | None,
) -> list[str]:
    positive: list[tuple[float, str]] = []
    negative: list[tuple[float, str]] = []
    for name, matched in hits.items():
        weight = model.cue_weight(name)
        if name == "number":
            if quantities:
                positive.extend((weight, f"number: {q.text}") for q in quantities)
            else:
                positive.append((weight, f"number: {matched}"))
            continue
        label = _REASON_LABELS.get(name, CUE_LABELS[name])
        reason = f"{label}: {matched}" if name in _QUOTED_CUES else label
        (positive if weight >= 0 else negative).append((weight, reason))
    reasons = [r for _, r in sorted(positive, key=lambda p: -p[0])]
    if claimant_reason:
        reasons.append(f"claimant {claimant_reason}")
    reasons.extend(r for _, r in sorted(negative, key=lambda p: p[0]))
    return reasons


def sentence_cues(
    text: str, language: str, claimant: Claimant | None, quantities: list[Quantity]
) -> tuple[dict[str, float], dict[str, str]]:
    """The named feature values of one sentence (cues, shape, context) and the cue hits."""
    hits = LEXICONS[language].find(text)
    cues = dict(zip(features.CUE_FEATURES, features.cue_values(text, language, hits), strict=True))
    context = features.context_values(
        claimant is not None, len(quantities), sum(1 for q in quantities if q.unit)
    )
    cues.update(zip(features.CONTEXT_NAMES, context, strict=True))
    return cues, hits


def _candidate(
    text: str,
    start: int,
    language: str,
    model: LinearModel,
    claimant: Claimant | None,
    claimant_reason: str | None,
    version: str | None = None,
) -> Candidate:
    quantities = find_quantities(text, language)
    cues, hits = sentence_cues(text, language, claimant, quantities)
    score = model.probability(model.logit(text, cues))
    return Candidate(
        text=text,
        start=start,
        end=start + len(text),
        score=score,
        checkworthy=score >= model.threshold,
        claimant=claimant,
        quantities=quantities,
        reasons=_reasons(model, hits, quantities, claimant_reason),
        model_version=version,
    )


MAX_BODY_CHARS = 500_000
MAX_SENTENCE_WORDS = 400


def extract(
    body: str,
    language: str,
    *,
    models: Models | None = None,
    split_compound: bool = True,
    headline: str = "",
) -> list[Candidate]:
    """Score every sentence of ``body`` (cleaned article text), in document order. A sentence
    joining two checkable statements gives one candidate per statement (``split_compound``).
    The ``headline`` is not scored; the source it names ("…, selon l'OFCE") is what an opening
    "l'observatoire" or "l'avionneur" points back to."""
    _check(language)
    if not body or not body.strip():
        raise ExtractionError("body is empty: there is no text to extract claims from")
    if "\x00" in body or sum(1 for ch in body[:4096] if ch in _CONTROL) > 8:
        raise ExtractionError("body looks binary (control characters): send the article text")
    if len(body) > MAX_BODY_CHARS:
        raise ExtractionError(f"body is {len(body)} characters long; the limit is {MAX_BODY_CHARS}")
    chosen = models or default_models()
    model = chosen.for_language(language)
    result = []
    for (s, e), (claimant, reason) in analyse(body, language, headline=headline):
        if len(body[s:e].split()) > MAX_SENTENCE_WORDS:
            raise ExtractionError(
                f"a sentence at character {s} has more than {MAX_SENTENCE_WORDS} words: "
                "the text has no usable sentence punctuation"
            )
        parts = compound_parts(body, s, e, language) if split_compound else [(s, e)]
        for p_start, p_end in parts:
            result.append(
                _candidate(
                    body[p_start:p_end], p_start, language, model, claimant, reason, chosen.version
                )
            )
    return result


_CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v")
_JOINERS = {
    "fr": re.compile(r";\s+|,?\s+(?:alors que|tandis que|pendant que)\s+|,\s+et\s+(?=\D)"),
    "en": re.compile(r";\s+|,?\s+(?:as|while|whereas)\s+(?=\D)|,\s+(?:and|but)\s+(?=\D)"),
}
_DIGIT = re.compile(r"\d")


def compound_parts(body: str, start: int, end: int, language: str) -> list[tuple[int, int]]:
    """Split a sentence at a clause joiner ("; ", " as ", " alors que ", ", et ") when both
    sides hold a figure and at least four words: each side is a checkable statement of its
    own. Offsets stay exact (``body[s:e]`` is the part, trimmed)."""
    text = body[start:end]
    cuts = [0]
    for match in _JOINERS[language].finditer(text):
        left, right = text[cuts[-1] : match.start()], text[match.end() :]
        if (
            _DIGIT.search(left)
            and _DIGIT.search(right)
            and len(left.split()) >= 4
            and len(right.split()) >= 4
        ):
            cuts.append(match.start())
            cuts.append(match.end())
    if len(cuts) == 1:
        return [(start, end)]
    bounds = [0, *cuts[1:], len(text)]
    parts = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        piece = text[a:b]
        stripped = piece.rstrip(" ,;")
        lead = len(piece) - len(piece.lstrip())
        parts.append((start + a + lead, start + a + len(stripped)))
    return parts


def analyse(
    body: str, language: str, *, headline: str = ""
) -> list[tuple[tuple[int, int], tuple[Claimant | None, str | None]]]:
    """Sentence spans of ``body`` with the claimant (and why) of each; no scoring. The
    claimant the ``headline`` names, if any, is what an anaphor with nothing before it in the
    body points back to."""
    spans = split_sentences(body)
    seed: list[Claimant] = []
    headline = " ".join(headline.split())
    if headline:
        (head_mentions,) = _mentions([headline], language)
        head_people = cl.people_index(head_mentions)
        claimant, _ = cl.find_claimant(headline, head_mentions, language, head_people)
        if claimant is None:
            orgs = [m for m in head_mentions if m.label == "ORG" and cl.could_claim(m, head_people)]
            claimant = cl.classify(orgs[0], head_people) if orgs else None
        seed = [claimant] if claimant else []

    # Entities per paragraph, re-based onto body offsets, then shared out to sentences.
    paragraphs = split_paragraphs(body)
    per_paragraph = _mentions([body[s:e] for s, e in paragraphs], language)
    starts = [s for s, _ in spans]
    per_sentence: list[list[cl.Mention]] = [[] for _ in spans]
    everything: list[cl.Mention] = []
    for (p_start, _), mentions in zip(paragraphs, per_paragraph, strict=True):
        for m in mentions:
            absolute = cl.Mention(m.start + p_start, m.end + p_start, m.text, m.label)
            everything.append(absolute)
            index = bisect.bisect_right(starts, absolute.start) - 1
            if index >= 0 and absolute.end <= spans[index][1]:
                s_start = spans[index][0]
                per_sentence[index].append(
                    cl.Mention(absolute.start - s_start, absolute.end - s_start, m.text, m.label)
                )
    people = cl.people_index(everything)

    found = [
        cl.find_claimant(body[s:e], mentions, language, people)
        for (s, e), mentions in zip(spans, per_sentence, strict=True)
    ]
    # Carry-over to sentences without an attribution was chosen on French news (fr-checkworthy
    # train); English resolves explicit anaphors only ("the ministry", "she").
    window = cl.CARRY_WINDOW if language == "fr" else 0
    # The person or body each sentence opens on ("Le ministère du Logement conteste…").
    subjects = (
        [
            cl.opening_subject(body[s:e], mentions, people)
            or (claimant if (reason or "").startswith("subject:") else None)
            for (s, e), mentions, (claimant, reason) in zip(spans, per_sentence, found, strict=True)
        ]
        if language == "fr"
        else []
    )
    found = cl.resolve(_share_quote_speakers(body, spans, found), window, seed, subjects)
    return list(zip(spans, found, strict=True))


def _share_quote_speakers(
    body: str,
    spans: list[tuple[int, int]],
    found: list[tuple[Claimant | None, str | None]],
) -> list[tuple[Claimant | None, str | None]]:
    """Give sentences inside a multi-sentence quotation the speaker named where it closes
    (or the pointer back it names: « …", a-t-il ajouté » makes the whole quotation his)."""
    result = list(found)
    group: list[int] = []
    for index, (inside, closes) in enumerate(cl.quote_depths(body, spans)):
        if not inside:
            group = []
            continue
        group.append(index)
        if closes:
            speaker = next(
                (
                    found[i]
                    for i in reversed(group)
                    if found[i][0] is not None or (found[i][1] or "").startswith("anaphor:")
                ),
                (None, None),
            )
            if speaker[0] is not None:
                for i in group:
                    if result[i][0] is None:
                        result[i] = (speaker[0], f"{speaker[1]} (quoted)")
            elif speaker[1] is not None:
                for i in group:
                    if result[i] == (None, None):
                        result[i] = (None, speaker[1])
            group = []
    return result


def score_lines(
    lines: list[str], language: str, *, models: Models | None = None
) -> list[Candidate]:
    """Score each line as one sentence; one Candidate per line, in order.

    Offsets are relative to the line (``line[start:end] == text``); a blank line gives an empty
    Candidate with score 0.
    """
    _check(language)
    model = (models or default_models()).for_language(language)
    trimmed = []
    for line in lines:
        stripped = line.strip()
        trimmed.append((line.find(stripped) if stripped else 0, stripped))
    mentions = _mentions([text for _, text in trimmed], language)
    people = cl.people_index([m for ms in mentions for m in ms])
    result = []
    for (start, text), line_mentions in zip(trimmed, mentions, strict=True):
        if not text:
            result.append(Candidate(text="", start=0, end=0, score=0.0, checkworthy=False))
            continue
        claimant, reason = cl.find_claimant(text, line_mentions, language, people)
        if claimant is None:
            reason = None  # an anaphor with nothing before it to point to
        result.append(_candidate(text, start, language, model, claimant, reason))
    return result
