"""The one place outlets and snapshots fetch from the web: the project's SSRF-safe fetcher.

:func:`fetch` hands the request to :func:`factcheck.fetching.fetch` (every hop checked, a total
deadline, a byte cap) and adds what polling and snapshots need on top: conditional GET
(``If-None-Match`` / ``If-Modified-Since``, a 304 is an answer), a per-caller byte cap, and the
fetch time, so a snapshot can write the response to a WARC record as it was received.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus

from factcheck import fetching
from factcheck.fetching import FEED_TYPES, HTML_TYPES, FetchError
from factcheck.models import utcnow

__all__ = ["FEED_TYPES", "HTML_TYPES", "FetchError", "Fetched", "fetch"]


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    content_type: str
    charset: str | None
    fetched_at: datetime
    http_version: str = "HTTP/1.1"

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def fetch(
    url: str,
    *,
    accept: Sequence[str],
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET ``url`` under the app's fetch policy, at most ``max_bytes``; conditional when
    validators are given (then a 304 comes back as an answer with an empty body)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    policy = fetching.FetchPolicy.current(max_bytes=max_bytes)
    got = fetching.fetch(url, policy=policy, accept=accept, headers=headers)
    return Fetched(
        url=got.url,
        status=got.status,
        headers=list(got.headers.items()),
        body=got.body,
        content_type=got.content_type,
        charset=got.charset,
        fetched_at=utcnow(),
    )
