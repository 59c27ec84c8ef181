"""An independent check of a database's audit chain, written from the design's definition."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

GENESIS = "0" * 64


def check_chain(url: str) -> int:
    """Assert seqs 1..n without gaps and hash = sha256(prev_hash + "\\n" + body); return n."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT seq, body, prev_hash, hash FROM audit_events ORDER BY seq"
            ).all()
            head = conn.exec_driver_sql("SELECT seq, hash FROM audit_chain_head").one()
    finally:
        engine.dispose()
    prev = GENESIS
    for expected, (seq, body, prev_hash, digest) in enumerate(rows, 1):
        assert seq == expected, f"gap or disorder at seq {seq} (expected {expected})"
        assert prev_hash == prev, f"prev_hash broken at seq {seq}"
        computed = hashlib.sha256(prev.encode() + b"\n" + body.encode("utf-8")).hexdigest()
        assert computed == digest, f"hash mismatch at seq {seq}"
        prev = digest
    assert tuple(head) == (len(rows), prev if rows else GENESIS), "chain head disagrees"
    return len(rows)


def table_counts(url: str, tables: list[str]) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar() for t in tables}
    finally:
        engine.dispose()
