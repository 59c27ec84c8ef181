"""Reader for the CheckThat! 2024 Task 1 English check-worthiness files (research data, never
committed: pass the folder with ``--data``)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

SPLITS = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
}
# Train line 16877 holds two records with the newline missing: "24098\t...\tNo29286\t...\tNo".
_GLUED = re.compile(r"^(?P<label>Yes|No)(?P<id>\d+)$")


@dataclass(frozen=True)
class Example:
    """One labelled debate sentence."""

    sentence_id: str
    text: str
    label: bool


def read_split(folder: Path, split: str) -> list[Example]:
    """Read one split; repairs the known glued record in train (ids 24098 and 29286, both No)."""
    path = Path(folder) / SPLITS[split]
    examples: list[Example] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quotechar='"')
        header = next(reader)
        if header[:3] != ["Sentence_id", "Text", "class_label"]:
            raise ValueError(f"{path}: unexpected header {header!r}")
        for row in reader:
            if not row:
                continue
            if len(row) == 5 and (glued := _GLUED.match(row[2])):
                examples.append(Example(row[0], row[1], glued["label"] == "Yes"))
                row = [glued["id"], row[3], row[4]]
            if len(row) != 3 or row[2] not in ("Yes", "No"):
                raise ValueError(f"{path}:{reader.line_num}: malformed row {row!r}")
            examples.append(Example(row[0], row[1], row[2] == "Yes"))
    return examples
