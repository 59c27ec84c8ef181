"""Benchmark matching one claim against a large fact-check memory.

    .venv/bin/python bench/bench_match.py [--count 100000] [--queries 200]

Builds the matcher over ``count`` synthetic fact-checks (claims made of a shared vocabulary of
~5,000 words, numbers and names, so the BM25 posting lists are as dense as in a real memory),
then times ``rank()`` with the committed weights — BM25 over the whole memory, the claim's
sentence vector (MiniLM, run with numpy), its nearest fact-checks by meaning, and the re-ranking
of the candidates — for ``queries`` claims, in turn with BM25 alone (the bare baseline, timed in
the same run), and prints the median, p95 and max per claim and their ratio. Goal: < 100 ms.

The fact-checks' sentence vectors are computed when an index is built, not when a claim is
matched; embedding 100,000 synthetic texts would take most of an hour on two cores, so the index
here gets random unit vectors of the same shape (the timed work does not depend on their values),
and the embedding rate is measured on ``--embed`` texts and printed as the build cost.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from factcheck.memory.matching import BM25_ONLY, MatchDoc, Matcher, Weights, default_weights
from factcheck.memory.sentences import DIMENSIONS, embed

GOAL_MS = 100.0


def synthetic(count: int, seed: int = 15) -> list[MatchDoc]:
    rng = random.Random(seed)
    syllables = "ka ro mi te sa lu no vi de pa ri go ma ne to lo ba si fe du".split()  # noqa: SIM905
    words = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(5000)]
    people = [w.capitalize() + " " + rng.choice(words).capitalize() for w in words[:300]]
    docs = []
    for i in range(count):
        parts = rng.choices(words, k=rng.randint(10, 24))
        parts.insert(rng.randrange(len(parts)), str(rng.randint(1, 100_000)))
        parts.insert(0, rng.choice(people) + " says")
        docs.append(MatchDoc(str(i), " ".join(parts)))
    return docs


def unit_vectors(count: int, seed: int = 15) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSIONS), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def timed(matcher: Matcher, queries: list[str], weights: Weights) -> list[float]:
    matcher.rank(queries[0], weights=weights)  # warm-up (loads the model)
    timings = []
    for query in queries:
        t0 = time.perf_counter()
        matcher.rank(query, top=5, weights=weights)
        timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def summary(timings: list[float]) -> str:
    p95 = timings[int(len(timings) * 0.95) - 1]
    median = statistics.median(timings)
    return f"median {median:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--embed", type=int, default=200, help="texts for the embedding rate")
    args = parser.parse_args()
    docs = synthetic(args.count)
    started = time.perf_counter()
    matcher = Matcher(docs, vectors=unit_vectors(len(docs)))
    build = time.perf_counter() - started
    embed(["warm-up"])
    started = time.perf_counter()
    embed([d.text for d in docs[: args.embed]])
    rate = args.embed / (time.perf_counter() - started)
    rng = random.Random(7)
    queries = [rng.choice(docs).text for _ in range(args.queries)]
    weights = default_weights()
    combined = timed(matcher, queries, weights)
    bare = timed(matcher, queries, BM25_ONLY)
    print(f"memory of {args.count:,} fact-checks: BM25 index built in {build:.1f} s")
    print(
        f"embedding fact-checks: {rate:.0f} a second (the build cost: "
        f"{args.count / rate / 60:.0f} min for {args.count:,}, once; unchanged ones are reused)"
    )
    print(f"BM25 alone (baseline):  {summary(bare)}")
    print(
        f"match one claim ({weights.candidates} + {weights.nearest} candidates, meaning): "
        f"{summary(combined)} over {len(combined)} claims (goal < {GOAL_MS:.0f} ms)"
    )
    ratio = statistics.median(combined) / statistics.median(bare)
    print(f"ratio to BM25 alone: {ratio:.2f}x (median)")
    return 0 if statistics.median(combined) < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
