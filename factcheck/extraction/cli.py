"""``factcheck extract``: print the check-worthy sentences of an article, without the database."""

from __future__ import annotations

import json
import shutil
import textwrap
from importlib.util import find_spec
from pathlib import Path

import click
from flask import current_app

from factcheck.articles.parsing import decode_text, detect_language
from factcheck.articles.reading import read_document, read_local
from factcheck.claims.retrain import retrain
from factcheck.clitools import db_command, language_option
from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.extraction import Candidate, ExtractionError, extract, score_lines


def _table(candidates: list[Candidate]) -> str:
    width = max(60, shutil.get_terminal_size((100, 20)).columns)
    text_width = width - 34
    lines = [f"{'score':>5}  {'?':1}  {'claimant':<22}  text", "-" * width]
    for c in candidates:
        claimant = (c.claimant.name if c.claimant else "—")[:22]
        wrapped = textwrap.wrap(c.text, text_width) or [""]
        mark = "✓" if c.checkworthy else " "
        lines.append(f"{c.score:5.2f}  {mark}  {claimant:<22}  {wrapped[0]}")
        lines.extend(f"{'':33}{more}" for more in wrapped[1:])
        if c.quantities:
            quantities = ", ".join(q.text for q in c.quantities)
            lines.append(f"{'':33}quantities: {quantities}")
    return "\n".join(lines)


@click.command("extract")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@language_option("text")
@click.option("--all", "show_all", is_flag=True, help="Print every sentence with its score.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="JSON Lines, or a table for reading on a terminal.",
)
@click.option(
    "--lines",
    "by_line",
    is_flag=True,
    help="Score each input line as one sentence, in order (for labelled sets).",
)
def extract_command(file: Path, language: str, show_all: bool, fmt: str, by_line: bool) -> None:
    """Find the check-worthy claims in FILE (.txt, .md or .html; - for stdin)."""
    lang = None if language == "auto" else language
    try:
        data = read_local(str(file))
        if by_line:
            lines = decode_text(data, name=str(file)).splitlines()
            if not any(line.strip() for line in lines):
                raise ValidationError(f"{file} is empty")
            scored = score_lines(lines, lang or detect_language("\n".join(lines)))
            for cand in scored:
                click.echo(
                    json.dumps({"checkworthy": cand.checkworthy, "score": round(cand.score, 4)})
                )
            return
        article = read_document(data, file.name if str(file) != "-" else "stdin.txt", language=lang)
        candidates = extract(article.body, article.language)
    except (ValidationError, ExtractionError) as exc:
        raise click.ClickException(str(getattr(exc, "message", exc))) from None
    chosen = sorted(
        (c for c in candidates if show_all or c.checkworthy), key=lambda c: c.score, reverse=True
    )
    if fmt == "table":
        click.echo(_table(chosen))
        return
    for cand in chosen:
        click.echo(json.dumps(cand.to_dict(), ensure_ascii=False))


@click.group("model")
def model_group() -> None:
    """The check-worthiness model: retrain it from the desk's decisions."""


@model_group.command("retrain")
@click.option(
    "--fr-data",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("../shared/data/fr-checkworthy"),
    show_default=True,
    help="The shipped French data (fr-checkworthy): train is fitted, dev is held out.",
)
@click.option("--force", is_flag=True, help="Switch even when the new model is not better.")
@db_command
def retrain_command(fr_data: Path, force: bool) -> None:
    """Fit a newsroom model on the shipped data plus every accept/dismiss, compare it with the
    model in use on held-out dev, and switch only when it is better (or with --force)."""
    if find_spec("sklearn") is None:  # a production install (requirements/app.txt) has none
        raise click.ClickException(
            "model retrain needs the training libraries: pip install 'factcheck[train]' "
            "(make install brings them)"
        )

    result = retrain(
        db.session, fr_data=fr_data, instance_path=Path(current_app.instance_path),
        actor=None, force=force,
    )  # fmt: skip
    click.echo(f"desk labels: {result.desk_labels}")
    click.echo(f"current {result.current_version}  fr dev  {result.current}")
    click.echo(f"new     {result.new_version}  fr dev  {result.new}")
    if result.switched:
        click.echo(f"switched to {result.new_version} ({result.path}); audit event model.switch")
    else:
        click.echo("kept the current model (the new one is not better; --force to switch)")


commands: list[click.Command] = [extract_command, model_group]
