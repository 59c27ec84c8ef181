"""What each cell of the queue's table shows, worked out once per row for ``claims/queue.html``.

The template writes the markup; this works out the values it puts in it: the links, the
truncated texts, the score, the status's name, the dates and the age. They were calls in the
template (``claim_url()``, ``|truncate``, ``scores()``, ``ages()``, ``isoformat()``...), and a
call from Jinja costs several times the same call from Python: for fifty rows, about a third
of the rows' rendering (0.8 of 2.5 ms, issue 19). ``tests/queue/test_queue_rows.py`` holds
the rows to what those calls wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from jinja2.filters import do_truncate

from factcheck.models import Claim, ClaimStatus
from factcheck.navigation import url_for_each

CLAIM_TEXT_LENGTH = 140  # characters of the claim shown, as ``|truncate(140)`` cuts them
ARTICLE_TITLE_LENGTH = 48


class QueueRow(NamedTuple):
    claim: Claim
    url: str  # the claim desk, with the queue's filters to come back to
    text: str  # the claim as reviewed, truncated
    status: str  # the status's name in the interface language
    score: str  # "0.87" ("0,87" in French), "—" for none
    article_url: str | None  # None: no article
    article_title: str | None  # truncated
    created: str  # ISO 8601, for ``<time datetime>``
    created_utc: str  # "2025-01-01 09:30", the time's title
    age: str  # "3 d" ("3 j" in French)


def queue_rows(
    claims: Sequence[Claim],
    *,
    back: str,
    status_names: Mapping[ClaimStatus, str],
    scores: Callable[[float | None], str],
    ages: Callable[[datetime | None], str],
) -> list[QueueRow]:
    """The rows of ``claims``; ``back``: the queue's filters (``queries.queue_back``)."""
    claim_url = url_for_each("claims.show", "claim_id", back=back or None)
    article_url = url_for_each("articles.show", "article_id")
    env = current_app.jinja_env  # |truncate's leeway is the environment's
    rows = []
    for claim in claims:
        article = claim.article
        rows.append(
            QueueRow(
                claim=claim,
                url=claim_url(claim.id),
                text=do_truncate(env, claim.claim_reviewed, CLAIM_TEXT_LENGTH),
                status=status_names[claim.status],
                score=scores(claim.score),
                article_url=article_url(article.id) if article else None,
                article_title=(
                    do_truncate(env, article.title, ARTICLE_TITLE_LENGTH) if article else None
                ),
                created=claim.created_at.isoformat(),
                created_utc=claim.created_at.strftime("%Y-%m-%d %H:%M"),
                age=ages(claim.created_at),
            )
        )
    return rows
