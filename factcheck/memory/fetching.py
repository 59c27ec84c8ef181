"""Fetching a feed or page of fact-checks over HTTP, through the app's safe fetcher.

``factcheck.fetching.fetch`` refuses private and loopback addresses (also after redirects and
DNS changes) unless ``FETCH_ALLOW_PRIVATE``/``FETCH_ALLOW_HOSTS`` say otherwise, bounds time and
size, and names the problem; feeds may be larger than a page, so the size limit is raised.
Never call this inside a write transaction: fetch first, then import.
"""

from __future__ import annotations

from factcheck.fetching import FetchPolicy, fetch

MAX_FEED_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = (
    "application/json",
    "application/ld+json",
    "application/x-ndjson",
    "application/jsonl",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
)


def fetch_document(url: str) -> bytes:
    """Download ``url`` (JSON, JSON Lines or an HTML page) and return its bytes."""
    policy = FetchPolicy.current(max_bytes=MAX_FEED_BYTES)
    return fetch(url, policy=policy, accept=ACCEPTED_TYPES).body
