"""Split an article body into paragraphs of plain and highlighted-claim segments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext

from factcheck.models import Claim


@dataclass(frozen=True)
class Segment:
    text: str
    claim: Claim | None = None


def paragraph_segments(body: str, claims: Sequence[Claim]) -> list[list[Segment]]:
    """Paragraphs (blank-line separated) of ``body`` with claim spans marked, offsets preserved."""
    spans = sorted(
        (c for c in claims if c.start_offset is not None and c.end_offset is not None),
        key=lambda c: (c.start_offset or 0, -(c.end_offset or 0)),
    )
    paragraphs = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", body):
        start, end = match.span()
        segments, pos = [], start
        for claim in spans:
            c_start, c_end = claim.start_offset or 0, claim.end_offset or 0
            if c_start < pos or c_end > end or c_start >= end:
                continue  # overlapping or outside this paragraph
            if c_start > pos:
                segments.append(Segment(body[pos:c_start]))
            segments.append(Segment(body[c_start:c_end], claim))
            pos = c_end
        if pos < end:
            segments.append(Segment(body[pos:end]))
        paragraphs.append(segments)
    return paragraphs


SORTS = ("score", "position")


@dataclass(frozen=True)
class ClaimView:
    """How the article page lists its claims: ``sort`` by score (highest first; claims added by
    hand, which have no score, after the scored ones) or by position in the text, and only those
    scoring at least ``min_score`` (a calibrated probability, 0-1) when it is set."""

    sort: str = "score"
    min_score: float | None = None
    error: str | None = None

    @classmethod
    def from_args(cls, args: dict[str, str]) -> ClaimView:
        """Read ``sort`` and ``min_score`` from the query string; a bad value is named and
        ignored."""
        sort = args.get("sort") or "score"
        if sort not in SORTS:
            return cls(error=gettext("sort must be one of: %(sorts)s", sorts=", ".join(SORTS)))
        raw = (args.get("min_score") or "").strip()
        if not raw:
            return cls(sort=sort)
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0.0 <= value <= 1.0:
            return cls(sort=sort, error=gettext("min_score must be a number from 0 to 1"))
        return cls(sort=sort, min_score=value)

    def apply(self, claims: Sequence[Claim]) -> list[Claim]:
        """The claims to list, in order."""
        kept = [
            c
            for c in claims
            if self.min_score is None or (c.score is not None and c.score >= self.min_score)
        ]
        if self.sort == "position":
            return sorted(kept, key=lambda c: (c.start_offset is None, c.start_offset or 0, c.id))
        return sorted(kept, key=lambda c: (c.score is not None, c.score or 0.0, c.id), reverse=True)
