"""Benchmark the streamed ClaimReview export against orjson on the same data, in one run.

    .venv/bin/python bench/bench_export.py [--count 100000]

Streams ``count`` synthetic reviews through ``write_feed`` (JSON DataFeed and JSON Lines) to a
temporary file, then serialises the same precomputed dicts with ``orjson.dumps`` (one call on
the whole feed, built up front and untimed, as a non-streaming exporter would; and one call per
line), and prints reviews/s, the ratio and the peak traced memory of each. Memory is measured
in a second pass so tracemalloc does not distort the timings.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from factcheck.publishing.jsonld.build import (
    Organisation,
    ReviewData,
    build_claim_review,
    data_feed,
    write_feed,
)

ORG = Organisation(name="Le Desk", url="https://verif.example.fr/")
START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic(count: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` distinct ClaimReviews built by the real builder."""
    for n in range(count):
        yield build_claim_review(
            ReviewData(
                url=f"/fc/{n}",
                claim_reviewed=f"Affirmation n° {n} : 23 des 32 membres de l'OTAN à 2 % du PIB",
                date_published=START + timedelta(minutes=n),
                in_language="fr",
                rating_label=("Faux", "Plutôt faux", "Trompeur", "Plutôt vrai", "Vrai")[n % 5],
                rating_value=n % 5 + 1,
                best_rating=5,
                worst_rating=1,
                summary="Le rapport publié en juin par l'OTAN le confirme.",
                claimant_name="Mark Rutte",
                claimant_type="Person",
                appearance_url=f"https://news.example.com/article/{n}",
            ),
            ORG,
        )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    count = parser.parse_args().count

    precomputed = list(synthetic(count))
    feed = data_feed(precomputed, ORG)  # the same document write_feed streams, built up front
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "feed")

        def stream(fmt: str, items: Any) -> Callable[[], object]:
            def run() -> None:
                with open(path, "w", encoding="utf-8") as fp:
                    write_feed(items(), fp, format=fmt, org=ORG)  # type: ignore[arg-type]

            return run

        def orjson_feed() -> None:
            with open(path, "wb") as fp:
                fp.write(orjson.dumps(feed))

        def orjson_lines() -> None:
            with open(path, "wb") as fp:
                fp.write(b"\n".join(orjson.dumps(item) for item in precomputed) + b"\n")

        rows = [
            ("write_feed json (precomputed dicts)", stream("json", lambda: iter(precomputed))),
            ("write_feed jsonl (precomputed dicts)", stream("jsonl", lambda: iter(precomputed))),
            ("orjson.dumps DataFeed (whole list)", orjson_feed),
            ("orjson.dumps per line (jsonl)", orjson_lines),
        ]
        seconds = {name: timed(action) for name, action in rows}
        size = os.path.getsize(path)
        build_and_stream = timed(stream("json", lambda: synthetic(count)))
        build_peak = peak(stream("json", lambda: synthetic(count)))
        peaks = {name: peak(action) for name, action in rows}

    print(f"{count:,} reviews; jsonl file {size / 1e6:.1f} MB\n")
    print(f"{'':40} {'reviews/s':>12} {'seconds':>8} {'peak MB':>8}")
    for name, _ in rows:
        rate = count / seconds[name]
        print(f"{name:40} {rate:>12,.0f} {seconds[name]:>8.2f} {peaks[name] / 1e6:>8.1f}")
    print(
        f"{'build_claim_review + write_feed json':40} {count / build_and_stream:>12,.0f} "
        f"{build_and_stream:>8.2f} {build_peak / 1e6:>8.1f}"
    )
    ratio = (
        seconds["write_feed json (precomputed dicts)"]
        / seconds["orjson.dumps DataFeed (whole list)"]
    )
    ratio_lines = (
        seconds["write_feed jsonl (precomputed dicts)"] / seconds["orjson.dumps per line (jsonl)"]
    )
    print(f"\nwrite_feed / orjson time ratio: json {ratio:.1f}x, jsonl {ratio_lines:.1f}x")
    print(
        "peak memory excludes the precomputed list itself for the first four rows; the "
        "build + stream row holds no list at all."
    )


if __name__ == "__main__":
    main()
