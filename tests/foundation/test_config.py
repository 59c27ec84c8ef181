"""Configuration order and the fail-fast rules."""

from __future__ import annotations

import pytest

from factcheck import create_app
from factcheck.config import ConfigError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in ("SECRET_KEY", "DATABASE_URL", "FACTCHECK_ORG_NAME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("secret", [None, "dev", "changeme", "short-but-not-default"])
def test_production_refuses_a_weak_secret_key(clean_env, monkeypatch, secret):
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_secret_key_from_the_instance_folder(clean_env):
    (clean_env / "secret_key").write_text("k" * 48)
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 48
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{clean_env}/factcheck.sqlite3"


def test_environment_overrides_instance_config(clean_env, monkeypatch):
    (clean_env / "config.py").write_text(
        'ORG_NAME = "From instance"\nSECRET_KEY = "' + "i" * 40 + '"\n'
    )
    app = create_app()
    assert app.config["ORG_NAME"] == "From instance"
    monkeypatch.setenv("FACTCHECK_ORG_NAME", "From env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/x")
    monkeypatch.setenv("FACTCHECK_SESSION_COOKIE_SECURE", "false")
    app = create_app()
    assert app.config["ORG_NAME"] == "From env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_testing_config_wins(clean_env):
    app = create_app({"TESTING": True, "ORG_NAME": "T"})
    assert app.config["ORG_NAME"] == "T"
    assert app.config["SECRET_KEY"]
