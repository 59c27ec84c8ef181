"""Helpers to load the seed article the way ``factcheck.articles.parsing`` will hand it over."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_8d320c1e2e7514cc.txt"
SHARED = REPO / ".." / "shared"
CT24 = SHARED / "data" / "ct24-checkworthy-en"
JUNK_TAIL = ("Laisser un commentaire", "vingt + dix =")


def seed_body() -> str:
    """The article body: after title, byline and headline blocks, without the trailing junk."""
    raw = SEED.read_text(encoding="utf-8")
    blocks = raw.split("\n\n")[3:]
    while blocks and blocks[-1].strip() in JUNK_TAIL:
        blocks.pop()
    return "\n\n".join(blocks)


def seed_junk() -> list[str]:
    """The lines that must never be extracted: title, byline, headline... and the junk tail."""
    raw = SEED.read_text(encoding="utf-8")
    blocks = raw.split("\n\n")
    return [blocks[0].strip(), blocks[1].strip(), *JUNK_TAIL]
