"""Ranking earlier fact-checks by how much they look like a claim ("already checked").

Two stages, nothing downloaded at run time:

1. **Lexical**: BM25 (``bm25s``, lowercase word tokens) over each fact-check's text (title and
   claim) picks the ``candidates`` best.
2. **Re-ranking**: each candidate gets features in 0..1 — its BM25 score relative to the best,
   the cosine of WordLlama sentence vectors (meaning; the model ships in the ``wordllama``
   package), and agreement on numbers, names and dates — and the score is their weighted sum.
   The weights were chosen by cross-validation on the CheckThat! 2020 train split
   (``factcheck.memory.evaluate``) and are stored in ``model/match_weights.json``.

Names and numbers do not depend on the language, so a French claim (« 23 des 32 membres de
l'OTAN… Stoltenberg ») still finds an English fact-check that shares them.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_PATH = Path(__file__).resolve().parent / "model" / "match_weights.json"
FEATURES = ("bm25", "meaning", "numbers", "names", "dates")
DEFAULT_CANDIDATES = 30

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"(?:https?://|pic\.twitter\.com/)\S+", re.I)
_TAG = re.compile(r"[@#](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NUMBER = re.compile(r"\d+(?:[.,\u00a0 ]\d{3})*(?:[.,]\d+)?")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NAME = re.compile(r"(?<![\w@#])([A-Z][\w'’-]*[a-z][\w'’-]*|[A-Z]{2,})", re.UNICODE)


def _words(text: str) -> list[str]:
    return text.split()


_MONTHS = _words(
    "january february march april may june july august september october november december "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
# Capitalised words that are not names (sentence starts, pronouns, days, months…).
_NOT_NAMES = set(
    _words(
        "the a an this that these those it its he she they we you i in on at of for and or but "
        "if when what who why how is are was were be been has have had do does did not no yes "
        "my our your his her their le la les un une des du de et ou mais si quand qui que quoi "
        "il elle ils elles nous vous je on ce cette ces est sont selon pour par dans sur avec "
        "breaking rt via photo video watch new says said just more here there today"
    )
) | set(_MONTHS)


def clean_query(text: str) -> str:
    """Drop links, and split camel-cased handles and hashtags (``@realDonaldTrump`` gains
    ``real Donald Trump``). Cross-validation on train: links out +0.007 MAP@5, split handles
    +0.010; dropping a tweet's signature (its author's name) costs 0.037, so it stays."""
    text = _URL.sub(" ", text)
    return _TAG.sub(lambda m: m.group(0) + " " + _CAMEL.sub(" ", m.group(1)), text).strip()


def fold(text: str) -> str:
    """Lower-case and strip accents, so « défense » and "defense" are one token."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: Snowball in C; lazy, loaded on the first match

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-case, accent-free word tokens, Snowball-stemmed (the BM25 vocabulary).

    One stemmer for every language keeps French and English texts in one index (it leaves
    names and numbers alone); stemming added 0.015 MAP@5 in cross-validation on train.
    """
    return list(_stemmer().stemWords(_WORD.findall(fold(text))))


def numbers(text: str) -> set[str]:
    """Numbers as values: « 10 000 » and "10,000" are both ``10000``; "2 %" is ``2``."""
    found = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().replace("\u00a0", " ")
        if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", raw):
            raw = re.sub(r"[ ,.]", "", raw)
        raw = raw.replace(",", ".").replace(" ", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        found.add(f"{value:g}")
    return found


def names(text: str) -> set[str]:
    """Capitalised words that look like names (folded), skipping common sentence starters."""
    found = set()
    for match in _NAME.finditer(text):
        word = fold(match.group()).strip("'’-")
        if len(word) > 1 and word not in _NOT_NAMES:
            found.add(word)
    for tag in re.findall(r"[@#](\w{3,})", text):
        found.add(fold(tag))
    return found


def years(text: str) -> set[str]:
    return set(_YEAR.findall(text))


def _overlap(query: set[str], doc: set[str]) -> float:
    """Share of the document's items that the query has too (0 when the document has none)."""
    if not doc or not query:
        return 0.0
    return len(query & doc) / len(doc)


# --- meaning: WordLlama, loaded from the files its package ships --------------------------------

_embedder_lock = threading.Lock()


@lru_cache(maxsize=1)
def _embedder() -> Any:
    """WordLlama's 256-dimension model, read from the package (never downloaded)."""
    # Lazy: the embedding model loads on the first match, not when the app starts.
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).resolve().parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np") as fh:
        matrix = fh.get_tensor("embedding.weight")
    return WordLlamaInference(matrix, tokenizer)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length sentence vectors (rows) for ``texts``."""
    if not texts:
        return np.zeros((0, 256), dtype=np.float32)
    with _embedder_lock:
        vectors = np.asarray(_embedder().embed(list(texts), norm=True), dtype=np.float32)
    return vectors


# --- the ranker -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchDoc:
    """One earlier fact-check: an id, its text (title and claim) and optional display data."""

    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    id: str
    score: float
    features: dict[str, float]
    reasons: tuple[str, ...] = ()
    coverage: float = 0.0


@dataclass(frozen=True, slots=True)
class Weights:
    """Feature weights (see :data:`FEATURES`); read from ``model/match_weights.json``."""

    values: dict[str, float] = field(default_factory=dict)
    candidates: int = DEFAULT_CANDIDATES

    def score(self, features: dict[str, float]) -> float:
        return sum(self.values.get(name, 0.0) * value for name, value in features.items())

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            values={k: float(v) for k, v in data["weights"].items()},
            candidates=int(data.get("candidates", DEFAULT_CANDIDATES)),
        )


BM25_ONLY = Weights({"bm25": 1.0}, candidates=DEFAULT_CANDIDATES)


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    return Weights.load()


class Matcher:
    """A BM25 index over fact-checks plus the re-ranker; build once, query many times."""

    def __init__(self, docs: Iterable[MatchDoc], *, k1: float = 1.5, b: float = 0.75) -> None:
        import bm25s  # lazy: numpy and scipy load when the first index is built, not at start

        self.docs = list(docs)
        self._names = [names(d.text) for d in self.docs]
        self._numbers = [numbers(d.text) for d in self.docs]
        self._years = [years(d.text) for d in self.docs]
        self._vectors: dict[int, np.ndarray] = {}
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._vocab: dict[str, int] = {}
        corpus = [self._ids(tokens(d.text), grow=True) for d in self.docs]
        df = np.zeros(len(self._vocab), dtype=np.float64)
        for ids in corpus:
            df[list(set(ids))] += 1
        n = max(len(self.docs), 1)
        self._idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self._doc_terms = [frozenset(ids) for ids in corpus]
        if self.docs:
            self._bm25.index(
                bm25s.tokenization.Tokenized(ids=corpus, vocab=self._vocab), show_progress=False
            )

    def _ids(self, words: list[str], *, grow: bool = False) -> list[int]:
        ids = []
        for word in words:
            index = self._vocab.get(word)
            if index is None:
                if not grow:
                    continue
                index = self._vocab[word] = len(self._vocab)
            ids.append(index)
        return ids

    def __len__(self) -> int:
        return len(self.docs)

    def lexical(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents by BM25 alone: (index, score), best first."""
        if not self.docs:
            return []
        ids = self._ids(tokens(query))  # repeated words count again, as in Okapi BM25
        if not ids:
            return []
        scores = self._bm25.get_scores(ids)
        k = min(k, len(self.docs))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        ordered = sorted(
            ((int(i), float(scores[i])) for i in top if scores[i] > 0), key=lambda t: (-t[1], t[0])
        )
        return ordered

    def coverage(self, query: str, index: int) -> float:
        """Share of the query's information (idf-weighted words) that the document holds.

        Unlike the BM25 score it is absolute (0..1, comparable across claims), so the desk
        can say whether anything matched at all.
        """
        ids = set(self._ids(tokens(query)))
        total = float(sum(self._idf[i] for i in ids))
        if not total:
            return 0.0
        return float(sum(self._idf[i] for i in ids & self._doc_terms[index])) / total

    def vectors(self, indexes: Sequence[int]) -> np.ndarray:
        missing = [i for i in indexes if i not in self._vectors]
        if missing:
            for i, vector in zip(missing, embed([self.docs[i].text for i in missing]), strict=True):
                self._vectors[i] = vector
        return np.stack([self._vectors[i] for i in indexes])

    def features(
        self, query: str, candidates: list[tuple[int, float]], *, with_meaning: bool = True
    ) -> list[dict[str, float]]:
        """Each candidate's features in 0..1; ``meaning`` needs WordLlama (weight 0: skipped)."""
        if not candidates:
            return []
        best = candidates[0][1] or 1.0
        q_names, q_numbers, q_years = names(query), numbers(query), years(query)
        if with_meaning:
            meaning = self.vectors([i for i, _ in candidates]) @ embed([query])[0]
        else:
            meaning = np.zeros(len(candidates), dtype=np.float32)
        rows = []
        for (index, score), cosine in zip(candidates, meaning, strict=True):
            rows.append(
                {
                    "bm25": score / best,
                    "meaning": max(0.0, float(cosine)),
                    "numbers": _overlap(q_numbers, self._numbers[index] - self._years[index]),
                    "names": _overlap(q_names, self._names[index]),
                    "dates": _overlap(q_years, self._years[index]),
                }
            )
        return rows

    def rank(self, query: str, *, top: int = 5, weights: Weights | None = None) -> list[Match]:
        """The ``top`` fact-checks most like ``query``, best first, with why they matched."""
        weights = weights or default_weights()
        candidates = self.lexical(query, weights.candidates)
        if set(weights.values) <= {"bm25"}:
            return [
                Match(self.docs[i].id, s, {"bm25": s}, ("shared words",), self.coverage(query, i))
                for i, s in candidates[:top]
            ]
        rows = self.features(query, candidates, with_meaning=bool(weights.values.get("meaning")))
        scored = [
            (weights.score(row), index, row)
            for (index, _), row in zip(candidates, rows, strict=True)
        ]
        scored.sort(key=lambda t: (-t[0], t[1]))
        q_names, q_numbers = names(query), numbers(query)
        found = []
        for score, index, row in scored[:top]:
            coverage = round(self.coverage(query, index), 4)
            reasons = self._reasons(index, row, q_names, q_numbers, coverage)
            found.append(Match(self.docs[index].id, round(score, 6), row, reasons, coverage))
        return found

    def _reasons(
        self,
        index: int,
        row: dict[str, float],
        q_names: set[str],
        q_numbers: set[str],
        coverage: float,
    ) -> tuple[str, ...]:
        reasons = [f"shared words: {coverage:.0%} of the claim's information"]
        shared_numbers = sorted(q_numbers & self._numbers[index])
        if shared_numbers:
            reasons.append("same numbers: " + ", ".join(shared_numbers[:5]))
        shared_names = sorted(q_names & self._names[index])
        if shared_names:
            reasons.append("same names: " + ", ".join(shared_names[:5]))
        if row.get("meaning", 0) >= 0.5:
            reasons.append(f"similar meaning ({row['meaning']:.2f})")
        return tuple(reasons)
