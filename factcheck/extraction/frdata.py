"""Reader for fr-checkworthy: French news articles, sentences labelled must/should/not with
claimant and quantities (research data under ../shared, never committed: pass ``--fr-data``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LABELS = ("must", "should", "not")


@dataclass(frozen=True)
class FrSentence:
    """One labelled body sentence of an article."""

    article_id: str
    index: int
    text: str
    label: str  # must | should | not
    claimant: str
    quantities: tuple[str, ...]

    @property
    def checkworthy(self) -> bool:
        """``must`` or ``should``: what the desk wants flagged."""
        return self.label != "not"


@dataclass(frozen=True)
class FrArticle:
    """One article: its headline, its body (as in ``articles/<id>.txt``) and its split."""

    article_id: str
    split: str
    headline: str
    body: str
    sentences: tuple[FrSentence, ...]


def read_articles(folder: Path) -> list[FrArticle]:
    """All articles in ``splits.tsv`` order, each with its labelled sentences."""
    folder = Path(folder)
    rows: dict[str, list[FrSentence]] = {}
    with (folder / "labels.tsv").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        if header[:4] != ["article_id", "sentence_index", "sentence", "label"]:
            raise ValueError(f"{folder / 'labels.tsv'}: unexpected header {header!r}")
        for number, line in enumerate(handle, start=2):
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 6 or fields[3] not in LABELS:
                raise ValueError(f"{folder / 'labels.tsv'}:{number}: malformed row")
            quantities = tuple(q.strip() for q in fields[5].split(";") if q.strip())
            rows.setdefault(fields[0], []).append(
                FrSentence(fields[0], int(fields[1]), fields[2], fields[3], fields[4], quantities)
            )
    articles = []
    with (folder / "splits.tsv").open(encoding="utf-8") as handle:
        handle.readline()
        for line in handle:
            if not line.strip():
                continue
            article_id, split = line.rstrip("\n").split("\t")
            text = (folder / "articles" / f"{article_id}.txt").read_text(encoding="utf-8")
            headline, _, body = text.partition("\n\n")
            sentences = tuple(sorted(rows.get(article_id, []), key=lambda s: s.index))
            articles.append(FrArticle(article_id, split, headline.strip(), body, sentences))
    return articles
