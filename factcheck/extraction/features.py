"""Features shared by training and scoring, computed without sklearn so the model is plain JSON.

Two kinds: language-neutral *cue* features (from ``lexicons``) and English TF-IDF word and
character n-grams. Training (``train.py``) and scoring (``model.py``) both call these functions,
so the vectors seen at run time are the ones the weights were fitted on.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from factcheck.extraction.lexicons import CUE_NAMES, LEXICONS

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[%$€£?!]")
_DIGIT = re.compile(r"\d")
_CAPITALISED = re.compile(r"(?<=[\s,;(])[A-ZÀ-ÖØ-Þ][\w’'-]+")

SHAPE_NAMES: tuple[str, ...] = ("log_words", "short", "long", "proper_names")
CUE_FEATURES: tuple[str, ...] = CUE_NAMES + SHAPE_NAMES
# What the pipeline found in the sentence and its context (see ``context_values``).
CONTEXT_NAMES: tuple[str, ...] = ("has_claimant", "quantities", "unit_quantity", "sourced_figure")


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens with every digit mapped to 0 ("2016" -> "0000")."""
    return _WORD.findall(_DIGIT.sub("0", text.lower().replace("’", "'")))


def word_ngrams(text: str, tokens: list[str] | None = None) -> list[str]:
    """Word unigrams and bigrams (of ``tokens``, the text's :func:`word_tokens` if given)."""
    if tokens is None:
        tokens = word_tokens(text)
    grams = list(tokens)
    grams.extend(f"{a} {b}" for a, b in itertools.pairwise(tokens))
    return grams


def char_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (like sklearn's ``char_wb``)."""
    grams: list[str] = []
    for token in word_tokens(text):
        grams.extend(token_char_ngrams(token, low, high))
    return grams


@lru_cache(maxsize=1 << 12)
def token_char_ngrams(token: str, low: int = 2, high: int = 5) -> tuple[str, ...]:
    """The character n-grams of one token, padded with a space each side, shortest first.

    The most frequent few thousand are kept (a few words make most of any text); the scorer
    keeps their vocabulary columns itself (``model.NgramBlock``)."""
    padded = f" {token} "
    size = len(padded)
    return tuple(
        [padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1)]
    )


def cue_values(text: str, language: str, hits: dict[str, str] | None = None) -> list[float]:
    """The dense cue vector, in ``CUE_FEATURES`` order."""
    if hits is None:
        hits = LEXICONS[language].find(text)
    values = [1.0 if name in hits else 0.0 for name in CUE_NAMES]
    n_words = len(text.split())
    values.append(math.log1p(n_words) / 3.0)
    values.append(1.0 if n_words < 6 else 0.0)
    values.append(1.0 if n_words > 30 else 0.0)
    values.append(min(len(_CAPITALISED.findall(text)), 4) / 4.0)
    return values


def context_values(has_claimant: bool, n_quantities: int, n_with_unit: int) -> list[float]:
    """The context vector, in ``CONTEXT_NAMES`` order: a claimant (from the sentence or resolved
    from an earlier one), how many quantities, whether one has a unit, and both together."""
    return [
        1.0 if has_claimant else 0.0,
        min(n_quantities, 3) / 3.0,
        1.0 if n_with_unit else 0.0,
        1.0 if has_claimant and n_quantities else 0.0,
    ]


def tfidf(grams: Iterable[str], vocab: dict[str, int], idf: list[float]) -> dict[int, float]:
    """Sublinear TF-IDF of ``grams`` over ``vocab``, L2-normalised, as {column: value}."""
    counts = Counter(g for g in grams if g in vocab)
    vector = {vocab[g]: (1.0 + math.log(c)) * idf[vocab[g]] for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm:
        vector = {k: v / norm for k, v in vector.items()}
    return vector
