"""Split an article body into paragraphs of plain and highlighted-claim segments."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
