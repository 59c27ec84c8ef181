"""Claim extraction: split an article into sentences and score each for check-worthiness.

A pure library (no Flask, no database)::

    from factcheck.extraction import extract
    for candidate in extract(body, "fr"):
        print(candidate.score, candidate.checkworthy, candidate.claimant, candidate.text)
"""

from factcheck.extraction.pipeline import extract, score_lines
from factcheck.extraction.types import (
    Candidate,
    Claimant,
    ExtractionError,
    Quantity,
)
from factcheck.languages import SUPPORTED_LANGUAGES

__all__ = [
    "SUPPORTED_LANGUAGES",
    "Candidate",
    "Claimant",
    "ExtractionError",
    "Quantity",
    "extract",
    "score_lines",
]
