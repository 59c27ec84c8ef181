"""Import other fact-checkers' ClaimReview markup, tolerating what real pages publish.

``parse_claim_reviews`` never raises for a bad item: each one that cannot be used becomes an
:class:`ImportProblem` naming why, and each usable one an :class:`ImportedReview` whose
``warnings`` say what was repaired or guessed. Only input that is not JSON at all raises
:class:`ClaimReviewImportError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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


def _claim(
    item: Any, base: str | None, warnings: list[str]
) -> tuple[str | None, str | None, date | None, str | None]:
    """Return (claimant name, claimant type, claim date, appearance url) from ``itemReviewed``."""
    if isinstance(item, list):
        item = next(iter(_nodes(item)), None)
    if not isinstance(item, dict):
        warnings.append("no itemReviewed")
        return None, None, None, None
    types = type_names(item)
    if "Claim" not in types:
        shown = "/".join(types) or "no @type"
        warnings.append(f"itemReviewed is {shown}, not Claim")
    author = next(iter(_nodes(item.get("author"))), None)
    claimant_name = _text(author.get("name")) if author else None
    claimant_type = None
    if author:
        kinds = _kind(author)
        if "person" in kinds:
            claimant_type = "Person"
        elif kinds & _ORG_TYPES:
            claimant_type = "Organization"
    claim_day, _ = _parse_datetime(item.get("datePublished"), "claim datePublished", warnings)
    appearance = None
    for key in ("appearance", "firstAppearance"):
        for work in _nodes(item.get(key)):
            appearance = _url(work.get("url"), f"itemReviewed {key} url", base, warnings)
            if appearance:
                break
        if appearance:
            break
    if appearance is None and "url" in item:
        appearance = _url(item.get("url"), "itemReviewed url", base, warnings)
    return claimant_name, claimant_type, claim_day, appearance


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
    claim = _text(review.get("claimReviewed"))
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
    claimant_name, claimant_type, claim_date, appearance = _claim(
        review.get("itemReviewed"), base, warnings
    )
    day, moment = _parse_datetime(review.get("datePublished"), "datePublished", warnings)
    return ImportedReview(
        index=index,
        path=path,
        claim_reviewed=claim,
        rating_label=label,
        review_url=review_url,
        publisher_name=publisher_name,
        publisher_url=publisher_url,
        review_author_name=author_name,
        claimant_name=claimant_name,
        claimant_type=claimant_type,
        claim_date=claim_date,
        appearance_url=appearance,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        date_published=day,
        published_at=moment,
        language=_language(review.get("inLanguage")),
        warnings=tuple(warnings),
    )


def _load(data: Any) -> Any:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ClaimReviewImportError(f"not UTF-8 text: {exc}") from exc
    if isinstance(data, str):
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise ClaimReviewImportError(
                f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from exc
    return data


def parse_claim_reviews(data: Any) -> list[ImportedReview | ImportProblem]:
    """Normalise every ClaimReview in ``data`` (JSON text, bytes, or already-parsed JSON).

    Accepts a single object, an array, ``@graph`` (``@id`` references resolved), a ``DataFeed``
    with or without ``DataFeedItem`` wrappers, and the Meedan fixture wrapper (whose
    ``source_page_url`` resolves relative URLs). Non-ClaimReview nodes inside ``@graph`` are
    skipped; anywhere else they are reported.
    """
    parsed = _load(data)
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
    return results


def load_claim_reviews(path: str) -> list[ImportedReview | ImportProblem]:
    """Read a file and parse it with :func:`parse_claim_reviews`."""
    try:
        with open(path, "rb") as fp:
            raw = fp.read()
    except OSError as exc:
        raise ClaimReviewImportError(f"cannot read {path}: {exc.strerror}") from exc
    return parse_claim_reviews(raw)
