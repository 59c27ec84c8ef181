"""The in-app fact-check memory: our published fact-checks and imported ones, ranked per claim.

One :class:`~factcheck.memory.matching.Matcher` per process, built from the database and
rebuilt only when its stamp (row counts and latest changes) moves, so matching a claim costs a
BM25 query, one sentence embedding and a re-ranking of the candidates, not an index build.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import current_app, has_app_context

from factcheck.database import DBSession, prebuilt
from factcheck.memory.matching import Match, MatchDoc, Matcher
from factcheck.models import Claim, ClaimStatus, ImportedFactCheck
from factcheck.publishing.services import ReviewRows, published_select

DESK_TOP = 5
# Least share of a claim's information (idf-weighted words) a fact-check must hold to count as a
# match for the queue's "has a match" filter and the desk panel.
MATCH_THRESHOLD = 0.3
# Or least cosine of the sentence vectors (a paraphrase may share no word). On CheckThat! 2020
# train, 0.6 keeps 60 % of the right fact-checks and 20 % of the best wrong ones.
MEANING_THRESHOLD = 0.6
IMPORTED, OURS = "i", "c"
VECTORS_FILE = "match-vectors.npz"  # the memory's sentence vectors, kept across restarts

_lock = threading.Lock()
_cache: dict[str, Any] = {"stamp": None, "matcher": None}


@prebuilt
def stamp_select() -> sa.Select[Any]:
    """Row counts and latest changes of the memory (read on every desk page): one row, which
    a page may read beside another one-row statement and pass to :func:`find_matches`."""
    imported = sa.select(
        sa.func.count(ImportedFactCheck.id), sa.func.max(ImportedFactCheck.updated_at)
    ).subquery()
    ours = (
        sa.select(sa.func.count(Claim.id), sa.func.max(Claim.updated_at))
        .where(Claim.status == ClaimStatus.PUBLISHED)
        .subquery()
    )
    return sa.select(imported, ours).select_from(imported.join(ours, sa.true()))


def _stamp(session: DBSession, row: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """What the memory's index was built from: row counts and latest changes (one statement,
    unless ``row``, of :func:`stamp_select`, was read already)."""
    if row is None:
        row = session.execute(stamp_select()).one()
    return (str(session.get_bind().engine.url), *row)


def _docs(session: DBSession) -> list[MatchDoc]:
    docs = [
        MatchDoc(f"{IMPORTED}{row.id}", row.claim_reviewed, row.headline or "")
        for row in session.execute(
            sa.select(
                ImportedFactCheck.id, ImportedFactCheck.headline, ImportedFactCheck.claim_reviewed
            ).order_by(ImportedFactCheck.id)
        )
    ]
    docs += [
        MatchDoc(f"{OURS}{row.id}", f"{row.claim_reviewed} {row.text}")
        for row in session.execute(
            sa.select(Claim.id, Claim.claim_reviewed, Claim.text)
            .where(Claim.status == ClaimStatus.PUBLISHED)
            .order_by(Claim.id)
        )
    ]
    return docs


def memory_matcher(session: DBSession, stamp: Sequence[Any] | None = None) -> Matcher:
    """The process's matcher over the fact-check memory, rebuilt when the memory changed
    (``stamp``: a row of :func:`stamp_select` read in this transaction, else it is read)."""
    stamp = _stamp(session, stamp)
    with _lock:
        if _cache["stamp"] != stamp or _cache["matcher"] is None:
            _cache["matcher"] = _build(_docs(session), _cache["matcher"])
            _cache["stamp"] = stamp
        matcher: Matcher = _cache["matcher"]
        return matcher


def _build(docs: list[MatchDoc], previous: Matcher | None) -> Matcher:
    """Unchanged fact-checks keep their sentence vectors — from the index this one replaces, or
    from the instance folder's store after a restart — so only new or edited ones are embedded
    (minutes for 10,000 on one core); the store is rewritten when any were."""
    store = Path(current_app.instance_path) / VECTORS_FILE if has_app_context() else None
    known = previous.known_vectors() if previous is not None else _stored(store)
    matcher = Matcher(docs, known=known)
    if store is not None and matcher.vectors is not None:
        fresh = matcher.known_vectors()
        if fresh.keys() - known.keys():
            _store(store, fresh)
    return matcher


def _stored(path: Path | None) -> dict[str, np.ndarray]:
    if path is None or not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):  # unreadable or from another version: embed again
        return {}


def _store(path: Path, vectors: dict[str, np.ndarray]) -> None:
    """Write atomically: several processes may build an index at once."""
    temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    keys = np.array(list(vectors), dtype="U32")
    np.savez(temporary, keys=keys, vectors=np.stack(list(vectors.values())))
    os.replace(temporary, path)


def claim_query(claim: Claim) -> str:
    """What a claim is matched on: its wording, its sentence and its claimant."""
    return " ".join(filter(None, (claim.claim_reviewed, claim.text, claim.claimant_name)))


@dataclass(frozen=True, slots=True)
class Found:
    """One earlier fact-check shown on the desk, ready for the template and the JSON."""

    kind: str  # "imported" or "ours"
    target_id: int
    publisher: str
    claim_reviewed: str
    rating: str
    date: date | None
    language: str
    url: str
    score: float
    coverage: float
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.target_id,
            "publisher": self.publisher,
            "claim_reviewed": self.claim_reviewed,
            "rating": self.rating,
            "date": self.date.isoformat() if self.date else None,
            "language": self.language,
            "url": self.url,
            "score": self.score,
            "coverage": self.coverage,
            "reasons": list(self.reasons),
        }


@prebuilt
def _published_select() -> sa.Select[Any]:
    """One published claim as the feed reads it."""
    return published_select(stored=True).where(Claim.id == sa.bindparam("claim_id"))


def _found(session: DBSession, match: Match, org: Any) -> Found | None:
    kind, number = match.id[0], int(match.id[1:])
    if kind == IMPORTED:
        fc = session.get(ImportedFactCheck, number)
        if fc is None:
            return None
        rating = fc.rating_label
        if fc.rating_value is not None and fc.best_rating is not None:
            rating += f" ({fc.rating_value:g}/{fc.best_rating:g})"
        return Found(
            "imported",
            fc.id,
            fc.publisher_name,
            fc.claim_reviewed,
            rating,
            fc.date_published,
            fc.language,
            fc.review_url,
            match.score,
            match.coverage,
            match.reasons,
        )
    # What we published, as the feed says it (one statement: no published row, no match).
    row = session.execute(_published_select(), {"claim_id": number}).one_or_none()
    if row is None:
        return None
    review = ReviewRows(org).build(row)
    rating = review["reviewRating"]
    return Found(
        "ours",
        number,
        org.name,
        row.claim_reviewed,
        f"{rating['alternateName']} ({rating['ratingValue']}/{rating['bestRating']})",
        date.fromisoformat(review["datePublished"][:10]),  # the UTC day, as on the claim
        row.language,
        review["url"],
        match.score,
        match.coverage,
        match.reasons,
    )


def counts(match: Match) -> bool:
    """Whether a ranked fact-check is shown as a match: enough shared words or close meaning."""
    return (
        match.coverage >= MATCH_THRESHOLD or match.features.get("meaning", 0.0) >= MEANING_THRESHOLD
    )


def find_matches(
    session: DBSession,
    claim: Claim,
    org: Any,
    *,
    top: int = DESK_TOP,
    stamp: Sequence[Any] | None = None,
) -> list[Found]:
    """Earlier fact-checks (ours and imported) most like ``claim`` that clear the threshold.

    ``org`` is the organisation, or a function that reads it: then it is read only when one of
    our own fact-checks is among the matches (an imported one names its own publisher).
    ``stamp`` is the memory's stamp when the page read it already (see :func:`memory_matcher`).
    """
    matcher = memory_matcher(session, stamp)
    found = []
    for match in matcher.ranked(claim_query(claim), top=top + 1):
        if match.id == f"{OURS}{claim.id}" or not counts(match):
            continue
        if match.id.startswith(OURS) and callable(org):
            org = org()
        item = _found(session, match, org)
        if item is not None:
            found.append(item)
    return found[:top]
