"""Benchmark: audit-chain verification against the hashlib limit (``make bench``; not a test).

Builds N events in memory the way ``factcheck.audit.log.record`` writes them (canonical JSON
bodies, chained SHA-256), then times

* ``verify_rows`` over the row tuples (hash recomputation, seq and linkage checks, and the check
  that every copied column matches the body), and
* hashlib alone over the same ``prev_hash + "\\n" + body`` bytes, already encoded: the floor.

and prints events/s for both and their ratio (goal: at least 0.3).

    .venv/bin/python bench/bench_audit.py [--events 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.audit.log import canonical_json, chain_hash
from factcheck.audit.verify import GENESIS_HASH, verify_rows

GOAL = 0.3
ACTORS = [(i, f"person{i}@newsroom.example") for i in range(1, 41)]
SENTENCE = (
    "Selon le Pentagone, environ 10 000 soldats nord-coréens ont été envoyés dans la région "
    "russe de Koursk, a rappelé Mark Rutte, le secrétaire général de l'OTAN."
)


def _claim_snapshot(rnd: random.Random) -> dict[str, Any]:
    """A ``claim.create`` snapshot of every claim field, as extraction writes it."""
    start = rnd.randrange(0, 4000)
    after = {
        "article_id": rnd.randrange(1, 3000),
        "text": SENTENCE,
        "start_offset": start,
        "end_offset": start + len(SENTENCE),
        "claim_reviewed": SENTENCE[:74],
        "claimant_name": "Mark Rutte",
        "claimant_type": "Person",
        "claimant_same_as": None,
        "claim_date": "2026-11-28",
        "appearance_url": None,
        "appearance_headline": "Message de Rutte à Trump : les troupes nord-coréennes",
        "language": "fr",
        "score": repr(round(rnd.random(), 4)),
        "reasons": ["chiffre", "source officielle", "verbe de déclaration"],
        "quantities": [{"text": "10 000 soldats", "value": "10000", "unit": "soldats"}],
        "status": "new",
        "dismiss_reason": None,
        "duplicate_of_id": None,
        "assignee_id": None,
        "priority": 0,
        "published_verdict_id": None,
        "slug": None,
        "published_at": None,
        "version": 1,
    }
    return {k: {"before": None, "after": v} for k, v in after.items()}


def _changes(kind: str, rnd: random.Random) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(action, entity type, changes, data) for one event of the desk's usual kinds."""
    v = rnd.randrange(1, 9)
    if kind == "create":
        return "claim.create", "claim", _claim_snapshot(rnd), {"origin": "extraction"}
    if kind == "status":
        return (
            "claim.status",
            "claim",
            {
                "status": {"before": "new", "after": "queued"},
                "version": {"before": v, "after": v + 1},
            },
            {},
        )
    if kind == "edit":
        return (
            "claim.edit",
            "claim",
            {
                "claim_reviewed": {"before": SENTENCE[:74], "after": "10 000 soldats à Koursk"},
                "priority": {"before": 0, "after": 2},
                "version": {"before": v, "after": v + 1},
            },
            {},
        )
    if kind == "source":
        return (
            "source.add",
            "source",
            {
                "url": {"before": None, "after": "https://www.defense.gov/News/Transcripts/"},
                "title": {"before": None, "after": "Pentagon press briefing"},
                "stance": {"before": None, "after": "supports"},
                "excerpt": {"before": None, "after": "roughly 10,000 North Korean soldiers"},
            },
            {"claim_id": rnd.randrange(1, 50_000)},
        )
    if kind == "note":
        return (
            "note.add",
            "note",
            {
                "body": {"before": None, "after": "Vérifier la date du briefing et la source."},
            },
            {"claim_id": rnd.randrange(1, 50_000)},
        )
    return "login.success", "user", {}, {"session_id": rnd.randrange(1, 10**6)}


# A day at the desk: extraction creates many claims; reviewers edit, move, source and annotate.
KINDS = ["create"] * 3 + ["status"] * 2 + ["edit", "source", "note", "login"]


def build_events(n: int, seed: int = 20261129) -> list[tuple[object, ...]]:
    """N events as row tuples in ``COLUMNS`` order, as ``stream_rows`` yields them."""
    rnd = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[tuple[object, ...]] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        action, etype, changes, data = _changes(KINDS[seq % len(KINDS)], rnd)
        actor_id, actor = ACTORS[rnd.randrange(len(ACTORS))]
        occurred = start + timedelta(seconds=seq * 3, microseconds=rnd.randrange(1_000_000))
        stamp = occurred.isoformat().replace("+00:00", "Z")
        entity_id = str(rnd.randrange(1, 50_000))
        request_id = f"{rnd.getrandbits(128):032x}"
        client_addr = f"10.0.{actor_id}.{rnd.randrange(1, 4)}"  # a few desks per person
        body = canonical_json(
            {
                "seq": seq,
                "occurred_at": stamp,
                "actor": actor,
                "actor_id": actor_id,
                "action": action,
                "entity_type": etype,
                "entity_id": entity_id,
                "changes": changes,
                "data": data,
                "request_id": request_id,
                "client_addr": client_addr,
            }
        )
        digest = chain_hash(prev, body)
        rows.append(
            (
                seq,
                stamp,
                actor_id,
                actor,
                action,
                etype,
                entity_id,
                request_id,
                client_addr,
                body.encode(),
                prev,
                digest,
            )
        )
        prev = digest
    return rows


def time_verify(rows: list[tuple[object, ...]]) -> float:
    started = time.process_time()
    result = verify_rows(rows)
    elapsed = time.process_time() - started
    assert result.ok and result.count == len(rows), result
    return elapsed


def time_hashlib(payloads: list[bytes]) -> float:
    sha256 = hashlib.sha256
    started = time.process_time()
    for payload in payloads:
        sha256(payload).hexdigest()
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()

    t0 = time.process_time()
    rows = build_events(args.events)
    payloads = [str(r[10]).encode() + b"\n" + bytes(r[9]) for r in rows]  # type: ignore[arg-type]
    mb = sum(len(p) for p in payloads) / 1e6
    print(f"built {len(rows):,} events ({mb:,.0f} MB hashed) in {time.process_time() - t0:.1f} s")

    # Interleaved, best of N each: the machine's load affects both the same way.
    gc.disable()
    verify_s = hash_s = float("inf")
    for _ in range(args.repeat):
        verify_s = min(verify_s, time_verify(rows))
        hash_s = min(hash_s, time_hashlib(payloads))
    gc.enable()

    n = len(rows)
    verify_rate, hash_rate = n / verify_s, n / hash_s
    ratio = verify_rate / hash_rate
    print(f"verify:          {verify_rate:>12,.0f} events/s  ({verify_s:.2f} s)")
    print(f"hashlib alone:   {hash_rate:>12,.0f} events/s  ({hash_s:.2f} s)")
    print(f"ratio:           {ratio:>12.2f}  (goal >= {GOAL})")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
