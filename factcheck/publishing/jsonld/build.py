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

import orjson

from factcheck.languages import is_language_tag

SCHEMA_CONTEXT = "https://schema.org"
CLAIMANT_TYPES = ("Person", "Organization")
FeedFormat = Literal["json", "jsonl"]


class SupportsWriteStr(Protocol):
    def write(self, s: str, /) -> object: ...


def require_text(name: str, value: str | None, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")


def _require_http_url(name: str, value: str | None) -> None:
    if value is None or _is_plain_http_url(value):
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {value!r}")


# An ASCII http(s) URL whose authority is not empty, without the characters urlsplit removes
# (tab, CR, LF) or checks (brackets): urlsplit would accept it, so it is not parsed. Anything else
# is parsed as before, which names the fault.
_PLAIN_HTTP_URL = re.compile(r"https?://[^/?#\[\]\t\r\n][^\[\]\t\r\n]*\Z")


def _is_plain_http_url(value: object) -> bool:
    return type(value) is str and value.isascii() and _PLAIN_HTTP_URL.match(value) is not None


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
        require_text("Organisation.name", self.name)
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
        require_text("url", self.url)
        require_text("claim_reviewed", self.claim_reviewed)
        require_text("rating_label", self.rating_label)
        check_language(self.in_language)
        _require_aware("date_published", self.date_published)
        _require_aware("date_modified", self.date_modified)
        check_dates(self.date_published, self.date_modified)
        check_rating(self.rating_label, self.rating_value, self.best_rating, self.worst_rating)
        check_claimant(self.claimant_name, self.claimant_type, self.claimant_same_as)
        check_appearance(self.appearance_url, self.appearance_headline)
        require_text("review_author_name", self.review_author_name, optional=True)
        if self.claim_date is not None and not isinstance(self.claim_date, date):
            raise ValueError("claim_date must be a date")


# --- the checks of a review's values, shared by ReviewData and the export's rows ---------------


def check_language(tag: str) -> None:
    """``inLanguage``: a non-empty BCP 47 tag (raises ValueError)."""
    require_text("in_language", tag)
    if not is_language_tag(tag):
        raise ValueError(f"in_language must be a BCP 47 tag, not {tag!r}")


def check_dates(published: Any, modified: Any) -> None:
    """A correction's date is not before the publication (datetimes, or one driver's text)."""
    if modified is not None and modified < published:
        raise ValueError("date_modified must not be earlier than date_published")


def check_rating(label: str, value: int, best: int, worst: int) -> None:
    """The rating: a label and integer values with ``worst <= value <= best``, ``worst >= 1``."""
    require_text("rating_label", label)
    for name, number in (("rating_value", value), ("best_rating", best), ("worst_rating", worst)):
        if isinstance(number, bool) or not isinstance(number, int):
            raise ValueError(f"{name} must be an integer, got {number!r}")
    if worst < 1:
        raise ValueError(f"worst_rating must be at least 1, got {worst}")
    if best <= worst:
        raise ValueError("best_rating must be greater than worst_rating")
    if not worst <= value <= best:
        raise ValueError(f"rating_value {value} is outside {worst}..{best}")


def check_claimant(name: str | None, kind: str | None, same_as: str | None) -> None:
    require_text("claimant_name", name, optional=True)
    if kind is not None and kind not in CLAIMANT_TYPES:
        raise ValueError(f"claimant_type must be one of {CLAIMANT_TYPES}")
    if kind is not None and name is None:
        raise ValueError("claimant_type needs claimant_name")
    _require_http_url("claimant_same_as", same_as)


def check_appearance(url: str | None, headline: str | None) -> None:
    _require_http_url("appearance_url", url)
    require_text("appearance_headline", headline, optional=True)


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


class ReviewBuilder:
    """Builds the ClaimReviews of one organisation.

    What depends on the organisation alone (the ``author`` node, the URL public paths resolve
    on) is made once, and the checks of a rating or a language run once per distinct value: an
    export builds thousands of reviews with a handful of each. :func:`build_claim_review` and
    the publishing service's rows both go through :meth:`build`, so their output cannot drift.
    """

    def __init__(self, org: Organisation) -> None:
        self.org = org
        self.author = organisation_node(org)
        self.relative_base = _origin(org.url)[2]  # what a plain relative path is appended to
        self._ratings: set[tuple[Any, ...]] = set()
        self._languages: set[str] = set()

    def check_rating(self, label: str, value: int, best: int, worst: int) -> None:
        key = (label, value, best, worst, type(value), type(best), type(worst))
        if key not in self._ratings:
            check_rating(label, value, best, worst)
            self._ratings.add(key)

    def check_language(self, tag: str) -> None:
        if tag not in self._languages:
            check_language(tag)
            self._languages.add(tag)

    def build(
        self,
        url: str,
        claim_reviewed: str,
        date_published: str,
        date_modified: str | None,
        in_language: str,
        rating: tuple[str, int, int, int, str, str | None],
        claimant: tuple[str | None, str | None, str | None],
        claim_date: str | None,
        appearance: tuple[str | None, str | None, bool],
        headline: str | None = None,
        review_author_name: str | None = None,
    ) -> dict[str, Any]:
        """The ClaimReview of values already checked: ``url`` absolute, dates in ISO 8601,
        ``rating`` = (label, value, best, worst, summary, definition), ``claimant`` = (name,
        type, sameAs), ``appearance`` = (url, headline, whether it is the first)."""
        label, value, best, worst, summary, definition = rating
        review_rating: dict[str, Any] = {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": best,
            "worstRating": worst,
            "alternateName": label,
        }
        summary = summary.strip()
        if summary:
            review_rating["ratingExplanation"] = summary
        if definition:
            review_rating["description"] = definition
        obj: dict[str, Any] = JsonLd(
            {
                "@context": SCHEMA_CONTEXT,
                "@type": "ClaimReview",
                "url": url,
                "claimReviewed": claim_reviewed.strip(),
                "datePublished": date_published,
            }
        )
        if date_modified is not None:
            obj["dateModified"] = date_modified
        if headline:
            obj["headline"] = headline
        obj["inLanguage"] = in_language
        obj["author"] = self.author
        if review_author_name:
            obj["creator"] = {"@type": "Person", "name": review_author_name}
        obj["reviewRating"] = review_rating
        obj["itemReviewed"] = _claim_node(claimant, claim_date, appearance)
        return obj


def _claim_node(
    claimant: tuple[str | None, str | None, str | None],
    claim_date: str | None,
    appearance: tuple[str | None, str | None, bool],
) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    name, kind, same_as = claimant
    if name:
        author: dict[str, Any] = {"@type": kind or "Person", "name": name}
        if same_as:
            author["sameAs"] = same_as
        claim["author"] = author
    if claim_date is not None:
        claim["datePublished"] = claim_date
    url, headline, is_first = appearance
    if url or headline:
        work: dict[str, Any] = {"@type": "CreativeWork"}
        if url:
            work["url"] = url
        if headline:
            work["headline"] = headline
        claim["firstAppearance" if is_first else "appearance"] = work
    return claim


def build_claim_review(review: ReviewData, org: Organisation) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD object (a plain ``dict``) for one published fact-check."""
    modified = review.date_modified
    return ReviewBuilder(org).build(
        org.absolute_url(review.url),
        review.claim_reviewed,
        iso_date(review.date_published),
        iso_date(modified) if modified is not None and modified != review.date_published else None,
        review.in_language,
        (
            review.rating_label,
            review.rating_value,
            review.best_rating,
            review.worst_rating,
            review.summary,
            review.rating_definition,
        ),
        (review.claimant_name, review.claimant_type, review.claimant_same_as),
        review.claim_date.isoformat() if review.claim_date is not None else None,
        (review.appearance_url, review.appearance_headline, review.appearance_is_first),
        headline=review.headline,
        review_author_name=review.review_author_name,
    )


# --- feeds -------------------------------------------------------------------------------------

_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class JsonLd(dict[str, Any]):
    """A ClaimReview made by :class:`ReviewBuilder` (or a feed element around one): strings,
    integers, booleans, null, lists and objects only, which orjson writes as ``_encoder``
    does, several times faster."""

    __slots__ = ()


def _encode(obj: Any) -> str:
    """Compact JSON with non-ASCII as is. orjson writes floats, NaN and keys that are not
    strings otherwise than ``json`` (or not at all), so it only gets what a builder made."""
    if type(obj) is JsonLd:
        try:
            return orjson.dumps(obj).decode()
        except orjson.JSONEncodeError:  # an integer past 64 bits
            pass
    return _encoder.encode(obj)


def _feed_element(review: dict[str, Any]) -> dict[str, Any]:
    """Wrap one ClaimReview in a ``DataFeedItem`` (the Data Commons fact-check feed shape)."""
    item = dict(review)  # a plain copy (in C), less its "@context"
    item.pop("@context", None)
    element: dict[str, Any] = (JsonLd if type(review) is JsonLd else dict)(
        {"@type": "DataFeedItem"}
    )
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
    if len(a) == len(b) == 25 and a[19:] == b[19:] and a[10] == b[10] == "T":
        return a if a >= b else b  # the same offset, to the second: the text sorts as the time
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
    encode = _encode
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
