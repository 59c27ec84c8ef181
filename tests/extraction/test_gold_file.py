"""The seed copy in seeds/ is the one in ../shared; gold.md still names what we test."""

from __future__ import annotations

import pytest

from .seed import SEED, SHARED

GOLD_DIR = SHARED / "seed-article"


@pytest.mark.shared
@pytest.mark.skipif(not GOLD_DIR.is_dir(), reason=f"../shared seed article not found at {GOLD_DIR}")
def test_seed_copy_matches_shared() -> None:
    shared = (GOLD_DIR / SEED.name).read_bytes()
    assert SEED.read_bytes() == shared
    gold = (GOLD_DIR / "gold.md").read_text(encoding="utf-8")
    for marker in ("M1", "M2", "Pentagone (Organization)", "23 of 32 members"):
        assert marker in gold
