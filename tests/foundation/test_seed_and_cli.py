"""The seed article, `factcheck seed`, `factcheck users`, and bad input on the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.articles.parsing import parse_article
from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, RatingScale, User
from tests.conftest import REPO

SEED = REPO / "seeds" / "000_8d320c1e2e7514cc.txt"


def test_seed_file_is_the_shared_one(shared_dir):
    assert SEED.read_bytes() == (shared_dir / "seed-article" / SEED.name).read_bytes()


def test_parsing_the_seed_article():
    parsed = parse_article(SEED.read_text(encoding="utf-8"))
    assert parsed.title == "NATO Secretary General Mark Rutte hopes to work well with Donald Trump."
    assert parsed.byline == "Milos Schmidt"
    assert parsed.headline == (
        "Message de Rutte à Trump : les troupes nord-coréennes en Ukraine menacent également "
        "les États-Unis"
    )
    assert parsed.language == "fr"
    assert parsed.body.startswith("Le secrétaire général de l’OTAN, Mark Rutte, a déclaré")
    assert parsed.body.endswith("« soutenir l’Ukraine aussi longtemps et autant que nécessaire ».")
    for junk in ("Laisser un commentaire", "vingt + dix", "Milos Schmidt", "NATO Secretary"):
        assert junk not in parsed.body


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "article is empty"),
        ("   \n\n \t ", "article is empty"),
        ("Title only\n\nLaisser un commentaire", "no body text"),
        (
            "T\n\nHallo Welt, das ist ein deutscher Artikel über die Regierung und das Wetter.",
            "not supported",
        ),
        ("T\n\nBody\x00with NUL", "control characters"),
    ],
)
def test_bad_articles_are_refused(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_article(raw)


def test_seed_command_loads_once_and_is_idempotent(app, runner):
    first = runner.invoke(args=["seed", "--demo-users"])
    assert first.exit_code == 0, first.output
    assert "loaded: NATO Secretary General" in first.output
    assert "Demo users" in first.output
    for email in (
        "admin@newsroom.example.org",
        "editor@newsroom.example.org",
        "reviewer@newsroom.example.org",
    ):
        assert email in first.output

    with app.app_context():
        counts = _counts()
        hashes = db.session.scalars(sa.select(User.password_hash)).all()
        assert all(h.startswith("$argon2id$") for h in hashes)
        article = db.session.scalar(sa.select(Article))
        assert article.language == "fr" and article.byline == "Milos Schmidt"
        assert db.session.scalar(sa.select(sa.func.count(RatingScale.id))) == 2
        for claim in db.session.scalars(sa.select(Claim)):
            assert article.body[claim.start_offset : claim.end_offset] == claim.text

    second = runner.invoke(args=["seed", "--demo-users"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert "Demo users" not in second.output  # passwords are printed once, at creation
    with app.app_context():
        assert _counts() == counts


def _counts():
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Article, Claim, User, RatingScale, AuditEvent)
    )


def test_seed_with_missing_folder_fails_cleanly(app, runner, tmp_path):
    result = runner.invoke(args=["seed", "--seeds", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(args=["seed", "--seeds", str(empty)])
    assert result.exit_code == 1 and "holds no .txt article" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(RatingScale.id))) == 0


def test_users_create_reads_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "New.Person@Example.org", "--role", "editor"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["users", "list"])
    assert "new.person@example.org" in listing.output and "editor" in listing.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "x@example.org", "--role", "boss"],
            "a long enough passphrase\n",
            "unknown role 'boss'",
        ),
        (["users", "create", "x@example.org", "--role", "reviewer"], "short\n", "too short"),
        (
            ["users", "create", "not-an-email", "--role", "reviewer"],
            "a long enough passphrase\n",
            "email is not valid",
        ),
    ],
)
def test_users_create_bad_input(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.seq))) == 0


def test_duplicate_email_is_refused(app, runner):
    args = ["users", "create", "dup@example.org", "--role", "reviewer"]
    assert runner.invoke(args=args, input="a long enough passphrase\n").exit_code == 0
    result = runner.invoke(args=args, input="another long passphrase\n")
    assert result.exit_code == 1
    assert "already exists" in result.output


def _console(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "factcheck"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_console_script_reports_unreachable_database_without_traceback(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "s" * 40,
        "FACTCHECK_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2",
    }
    result = _console("init", env=env)
    assert result.returncode != 0
    assert "database unreachable" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_console_script_refuses_to_start_without_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["FACTCHECK_INSTANCE_PATH"] = str(tmp_path)
    result = _console("users", "list", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr
