"""Build schema.org ClaimReview JSON-LD from plain data, stream feeds, embed safely in HTML.

Nothing here knows about Flask or the database: the publishing service turns a published claim
and its verdict into a :class:`ReviewData` and the organisation settings into an
:class:`Organisation`, and gets plain ``dict``/``str`` back.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol
from urllib.parse import urljoin, urlsplit

from factcheck.languages import is_language_tag

SCHEMA_CONTEXT = "https://schema.org"
CLAIMANT_TYPES = ("Person", "Organization")
FeedFormat = Literal["json", "jsonl"]


class SupportsWriteStr(Protocol):
    def write(self, s: str, /) -> object: ...


def _require_text(name: str, value: str | None, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")


def _require_http_url(name: str, value: str | None) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {value!r}")


def _require_aware(name: str, value: datetime | None) -> None:
    if value is None:
        return
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value.isoformat()}")


# A plain path of unreserved, percent-encoded and sub-delimiter characters without "." or ".."
# segments, absolute (one leading "/") or relative (no scheme: no ":" in its first segment).
# urljoin would only put the organisation's scheme and authority (or its URL up to the last "/")
# in front of it: an export resolves one per review, so it skips the general parsing.
_PLAIN = r"(?!.*(?:^|/)\.\.?(?:/|$|[?#]))[A-Za-z0-9\-._~%!$&'()*+,;=:@/?#]*$"
_PLAIN_ABSOLUTE = re.compile(r"^/(?!/)" + _PLAIN)
_PLAIN_RELATIVE = re.compile(r"^(?=[A-Za-z0-9\-._~%!$&'()*+,;=@])(?![^/?#]*:)" + _PLAIN)


@functools.lru_cache(maxsize=32)
def _origin(url: str) -> tuple[str, str, str]:
    """(``scheme://authority``, lower-cased host, the URL a relative path is appended to)."""
    parts = urlsplit(url)
    return (
        f"{parts.scheme}://{parts.netloc}",
        (parts.hostname or "").lower(),
        urljoin(url, "x")[:-1],
    )


@dataclass(frozen=True, slots=True)
class Organisation:
    """The fact-checking organisation that publishes the reviews (the ClaimReview ``author``)."""

    name: str
    url: str
    logo_url: str | None = None
    publishing_principles: str | None = None
    corrections_policy: str | None = None
    same_as: tuple[str, ...] = ()  # the organisation's other profiles (IFCN page, Wikidata…)

    def __post_init__(self) -> None:
        _require_text("Organisation.name", self.name)
        _require_http_url("Organisation.url", self.url)
        _require_http_url("Organisation.logo_url", self.logo_url)
        _require_http_url("Organisation.publishing_principles", self.publishing_principles)
        _require_http_url("Organisation.corrections_policy", self.corrections_policy)
        if not isinstance(self.same_as, tuple):
            raise ValueError("Organisation.same_as must be a tuple of URLs")
        for link in self.same_as:
            _require_http_url("Organisation.same_as", link)

    @property
    def host(self) -> str:
        """The organisation's host name, lower-cased (``www.example.org``)."""
        return _origin(self.url)[1]

    def absolute_url(self, url_or_path: str) -> str:
        """Resolve a path against the organisation's URL; refuse absolute URLs on other hosts."""
        if _PLAIN_RELATIVE.match(url_or_path):
            return _origin(self.url)[2] + url_or_path  # what urljoin gives, without parsing
        if _PLAIN_ABSOLUTE.match(url_or_path):
            return _origin(self.url)[0] + url_or_path
        resolved = urljoin(self.url, url_or_path)
        parts = urlsplit(resolved)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != self.host:
            raise ValueError(
                f"review url {url_or_path!r} is not on the organisation's domain {self.host!r}"
            )
        return resolved


@dataclass(frozen=True, slots=True)
class ReviewData:
    """Everything one published fact-check contributes to its ClaimReview.

    ``url`` is the public page: a path (``/fact-checks/otan-2-pourcent``) resolved on the
    organisation's URL, or an absolute URL on the same host. ``summary`` (the short verdict
    explanation shown on the page) becomes ``reviewRating.ratingExplanation``;
    ``rating_definition`` (what the label means on the scale) becomes ``reviewRating.description``.
    Datetimes must be timezone-aware. ``date_modified`` is set only when a correction moved it.
    """

    url: str
    claim_reviewed: str
    date_published: datetime
    in_language: str
    rating_label: str
    rating_value: int
    best_rating: int
    worst_rating: int
    summary: str = ""
    date_modified: datetime | None = None
    rating_definition: str | None = None
    claimant_name: str | None = None
    claimant_type: str | None = None
    claimant_same_as: str | None = None
    claim_date: date | None = None
    appearance_url: str | None = None
    appearance_headline: str | None = None
    appearance_is_first: bool = False
    review_author_name: str | None = None
    headline: str | None = None

    def __post_init__(self) -> None:
        _require_text("url", self.url)
        _require_text("claim_reviewed", self.claim_reviewed)
        _require_text("rating_label", self.rating_label)
        _require_text("in_language", self.in_language)
        if not is_language_tag(self.in_language):
            raise ValueError(f"in_language must be a BCP 47 tag, not {self.in_language!r}")
        _require_aware("date_published", self.date_published)
        _require_aware("date_modified", self.date_modified)
        if self.date_modified is not None and self.date_modified < self.date_published:
            raise ValueError("date_modified must not be earlier than date_published")
        for name in ("rating_value", "best_rating", "worst_rating"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        if self.worst_rating < 1:
            raise ValueError(f"worst_rating must be at least 1, got {self.worst_rating}")
        if self.best_rating <= self.worst_rating:
            raise ValueError("best_rating must be greater than worst_rating")
        if not self.worst_rating <= self.rating_value <= self.best_rating:
            raise ValueError(
                f"rating_value {self.rating_value} is outside "
                f"{self.worst_rating}..{self.best_rating}"
            )
        _require_text("claimant_name", self.claimant_name, optional=True)
        if self.claimant_type is not None and self.claimant_type not in CLAIMANT_TYPES:
            raise ValueError(f"claimant_type must be one of {CLAIMANT_TYPES}")
        if self.claimant_type is not None and self.claimant_name is None:
            raise ValueError("claimant_type needs claimant_name")
        _require_http_url("claimant_same_as", self.claimant_same_as)
        _require_http_url("appearance_url", self.appearance_url)
        _require_text("appearance_headline", self.appearance_headline, optional=True)
        _require_text("review_author_name", self.review_author_name, optional=True)
        if self.claim_date is not None and not isinstance(self.claim_date, date):
            raise ValueError("claim_date must be a date")


def iso_date(value: date) -> str:
    """Format a date or an aware datetime as ISO 8601 (``2024-06-20``, ``…T10:00:00+00:00``)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def organisation_node(org: Organisation) -> dict[str, Any]:
    """Return the ``Organization`` node that authors every review."""
    node: dict[str, Any] = {"@type": "Organization", "name": org.name, "url": org.url}
    if org.logo_url:
        node["logo"] = {"@type": "ImageObject", "url": org.logo_url}
    if org.publishing_principles:
        node["publishingPrinciples"] = org.publishing_principles
    if org.corrections_policy:
        node["correctionsPolicy"] = org.corrections_policy
    if org.same_as:
        node["sameAs"] = list(org.same_as)
    return node


def _claim_node(review: ReviewData) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    if review.claimant_name:
        author: dict[str, Any] = {
            "@type": review.claimant_type or "Person",
            "name": review.claimant_name,
        }
        if review.claimant_same_as:
            author["sameAs"] = review.claimant_same_as
        claim["author"] = author
    if review.claim_date is not None:
        claim["datePublished"] = review.claim_date.isoformat()
    if review.appearance_url or review.appearance_headline:
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if review.appearance_url:
            work["url"] = review.appearance_url
        if review.appearance_headline:
            work["headline"] = review.appearance_headline
        claim["firstAppearance" if review.appearance_is_first else "appearance"] = work
    return claim


def build_claim_review(review: ReviewData, org: Organisation) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD object (a plain ``dict``) for one published fact-check."""
    rating: dict[str, Any] = {
        "@type": "Rating",
        "ratingValue": review.rating_value,
        "bestRating": review.best_rating,
        "worstRating": review.worst_rating,
        "alternateName": review.rating_label,
    }
    if review.summary.strip():
        rating["ratingExplanation"] = review.summary.strip()
    if review.rating_definition:
        rating["description"] = review.rating_definition
    obj: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": org.absolute_url(review.url),
        "claimReviewed": review.claim_reviewed.strip(),
        "datePublished": iso_date(review.date_published),
    }
    if review.date_modified is not None and review.date_modified != review.date_published:
        obj["dateModified"] = iso_date(review.date_modified)
    if review.headline:
        obj["headline"] = review.headline
    obj["inLanguage"] = review.in_language
    obj["author"] = organisation_node(org)
    if review.review_author_name:
        obj["creator"] = {"@type": "Person", "name": review.review_author_name}
    obj["reviewRating"] = rating
    obj["itemReviewed"] = _claim_node(review)
    return obj


# --- feeds -------------------------------------------------------------------------------------

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _feed_element(review: dict[str, Any]) -> dict[str, Any]:
    """Wrap one ClaimReview in a ``DataFeedItem`` (the Data Commons fact-check feed shape)."""
    item = {key: value for key, value in review.items() if key != "@context"}
    element: dict[str, Any] = {"@type": "DataFeedItem"}
    if "datePublished" in review:
        element["dateCreated"] = review["datePublished"]
    if "dateModified" in review:
        element["dateModified"] = review["dateModified"]
    if "url" in review:
        element["url"] = review["url"]
    element["item"] = [item]
    return element


def _feed_head(org: Organisation | None) -> dict[str, Any]:
    head: dict[str, Any] = {"@context": SCHEMA_CONTEXT, "@type": "DataFeed"}
    if org is not None:
        head["name"] = f"{org.name} fact-checks"
        head["url"] = org.url
        head["publisher"] = {"@type": "Organization", "name": org.name, "url": org.url}
    return head


def _latest(review: dict[str, Any]) -> str | None:
    value = review.get("dateModified") or review.get("datePublished")
    return value if isinstance(value, str) else None


def _later(a: str | None, b: str | None) -> str | None:
    """Return the later of two ISO 8601 strings, comparing instants when both parse."""
    if a is None or b is None:
        return a or b
    try:
        pa, pb = datetime.fromisoformat(a), datetime.fromisoformat(b)
        if (pa.tzinfo is None) == (pb.tzinfo is None):
            return a if pa >= pb else b
    except ValueError:
        pass
    return max(a, b)


def data_feed(items: Iterable[dict[str, Any]], org: Organisation) -> dict[str, Any]:
    """Return a schema.org ``DataFeed`` of ClaimReviews, each wrapped in a ``DataFeedItem``.

    Builds the whole feed in memory; for large exports use :func:`write_feed`, which writes the
    same document incrementally.
    """
    feed = _feed_head(org)
    elements = []
    latest: str | None = None
    for review in items:
        elements.append(_feed_element(review))
        latest = _later(latest, _latest(review))
    feed["dataFeedElement"] = elements
    if latest is not None:
        feed["dateModified"] = latest
    return feed


def _line_safe(text: str) -> str:
    """Escape U+2028/U+2029 so no line reader (``str.splitlines``, JavaScript) splits a record."""
    if "\u2028" in text or "\u2029" in text:
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


def iter_feed(
    items: Iterable[dict[str, Any]],
    org: Organisation | None = None,
    *,
    format: FeedFormat = "json",
    batch: int = 256,
) -> Iterator[str]:
    """Yield the feed as text chunks, one batch of reviews at a time (for streamed responses).

    ``json`` yields the document :func:`data_feed` returns (``dateModified`` is written after
    ``dataFeedElement`` so it can be known by then); ``jsonl`` yields one standalone ClaimReview
    (with ``@context``) per line. Memory use is bounded by ``batch``, not by the item count.
    """
    encode = _encoder.encode
    if format == "jsonl":
        lines: list[str] = []
        for review in items:
            if "@context" not in review:
                review = {"@context": SCHEMA_CONTEXT, **review}
            lines.append(encode(review))
            if len(lines) >= batch:
                yield _line_safe("\n".join(lines)) + "\n"
                lines = []
        if lines:
            yield _line_safe("\n".join(lines)) + "\n"
        return
    if format != "json":
        raise ValueError(f"format must be 'json' or 'jsonl', got {format!r}")
    head = encode(_feed_head(org))
    yield head[:-1] + ',"dataFeedElement":['
    latest: str | None = None
    chunk: list[str] = []
    first = True
    for review in items:
        chunk.append(encode(_feed_element(review)))
        latest = _later(latest, _latest(review))
        if len(chunk) >= batch:
            yield ("" if first else ",") + _line_safe(",".join(chunk))
            first = False
            chunk = []
    if chunk:
        yield ("" if first else ",") + _line_safe(",".join(chunk))
    tail = "]"
    if latest is not None:
        tail += ',"dateModified":' + encode(latest)
    yield tail + "}\n"


def write_feed(
    items: Iterable[dict[str, Any]],
    fp: SupportsWriteStr,
    format: FeedFormat = "json",
    *,
    org: Organisation | None = None,
) -> int:
    """Stream ClaimReviews to a text file as a JSON ``DataFeed`` or as JSON Lines.

    ``items`` may be a generator: it is consumed once and never collected. ``org`` fills the
    feed's ``name``/``url``/``publisher`` (``json`` only). Returns the number of reviews written.
    """
    count = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal count
        for review in items:
            count += 1
            yield review

    for chunk in iter_feed(counted(), org, format=format):
        fp.write(chunk)
    return count


# --- HTML embedding ----------------------------------------------------------------------------

_SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def script_json(obj: Any, *, indent: int | None = None) -> str:
    """Serialise ``obj`` as JSON that is inert inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&``, U+2028 and U+2029 only ever occur inside JSON strings, where the
    ``\\uXXXX`` escapes mean the same characters, so the data is unchanged for any JSON parser
    while ``</script>``, ``<!--`` and line separators can never appear in the markup.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        obj, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )
    return text.translate(_SCRIPT_ESCAPES)


def script_tag(obj: Any, *, indent: int | None = None) -> str:
    """Return ``<script type="application/ld+json">…</script>``, safe to mark as HTML-safe."""
    return f'<script type="application/ld+json">{script_json(obj, indent=indent)}</script>'
