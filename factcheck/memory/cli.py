"""``factcheck match``: rank a collection of fact-checks for each query, as a TREC run."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.memory.evaluate import read_docs, read_queries
from factcheck.memory.matching import Matcher
from factcheck.memory.sentences import SentenceModelMissing


@click.command("match")
@click.option(
    "--collection",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Fact-checks: TSV with a header, then id, claim, title (claim-retrieval-en format).",
)
@click.option(
    "--queries",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Queries: TSV with a header, then id, text.",
)
@click.option("--top", type=click.IntRange(1, 1000), default=5, show_default=True)
@click.option("--tag", default="factcheck", show_default=True, help="Run tag (last column).")
def match_command(collection: Path, queries: Path, top: int, tag: str) -> None:
    """Print a TREC run: `qid Q0 docid rank score tag`, best first for each query."""
    try:
        docs = read_docs(collection)
        asked = read_queries(queries)
    except (OSError, UnicodeDecodeError, IndexError, StopIteration) as exc:
        raise click.ClickException(f"cannot read the TSV files: {exc}") from None
    try:
        matcher = Matcher(docs)  # embeds every fact-check once (minutes for 10,000)
        for query in asked:
            for rank, found in enumerate(matcher.rank(query.text, top=top), 1):
                click.echo(f"{query.id} Q0 {found.id} {rank} {found.score:.6f} {tag}")
    except SentenceModelMissing as exc:
        raise click.ClickException(str(exc)) from None


commands: list[click.Command] = [match_command]
