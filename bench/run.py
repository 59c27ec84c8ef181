"""``make bench``: every benchmark in turn, with the arguments of ``BENCH_ARGS`` passed on.

    .venv/bin/python bench/run.py [--full] [--count N] [--postgres URL] [--only NAME ...]

Default sizes (a few minutes on a quiet 2-core machine): pages, the queue and the dashboard
(with the queue's CSV) on 100,000 claims (SQLite), the export from a database of 20,000
published claims (100,000 with ``--full``), audit verify over 1,000,000 events in memory and
200,000 stored, extraction over 50,000 words, matching against 100,000 fact-checks, ingestion
of 30 pages (1,000 with ``--full``).
``--postgres URL`` adds the PostgreSQL runs (pages, queue, export, audit, and the scale run of
``bench_scale.py``); without it they are skipped with a printed reason. ``--count N`` is the
number of claims of the PostgreSQL scale run (default 100,000; ``--count 1000000`` is the
newsroom-scale run of issue 19). Each benchmark prints its ratios and goals; a failing one stops
the run.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the 100,000-row sizes everywhere")
    parser.add_argument("--count", type=int, default=100_000, help="claims of the scale run")
    parser.add_argument("--postgres", help="a PostgreSQL URL (its runs are skipped without)")
    parser.add_argument("--only", nargs="+", help="run only these (e.g. pages export)")
    args = parser.parse_args()
    pg = ["--postgres", args.postgres] if args.postgres else []
    plan: list[tuple[str, list[str]]] = [
        ("pages", ["--count", "100000", *pg]),
        ("queue", ["--count", "100000", *pg]),
        ("dashboard", ["--count", "100000"]),
        ("export", ["--db-count", "100000" if args.full else "20000", *pg]),
        ("audit", pg),
        ("extraction", []),
        ("match", []),
        ("ingest", ["--count", "1000" if args.full else "30"]),
        ("scale", ["--count", str(args.count), *pg]),
    ]
    if not args.postgres:
        print("PostgreSQL runs skipped: no --postgres URL (make bench BENCH_ARGS='--postgres URL')")
    for name, extra in plan:
        if args.only and name not in args.only:
            continue
        command = [sys.executable, str(HERE / f"bench_{name}.py"), *extra]
        print(f"\n== bench/bench_{name}.py {' '.join(extra)}", flush=True)
        started = time.perf_counter()
        done = subprocess.run(command, check=False)
        print(f"== bench_{name}: {time.perf_counter() - started:.0f} s", flush=True)
        if done.returncode != 0:
            print(f"bench_{name} failed (exit {done.returncode})")
            return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
