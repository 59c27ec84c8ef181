"""Evaluate the committed weights on CheckThat! 2024 English dev and dev-test.

    python -m factcheck.extraction.evaluate --data ../shared/data/ct24-checkworthy-en

Scores every sentence through ``score_lines`` (the same code the app runs) and prints precision,
recall and F1 of the ``Yes`` class.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from factcheck.extraction.data import Example, read_split
from factcheck.extraction.model import MODEL_PATH, Models, load_models
from factcheck.extraction.pipeline import score_lines


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of the positive class."""

    precision: float
    recall: float
    f1: float
    n: int

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (n={self.n})"


def prf(gold: list[bool], predicted: list[bool]) -> Scores:
    """Precision/recall/F1 of ``True``."""
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(gold))


def evaluate(models: Models, examples: list[Example], language: str = "en") -> Scores:
    """Score ``examples`` with the model used for ``language`` (en: n-grams, fr: cues)."""
    lines = [e.text for e in examples]
    candidates = score_lines(lines, "en", models=_as_language(models, language))
    return prf([e.label for e in examples], [c.checkworthy for c in candidates])


def _as_language(models: Models, language: str) -> Models:
    if language == "en":
        return models
    return Models(ngram=models.cue, cue=models.cue, meta=models.meta)


def report(models: Models, folder: Path) -> dict[str, dict[str, float]]:
    """Print and return the figures for dev and dev-test, both model paths."""
    results: dict[str, dict[str, float]] = {}
    if "data" in models.meta:
        print(f"weights fitted on: {models.meta['data']} (dev is in-sample for the n-gram model)")
    for path, label in (("en", "n-gram model (English path)"), ("cue", "cue-only model")):
        for split in ("dev", "dev-test"):
            scores = evaluate(models, read_split(folder, split), path)
            print(f"{label:28s} {split:8s} {scores}")
            results[f"{path}/{split}"] = {
                "precision": round(scores.precision, 4),
                "recall": round(scores.recall, 4),
                "f1": round(scores.f1, 4),
            }
    return results


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder of the CT24 .tsv files")
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="weights JSON")
    args = parser.parse_args(argv)
    report(load_models(args.model), args.data)


if __name__ == "__main__":
    main()
