"""Reading what an outlet publishes: RSS and Atom (feedparser), sitemaps and feed discovery
(trafilatura's helpers). Nothing here fetches; it reads bytes that :mod:`outlets.fetch` got.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import feedparser
from flask_babel import gettext as _
from trafilatura.feeds import FeedParameters, determine_feed
from trafilatura.sitemaps import DETECT_SITEMAP_LINK, SitemapObject, extract_robots_sitemaps
from trafilatura.utils import safe_relative_url

from factcheck.domain import ValidationError
from factcheck.languages import SUPPORTED_LANGUAGES
from factcheck.models import OutletKind

# Problems feedparser reports that do not make a feed unreliable: a charset declared wrongly,
# or XML served as text/plain. Anything else (XML that is not well-formed) is refused whole.
_BENIGN = (
    feedparser.exceptions.CharacterEncodingOverride,
    feedparser.exceptions.NonXMLContentType,
)
MAX_ENTRIES = 500  # links read from one feed or sitemap; the rest wait for later polls
SITEMAP_GUESSES = ("sitemap.xml", "sitemap_index.xml")


@dataclass(frozen=True)
class Entry:
    url: str
    title: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Listing:
    """What one feed or sitemap lists: article links, and (sitemap indexes) further sitemaps."""

    kind: OutletKind
    entries: list[Entry]
    sitemaps: list[str]
    language: str | None = None


def sniff(body: bytes, content_type: str) -> OutletKind | None:
    """RSS, Atom, a sitemap, or a web page (``SITE``); ``None`` when it is none of those."""
    head = body[:2048].lstrip().lower()
    if b"<rss" in head or b"<rdf:rdf" in head:
        return OutletKind.RSS
    if b"<feed" in head:
        return OutletKind.ATOM
    if b"<urlset" in head or b"<sitemapindex" in head:
        return OutletKind.SITEMAP
    if content_type in ("text/html", "application/xhtml+xml") or b"<html" in head:
        return OutletKind.SITE
    return None


def language_code(value: str | None) -> str | None:
    """``fr-FR`` → ``fr``; a language the extractor does not speak → ``None`` (detect it)."""
    code = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED_LANGUAGES else None


def read_listing(body: bytes, url: str, content_type: str) -> Listing:
    """Parse a feed or sitemap; a malformed or unknown document is a ValidationError naming why."""
    kind = sniff(body, content_type)
    if kind in (OutletKind.RSS, OutletKind.ATOM):
        return parse_feed(body, url)
    if kind is OutletKind.SITEMAP:
        return parse_sitemap(body, url)
    if kind is OutletKind.SITE:
        raise ValidationError(
            _("%(url)s is a web page, not a feed or a sitemap", url=url), field="url"
        )
    raise ValidationError(
        _(
            "%(url)s is not an RSS or Atom feed or a sitemap (Content-Type: %(type)s)",
            url=url,
            type=content_type or "none",
        ),
        field="url",
    )


def parse_feed(body: bytes, url: str) -> Listing:
    """The entries of an RSS or Atom feed, by feedparser (never handed a URL: it would fetch)."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        raise ValidationError(
            _("the feed at %(url)s is malformed: %(problem)s", url=url, problem=_describe(problem))
            if problem
            else _("%(url)s is not an RSS or Atom feed", url=url),
            field="url",
        )
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, _BENIGN):
        raise ValidationError(
            _(
                "the feed at %(url)s is malformed: %(problem)s",
                url=url,
                problem=_describe(parsed.get("bozo_exception")),
            ),
            field="url",
        )
    feed_language = language_code(parsed.feed.get("language"))
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = _http_link(item.get("link"), url)
        if link is None:
            continue
        entries.append(
            Entry(
                url=link,
                title=(item.get("title") or "").strip() or None,
                language=language_code(item.get("language")) or feed_language,
            )
        )
    kind = OutletKind.ATOM if str(parsed.version).startswith("atom") else OutletKind.RSS
    return Listing(kind=kind, entries=entries, sitemaps=[], language=feed_language)


def _describe(problem: object) -> str:
    text = str(getattr(problem, "getMessage", lambda: problem)()) if problem else "unreadable"
    return " ".join(text.split())[:300]


def _http_link(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    absolute = safe_relative_url(base, link.strip())
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


class _Sitemap(SitemapObject):
    """trafilatura's sitemap reader, keeping links on the sitemap's own host.

    Its own domain filter (courlan) drops IP-address and single-label hosts, which newsroom
    intranets and test servers use; the rest (XML reading without entities or network, text
    sitemaps, nested sitemaps) is trafilatura's.
    """

    def handle_link(self, link: str) -> None:
        if link == self.current_url:
            return
        absolute = _http_link(link, self.base_url)
        if absolute is None or urlsplit(absolute).netloc != urlsplit(self.base_url).netloc:
            return
        if DETECT_SITEMAP_LINK.search(absolute):
            self.sitemap_urls.append(absolute)
        else:
            self.urls.append(absolute)


def parse_sitemap(body: bytes, url: str) -> Listing:
    """The page links and nested sitemaps of a sitemap (``urlset``, ``sitemapindex`` or text)."""
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    sitemap = _Sitemap(base, parts.netloc, [])
    sitemap.current_url = url
    sitemap.content = body.decode("utf-8", errors="replace")
    sitemap.process()
    if not sitemap.urls and not sitemap.sitemap_urls:
        raise ValidationError(
            _("the sitemap at %(url)s lists no page of %(host)s", url=url, host=parts.netloc),
            field="url",
        )
    entries = [Entry(url=u) for u in dict.fromkeys(sitemap.urls)][:MAX_ENTRIES]
    return Listing(
        kind=OutletKind.SITEMAP, entries=entries, sitemaps=list(dict.fromkeys(sitemap.sitemap_urls))
    )


def discover_feeds(html: str, page_url: str) -> list[str]:
    """Feed addresses a web page announces (``<link rel=alternate>``, else likely ``<a>``)."""
    parts = urlsplit(page_url)
    base = f"{parts.scheme}://{parts.netloc}"
    return determine_feed(html, FeedParameters(base, parts.netloc, page_url))


def site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sitemap_candidates(robots_txt: str | None, page_url: str) -> list[str]:
    """Sitemaps named in robots.txt, else the usual places."""
    base = site_root(page_url)
    found = extract_robots_sitemaps(robots_txt, base) if robots_txt else []
    return found or [f"{base}/{name}" for name in SITEMAP_GUESSES]
