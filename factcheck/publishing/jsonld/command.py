"""``factcheck validate``: read JSON, JSON Lines or a web page and print the validator's findings.

``SOURCE: WHERE: SEVERITY: MESSAGE`` per problem and a summary; exit 1 on errors, 2 when the
input cannot be read. URLs are read by the ``fetch`` the app gives (its checked fetcher).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import click

from factcheck.publishing.jsonld.problems import Problem
from factcheck.publishing.jsonld.rules import (
    count_claim_reviews,
    looks_like_html,
    validate_document,
    validate_page,
)

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _documents(stream: IO[str], json_lines: bool) -> Iterator[tuple[str, Any]]:
    """``(where, parsed document)`` pairs: the whole file, or each line of a JSON Lines file.

    JSON Lines (``factcheck export claimreview --format jsonl``) is read a line at a time, so a
    large export is checked in bounded memory. A file given as JSON that turns out to hold one
    document per line is read as JSON Lines too. A line that is not JSON is reported as
    ``(where, _Unreadable)`` and the rest of the file is still checked.
    """
    if not json_lines:
        text = stream.read()
        try:
            yield "", json.loads(text)
            return
        except json.JSONDecodeError as exc:
            if not exc.msg.startswith("Extra data"):
                raise
        stream = io.StringIO(text)
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", _Unreadable(f"{exc.msg} (column {exc.colno})")


@dataclass(frozen=True)
class _Unreadable:
    reason: str


JSON_SUFFIXES = (".json", ".jsonld", *JSON_LINES_SUFFIXES)
Fetch = Callable[[str], str]


class _Report:
    """Prints problems as ``SOURCE: WHERE: SEVERITY: MESSAGE`` and counts them."""

    def __init__(self, source: str, *, errors_only: bool) -> None:
        self.source, self.errors_only = source, errors_only
        self.counts = {"error": 0, "warning": 0, "note": 0}
        self.reviews = 0

    def add(self, *where_parts: str, problem: Problem) -> None:
        self.counts[problem.severity] += 1
        if self.errors_only and problem.severity != "error":
            return
        where = ".".join(part for part in (*where_parts, problem.path) if part) or "(root)"
        print(f"{self.source}: {where}: {problem.severity}: {problem.message}")

    def summary(self) -> str:
        c = self.counts
        return (
            f"{self.source}: {self.reviews} ClaimReview(s), {c['error']} error(s), "
            f"{c['warning']} warning(s), {c['note']} note(s)"
        )


HELP = (
    "Validate ClaimReview JSON-LD: an object, an array, a DataFeed or @graph; JSON Lines, one "
    "document per line, as `export claimreview --format jsonl` writes; or a web page (a file or "
    "a URL), which must hold exactly one ClaimReview and show its claim and rating. SOURCE is a "
    "JSON, JSON-LD, JSON Lines or HTML file, an http(s) URL, or - for stdin."
)


@dataclass(frozen=True)
class Options:
    source: str
    org_url: str | None = None
    errors_only: bool = False
    jsonl: bool = False
    html: bool = False


def command(
    fetch: Fetch | None = None, *, wrap: Callable[[Callable[..., Any]], Any] | None = None
) -> click.Command:
    """The ``validate`` click command; ``fetch`` reads URLs, ``wrap`` decorates its callback
    (the app passes ``with_appcontext``, so the checked fetcher has the app's settings)."""

    @click.pass_context
    def validate(ctx: click.Context, **values: Any) -> None:
        ctx.exit(run(Options(**values), fetch=fetch))

    callback = wrap(validate) if wrap else validate
    for decorator in reversed(
        (
            click.command("validate", help=HELP, short_help="Validate ClaimReview JSON-LD."),
            click.argument("source"),
            click.option("--org-url", help="the organisation's site: review URLs must be on it"),
            click.option("--errors-only", is_flag=True, help="print errors only"),
            click.option(
                "--jsonl",
                is_flag=True,
                help="read one JSON document per line (the default for .jsonl and .ndjson files)",
            ),
            click.option(
                "--html", is_flag=True, help="read a web page (the default for .html files)"
            ),
        )
    ):
        callback = decorator(callback)
    assert isinstance(callback, click.Command)
    return callback


def main(argv: Sequence[str] | None = None, *, fetch: Fetch | None = None) -> int:
    """Run ``factcheck validate`` with ``argv``; return its exit status (2 on a usage error)."""
    try:
        return int(
            command(fetch).main(
                args=list(argv) if argv is not None else None,
                prog_name="factcheck validate",
                standalone_mode=False,
            )
            or 0
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code


def run(args: Options, *, fetch: Fetch | None = None) -> int:
    """Validate a JSON, JSON Lines or HTML file, standard input or a URL; print the problems.

    Exit 1 on errors, 2 if the input cannot be read. ``fetch`` reads a URL (the ``factcheck``
    command passes the ingestion fetcher, with its address checks); without it URLs are refused.
    """
    source = args.source
    report = _Report(source, errors_only=args.errors_only)
    is_url = source.lower().startswith(("http://", "https://"))
    json_lines = args.jsonl or source.lower().endswith(JSON_LINES_SUFFIXES)
    try:
        if is_url:
            if fetch is None:
                raise OSError("reading a URL needs the factcheck command (its checked fetcher)")
            _check_text(report, fetch(source), args, sniff=True)
        elif json_lines:
            with contextlib.ExitStack() as stack:
                stream = sys.stdin if source == "-" else stack.enter_context(_open(source))
                _check_documents(report, stream, json_lines=True, org_url=args.org_url)
        else:
            with contextlib.ExitStack() as stack:
                stream = sys.stdin if source == "-" else stack.enter_context(_open(source))
                text = stream.read()
            sniff = not source.lower().endswith(JSON_SUFFIXES)
            _check_text(report, text, args, sniff=sniff)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"{source}: cannot read JSON: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 1 if report.counts["error"] else 0


def _open(path: str) -> IO[str]:
    return open(path, encoding="utf-8")


def _check_text(report: _Report, text: str, args: Options, *, sniff: bool) -> None:
    """Check ``text`` as a page (``--html``, an .html name, or ``<`` first when ``sniff``)."""
    if args.html or looks_like_html(text if sniff else "", args.source):
        result = validate_page(text, org_url=args.org_url)
        report.reviews += result.reviews
        for where, problem in result.problems:
            report.add(where, problem=problem)
        return
    _check_documents(report, io.StringIO(text), json_lines=False, org_url=args.org_url)


def _check_documents(
    report: _Report, stream: IO[str], *, json_lines: bool, org_url: str | None
) -> None:
    for line, data in _documents(stream, json_lines):
        if isinstance(data, _Unreadable):
            report.add(line, problem=Problem("", f"not JSON: {data.reason}"))
            continue
        for item_path, problem in validate_document(data, org_url=org_url):
            report.add(line, item_path, problem=problem)
        report.reviews += count_claim_reviews(data)
