"""The learned scorer: logistic-regression weights stored as JSON and applied with plain Python.

``model/checkworthy.json`` (written by ``train.py``) holds two linear models fitted on the
English CheckThat! 2024 training data:

* ``ngram``: TF-IDF word 1-2-grams + character 2-5-grams + cue features. Used for English.
* ``cue``: cue features only, with names shared across languages. Used for French (and any
  language without n-gram weights), since debate-English n-grams say nothing about French text.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from factcheck.extraction import features

MODEL_PATH = Path(__file__).with_name("model") / "checkworthy.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LinearModel:
    """One logistic regression over (optional) n-gram blocks and the cue features."""

    cue_names: tuple[str, ...]
    cue_coef: tuple[float, ...]
    cue_scale: float
    intercept: float
    threshold: float
    word_vocab: dict[str, int]
    word_idf: list[float]
    word_coef: list[float]
    char_vocab: dict[str, int]
    char_idf: list[float]
    char_coef: list[float]

    def cue_weight(self, name: str) -> float:
        """The fitted weight of one cue feature (0.0 if this model does not use it)."""
        try:
            return self.cue_coef[self.cue_names.index(name)]
        except ValueError:
            return 0.0

    def logit(self, text: str, cues: dict[str, float]) -> float:
        """Decision value for one sentence; ``cues`` maps cue feature name -> value."""
        total = self.intercept
        total += sum(
            coef * cues.get(name, 0.0) * self.cue_scale
            for name, coef in zip(self.cue_names, self.cue_coef, strict=True)
        )
        if self.word_vocab:
            vec = features.tfidf(features.word_ngrams(text), self.word_vocab, self.word_idf)
            total += sum(self.word_coef[col] * value for col, value in vec.items())
        if self.char_vocab:
            vec = features.tfidf(features.char_ngrams(text), self.char_vocab, self.char_idf)
            total += sum(self.char_coef[col] * value for col, value in vec.items())
        return total

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """Build from the JSON structure written by ``train.py``."""
        word_vocab = data.get("word_vocab", [])
        char_vocab = data.get("char_vocab", [])
        return cls(
            cue_names=tuple(data["cue_names"]),
            cue_coef=tuple(float(c) for c in data["cue_coef"]),
            cue_scale=float(data.get("cue_scale", 1.0)),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            word_vocab={gram: i for i, gram in enumerate(word_vocab)},
            word_idf=[float(v) for v in data.get("word_idf", [])],
            word_coef=[float(v) for v in data.get("word_coef", [])],
            char_vocab={gram: i for i, gram in enumerate(char_vocab)},
            char_idf=[float(v) for v in data.get("char_idf", [])],
            char_coef=[float(v) for v in data.get("char_coef", [])],
        )


@dataclass(frozen=True)
class Models:
    """The two models of one weights file."""

    ngram: LinearModel
    cue: LinearModel
    meta: dict[str, Any]

    def for_language(self, language: str) -> LinearModel:
        """The model to use for ``language``: n-grams for English, cues elsewhere."""
        return self.ngram if language == "en" else self.cue


def sigmoid(x: float) -> float:
    """Numerically safe logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def load_models(path: Path) -> Models:
    """Read a weights file; raises ``ValueError`` if its format is not this code's."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: weights format {data.get('format')!r}, need {FORMAT_VERSION}")
    return Models(
        ngram=LinearModel.from_dict(data["ngram"]),
        cue=LinearModel.from_dict(data["cue"]),
        meta=data.get("meta", {}),
    )


@lru_cache(maxsize=1)
def default_models() -> Models:
    """The committed weights, loaded once per process."""
    return load_models(MODEL_PATH)
