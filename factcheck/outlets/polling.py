"""Polling one outlet: what a worker runs, outside any request.

The order is what keeps one slow or broken outlet from hurting anyone else: take the poll
(a short transaction that moves ``next_poll_at`` on, so no other worker polls it too), fetch
with no transaction open (conditional GET, bounded size and time), then store each new article
in its own transaction through the ingestion service (dedup by content hash; its claims go to
``new``), and last store the poll's result. An article that cannot be read is skipped whole:
nothing of it is stored, and the outlet's last error names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.articles.reading import MAX_DOCUMENT_BYTES, parse_html
from factcheck.articles.services import (
    canonical_url,
    extract_candidates,
    find_by_hash,
    ingest_article,
)
from factcheck.config import settings
from factcheck.database import write_intent
from factcheck.domain import DomainError, ValidationError
from factcheck.extensions import db
from factcheck.models import Article, Outlet, OutletKind
from factcheck.outlets import feeds, services
from factcheck.outlets.fetch import FEED_TYPES, HTML_TYPES, Fetched, FetchError, fetch

# A feed or sitemap, or a page that is one by mistake (sniffed, then refused by name).
FEED_ACCEPT = (*FEED_TYPES, "application/rdf+xml", "text/plain", *HTML_TYPES)
MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_NESTED_SITEMAPS = 5
MAX_DISCOVERY_CANDIDATES = 3
LEASE_SECONDS = 600  # a worker that dies mid-poll gives the outlet back after this long


@dataclass
class PollReport:
    outlet_id: int
    status: str  # "ok", "not_modified", "failed" or "skipped"
    new_articles: int = 0
    listed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        return self.errors[0] if self.errors else None


@dataclass(frozen=True)
class _Target:
    id: int
    url: str
    kind: OutletKind
    feed_url: str | None
    language: str | None
    name: str | None
    etag: str | None
    last_modified: str | None


def poll_due(on_outlet: Callable[[PollReport], None] | None = None) -> list[PollReport]:
    """Poll every outlet that is due, one after the other."""
    reports = []
    for outlet_id in services.due_outlets(db.session):
        db.session.rollback()  # end the read before the first fetch
        report = poll_outlet(outlet_id)
        reports.append(report)
        if on_outlet:
            on_outlet(report)
    db.session.rollback()
    return reports


def poll_outlet(outlet_id: int, *, force: bool = False) -> PollReport:
    """Poll one outlet now if it is due (or ``force``), and store what it found."""
    target = _take(outlet_id, force=force)
    if target is None:
        return PollReport(outlet_id, "skipped")
    try:
        listing, answer, feed_url = _read_listing(target)
    except DomainError as exc:
        _finish(target, services.PollOutcome(ok=False, error=exc.message))
        return PollReport(outlet_id, "failed", errors=[exc.message])
    if listing is None:  # 304 Not Modified: nothing new, by the outlet's own word
        _finish(target, services.PollOutcome(ok=True, not_modified=True))
        return PollReport(outlet_id, "not_modified")
    report = PollReport(outlet_id, "ok", listed=len(listing.entries))
    fresh = _unknown(listing.entries)
    limit = settings().outlet_max_articles_per_poll
    for entry in fresh[:limit]:
        problem = _ingest_entry(entry, target)
        if problem is None:
            report.new_articles += 1
        elif problem != "":
            report.errors.append(problem)
    if len(fresh) > limit:
        report.errors.append(
            f"{len(fresh) - limit} more new links wait for the next poll "
            f"(at most {limit} articles are read per poll)"
        )
    message = None
    if report.errors:
        count = len(report.errors)
        message = f"{count} problem{'s' if count > 1 else ''}: " + " · ".join(report.errors[:3])
    _finish(
        target,
        services.PollOutcome(
            ok=True,
            new_articles=report.new_articles,
            error=message,
            etag=answer.header("ETag") if answer else None,
            last_modified=answer.header("Last-Modified") if answer else None,
            keep_validators=not report.errors,
            feed_url=feed_url,
        ),
    )
    return report


def _take(outlet_id: int, *, force: bool) -> _Target | None:
    with write_intent():
        try:
            if not services.lease(db.session, outlet_id, seconds=LEASE_SECONDS, force=force):
                db.session.rollback()
                return None
            outlet = db.session.get(Outlet, outlet_id, populate_existing=True)
            assert outlet is not None
            target = _Target(
                id=outlet.id,
                url=outlet.url,
                kind=outlet.kind,
                feed_url=outlet.feed_url,
                language=outlet.language,
                name=outlet.name,
                etag=outlet.etag,
                last_modified=outlet.last_modified,
            )
            db.session.commit()
            return target
        except Exception:
            db.session.rollback()
            raise


def _finish(target: _Target, outcome: services.PollOutcome) -> None:
    max_backoff = settings().outlet_max_backoff
    with write_intent():
        try:
            outlet = db.session.get(Outlet, target.id, populate_existing=True)
            if outlet is not None:  # removed while it was being polled: nothing to record
                services.record_poll(db.session, outlet, outcome, max_backoff=max_backoff)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise


def _read_listing(target: _Target) -> tuple[feeds.Listing | None, Fetched, str | None]:
    """Fetch the outlet's feed or sitemap (discovering it for a site): ``(listing, answer,
    discovered feed url)``; ``listing`` is ``None`` when the outlet answered 304."""
    discovered = None
    url = target.feed_url
    if url is None:
        url = discovered = _discover(target.url)
    answer = fetch(
        url,
        accept=FEED_ACCEPT,
        max_bytes=MAX_FEED_BYTES,
        etag=target.etag,
        last_modified=target.last_modified,
    )
    if answer.status == 304:
        return None, answer, discovered
    listing = feeds.read_listing(answer.body, answer.url, answer.content_type)
    if listing.sitemaps:
        listing = _nested(listing)
    return listing, answer, discovered


def _nested(listing: feeds.Listing) -> feeds.Listing:
    """Read the sitemaps a sitemap index lists (a few per poll), adding their pages."""
    entries = list(listing.entries)
    for sitemap_url in listing.sitemaps[:MAX_NESTED_SITEMAPS]:
        answer = fetch(sitemap_url, accept=FEED_ACCEPT, max_bytes=MAX_FEED_BYTES)
        inner = feeds.read_listing(answer.body, answer.url, answer.content_type)
        entries.extend(inner.entries)
    unique = list({e.url: e for e in entries}.values())[: feeds.MAX_ENTRIES]
    return feeds.Listing(kind=listing.kind, entries=unique, sitemaps=[])


def _discover(site_url: str) -> str:
    """The feed a site announces, else a sitemap from robots.txt or the usual places."""
    page = fetch(site_url, accept=FEED_ACCEPT, max_bytes=MAX_FEED_BYTES)
    kind = feeds.sniff(page.body, page.content_type)
    if kind in (OutletKind.RSS, OutletKind.ATOM, OutletKind.SITEMAP):
        return page.url  # the address given was a feed or sitemap after all
    for candidate in feeds.discover_feeds(page.text(), page.url)[:MAX_DISCOVERY_CANDIDATES]:
        if _usable(candidate):
            return candidate
    try:
        robots = fetch(
            feeds.site_root(page.url) + "/robots.txt",
            accept=("text/plain",),
            max_bytes=64 * 1024,
        ).text()
    except FetchError:
        robots = None
    for candidate in feeds.sitemap_candidates(robots, page.url)[:MAX_DISCOVERY_CANDIDATES]:
        if _usable(candidate):
            return candidate
    raise ValidationError(
        _(
            "no RSS or Atom feed or sitemap was found on %(url)s: add the feed's own address",
            url=site_url,
        ),
        field="url",
    )


def _usable(url: str) -> bool:
    try:
        answer = fetch(url, accept=FEED_ACCEPT, max_bytes=MAX_FEED_BYTES)
        feeds.read_listing(answer.body, answer.url, answer.content_type)
    except DomainError:
        return False
    return True


def _unknown(entries: list[feeds.Entry]) -> list[feeds.Entry]:
    """The entries whose address no stored article has (a feed listing them again adds nothing)."""
    urls = list({canonical_url(e.url) for e in entries})
    known: set[str] = set()
    for start in range(0, len(urls), 200):
        chunk = urls[start : start + 200]
        known.update(
            u for u in db.session.scalars(sa.select(Article.url).where(Article.url.in_(chunk))) if u
        )
    db.session.rollback()  # a read only: no transaction stays open across the fetches
    return [e for e in entries if canonical_url(e.url) not in known]


def _ingest_entry(entry: feeds.Entry, target: _Target) -> str | None:
    """Fetch and store one article: ``None`` when stored, ``""`` when already on the desk, else
    the reason it was skipped (nothing of it is stored)."""
    try:
        page = fetch(entry.url, accept=HTML_TYPES, max_bytes=MAX_DOCUMENT_BYTES)
        parsed = parse_html(page.text(), url=page.url, language=target.language or entry.language)
    except DomainError as exc:
        return f"{entry.url}: {exc.message}"
    if find_by_hash(db.session, parsed.content_hash) is not None:
        db.session.rollback()
        return ""  # the same text from another address: already on the desk
    db.session.rollback()
    candidates = extract_candidates(parsed)  # slow (spaCy): before the write transaction
    with write_intent():
        try:
            result = ingest_article(
                db.session,
                parsed,
                actor=None,
                url=canonical_url(entry.url),
                publisher=target.name,
                candidates=candidates,
            )
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()  # another worker stored the same text a moment ago
            return ""
        except DomainError as exc:
            db.session.rollback()
            return f"{entry.url}: {exc.message}"
        except Exception:
            db.session.rollback()
            raise
    return None if result.created else ""
