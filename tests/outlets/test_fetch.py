"""The fetcher's conditional GET, which polling relies on: a 304 is an answer only when asked."""

from __future__ import annotations

import pytest

from factcheck.fetching import FetchRefused
from factcheck.outlets.fetch import FEED_TYPES, fetch

pytestmark = pytest.mark.usefixtures("ctx")


def test_304_answers_a_conditional_request_and_is_refused_otherwise(site):
    url = site.set("/feed.xml", "<rss/>", content_type="application/rss+xml", etag='"v2"')
    full = fetch(url, accept=FEED_TYPES, max_bytes=1000)
    assert full.status == 200 and full.header("ETag") == '"v2"' and full.body == b"<rss/>"

    same = fetch(url, accept=FEED_TYPES, max_bytes=1000, etag='"v2"')
    assert same.status == 304 and same.body == b""
    assert site.hits[-1][1]["If-None-Match"] == '"v2"'

    site.set("/odd", b"", status=304)
    with pytest.raises(FetchRefused, match="HTTP 304"):
        fetch(site.url("/odd"), accept=FEED_TYPES, max_bytes=1000)


def test_the_byte_cap_is_the_callers(site):
    url = site.set("/big.xml", "x" * 5000, content_type="application/xml")
    with pytest.raises(FetchRefused, match="larger than 1,000 bytes"):
        fetch(url, accept=FEED_TYPES, max_bytes=1000)
    assert len(fetch(url, accept=FEED_TYPES, max_bytes=10_000).body) == 5000
