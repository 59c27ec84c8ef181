"""Benchmark matching one claim against a large fact-check memory.

    .venv/bin/python bench/bench_match.py [--count 100000] [--queries 200]

Builds the matcher over ``count`` synthetic fact-checks (claims made of a shared vocabulary of
~5,000 words, numbers and names, so the BM25 posting lists are as dense as in a real memory),
then times ``rank()`` (BM25 over the whole memory, re-ranking of the 30 best) for ``queries``
claims, and prints the build time and the median, p95 and max per claim. Goal: < 100 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.memory.matching import MatchDoc, Matcher

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    docs = synthetic(args.count)
    started = time.perf_counter()
    matcher = Matcher(docs)
    build = time.perf_counter() - started
    rng = random.Random(7)
    queries = [rng.choice(docs).text for _ in range(args.queries)]
    matcher.rank(queries[0])  # warm-up
    timings = []
    for query in queries:
        t0 = time.perf_counter()
        matcher.rank(query, top=5)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"memory of {args.count:,} fact-checks: index built in {build:.1f} s")
    print(
        f"match one claim: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms over {len(timings)} claims (goal < {GOAL_MS:.0f} ms)"
    )
    return 0 if p95 < GOAL_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
