"""Fetching a feed or page of fact-checks over HTTP, with the URL-ingestion guards.

Private and loopback addresses are refused unless ``FETCH_ALLOW_PRIVATE`` is set; the body is
size-limited and must be JSON, JSON Lines or HTML. (The SSRF-safe fetcher of the job layer
replaces this when it lands: the call site is ``fetch_document`` only.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

import urllib3

from factcheck.articles.reading import FETCH_TIMEOUT, _reason, _refuse_private_host
from factcheck.domain import ValidationError
from factcheck.validation import clean_url

MAX_FEED_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES = (
    "application/json",
    "application/ld+json",
    "application/x-ndjson",
    "application/jsonl",
    "application/json-seq",
    "text/html",
    "application/xhtml+xml",
    "text/plain",
)


def fetch_document(url: str, *, allow_private: bool = False) -> bytes:
    """Download ``url`` (JSON, JSON Lines or an HTML page) and return its bytes."""
    address = clean_url(url, "url", required=True)
    if not allow_private:
        _refuse_private_host(urlsplit(address).hostname or "")
    http = urllib3.PoolManager(timeout=FETCH_TIMEOUT, retries=urllib3.Retry(total=2, redirect=0))
    try:
        response = http.request(
            "GET",
            address,
            preload_content=False,
            redirect=False,
            headers={
                "User-Agent": "factcheck/0.1 (+newsroom fact-check desk)",
                "Accept": "application/ld+json, application/json, text/html;q=0.8",
            },
        )
    except urllib3.exceptions.HTTPError as exc:
        raise ValidationError(f"could not reach {address}: {_reason(exc)}", field="url") from None
    try:
        if response.status != 200:
            raise ValidationError(f"{address} answered HTTP {response.status}", field="url")
        kind = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind and kind not in ACCEPTED_TYPES:
            raise ValidationError(
                f"{address} is not JSON or HTML (Content-Type: {kind})", field="url"
            )
        data = response.read(MAX_FEED_BYTES + 1, decode_content=True)
    finally:
        response.release_conn()
    if len(data) > MAX_FEED_BYTES:
        raise ValidationError(f"{address} is larger than {MAX_FEED_BYTES:,} bytes", field="url")
    return bytes(data)
