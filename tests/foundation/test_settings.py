"""Typed settings: each kind parsed strictly at start-up, and one line naming a bad one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck import create_app
from factcheck.config import SETTINGS, ConfigError, Settings, settings
from factcheck.fetching import FetchRefused, fetch
from tests.fetching.servers import page, serve

REPO = Path(__file__).resolve().parents[2]
BASE = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


_env: list[pytest.MonkeyPatch] = []


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("FACTCHECK_") and name != "FACTCHECK_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    _env.append(monkeypatch)
    yield
    _env.pop()


def setenv(**env: str) -> None:
    """Set variables for this test only (the fixture's monkeypatch restores them)."""
    for name, value in env.items():
        _env[-1].setenv(name, value)


def started(**env: str) -> Settings:
    setenv(**env)
    return settings(create_app(dict(BASE)))


def refused(**env: str) -> str:
    with pytest.raises(ConfigError) as caught:
        started(**env)
    message = str(caught.value)
    assert "\n" not in message
    return message


BOOLEAN_WORDS = [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Yes", True), ("on", True),
    ("ON", True), ("false", False), ("False", False), ("0", False), ("no", False),
    ("NO", False), ("off", False), ("Off", False),
]  # fmt: skip


@pytest.mark.parametrize(("word", "expected"), BOOLEAN_WORDS)
@pytest.mark.parametrize("key", ["FETCH_ALLOW_PRIVATE", "REQUIRE_ADMIN_2FA", "JOBS_IMMEDIATE"])
def test_booleans_take_the_eight_words_in_any_case(key, word, expected):
    typed = started(**{f"FACTCHECK_{key}": word})
    assert getattr(typed, key.lower()) is expected


@pytest.mark.parametrize("word", ["maybe", "", "2", "nein", "truee", "-1"])
def test_any_other_boolean_word_stops_start_up(word):
    message = refused(FACTCHECK_REQUIRE_ADMIN_2FA=word)
    assert message == (
        f"FACTCHECK_REQUIRE_ADMIN_2FA must be true or false (yes/no, on/off, 1/0), got {word!r}"
    )


def test_allow_private_no_keeps_the_ssrf_guard_on():
    """The bug this fixes: ``no`` was the string 'no', which is true, and fetched loopback."""
    with serve("127.0.0.2", {"/a": page("<p>internal</p>")}) as site:
        setenv(FACTCHECK_FETCH_ALLOW_PRIVATE="no")
        app = create_app(dict(BASE))
        assert settings(app).fetch_allow_private is False
        with app.app_context(), pytest.raises(FetchRefused, match="private or local address"):
            fetch(f"{site.url}/a")
        assert site.seen == []
        setenv(FACTCHECK_FETCH_ALLOW_PRIVATE="yes")
        app = create_app(dict(BASE))
        with app.app_context():
            assert fetch(f"{site.url}/a").status == 200
        assert len(site.seen) == 1


def test_require_admin_2fa_no_is_off():
    assert started(FACTCHECK_REQUIRE_ADMIN_2FA="no").require_admin_2fa is False
    assert started(FACTCHECK_REQUIRE_ADMIN_2FA="yes").require_admin_2fa is True


def test_numbers_are_numbers():
    typed = started(
        FACTCHECK_PAGE_SIZE=" 25 ",
        FACTCHECK_FETCH_DEADLINE="2.5",
        FACTCHECK_LOGIN_MAX_FAILURES="9",
        FACTCHECK_OUTLET_MAX_BACKOFF="600",
    )
    assert (typed.page_size, typed.fetch_deadline) == (25, 2.5)
    assert (typed.login_max_failures, typed.outlet_max_backoff) == (9, 600)
    assert isinstance(typed.page_size, int) and isinstance(typed.fetch_deadline, float)


@pytest.mark.parametrize(
    ("env", "value", "expected"),
    [
        ("FACTCHECK_PAGE_SIZE", "fifty", "a whole number from 1 to 1000"),
        ("FACTCHECK_PAGE_SIZE", "0", "a whole number from 1 to 1000"),
        ("FACTCHECK_PAGE_SIZE", "1001", "a whole number from 1 to 1000"),
        ("FACTCHECK_PAGE_SIZE", "2.5", "a whole number from 1 to 1000"),
        ("FACTCHECK_LOGIN_MAX_FAILURES", "-3", "a positive whole number"),
        ("FACTCHECK_SNAPSHOT_MAX_BYTES", "5MB", "a positive whole number"),
        ("FACTCHECK_FETCH_DEADLINE", "soon", "a positive number"),
        ("FACTCHECK_FETCH_DEADLINE", "0", "a positive number"),
        ("FACTCHECK_JOBS_LEASE_SECONDS", "nan", "a positive number"),
        ("FACTCHECK_MAX_CONTENT_LENGTH", "lots", "a positive whole number"),
    ],
)
def test_a_number_of_the_wrong_kind_stops_start_up_naming_it(env, value, expected):
    assert refused(**{env: value}) == f"{env} must be {expected}, got {value!r}"


def test_page_size_fifty_names_the_variable():
    assert refused(FACTCHECK_PAGE_SIZE="fifty") == (
        "FACTCHECK_PAGE_SIZE must be a whole number from 1 to 1000, got 'fifty'"
    )


def test_urls_are_urls():
    typed = started(
        FACTCHECK_ORG_URL="https://verif.example.org/",
        FACTCHECK_METHODOLOGY_URL="https://verif.example.org/methode",
        FACTCHECK_CORRECTIONS_POLICY_URL="",
        FACTCHECK_JOBS_URL="redis://127.0.0.1:6379/5",
    )
    assert typed.org_url == "https://verif.example.org/"
    assert typed.methodology_url == "https://verif.example.org/methode"
    assert typed.corrections_policy_url is None
    assert typed.jobs_url == "redis://127.0.0.1:6379/5"


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("FACTCHECK_ORG_URL", "verif.example.org"),
        ("FACTCHECK_ORG_URL", "ftp://verif.example.org/"),
        ("FACTCHECK_METHODOLOGY_URL", "https://exa mple.org/"),
        ("FACTCHECK_CORRECTIONS_POLICY_URL", "javascript:alert(1)"),
    ],
)
def test_a_url_that_is_not_one_stops_start_up(env, value):
    assert refused(**{env: value}) == f"{env} must be an http:// or https:// URL, got {value!r}"


def test_a_database_url_that_is_not_one_is_refused_without_repeating_it():
    setenv(DATABASE_URL="mysql://root:hunter2@db/x")
    with pytest.raises(ConfigError) as caught:
        create_app({"TESTING": True})
    message = str(caught.value)
    assert message.startswith("DATABASE_URL must be a database URL")
    assert "hunter2" not in message


def test_a_test_configuration_goes_through_the_same_parser():
    app = create_app({**BASE, "PAGE_SIZE": "7", "REQUIRE_ADMIN_2FA": "off"})
    assert app.config["PAGE_SIZE"] == 7 and settings(app).page_size == 7
    assert app.config["REQUIRE_ADMIN_2FA"] is False
    with pytest.raises(ConfigError, match=r"^PAGE_SIZE must be a whole number"):
        create_app({**BASE, "PAGE_SIZE": "fifty"})


def test_instance_config_values_are_parsed_and_named(tmp_path):
    (tmp_path / "config.py").write_text('PAGE_SIZE = "12"\nFETCH_ALLOW_PRIVATE = "no"\n')
    typed = started()
    assert (typed.page_size, typed.fetch_allow_private) == (12, False)
    (tmp_path / "config.py").write_text('OUTLET_MAX_BACKOFF = "a day"\n')
    assert refused() == "OUTLET_MAX_BACKOFF must be a positive whole number, got 'a day'"


def test_every_setting_has_a_typed_field_and_app_config_holds_the_parsed_value():
    app = create_app(dict(BASE))
    typed = settings(app)
    for setting in SETTINGS.values():
        assert getattr(typed, setting.field) == app.config[setting.key]
    app.config["PAGE_SIZE"] = 3  # a later override is seen by the typed object
    assert settings(app).page_size == 3


def _bad_page_size_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env.update(
        PYTHONPATH=str(REPO),
        FACTCHECK_INSTANCE_PATH=str(tmp_path),
        SECRET_KEY="s" * 48,
        FACTCHECK_PAGE_SIZE="fifty",
    )
    return env


def test_the_cli_exits_with_one_line_naming_the_setting(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("factcheck")), "users", "list"],
        env=_bad_page_size_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: FACTCHECK_PAGE_SIZE must be a whole number from 1 to 1000, got 'fifty'"
    ]


def test_gunicorn_does_not_start_with_a_bad_setting(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--bind", "127.0.0.1:0", "factcheck:create_app()"],
        env=_bad_page_size_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FACTCHECK_PAGE_SIZE must be a whole number from 1 to 1000, got 'fifty'" in (
        result.stderr
    )
    assert "Listening at" in result.stderr and "Booting worker" in result.stderr
