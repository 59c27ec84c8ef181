"""The learned scorer: logistic-regression weights stored as JSON and applied with plain Python.

``model/checkworthy.json`` (written by ``train.py``) holds one linear model per language, each
TF-IDF word 1-2-grams + character 2-5-grams + cue features, and a Platt calibration:

* ``en``: fitted on CheckThat! 2024 English train + dev (US debates).
* ``fr``: fitted on fr-checkworthy train (French news), positive = ``must`` or ``should``.

``score = sigmoid(a * logit + b)`` is a calibrated probability (``a``, ``b`` fitted on held-out
folds); ``threshold`` is on that probability and was chosen on held-out folds too.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.extraction import features

MODEL_PATH = Path(__file__).with_name("model") / "checkworthy.json"
FORMAT_VERSION = 2


class ModelFileError(RuntimeError):
    """The weights file is missing, unreadable or of another format version."""


class NgramBlock:
    """One TF-IDF n-gram block of a model: ``coefficients . L2-normalised sublinear TF-IDF``
    of a sentence's n-grams (what ``features.tfidf`` computes at training).

    Word n-grams are few per sentence and summed in plain Python. Character n-grams are many:
    the vocabulary columns of each token's n-grams are kept per token (bounded), so a sentence
    costs one look-up per token, one concatenation and one ``np.unique``.
    """

    CACHED_TOKENS = 1 << 15

    def __init__(self, vocab: dict[str, int], idf: list[float], coef: list[float]) -> None:
        self.vocab = vocab
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self._token_columns: dict[str, np.ndarray] = {}

    @cached_property
    def weights(self) -> dict[str, tuple[float, float]]:
        """(idf, coefficient) per gram, for :meth:`dot` (made only for the block that uses it)."""
        idf, coef = self.idf.tolist(), self.coef.tolist()
        return {gram: (idf[i], coef[i]) for gram, i in self.vocab.items()}

    def dot(self, grams: Iterable[str]) -> float:
        """The block's part of the decision value for a sentence's n-grams."""
        numerator = squares = 0.0
        weights = self.weights
        for gram, count in Counter(grams).items():
            entry = weights.get(gram)
            if entry is not None:
                value = entry[0] if count == 1 else (1.0 + math.log(count)) * entry[0]
                squares += value * value
                numerator += value * entry[1]
        return numerator / math.sqrt(squares) if squares else 0.0

    def dot_char_ngrams(self, tokens: Iterable[str]) -> float:
        """:meth:`dot` of the character n-grams of ``tokens`` (``features.char_ngrams``)."""
        known = self._token_columns
        parts = []
        for token in tokens:
            columns = known.get(token)
            if columns is None:
                if len(known) >= self.CACHED_TOKENS:
                    known.clear()
                grams = features.token_char_ngrams(token)
                found = (c for c in map(self.vocab.get, grams) if c is not None)
                columns = known[token] = np.fromiter(found, dtype=np.intp)
            parts.append(columns)
        if not parts:
            return 0.0
        columns = np.concatenate(parts)
        if not columns.size:
            return 0.0
        distinct, counts = np.unique(columns, return_counts=True)
        values = (1.0 + np.log(counts)) * self.idf[distinct]
        return float(values @ self.coef[distinct]) / math.sqrt(float(values @ values))


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
    calibration: tuple[float, float] = (1.0, 0.0)

    def probability(self, logit: float) -> float:
        """The calibrated probability for a decision value."""
        a, b = self.calibration
        return sigmoid(a * logit + b)

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
        tokens = features.word_tokens(text)
        if self.word_vocab:
            total += self._words.dot(features.word_ngrams(text, tokens))
        if self.char_vocab:
            total += self._chars.dot_char_ngrams(tokens)
        return total

    @cached_property
    def _words(self) -> NgramBlock:
        return NgramBlock(self.word_vocab, self.word_idf, self.word_coef)

    @cached_property
    def _chars(self) -> NgramBlock:
        return NgramBlock(self.char_vocab, self.char_idf, self.char_coef)

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
            calibration=(float(data["calibration"][0]), float(data["calibration"][1])),
        )


@dataclass(frozen=True)
class Models:
    """The per-language models of one weights file, and the version that names it."""

    by_language: dict[str, LinearModel]
    meta: dict[str, Any]
    version: str

    def for_language(self, language: str) -> LinearModel:
        """The model fitted for ``language``."""
        return self.by_language[language]


def sigmoid(x: float) -> float:
    """Numerically safe logistic function."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def version_of(text: str) -> str:
    """A weights file's version: the first 12 hex digits of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_models(path: Path) -> Models:
    """Read a weights file; raises ``ModelFileError`` (one line saying which) if it is missing,
    unreadable or of another format version."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except FileNotFoundError:
        raise ModelFileError(f"check-worthiness model file {path} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"check-worthiness model file {path} is unreadable: {exc}") from None
    found = data.get("format") if isinstance(data, dict) else None
    if found != FORMAT_VERSION:
        raise ModelFileError(
            f"check-worthiness model file {path} has format {found!r}; this code reads format "
            f"{FORMAT_VERSION} (retrain with python -m factcheck.extraction.train)"
        )
    try:
        by_language = {lang: LinearModel.from_dict(block) for lang, block in data["models"].items()}
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ModelFileError(f"check-worthiness model file {path} is malformed: {exc!r}") from None
    return Models(by_language=by_language, meta=data.get("meta", {}), version=version_of(text))


_in_use: list[Path] = []


def model_path() -> Path:
    """The weights in use: ``FACTCHECK_MODEL_PATH`` if set, else the file given to
    ``use_model`` (the app gives its instance's newsroom model when there is one), else the
    committed file."""
    override = os.environ.get("FACTCHECK_MODEL_PATH")
    if override:
        return Path(override)
    return _in_use[-1] if _in_use else MODEL_PATH


def use_model(path: Path | None) -> Models:
    """Switch this process to the weights at ``path`` (None: the committed file) and return
    them; raises ``ModelFileError`` (and keeps the current weights) if they do not load."""
    models = load_models(path or MODEL_PATH)
    _in_use.clear()
    if path is not None:
        _in_use.append(path)
    default_models.cache_clear()
    return models


def check_model_file(path: Path) -> None:
    """Check, without loading the weights, that ``path`` is a weights file of this format
    version; raises ``ModelFileError`` as :func:`load_models` would.

    ``train.py`` writes sorted keys, so a file of this version begins ``{"format":N,``: reading
    that is enough at start-up (the weights, tens of MB in memory, load when extraction first
    needs them). A file that begins otherwise is loaded in full, so the error names its fault.
    """
    try:
        with path.open("rb") as fp:
            head = fp.read(len(_FORMAT_HEAD))
    except FileNotFoundError:
        raise ModelFileError(f"check-worthiness model file {path} is missing") from None
    except OSError as exc:
        raise ModelFileError(f"check-worthiness model file {path} is unreadable: {exc}") from None
    if head != _FORMAT_HEAD:
        load_models(path)


_FORMAT_HEAD = f'{{"format":{FORMAT_VERSION},'.encode()


def switch_model(path: Path) -> None:
    """Use the weights at ``path`` from now on, checked by :func:`check_model_file` and loaded
    on first use; raises ``ModelFileError`` (and keeps the current weights) if the check fails."""
    check_model_file(path)
    _in_use.clear()
    _in_use.append(path)
    default_models.cache_clear()


@lru_cache(maxsize=1)
def default_models() -> Models:
    """The weights in use (``model_path()``), loaded once per process."""
    return load_models(model_path())
