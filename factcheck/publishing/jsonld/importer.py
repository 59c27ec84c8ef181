"""Import other fact-checkers' ClaimReview markup, tolerating what real pages publish.

``parse_claim_reviews`` never raises for a bad item: each one that cannot be used becomes an
:class:`ImportProblem` naming why, and each usable one an :class:`ImportedReview` whose
``warnings`` say what was repaired or guessed. Only input that is not JSON at all raises
:class:`ClaimReviewImportError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from factcheck.publishing.jsonld._walk import iter_nodes, type_names

MAX_LABEL_LENGTH = 60
_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?)?$"
)
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "ngo"}
_BARE_HOST = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?:[/?#]|$)")


class ClaimReviewImportError(ValueError):
    """The input is not JSON (or not JSON that could hold ClaimReviews)."""


@dataclass(frozen=True, slots=True)
class ImportedReview:
    """One usable ClaimReview, normalised.

    ``date_published`` is the publication day as written by the publisher; ``published_at`` the
    instant, when the markup gave a time (assumed UTC, with a warning, when it had no offset).
    Ratings are ``None`` when absent or unusable. ``warnings`` lists every repair and oddity.
    """

    index: int
    path: str
    claim_reviewed: str
    rating_label: str
    review_url: str | None = None
    publisher_name: str | None = None
    publisher_url: str | None = None
    review_author_name: str | None = None
    claimant_name: str | None = None
    claimant_type: str | None = None
    claim_date: date | None = None
    appearance_url: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    date_published: date | None = None
    published_at: datetime | None = None
    language: str | None = None
    warnings: tuple[str, ...] = ()
    # Kept so an export → import → export round trip loses nothing we model.
    rating_explanation: str | None = None
    rating_description: str | None = None
    date_modified: date | None = None
    modified_at: datetime | None = None
    headline: str | None = None
    claimant_same_as: str | None = None
    appearance_headline: str | None = None
    appearance_is_first: bool = False
    original: dict[str, Any] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """An item that could not be imported, and why."""

    index: int
    message: str
    path: str = ""


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [v.strip() for v in value if isinstance(v, str) and v.strip()]
        return ", ".join(parts) or None
    if isinstance(value, str):
        cleaned = " ".join(value.split())
        return cleaned or None
    return None


def _verbatim(value: Any) -> str | None:
    """Text as the publisher wrote it: only the ends are trimmed (inner whitespace is kept)."""
    if isinstance(value, str):
        return value.strip() or None
    return _text(value)


def _kind(node: dict[str, Any]) -> set[str]:
    return {t.lower() for t in type_names(node)}


def _parse_datetime(
    value: Any, field: str, warnings: list[str]
) -> tuple[date | None, datetime | None]:
    """Parse ISO-ish dates: ``2020-06-23``, ``2020-06-23 20:02``, ``…T10:46:13+0200``, ``…Z``."""
    if value is None:
        return None, None
    raw = value.strip() if isinstance(value, str) else value
    match = _DATE_TIME.match(raw) if isinstance(raw, str) else None
    if match is None:
        warnings.append(f"{field} {value!r} is not a date; ignored")
        return None, None
    try:
        day = date.fromisoformat(match["date"])
        if not match["time"]:
            return day, None
        offset = match["offset"] or ""
        if offset and offset != "Z" and ":" not in offset:
            offset = f"{offset[:3]}:{offset[3:]}"
        moment = datetime.fromisoformat(
            f"{match['date']}T{match['time'].replace(',', '.')}{offset}"
        )
    except ValueError:
        warnings.append(f"{field} {value!r} is not a real date; ignored")
        return None, None
    if " " in raw:
        warnings.append(f"{field} {value!r} uses a space instead of 'T' (not ISO 8601)")
    if moment.tzinfo is None:
        warnings.append(f"{field} {value!r} has no time zone; assumed UTC")
        moment = moment.replace(tzinfo=UTC)
    return day, moment


def _number(value: Any, field: str, warnings: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        warnings.append(f"{field} {value!r} is not a number; ignored")
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        if not value.strip():
            warnings.append(f"{field} is empty; ignored")
            return None
        try:
            number = float(value.strip())
        except ValueError:
            warnings.append(f"{field} {value!r} is not a number; ignored")
            return None
    else:
        warnings.append(f"{field} is a {type(value).__name__}, not a number; ignored")
        return None
    return int(number) if number.is_integer() else number


def _url(value: Any, field: str, base: str | None, warnings: list[str]) -> str | None:
    """Return an absolute http(s) URL, repairing relative and scheme-less ones with a warning."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    if not isinstance(value, str) or not value.strip():
        return None
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    if parts.scheme:
        warnings.append(f"{field} {url!r} is not an http(s) URL; ignored")
        return None
    if _BARE_HOST.match(url):
        warnings.append(f"{field} {url!r} is not absolute; assumed https://{url}")
        return f"https://{url}"
    if base:
        resolved = urljoin(base, url)
        warnings.append(f"{field} {url!r} is not absolute; resolved against {base} to {resolved}")
        return resolved
    warnings.append(f"{field} {url!r} is not absolute and there is no base URL; ignored")
    return None


def _nodes(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _resolve(value: Any, ids: dict[str, dict[str, Any]]) -> Any:
    """Replace ``{"@id": …}`` references by the @graph node they point to."""
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    if isinstance(value, dict) and set(value) == {"@id"} and value["@id"] in ids:
        return ids[value["@id"]]
    return value


def _is_claim_review(node: dict[str, Any]) -> bool:
    kinds = _kind(node)
    if "claimreview" in kinds:
        return True
    return not kinds and "claimReviewed" in node and "reviewRating" in node


def _publisher(
    review: dict[str, Any], base: str | None, warnings: list[str]
) -> tuple[str | None, str | None, str | None]:
    """Return (publisher name, publisher url, individual author name)."""
    authors = _nodes(review.get("author"))
    org = next((a for a in authors if _kind(a) & _ORG_TYPES), None)
    person = next((a for a in authors if "person" in _kind(a)), None)
    person_name = _text(person.get("name")) if person else None
    if org is None:
        for publisher in _nodes(review.get("publisher")):
            org = publisher
            break
        if authors and org is not None:
            warnings.append(
                "author is a Person, not the fact-checking Organization; used publisher"
            )
        elif authors:
            warnings.append("author is a Person and there is no publisher Organization")
        else:
            warnings.append("no author (fact-checking Organization)")
    if isinstance(review.get("author"), list):
        warnings.append("author is an array")
    if org is None:
        return None, None, person_name
    name = _text(org.get("name"))
    url = _url(org.get("url") or org.get("@id"), "publisher url", base, warnings)
    return name, url, person_name


@dataclass(slots=True)
class _ClaimParts:
    claimant_name: str | None = None
    claimant_type: str | None = None
    claimant_same_as: str | None = None
    claim_date: date | None = None
    appearance_url: str | None = None
    appearance_headline: str | None = None
    appearance_is_first: bool = False


def _claim(item: Any, base: str | None, warnings: list[str]) -> _ClaimParts:
    """Return the claimant, claim date and appearance from ``itemReviewed``."""
    parts = _ClaimParts()
    if isinstance(item, list):
        item = next(iter(_nodes(item)), None)
    if not isinstance(item, dict):
        warnings.append("no itemReviewed")
        return parts
    types = type_names(item)
    if "Claim" not in types:
        shown = "/".join(types) or "no @type"
        warnings.append(f"itemReviewed is {shown}, not Claim")
    author = next(iter(_nodes(item.get("author"))), None)
    if author:
        parts.claimant_name = _text(author.get("name"))
        kinds = _kind(author)
        if "person" in kinds:
            parts.claimant_type = "Person"
        elif kinds & _ORG_TYPES:
            parts.claimant_type = "Organization"
        parts.claimant_same_as = _url(author.get("sameAs"), "claimant sameAs", None, warnings)
    parts.claim_date, _ = _parse_datetime(
        item.get("datePublished"), "claim datePublished", warnings
    )
    for key in ("appearance", "firstAppearance"):
        for work in _nodes(item.get(key)):
            parts.appearance_url = _url(work.get("url"), f"itemReviewed {key} url", base, warnings)
            parts.appearance_headline = _verbatim(work.get("headline"))
            parts.appearance_is_first = key == "firstAppearance"
            if parts.appearance_url:
                break
        if parts.appearance_url:
            break
    if parts.appearance_url is None and "url" in item:
        parts.appearance_url = _url(item.get("url"), "itemReviewed url", base, warnings)
    return parts


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _text(value)


def _import_one(
    index: int, path: str, review: dict[str, Any], base: str | None, context: bool
) -> ImportedReview | ImportProblem:
    warnings: list[str] = []
    if not context:
        warnings.append("no @context")
    if not type_names(review):
        warnings.append("no @type; taken as ClaimReview from its properties")
    elif "ClaimReview" not in type_names(review):
        warnings.append(f"@type {review.get('@type')!r} is not spelt ClaimReview")
    claim = _verbatim(review.get("claimReviewed"))
    if claim is None:
        return ImportProblem(index, "claimReviewed is missing or empty", path)
    if isinstance(review.get("claimReviewed"), list):
        warnings.append("claimReviewed is an array; its texts were joined")
    rating = next(iter(_nodes(review.get("reviewRating"))), None)
    if rating is None:
        return ImportProblem(index, "reviewRating is missing", path)
    label = _text(rating.get("alternateName")) or _text(rating.get("name"))
    if label is None:
        return ImportProblem(index, "reviewRating has no alternateName (verdict label)", path)
    if rating.get("alternateName") is None:
        warnings.append("rating label taken from reviewRating.name")
    if len(label) > MAX_LABEL_LENGTH:
        warnings.append(f"rating label is {len(label)} characters: an explanation, not a label")

    value = _number(rating.get("ratingValue"), "ratingValue", warnings)
    best = _number(rating.get("bestRating"), "bestRating", warnings)
    worst = _number(rating.get("worstRating"), "worstRating", warnings)
    if worst is not None and worst < 1:
        warnings.append(f"worstRating {worst} is below 1")
    if best is not None and worst is not None and best <= worst:
        warnings.append(f"bestRating {best} is not above worstRating {worst}")
    elif (
        value is not None and best is not None and worst is not None and not worst <= value <= best
    ):
        warnings.append(f"ratingValue {value} is outside {worst}..{best}")

    review_url = _url(review.get("url"), "url", base, warnings)
    if review_url is None and "url" not in review:
        warnings.append("no url")
    publisher_name, publisher_url, author_name = _publisher(review, base, warnings)
    claim_parts = _claim(review.get("itemReviewed"), base, warnings)
    day, moment = _parse_datetime(review.get("datePublished"), "datePublished", warnings)
    modified_day, modified_at = _parse_datetime(
        review.get("dateModified"), "dateModified", warnings
    )
    creator = next(iter(_nodes(review.get("creator"))), None)
    if author_name is None and creator is not None:
        author_name = _text(creator.get("name"))
    return ImportedReview(
        index=index,
        path=path,
        claim_reviewed=claim,
        rating_label=label,
        review_url=review_url,
        publisher_name=publisher_name,
        publisher_url=publisher_url,
        review_author_name=author_name,
        claimant_name=claim_parts.claimant_name,
        claimant_type=claim_parts.claimant_type,
        claim_date=claim_parts.claim_date,
        appearance_url=claim_parts.appearance_url,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        date_published=day,
        published_at=moment,
        language=_language(review.get("inLanguage")),
        warnings=tuple(warnings),
        rating_explanation=_verbatim(rating.get("ratingExplanation")),
        rating_description=_verbatim(rating.get("description")),
        date_modified=modified_day,
        modified_at=modified_at,
        headline=_verbatim(review.get("headline")),
        claimant_same_as=claim_parts.claimant_same_as,
        appearance_headline=claim_parts.appearance_headline,
        appearance_is_first=claim_parts.appearance_is_first,
        original=review,
    )


_HTML_START = re.compile(r"^\s*<")


def _html_scripts(markup: str) -> list[Any]:
    """The parsed ``application/ld+json`` scripts of an HTML page (each must be JSON)."""
    import lxml.html  # only pages need it

    try:
        tree = lxml.html.document_fromstring(markup)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ClaimReviewImportError(f"not JSON, and not a readable HTML page: {exc}") from exc
    blocks = []
    for number, script in enumerate(
        tree.xpath('//script[translate(@type, "LDJSON+", "ldjson+")="application/ld+json"]'), 1
    ):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            blocks.append(json.loads(text))
        except json.JSONDecodeError as exc:
            raise ClaimReviewImportError(
                f"JSON-LD script {number} of the page is not JSON: {exc.msg} "
                f"at line {exc.lineno}, column {exc.colno}"
            ) from exc
    if not blocks:
        raise ClaimReviewImportError(
            'not JSON: an HTML page with no <script type="application/ld+json">'
        )
    return blocks


def _json_lines(text: str, first_error: json.JSONDecodeError) -> list[Any] | None:
    """JSON Lines (``export --format jsonl``): one value per non-empty line, else ``None``."""
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    values = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == 1:
                return None  # not JSON Lines either; report the document's own error
            raise ClaimReviewImportError(
                f"not JSON Lines: line {number}: {exc.msg} at column {exc.colno}"
            ) from exc
    del first_error
    return values


@dataclass(frozen=True, slots=True)
class _Loaded:
    data: Any
    kind: str  # "json", "jsonl" or "html"


def _load(data: Any) -> _Loaded:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ClaimReviewImportError(f"not UTF-8 text: {exc}") from exc
    if isinstance(data, str):
        try:
            return _Loaded(json.loads(data), "json")
        except json.JSONDecodeError as exc:
            if _HTML_START.match(data) and not data.lstrip().startswith(("<!--{", "<{")):
                return _Loaded(_html_scripts(data), "html")
            values = _json_lines(data, exc)
            if values is not None:
                return _Loaded(values, "jsonl")
            raise ClaimReviewImportError(
                f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from exc
    return _Loaded(data, "json")


def parse_claim_reviews(data: Any) -> list[ImportedReview | ImportProblem]:
    """Normalise every ClaimReview in ``data`` (JSON text, bytes, or already-parsed JSON).

    Text may be one JSON document, JSON Lines (one ClaimReview per line, as our export writes)
    or an HTML page, whose ``application/ld+json`` scripts must hold exactly one ClaimReview.

    Accepts a single object, an array, ``@graph`` (``@id`` references resolved), a ``DataFeed``
    with or without ``DataFeedItem`` wrappers, and the Meedan fixture wrapper (whose
    ``source_page_url`` resolves relative URLs). Non-ClaimReview nodes inside ``@graph`` are
    skipped; anywhere else they are reported.
    """
    loaded = _load(data)
    parsed = loaded.data
    if not isinstance(parsed, dict | list):
        raise ClaimReviewImportError(
            f"expected a JSON object or array, got {type(parsed).__name__}"
        )
    results: list[ImportedReview | ImportProblem] = []
    graph_ids: dict[str, dict[str, Any]] = {}
    found = list(iter_nodes(parsed))
    for item in found:
        if item.in_graph and isinstance(item.node, dict) and isinstance(item.node.get("@id"), str):
            graph_ids[item.node["@id"]] = item.node
    index = 0
    graph_reviews = 0
    for item in found:
        node = item.node
        if not isinstance(node, dict):
            results.append(
                ImportProblem(index, f"expected an object, got {type(node).__name__}", item.path)
            )
            index += 1
            continue
        if not _is_claim_review(node):
            if item.in_graph:
                continue
            kind = "/".join(type_names(node)) or "an untyped object"
            results.append(ImportProblem(index, f"{kind} is not a ClaimReview", item.path))
            index += 1
            continue
        if item.in_graph:
            graph_reviews += 1
            node = {key: _resolve(value, graph_ids) for key, value in node.items()}
        results.append(_import_one(index, item.path, node, item.base_url, item.has_context))
        index += 1
    if any(item.in_graph for item in found) and not graph_reviews:
        results.append(ImportProblem(0, "@graph holds no ClaimReview", "@graph"))
    if loaded.kind == "html":
        results = [r for r in results if isinstance(r, ImportedReview)]
        if len(results) > 1:
            # One page is one fact-check: two reviews mean we cannot tell which one it is.
            message = (
                f"the page holds {len(results)} ClaimReviews; a fact-check page must hold "
                "exactly one, so none of them is imported"
            )
            return [ImportProblem(r.index, message, r.path) for r in results]
        if not results:
            return [ImportProblem(0, "the page's JSON-LD holds no ClaimReview", "")]
    return results


def load_claim_reviews(path: str) -> list[ImportedReview | ImportProblem]:
    """Read a file and parse it with :func:`parse_claim_reviews`."""
    try:
        with open(path, "rb") as fp:
            raw = fp.read()
    except OSError as exc:
        raise ClaimReviewImportError(f"cannot read {path}: {exc.strerror}") from exc
    return parse_claim_reviews(raw)


def refusal(item: ImportedReview) -> str | None:
    """Why a normalised review cannot be stored in the fact-check memory, or ``None``.

    Parsing tolerates what real pages publish; storing needs the review's address (to link to
    it and to recognise it when it comes again), the organisation that published it, and a
    numeric rating that lies on its own scale.
    """
    if item.review_url is None:
        return "url is missing or unusable: a stored fact-check needs the address of its page"
    if item.publisher_name is None:
        return "no publisher: neither author nor publisher names the fact-checking organisation"
    value, best, worst = item.rating_value, item.best_rating, item.worst_rating
    on_a_scale = value is not None and best is not None and worst is not None and worst < best
    if on_a_scale and not worst <= value <= best:  # type: ignore[operator]
        return f"reviewRating: ratingValue {value:g} is outside its scale {worst:g}..{best:g}"
    return None
