"""One round of background work: poll what is due, capture what is pending."""

from __future__ import annotations

from factcheck.outlets.polling import poll_due
from factcheck.outlets.snapshots import capture_pending


def run_round() -> tuple[int, int]:
    """Poll every due outlet and capture every pending snapshot: ``(polled, captured)``."""
    polled = len([r for r in poll_due() if r.status != "skipped"])
    captured = len(capture_pending())
    return polled, captured
