"""What a proposal binds, and what an approval publishes.

A proposal records a digest of everything the approving editor signs off: the claim's public
wording, its sources, the verdict's text and rating, and the rating as the public output would
show it. The digest is written ``claim:<hex>;sources:<hex>;verdict:<hex>;rating:<hex>`` so a
mismatch names the part that moved. At approval the rating is copied into the verdict
(:func:`rating_snapshot`); published pages read that copy, never the scale.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask_babel import LazyString, gettext

from factcheck.audit.log import to_jsonable
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Claim, RatingValue, Verdict

PARTS = ("claim", "sources", "verdict", "rating")
PART_NAMES = {
    "claim": _l("the claim's wording or claimant"),
    "sources": _l("the sources"),
    "verdict": _l("the verdict's rating or text"),
    "rating": _l("the rating on its scale (label, number, definition or the scale's range)"),
}
CLAIM_FIELDS = (
    "claim_reviewed",
    "claimant_name",
    "claimant_type",
    "claimant_same_as",
    "claim_date",
    "appearance_url",
    "appearance_headline",
    "language",
)
SOURCE_FIELDS = (
    "id",
    "url",
    "title",
    "publisher",
    "date_published",
    "date_accessed",
    "excerpt",
    "stance",
    "archive_url",
)


def rating_snapshot(rating: RatingValue) -> dict[str, Any]:
    """The ``snapshot_*`` values of a verdict rated ``rating``: what its public output shows."""
    scale = rating.scale
    return {
        "snapshot_label": rating.label,
        "snapshot_value": rating.value,
        "snapshot_best": scale.best,
        "snapshot_worst": scale.worst,
        "snapshot_definition": rating.definition or "",
        "snapshot_scale": scale.name,
        "snapshot_language": scale.language,
    }


def _hash(data: Any) -> str:
    text = json.dumps(to_jsonable(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def digest_parts(claim: Claim, verdict: Verdict) -> dict[str, str]:
    """One hash per part of what is proposed (see the module docstring)."""
    sources = sorted(claim.sources, key=lambda s: s.id)
    rating = verdict.rating
    return {
        "claim": _hash({f: getattr(claim, f) for f in CLAIM_FIELDS}),
        "sources": _hash([{f: getattr(s, f) for f in SOURCE_FIELDS} for s in sources]),
        "verdict": _hash(
            {
                "rating_value_id": verdict.rating_value_id,
                "summary": verdict.summary,
                "explanation": verdict.explanation,
                "correction_note": verdict.correction_note,
                "corrects_id": verdict.corrects_id,
            }
        ),
        "rating": _hash(rating_snapshot(rating) if rating is not None else None),
    }


def digest(claim: Claim, verdict: Verdict) -> str:
    """The proposal digest as stored and as the propose form carries it."""
    return ";".join(f"{name}:{value}" for name, value in digest_parts(claim, verdict).items())


def changed(recorded: str | None, claim: Claim, verdict: Verdict) -> list[str]:
    """The parts that differ between a ``recorded`` digest and the claim as it is now.

    A digest that cannot be read (none recorded, or mangled) differs in every part.
    """
    now = digest_parts(claim, verdict)
    then: dict[str, str] = {}
    for item in (recorded or "").split(";"):
        name, _, value = item.partition(":")
        then[name.strip()] = value.strip()
    return [part for part in PARTS if then.get(part) != now[part]]


def described(parts: list[str]) -> LazyString:
    """:func:`describe`, said when shown: in English for the audit trail, translated on the page."""
    return LazyString(describe, parts)


def describe(parts: list[str]) -> str:
    """The parts that moved, in words (in the interface's language; English outside a request)."""
    names = [str(PART_NAMES[p]) for p in parts]
    if len(names) == 1:
        return names[0]
    return gettext("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])
