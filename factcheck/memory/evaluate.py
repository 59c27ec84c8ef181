"""Measure the matcher on CheckThat! 2020 Task 2 (verified-claim retrieval) and fit its weights.

``python -m factcheck.memory.evaluate --data ../shared/data/claim-retrieval-en`` prints MAP@5,
MRR and Recall@5 on dev for BM25 alone and for the combined ranker with the committed weights.
``--fit`` chooses the weights by 5-fold cross-validation on train only (dev is never looked at
while choosing), prints the cross-validated figures, and writes ``model/match_weights.json``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from factcheck.memory.matching import (
    BM25_ONLY,
    DEFAULT_CANDIDATES,
    FEATURES,
    WEIGHTS_PATH,
    MatchDoc,
    Matcher,
    Weights,
    clean_query,
)

csv.field_size_limit(10_000_000)
CUTOFF = 5


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    text: str


def read_docs(path: Path) -> list[MatchDoc]:
    """``verified_claims.docs.tsv``: id, claim, title (quoted fields may hold newlines)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quotechar='"')
        next(rows)
        return [MatchDoc(row[0], f"{row[2]} {row[1]}") for row in rows if row]


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
    return {
        q.id: [m.id for m in matcher.rank(clean_query(q.text), top=top, weights=weights)]
        for q in queries
    }


def line(name: str, figures: dict[str, float]) -> str:
    body = "  ".join(f"{k} {v:.3f}" for k, v in figures.items())
    return f"{name:<44} {body}"


# --- fitting: a small grid, scored by cross-validation on train -----------------------------------

GRID = {
    "bm25": (1.0,),
    "meaning": (0.0, 0.1, 0.25, 0.5, 1.0, 2.0),
    "numbers": (0.0, 0.1, 0.25),
    "names": (0.0, 0.1, 0.25, 0.5),
    "dates": (0.0, 0.1, 0.25),
}


def _features_cache(matcher: Matcher, queries: Sequence[Query], k: int):
    cache = {}
    for q in queries:
        text = clean_query(q.text)
        candidates = matcher.lexical(text, k)
        cache[q.id] = (candidates, matcher.features(text, candidates))
    return cache


def _ranked(cache, matcher: Matcher, qids: Sequence[str], weights: dict[str, float]):
    runs = {}
    for qid in qids:
        candidates, rows = cache[qid]
        scored = sorted(
            (
                (-sum(weights[f] * row[f] for f in FEATURES), index)
                for (index, _), row in zip(candidates, rows, strict=True)
            )
        )
        runs[qid] = [matcher.docs[index].id for _, index in scored[:CUTOFF]]
    return runs


def fit(
    matcher: Matcher,
    queries: Sequence[Query],
    qrels: dict[str, set[str]],
    *,
    folds: int = 5,
    k: int = DEFAULT_CANDIDATES,
    log: Callable[[str], None] = print,
) -> tuple[Weights, dict[str, float]]:
    """Pick weights by grid search inside each fold; report the held-out folds' figures."""
    cache = _features_cache(matcher, queries, k)
    grid = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]
    ids = [q.id for q in queries]
    random.Random(2020).shuffle(ids)  # noqa: S311 - a reproducible split, not a secret
    held_out: dict[str, list[str]] = {}

    def best_on(qids: Sequence[str]) -> dict[str, float]:
        sub = {q: qrels[q] for q in qids if q in qrels}
        return max(
            grid,
            key=lambda w: (
                scores(_ranked(cache, matcher, qids, w), sub)["MAP@5"],
                -sum(w.values()),
            ),
        )

    for fold in range(folds):
        test = ids[fold::folds]
        train = [q for q in ids if q not in set(test)]
        chosen = best_on(train)
        log(f"  fold {fold + 1}: {chosen}")
        held_out.update(_ranked(cache, matcher, test, chosen))
    cv = scores(held_out, {q: qrels[q] for q in ids if q in qrels})
    final = best_on(ids)
    return Weights({f: v for f, v in final.items() if v}, candidates=k), cv


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
    matcher = Matcher(read_docs(data / "verified_claims.docs.tsv"))
    if args.fit:
        train = read_queries(data / "train" / "tweets.queries.tsv")
        qrels = read_qrels(data / "train" / "tweet-vclaim-pairs.qrels")
        print(line("BM25, train", scores(run(matcher, train, BM25_ONLY), qrels)))
        weights, cv = fit(matcher, train, qrels)
        print(line("combined, train 5-fold CV", cv))
        args.output.write_text(
            json.dumps(
                {
                    "weights": weights.values,
                    "candidates": weights.candidates,
                    "fitted_on": "CheckThat! 2020 Task 2 train, 5-fold cross-validation",
                    "cv_train": {k: round(v, 4) for k, v in cv.items()},
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"weights {weights.values} written to {args.output}")
        return 0
    dev = read_queries(data / "dev" / "tweets.queries.tsv")
    qrels = read_qrels(data / "dev" / "tweet-vclaim-pairs.qrels")
    print(line("BM25 alone, dev", scores(run(matcher, dev, BM25_ONLY), qrels)))
    weights = Weights.load()
    used = " + ".join(f for f in FEATURES if weights.values.get(f))
    print(line(f"combined ({used}), dev", scores(run(matcher, dev, weights), qrels)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
