"""A finding of the ClaimReview validator, and how its paths are written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: where (a dotted path such as ``reviewRating.alternateName``), what, how bad."""

    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.severity}: {self.message}"


def join_path(path: str, step: str | int) -> str:
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the errors."""
    return [p for p in problems if p.severity == "error"]
