"""Measure the matcher on CheckThat! 2020 Task 2 (verified-claim retrieval) and fit its weights.

``python -m factcheck.memory.evaluate --data ../shared/data/claim-retrieval-en`` prints MAP@5,
MRR and Recall@5 on dev for BM25 alone and for the combined ranker with the committed weights.
``--fit`` chooses the fusion (a grid of weights, logistic regression, or reciprocal rank fusion),
its weights and the candidate pool by 5-fold cross-validation on train only (dev is never looked
at while choosing), prints the cross-validated figures, and writes ``model/match_weights.json``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import random
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from factcheck.memory import sentences
from factcheck.memory.matching import (
    BM25_ONLY,
    FEATURES,
    WEIGHTS_PATH,
    MatchDoc,
    Matcher,
    Weights,
    clean_query,
    doc_meaning_text,
    embed_docs,
    ranks,
    rrf_scores,
)

csv.field_size_limit(10_000_000)
CUTOFF = 5


def cache_folder() -> Path:
    """Where embedded collections are kept between runs: ``FACTCHECK_CACHE_DIR``, else the
    user's cache folder (``$XDG_CACHE_HOME/factcheck``, ``~/.cache/factcheck``), shared by
    every checkout on the machine (a file's name is the hash of what it holds)."""
    given = os.environ.get("FACTCHECK_CACHE_DIR", "").strip()
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "factcheck"


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str


def read_docs(path: Path) -> list[MatchDoc]:
    """``verified_claims.docs.tsv``: id, claim, title (quoted fields may hold newlines)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quotechar='"')
        next(rows)
        return [MatchDoc(row[0], row[1], row[2]) for row in rows if row]


def read_queries(path: Path) -> list[Query]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quotechar='"')
        next(rows)
        return [Query(row[0], row[1]) for row in rows if row]


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 4 and parts[3] != "0":
                qrels.setdefault(parts[0], set()).add(parts[2])
    return qrels


def scores(runs: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """MAP@5, MRR and Recall@5 as trectools computes them (queries with a relevant claim)."""
    ap = rr = recall = 0.0
    judged = [q for q in qrels if qrels[q]]
    for qid in judged:
        relevant, ranking = qrels[qid], runs.get(qid, [])
        hits = precision_sum = 0.0
        for rank, doc in enumerate(ranking[:CUTOFF], 1):
            if doc in relevant:
                hits += 1
                precision_sum += hits / rank
        ap += precision_sum / len(relevant)
        recall += hits / len(relevant)
        first = next((r for r, d in enumerate(ranking, 1) if d in relevant), None)
        rr += 1 / first if first else 0.0
    n = len(judged) or 1
    return {"MAP@5": ap / n, "MRR": rr / n, "Recall@5": recall / n}


def run(matcher: Matcher, queries: Sequence[Query], weights: Weights, top: int = CUTOFF):
    return {q.id: [m.id for m in matcher.rank(q.text, top=top, weights=weights)] for q in queries}


def line(name: str, figures: dict[str, float]) -> str:
    body = "  ".join(f"{k} {v:.3f}" for k, v in figures.items())
    return f"{name:<52} {body}"


def cached_vectors(docs: Sequence[MatchDoc], folder: Path | None = None) -> np.ndarray:
    """The collection's sentence vectors, embedded once and kept in :func:`cache_folder`
    (keyed by the texts and the model), since embedding 10,375 fact-checks takes minutes."""
    folder = folder or cache_folder()
    # The key: the texts, the model package's version and files, and the code that runs it.
    model = sentences.model_dir()
    digest = hashlib.sha256(
        " ".join(
            [
                sentences.PACKAGE,
                metadata.version(sentences.PACKAGE),
                *(f"{f.name}:{f.stat().st_size}" for f in sorted(model.iterdir()) if f.is_file()),
                hashlib.sha256(Path(sentences.__file__).read_bytes()).hexdigest(),
            ]
        ).encode()
    )
    for doc in docs:
        digest.update(doc_meaning_text(doc).encode() + b"\0")
    path = folder / f"match-vectors-{digest.hexdigest()[:16]}.npy"
    if path.is_file():
        return np.load(path)
    vectors = embed_docs(docs)
    folder.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: another run reading the folder meanwhile sees all or nothing.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".npy.part", delete=False) as part:
        np.save(part, vectors)
    os.replace(part.name, path)
    return vectors


# --- fitting: fusions compared by 5-fold cross-validation on train -------------------------------

GRID = {
    "bm25": (1.0,),
    "meaning": (0.0, 0.5, 1.0, 2.0, 3.0, 5.0),
    "numbers": (0.0, 0.1, 0.25),
    "names": (0.0, 0.1, 0.25, 0.5),
    "dates": (0.0, 0.1),
}
POOLS = ((30, 0), (100, 0), (100, 10), (100, 30))  # (BM25's best, nearest by meaning)
WIDEST = Weights({"meaning": 1.0}, candidates=max(k for k, _ in POOLS), nearest=30)


@dataclass(frozen=True, slots=True)
class Pool:
    """One query's widest candidate pool: doc indexes, features, BM25 and meaning ranks."""

    docs: np.ndarray
    features: np.ndarray  # one row per candidate (BM25's order), columns in FEATURES order
    bm25_rank: np.ndarray
    meaning_rank: np.ndarray

    def keep(self, candidates: int, nearest: int) -> Pool:
        """The pool of BM25's ``candidates`` best and the ``nearest`` by meaning."""
        kept = (self.bm25_rank < candidates) | (self.meaning_rank < nearest)
        return Pool(self.docs[kept], self.features[kept], self.bm25_rank, self.meaning_rank)


def pools(matcher: Matcher, queries: Sequence[Query]) -> dict[str, Pool]:
    out = {}
    for q in queries:
        candidates, vector = matcher.candidates(q.text, WIDEST)
        rows = matcher.features(clean_query(q.text), candidates, vector)
        table = np.array([[row[f] for f in FEATURES] for row in rows]).reshape(-1, len(FEATURES))
        bm25 = np.array([s for _, s in candidates])
        lexical = np.where(bm25 > 0, ranks(bm25), 1 << 30)
        meaning = ranks(table[:, FEATURES.index("meaning")])
        out[q.id] = Pool(
            np.array([i for i, _ in candidates], dtype=np.intp), table, lexical, meaning
        )
    return out


Scorer = Callable[[np.ndarray], np.ndarray]  # a pool's features → its candidates' scores


def linear(weights: dict[str, float]) -> Scorer:
    vector = np.array([weights.get(f, 0.0) for f in FEATURES])
    return lambda features: features @ vector


def rrf(weights: dict[str, float]) -> Scorer:
    """Reciprocal rank fusion of the BM25 and meaning rankings, as the matcher computes it,
    plus the weighted sum of the other features."""
    bm25, meaning = FEATURES.index("bm25"), FEATURES.index("meaning")
    extra = linear({f: v for f, v in weights.items() if f not in ("bm25", "meaning")})
    return lambda features: rrf_scores(features[:, bm25], features[:, meaning]) + extra(features)


# RRF scores are at most 2/60: the other features' weights are on that scale.
RRF_GRID = {"numbers": (0.0, 0.002, 0.005), "names": (0.0, 0.002, 0.005, 0.01)}


def ranked(matcher: Matcher, cache: dict[str, Pool], qids, scorer: Scorer, pool=(100, 0)):
    runs = {}
    for qid in qids:
        p = cache[qid].keep(*pool)
        order = np.lexsort((p.docs, -scorer(p.features)))[:CUTOFF]
        runs[qid] = [matcher.docs[i].id for i in p.docs[order]]
    return runs


def _grid(grid: dict[str, tuple[float, ...]] = GRID) -> list[dict[str, float]]:
    return [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]


def _logistic(cache: dict[str, Pool], qids, qrels, matcher: Matcher, pool) -> dict[str, float]:
    """Logistic regression over the candidates' features (relevant or not); its coefficients,
    scaled so BM25's is 1, are a weighted sum like the grid's."""
    from sklearn.linear_model import LogisticRegression  # the train extra only

    rows, labels = [], []
    for qid in qids:
        p = cache[qid].keep(*pool)
        rows.append(p.features)
        labels += [matcher.docs[i].id in qrels.get(qid, ()) for i in p.docs]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit(np.vstack(rows), labels)
    coef = model.coef_[0]
    scale = coef[FEATURES.index("bm25")] or 1.0
    return {f: round(float(c / scale), 4) for f, c in zip(FEATURES, coef, strict=True)}


Choice = tuple[str, tuple[int, int], dict[str, float]]


def choose(matcher: Matcher, cache, qids, qrels) -> Choice:
    """The best fusion and pool on ``qids`` alone (MAP@5; ties: fewer candidates, less weight)."""
    sub = {q: qrels[q] for q in qids if q in qrels}

    def figure(scorer: Scorer, pool) -> float:
        return scores(ranked(matcher, cache, qids, scorer, pool), sub)["MAP@5"]

    options: list[tuple[float, Choice]] = []
    for pool in POOLS:
        grid = max(_grid(), key=lambda w: (figure(linear(w), pool), -sum(w.values())))
        options.append((figure(linear(grid), pool), ("grid", pool, grid)))
        fitted = _logistic(cache, qids, qrels, matcher, pool)
        options.append((figure(linear(fitted), pool), ("logistic", pool, fitted)))
        fused = max(_grid(RRF_GRID), key=lambda w: (figure(rrf(w), pool), -sum(w.values())))
        options.append((figure(rrf(fused), pool), ("rrf", pool, fused)))
    return max(options, key=lambda o: (o[0], -sum(o[1][1])))[1]


def fit(
    matcher: Matcher,
    queries: Sequence[Query],
    qrels: dict[str, set[str]],
    *,
    folds: int = 5,
    log: Callable[[str], None] = print,
) -> tuple[Weights, dict[str, float]]:
    """Choose the fusion and its weights inside each fold; report the held-out folds' figures
    (dev is never read here)."""
    cache = pools(matcher, queries)
    ids = [q.id for q in queries]
    random.Random(2020).shuffle(ids)  # noqa: S311 - a reproducible split, not a secret
    held_out: dict[str, list[str]] = {}
    for fold in range(folds):
        test = ids[fold::folds]
        train = [q for q in ids if q not in set(test)]
        kind, pool, values = choose(matcher, cache, train, qrels)
        log(f"  fold {fold + 1}: {kind} {pool} {values}")
        scorer = rrf(values) if kind == "rrf" else linear(values)
        held_out.update(ranked(matcher, cache, test, scorer, pool))
    cv = scores(held_out, {q: qrels[q] for q in ids if q in qrels})
    kind, pool, values = choose(matcher, cache, ids, qrels)
    log(f"  all of train: {kind} {pool} {values}")
    if kind == "rrf":
        values = {**values, "bm25": 1.0, "meaning": 1.0}
    kept = {f: v for f, v in values.items() if v}
    fusion = "rrf" if kind == "rrf" else "sum"
    return Weights(kept, candidates=pool[0], nearest=pool[1], fusion=fusion), cv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="claim-retrieval-en folder")
    parser.add_argument("--fit", action="store_true", help="choose weights by CV on train")
    parser.add_argument("-o", "--output", type=Path, default=WEIGHTS_PATH)
    args = parser.parse_args(argv)
    data: Path = args.data
    if not (data / "verified_claims.docs.tsv").is_file():
        print(f"{data} does not hold verified_claims.docs.tsv", file=sys.stderr)
        return 2
    docs = read_docs(data / "verified_claims.docs.tsv")
    try:
        matcher = Matcher(docs, vectors=cached_vectors(docs))
    except sentences.SentenceModelMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.fit:
        return _fit(matcher, data, args.output)
    dev = read_queries(data / "dev" / "tweets.queries.tsv")
    qrels = read_qrels(data / "dev" / "tweet-vclaim-pairs.qrels")
    print(line("BM25 alone, dev", scores(run(matcher, dev, BM25_ONLY), qrels)))
    weights = Weights.load()
    used = " + ".join(f for f in FEATURES if weights.values.get(f))
    print(line(f"combined ({used}), dev", scores(run(matcher, dev, weights), qrels)))
    return 0


def _fit(matcher: Matcher, data: Path, output: Path) -> int:
    train = read_queries(data / "train" / "tweets.queries.tsv")
    qrels = read_qrels(data / "train" / "tweet-vclaim-pairs.qrels")
    print(line("BM25 alone, train", scores(run(matcher, train, BM25_ONLY), qrels)))
    weights, cv = fit(matcher, train, qrels)
    print(line("combined, train 5-fold CV", cv))
    output.write_text(
        json.dumps(
            {
                "weights": weights.values,
                "candidates": weights.candidates,
                "nearest": weights.nearest,
                "fusion": weights.fusion,
                "fitted_on": "CheckThat! 2020 Task 2 train, 5-fold cross-validation",
                "cv_train": {k: round(v, 4) for k, v in cv.items()},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"weights {weights.values} written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
