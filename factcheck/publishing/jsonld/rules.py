"""The fact-check rules of the design for ClaimReview JSON-LD, over the schema.org vocabulary.

Errors are what the design requires; warnings are what it recommends; notes name terms still
pending in schema.org 30.0. Documents (an object, an array, a DataFeed or @graph) and web pages
(exactly one ClaimReview, its claim and rating shown) are checked here; reading files, URLs and
JSON Lines is the command's job (``command.py``).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from factcheck.languages import LANGUAGE_TAG
from factcheck.models.claim import CLAIM_REVIEWED_RECOMMENDED_LENGTH
from factcheck.publishing.jsonld._walk import iter_nodes, local_name, type_names
from factcheck.publishing.jsonld.problems import Problem, Severity, join_path
from factcheck.publishing.jsonld.vocabulary import (
    check_vocabulary,
    load_vocabulary,
    pending_notes,
)

MAX_CLAIM_LENGTH = CLAIM_REVIEWED_RECOMMENDED_LENGTH  # the design's guide for claimReviewed
SCHEMA_CONTEXTS = frozenset(
    {
        "https://schema.org",
        "http://schema.org",
        "https://schema.org/",
        "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "http://schema.org/docs/jsonldcontext.jsonld",
    }
)
DATE_PROPERTIES = frozenset(
    {"datePublished", "dateModified", "dateCreated", "dateDeleted", "uploadDate", "expires"}
)
URL_PROPERTIES = frozenset(
    {
        "url",
        "sameAs",
        "contentUrl",
        "embedUrl",
        "archivedAt",
        "publishingPrinciples",
        "correctionsPolicy",
        "logo",
        "image",
    }
)
_DATE = r"\d{4}-\d{2}-\d{2}"
_TIME = r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_OFFSET = r"Z|[+-]\d{2}(?::?\d{2})?"
ISO_8601 = re.compile(rf"^(?P<date>{_DATE})(?:T(?P<time>{_TIME})(?P<offset>{_OFFSET})?)?$")
CONTEXT_NOT_SCHEMA = (
    '@context is not schema.org (write "https://schema.org"): these terms mean nothing here'
)


# --- values ------------------------------------------------------------------------------------


def check_iso8601(value: Any) -> str | None:
    """Return why ``value`` is not an ISO 8601 date or date-time, or ``None`` when it is."""
    if not isinstance(value, str):
        return f"must be an ISO 8601 date string, got {type(value).__name__}"
    match = ISO_8601.match(value)
    if not match:
        hint = " (use 'T' between date and time)" if re.match(rf"^{_DATE} \d", value) else ""
        return f"{value!r} is not an ISO 8601 date or date-time{hint}"
    try:
        date.fromisoformat(match["date"])
        if match["time"]:
            datetime.fromisoformat(f"{match['date']}T{match['time'].replace(',', '.')}")
    except ValueError:
        return f"{value!r} is not a real calendar date or time"
    return None


def is_absolute_http_url(value: Any) -> bool:
    """Whether ``value`` is an absolute ``http``/``https`` URL with a host."""
    if not isinstance(value, str) or value != value.strip():
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def on_domain(url: str, org_url: str) -> bool:
    """Whether ``url`` is on the organisation's host or one of its subdomains (``www.`` ignored)."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    org_host = (urlsplit(org_url).hostname or "").lower().removeprefix("www.")
    return bool(org_host) and (host == org_host or host.endswith("." + org_host))


def _number(value: Any) -> tuple[float | None, str | None]:
    """Return ``(number, problem)``: strings that hold a number pass with a problem note."""
    if isinstance(value, bool):
        return None, "must be a number, got a boolean"
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, str):
        try:
            return float(value.strip()), "is a string; write it as a JSON number"
        except ValueError:
            return None, f"must be a number, got {value!r}"
    return None, f"must be a number, got {type(value).__name__}"


def _walk_values(obj: Any, path: str, problems: list[Problem]) -> None:
    """Check dates and URL-valued properties anywhere below ``obj``."""
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            _walk_values(item, join_path(path, index), problems)
        return
    if not isinstance(obj, dict):
        return
    for key, value in obj.items():
        if not isinstance(key, str) or key.startswith("@"):
            continue
        name = local_name(key)
        where = join_path(path, key)
        if name in DATE_PROPERTIES:
            reason = check_iso8601(value)
            if reason:
                problems.append(Problem(where, reason))
            elif isinstance(value, str):
                match = ISO_8601.match(value)
                if match and match["time"] and not match["offset"]:
                    problems.append(Problem(where, f"{value!r} has no time zone offset", "warning"))
        elif name in URL_PROPERTIES and path:
            for index, url in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(url, str) and not is_absolute_http_url(url):
                    at = join_path(where, index) if isinstance(value, list) else where
                    problems.append(
                        Problem(at, f"{url!r} is not an absolute http(s) URL", "warning")
                    )
        _walk_values(value, where, problems)


# --- the ClaimReview rules ---------------------------------------------------------------------


def _context_ok(context: Any) -> bool:
    if isinstance(context, str):
        return context.strip() in SCHEMA_CONTEXTS
    if isinstance(context, dict):
        vocab = context.get("@vocab")
        return isinstance(vocab, str) and vocab.rstrip("/") in {
            c.rstrip("/") for c in SCHEMA_CONTEXTS
        }
    if isinstance(context, list):
        return any(_context_ok(item) for item in context)
    return False


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return next((v for v in value if isinstance(v, dict)), None)
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


# A word is a run of letters and digits; everything else (spaces, any Unicode punctuation, dashes
# and symbols, the apostrophes ' and ’, "·") separates words.
_WORD = re.compile(r"[^\W_]+")


def fold_words(text: str) -> list[str]:
    """The words of ``text`` with case and accents folded: ``"Plutôt—FAUX"`` → plutot, faux."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _WORD.findall(unicodedata.normalize("NFKC", bare))


def contains_words(text: str, words: str) -> bool:
    """Whether ``words`` occur in ``text`` as whole words, in order (see :func:`fold_words`)."""
    needle, haystack = fold_words(words), fold_words(text)
    if not needle:
        return False
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def rating_in_wording(label: str, wording: str) -> bool:
    """Whether the claim ``wording`` contains the rating ``label``: the one rule for it.

    The desk's warning, proposing, approving and correcting, and this validator all ask this
    function, so what the desk lets through is what the validator accepts: ``"It is false—and
    costly"`` contains ``"False"``; ``"invraisemblable"`` does not contain ``"Vrai"``.
    """
    return contains_words(wording, label)


def _check_rating(rating: Any, claim: str | None, problems: list[Problem]) -> None:
    path = "reviewRating"
    if isinstance(rating, list):
        problems.append(Problem(path, "reviewRating must be one Rating, not a list"))
        rating = _first_dict(rating)
    if not isinstance(rating, dict):
        problems.append(Problem(path, "reviewRating (a Rating with alternateName) is required"))
        return
    types = type_names(rating)
    if not types:
        problems.append(Problem(join_path(path, "@type"), "reviewRating has no @type", "warning"))
    elif "Rating" not in types and "AggregateRating" not in types:
        problems.append(
            Problem(join_path(path, "@type"), f"reviewRating must be a Rating: {types}")
        )
    label = _text(rating.get("alternateName"))
    if label is None:
        problems.append(
            Problem(
                join_path(path, "alternateName"),
                "alternateName (the verdict label shown to readers) is required",
            )
        )
    elif claim and rating_in_wording(label, claim):
        problems.append(
            Problem(
                "claimReviewed",
                f"claimReviewed must not contain the rating label {label!r}",
            )
        )
    numbers: dict[str, float | None] = {}
    for name in ("ratingValue", "bestRating", "worstRating"):
        if name not in rating:
            numbers[name] = None
            continue
        number, note = _number(rating[name])
        numbers[name] = number
        if note:
            severity: Severity = "error" if number is None else "warning"
            problems.append(Problem(join_path(path, name), f"{name} {note}", severity))
    value, best, worst = numbers["ratingValue"], numbers["bestRating"], numbers["worstRating"]
    if "ratingValue" not in rating:
        problems.append(
            Problem(
                join_path(path, "ratingValue"),
                "ratingValue is recommended: a number on the organisation's scale",
                "warning",
            )
        )
        return
    if value is None:
        return
    for name, default in (("bestRating", 5), ("worstRating", 1)):
        if name not in rating:
            problems.append(
                Problem(
                    join_path(path, name),
                    f"{name} is missing; schema.org assumes {default}",
                    "warning",
                )
            )
    best = 5.0 if "bestRating" not in rating else best
    worst = 1.0 if "worstRating" not in rating else worst
    if worst is not None and worst < 1:
        problems.append(
            Problem(join_path(path, "worstRating"), f"worstRating must be ≥ 1: {worst:g}")
        )
    if best is not None and worst is not None and best <= worst:
        problems.append(
            Problem(
                join_path(path, "bestRating"),
                f"bestRating ({best:g}) must be greater than worstRating ({worst:g})",
            )
        )
    elif best is not None and worst is not None and not worst <= value <= best:
        problems.append(
            Problem(
                join_path(path, "ratingValue"),
                f"ratingValue {value:g} is outside worstRating..bestRating ({worst:g}..{best:g})",
            )
        )


def _check_author(author: Any, problems: list[Problem]) -> None:
    if author is None:
        problems.append(
            Problem("author", "author (the fact-checking Organization) is recommended", "warning")
        )
        return
    candidates = author if isinstance(author, list) else [author]
    nodes = [a for a in candidates if isinstance(a, dict)]
    org = next((a for a in nodes if "Organization" in _kinds(a)), None)
    if org is None:
        found = ", ".join("/".join(type_names(a)) or "untyped" for a in nodes) or "no object"
        problems.append(
            Problem(
                "author",
                f"author should be the fact-checking Organization (found {found})",
                "warning",
            )
        )
        return
    if _text(org.get("name")) is None:
        problems.append(Problem("author.name", "the Organization has no name", "warning"))


@functools.cache
def _kinds_of(types: tuple[str, ...]) -> frozenset[str]:
    vocab = load_vocabulary()
    return frozenset().union(*(vocab.ancestors(t) for t in types if t in vocab.classes))


def _kinds(node: dict[str, Any]) -> frozenset[str]:
    """All classes a node belongs to (its types and their superclasses)."""
    return _kinds_of(tuple(type_names(node)))


def _check_item_reviewed(item: Any, problems: list[Problem]) -> None:
    path = "itemReviewed"
    if item is None:
        problems.append(
            Problem(
                path,
                "itemReviewed (the Claim, its author and appearance) is recommended",
                "warning",
            )
        )
        return
    if isinstance(item, list):
        item = _first_dict(item)
    if not isinstance(item, dict):
        problems.append(Problem(path, "itemReviewed must be an object"))
        return
    types = type_names(item)
    if "Claim" not in types:
        problems.append(
            Problem(
                join_path(path, "@type"),
                f"itemReviewed should be a Claim (found {'/'.join(types) or 'no @type'})",
                "warning",
            )
        )
    author = _first_dict(item.get("author"))
    if author is None:
        problems.append(
            Problem(
                join_path(path, "author"), "the claim's author (claimant) is recommended", "warning"
            )
        )
    elif _text(author.get("name")) is None:
        problems.append(
            Problem(join_path(path, "author.name"), "the claimant has no name", "warning")
        )
    if "datePublished" not in item:
        problems.append(
            Problem(
                join_path(path, "datePublished"),
                "the date the claim was made is recommended",
                "warning",
            )
        )
    if "appearance" not in item and "firstAppearance" not in item:
        problems.append(
            Problem(
                join_path(path, "appearance"),
                "appearance or firstAppearance (where the claim was made) is recommended",
                "warning",
            )
        )


def validate_claim_review(
    obj: Any, *, org_url: str | None = None, context_inherited: bool = False
) -> list[Problem]:
    """Return the problems of one ClaimReview object (an empty list means it passes).

    ``org_url`` (the fact-checking organisation's site) makes an off-site ``url`` an error.
    ``context_inherited`` is for items of a feed or graph whose container holds ``@context``.
    """
    if not isinstance(obj, dict):
        return [Problem("", f"expected a JSON object, got {type(obj).__name__}")]
    problems: list[Problem] = []
    if "@context" in obj:
        if not _context_ok(obj["@context"]):
            problems.append(Problem("@context", CONTEXT_NOT_SCHEMA))
    elif not context_inherited:
        problems.append(
            Problem("@context", "@context is missing: without it this is not schema.org JSON-LD")
        )
    types = type_names(obj)
    if "ClaimReview" not in types:
        problems.append(
            Problem("@type", f"@type must be ClaimReview (found {'/'.join(types) or 'none'})")
        )

    claim = obj.get("claimReviewed")
    claim_text = _text(claim)
    if claim is not None and not isinstance(claim, str):
        problems.append(
            Problem("claimReviewed", f"claimReviewed must be a text, not {type(claim).__name__}")
        )
    elif claim_text is None:
        problems.append(Problem("claimReviewed", "claimReviewed (a non-empty text) is required"))
    elif len(claim_text) > MAX_CLAIM_LENGTH:
        problems.append(
            Problem(
                "claimReviewed",
                f"claimReviewed is {len(claim_text)} characters; keep it within {MAX_CLAIM_LENGTH}",
                "warning",
            )
        )
    _check_rating(obj.get("reviewRating"), claim_text, problems)

    url = obj.get("url")
    if url is None:
        problems.append(Problem("url", "url (the fact-check page) is required"))
    elif not is_absolute_http_url(url):
        problems.append(Problem("url", f"url must be an absolute http(s) URL, got {url!r}"))
    elif org_url and not on_domain(url, org_url):
        problems.append(
            Problem("url", f"url {url!r} is not on the organisation's domain ({org_url})")
        )

    _check_author(obj.get("author"), problems)
    _check_item_reviewed(obj.get("itemReviewed"), problems)
    if "datePublished" not in obj:
        problems.append(
            Problem("datePublished", "datePublished of the review is recommended", "warning")
        )
    language = obj.get("inLanguage")
    if language is None:
        problems.append(Problem("inLanguage", 'inLanguage (e.g. "fr") is recommended', "warning"))
    elif isinstance(language, str):
        if not LANGUAGE_TAG.match(language):
            problems.append(
                Problem("inLanguage", f"inLanguage must be a BCP 47 tag, got {language!r}")
            )
    elif not (isinstance(language, dict) and "Language" in type_names(language)):
        problems.append(Problem("inLanguage", "inLanguage must be a language tag or a Language"))

    _walk_values(obj, "", problems)
    problems.extend(check_vocabulary(obj))
    return problems


def validate_document(
    data: Any, *, org_url: str | None = None, require_claim_review: bool = True
) -> list[tuple[str, Problem]]:
    """Validate every ClaimReview found in a parsed file; other nodes get the vocabulary check.

    Returns ``(item path, problem)`` pairs; the item path is ``""`` for a single object. A
    ``@context`` that is not schema.org is an error, and so is a document without a ClaimReview
    (unless ``require_claim_review`` is off: one script of a page that has another). Terms
    pending in schema.org come as notes.
    """
    found: list[tuple[str, Problem]] = []
    for where, container in _containers(data):
        # A ClaimReview's own @context is validate_claim_review's to report.
        bad = "@context" in container and not _context_ok(container["@context"])
        if bad and "ClaimReview" not in type_names(container):
            found.append((where, Problem("@context", CONTEXT_NOT_SCHEMA)))
    reviews = 0
    for item in iter_nodes(data):
        node = item.node
        if isinstance(node, dict) and "ClaimReview" in type_names(node):
            reviews += 1
            problems = validate_claim_review(
                node, org_url=org_url, context_inherited=item.has_context
            )
        elif isinstance(node, dict):
            problems = check_vocabulary(node)
            if not item.in_graph:
                kind = "/".join(type_names(node)) or "untyped object"
                problems.insert(
                    0,
                    Problem(
                        "", f"{kind} is not a ClaimReview; only its terms were checked", "warning"
                    ),
                )
        else:
            problems = [Problem("", f"expected a JSON object, got {type(node).__name__}")]
        problems.extend(pending_notes(node))
        found.extend((item.path, problem) for problem in problems)
    if require_claim_review and not reviews:
        found.append(
            ("", Problem("@type", "no ClaimReview here: nothing a fact-check reader can use"))
        )
    return found


def _containers(data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The top-level objects of a document (the object, or each element of an array)."""
    if isinstance(data, dict):
        yield "", data
    elif isinstance(data, list):
        for index, element in enumerate(data):
            if isinstance(element, dict):
                yield f"[{index}]", element


def count_claim_reviews(data: Any) -> int:
    return sum(
        1
        for item in iter_nodes(data)
        if isinstance(item.node, dict) and "ClaimReview" in type_names(item.node)
    )


# --- HTML pages --------------------------------------------------------------------------------

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title"})


class _PageReader(HTMLParser):
    """The ``application/ld+json`` scripts of a page, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._hidden: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden.append(tag)
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._script = [] if kind == "application/ld+json" else None
        elif tag in ("br", "p", "div", "li", "td", "th", "h1", "h2", "h3", "dd", "dt"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if tag in _HIDDEN and tag in self._hidden:
            while self._hidden and self._hidden.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
        elif not self._hidden:
            self.text.append(data)


def looks_like_html(text: str, name: str = "") -> bool:
    """An HTML page by its name, or by its first character (JSON never starts with ``<``)."""
    return name.lower().endswith(HTML_SUFFIXES) or text.lstrip("\ufeff \t\r\n").startswith("<")


@dataclass(frozen=True)
class PageResult:
    problems: list[tuple[str, Problem]]
    reviews: int


def validate_page(markup: str, *, org_url: str | None = None) -> PageResult:
    """Validate a web page: exactly one ClaimReview, and the page shows its claim and rating.

    Every ``<script type="application/ld+json">`` is read; problems are named by script
    (``script[1]``…) then by path, as in a file.
    """
    reader = _PageReader()
    reader.feed(markup)
    reader.close()
    visible = " ".join(reader.text)
    found: list[tuple[str, Problem]] = []
    reviews: list[tuple[str, dict[str, Any]]] = []
    for number, block in enumerate(reader.scripts, start=1):
        where = f"script[{number}]"
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            found.append((where, Problem("", f"not JSON: {exc.msg} (line {exc.lineno})")))
            continue
        for path, problem in validate_document(data, org_url=org_url, require_claim_review=False):
            found.append((".".join(p for p in (where, path) if p), problem))
        for item in iter_nodes(data):
            if isinstance(item.node, dict) and "ClaimReview" in type_names(item.node):
                reviews.append((".".join(p for p in (where, item.path) if p), item.node))
    if not reviews:
        found.append(
            ("", Problem("@type", "the page has no ClaimReview (exactly one per page is required)"))
        )
    elif len(reviews) > 1:
        found.append(
            (
                reviews[1][0],
                Problem(
                    "@type",
                    f"the page has {len(reviews)} ClaimReviews; exactly one per page is allowed "
                    "(one page per fact-check)",
                ),
            )
        )
    else:
        where, review = reviews[0]
        claim = _text(review.get("claimReviewed"))
        if claim and not contains_words(visible, claim):
            found.append(
                (where, Problem("claimReviewed", f"the page does not show the claim {claim!r}"))
            )
        rating = _first_dict(review.get("reviewRating"))
        label = _text(rating.get("alternateName")) if rating else None
        if label and not contains_words(visible, label):
            found.append(
                (
                    where,
                    Problem(
                        "reviewRating.alternateName",
                        f"the page does not show the rating {label!r}",
                    ),
                )
            )
    return PageResult(found, len(reviews))
