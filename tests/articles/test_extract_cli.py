"""`factcheck extract`: the extractor on the command line, without touching the database."""

from __future__ import annotations

import json

import pytest

from factcheck.articles.parsing import parse_article
from tests.conftest import REPO

SEED = REPO / "seeds" / "000_8d320c1e2e7514cc.txt"


@pytest.fixture
def cli(tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/unused.sqlite3")
    return app.test_cli_runner()


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_jsonl_best_first_with_exact_offsets(cli, tmp_path):
    result = cli.invoke(args=["extract", str(SEED)])
    assert result.exit_code == 0, result.output
    rows = _rows(result.output)
    body = parse_article(SEED.read_text(encoding="utf-8")).body
    assert rows and all(r["checkworthy"] for r in rows)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    for row in rows:
        assert body[row["start"] : row["end"]] == row["text"]
        assert set(row) == {
            "text",
            "start",
            "end",
            "score",
            "model_version",
            "checkworthy",
            "claimant",
            "quantities",
            "reasons",
        }
    top3 = " ".join(r["text"] for r in rows[:3])
    assert "Le Pentagone estime" in top3 and "Un rapport publié en juin" in top3


def test_all_prints_every_sentence(cli):
    flagged = _rows(cli.invoke(args=["extract", str(SEED)]).output)
    everything = _rows(cli.invoke(args=["extract", str(SEED), "--all"]).output)
    assert len(everything) > len(flagged)
    assert any(not r["checkworthy"] for r in everything)


def test_table_format(cli):
    result = cli.invoke(args=["extract", str(SEED), "--format", "table"])
    assert result.exit_code == 0
    assert "claimant" in result.output.splitlines()[0]
    assert "Pentagone" in result.output


def test_lines_mode_scores_each_line_in_order(cli, tmp_path):
    path = tmp_path / "lines.txt"
    lines = [
        "We're consuming 50 percent of the world's cocaine.",
        "Let me help the governor.",
        "Unemployment fell to 3.5 percent last year.",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = _rows(cli.invoke(args=["extract", "--lines", str(path), "--lang", "en"]).output)
    assert len(rows) == 3
    assert all(set(r) == {"checkworthy", "score"} for r in rows)
    assert rows[0]["score"] > rows[1]["score"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.txt", "article is empty"),
        (b"  \n\n ", "blank.txt", "article is empty"),
        (b"\x00\x01\x02binary", "bin.txt", "is binary"),
        ("é".encode("latin-1") * 10, "latin.txt", "not UTF-8"),
        (
            b"T\n\nHallo Welt, das ist ein deutscher Artikel \xc3\xbcber das Wetter.",
            "de.txt",
            "not supported",
        ),
    ],
)
def test_bad_files(cli, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = cli.invoke(args=["extract", str(path)])
    assert result.exit_code == 1
    assert message in result.output


def test_missing_file(cli, tmp_path):
    result = cli.invoke(args=["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "no such file" in result.output
