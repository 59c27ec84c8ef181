"""Value types returned by the extraction engine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ClaimantType = Literal["Person", "Organization"]


class ExtractionError(ValueError):
    """Raised for input the engine refuses: empty text or an unsupported language."""


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who makes the claim: a person or an organisation named in the sentence."""

    name: str
    type: ClaimantType


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a sentence.

    ``text`` is exactly as it appears in the sentence; ``value`` is the parsed number (scale words
    applied: "1,5 milliard" -> 1.5e9); ``unit`` is the counted noun or symbol ("soldats", "%",
    "million" stays folded into ``value``). A part-of-whole phrase ("23 des 32 membres",
    "23 of 32 members") gives one Quantity for the part with ``of`` set to the whole (32.0);
    the whole is not repeated as a separate Quantity.
    """

    text: str
    value: float
    unit: str | None = None
    of: float | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence of an article body, scored for check-worthiness."""

    text: str
    start: int
    end: int
    score: float
    checkworthy: bool
    claimant: Claimant | None = None
    quantities: list[Quantity] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    model_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (keys: text, start, end, score, checkworthy, claimant, ...)."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "checkworthy": self.checkworthy,
            "claimant": asdict(self.claimant) if self.claimant else None,
            "quantities": [asdict(q) for q in self.quantities],
            "reasons": list(self.reasons),
            "model_version": self.model_version,
        }
