"""The one place outlets and snapshots fetch from the web.

Everything here goes through :func:`fetch`, which hands the request to the project's fetcher and
answers the raw response (status, headers, bytes) that polling and snapshots both need: polling
reads the validators and the body, snapshots write them to a WARC record as received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from flask import current_app

from factcheck.articles.reading import FETCH_TIMEOUT, _reason, _refuse_private_host
from factcheck.domain import ValidationError
from factcheck.models import utcnow
from factcheck.validation import clean_url

USER_AGENT = "factcheck/0.1 (+newsroom fact-check desk)"
MAX_REDIRECTS = 5


class FetchError(ValidationError):
    """The address could not be fetched; the message says why (shown to the user as is)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def content_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in (self.header("Content-Type") or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None

    def text(self) -> str:
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def allow_private() -> bool:
    return bool(current_app.config.get("FETCH_ALLOW_PRIVATE"))


def fetch(
    url: str,
    *,
    accept: str,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET ``url`` (conditional when validators are given): a 2xx or 304 answer, else FetchError.

    Every hop of a redirect is checked like the first address; a body larger than ``max_bytes``
    is refused without reading further.
    """
    address = clean_url(url, "url", required=True)
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = urllib3.PoolManager(timeout=FETCH_TIMEOUT, retries=False)
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"{url} redirected to a non-http address", field="url")
        if not allow_private():
            try:
                _refuse_private_host(parts.hostname or "")
            except ValidationError as exc:
                raise FetchError(exc.message, field="url") from None
        try:
            response = http.request(
                "GET", address, headers=headers, preload_content=False, redirect=False
            )
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"could not reach {address}: {_reason(exc)}", field="url") from None
        try:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
                address = urljoin(address, response.headers["Location"])
                continue
            if response.status != 304 and not 200 <= response.status < 300:
                raise FetchError(f"{address} answered HTTP {response.status}", field="url")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"{address} is too large ({int(declared):,} bytes; the limit is "
                    f"{max_bytes:,})",
                    field="url",
                )
            try:
                body = response.read(max_bytes + 1, decode_content=True)
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(
                    f"could not read {address}: {_reason(exc)}", field="url"
                ) from None
            if len(body) > max_bytes:
                raise FetchError(
                    f"{address} is larger than the limit of {max_bytes:,} bytes", field="url"
                )
            return Fetched(
                url=address,
                status=response.status,
                reason=response.reason or "",
                headers=list(response.headers.items()),
                body=body,
                fetched_at=utcnow(),
                http_version="HTTP/1.0" if response.version == 10 else "HTTP/1.1",
            )
        finally:
            response.release_conn()
    raise FetchError(f"{url} redirected more than {MAX_REDIRECTS} times", field="url")
