"""Offline ClaimReview validator: the fact-check rules of the design plus schema.org 30.0 terms.

Google's Rich Results Test no longer checks ClaimReview (the rich result was retired in 2025),
but Fact Check Explorer, the Fact Check Tools API and Data Commons still read it, so the
project checks its own output here. The validator is three modules, named here together:

- ``vocabulary.py``: the packaged schema.org 30.0 subset and the term checks against it;
- ``rules.py``: the design's rules for a ClaimReview, a document and a web page;
- ``command.py``: the ``factcheck validate`` click command (files, JSON Lines, stdin, URLs).
"""

from __future__ import annotations

from factcheck.publishing.jsonld.command import command, main, run
from factcheck.publishing.jsonld.problems import Problem, Severity, errors
from factcheck.publishing.jsonld.rules import (
    CONTEXT_NOT_SCHEMA,
    LANGUAGE_TAG,
    MAX_CLAIM_LENGTH,
    PageResult,
    check_iso8601,
    contains_words,
    count_claim_reviews,
    fold_words,
    is_absolute_http_url,
    looks_like_html,
    on_domain,
    rating_in_wording,
    validate_claim_review,
    validate_document,
    validate_page,
)
from factcheck.publishing.jsonld.vocabulary import (
    Vocabulary,
    check_vocabulary,
    load_vocabulary,
    pending_notes,
)

__all__ = [
    "CONTEXT_NOT_SCHEMA",
    "LANGUAGE_TAG",
    "MAX_CLAIM_LENGTH",
    "PageResult",
    "Problem",
    "Severity",
    "Vocabulary",
    "check_iso8601",
    "check_vocabulary",
    "command",
    "contains_words",
    "count_claim_reviews",
    "errors",
    "fold_words",
    "is_absolute_http_url",
    "load_vocabulary",
    "looks_like_html",
    "main",
    "on_domain",
    "pending_notes",
    "rating_in_wording",
    "run",
    "validate_claim_review",
    "validate_document",
    "validate_page",
]
