"""Handing polls and captures to the background worker.

Requests never fetch: they store what is due (an outlet's ``next_poll_at``, a pending snapshot)
and call these functions after their commit. A worker (``factcheck sources run``) polls what is
due and captures what is pending, so nothing is lost when no job queue is configured.
"""

from __future__ import annotations


def poll_soon(outlet_id: int) -> None:
    """Ask for a poll of ``outlet_id`` soon (it is already due in the database)."""


def capture_soon() -> None:
    """Ask for the pending snapshots to be captured soon."""
