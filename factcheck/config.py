"""Settings with their defaults in one place, and the rules that make start-up fail fast.

Order: these defaults, then ``instance/config.py``, then ``instance/secret_key``, then the
environment (``DATABASE_URL``, ``SECRET_KEY``, ``FACTCHECK_*``), then a test configuration.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says which setting and why."""


class Defaults:
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from the instance folder when left empty
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    SECRET_KEY: str | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    SESSION_COOKIE_SECURE: bool | None = None  # None: on, except in debug and testing
    # Settings of our own; each can be set from the environment as FACTCHECK_<NAME>.
    ORG_NAME = "Factcheck Newsroom"  # the organisation publishing the fact-checks
    ORG_URL = "http://127.0.0.1:5000/"  # public base URL; ClaimReview urls are made absolute on it
    METHODOLOGY_URL: str | None = None
    CORRECTIONS_POLICY_URL: str | None = None
    SEEDS_DIR: str | None = None  # defaults to seeds/ in the project
    PAGE_SIZE = 50
    FETCH_ALLOW_PRIVATE = False  # let URL ingestion reach loopback and private addresses
    LOGIN_MAX_FAILURES = 5  # failed sign-in steps per account, and per address, ...
    LOGIN_FAILURE_WINDOW = 60  # ... within this many seconds, before attempts are refused (429)
    REQUIRE_ADMIN_2FA = False  # admins must enrol in two-factor sign-in before anything else
    TWO_FACTOR_PENDING_SECONDS = 300  # time allowed between the password and the code
    TOTP_KEY: str | None = None  # Fernet key for TOTP secrets at rest; default: instance/totp_key
    SNAPSHOT_DIR: str | None = None  # where source snapshots (WARC files) go; instance/snapshots
    SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024  # one page larger than this is not captured
    SNAPSHOT_MAX_TOTAL_BYTES = 1024 * 1024 * 1024  # the folder holds at most this much
    OUTLET_MAX_ARTICLES_PER_POLL = 20  # new links read from one poll of one outlet
    OUTLET_MAX_BACKOFF = 24 * 3600  # seconds: the longest wait after repeated failures


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` in the documented order and check it."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    secret_file = Path(app.instance_path) / "secret_key"
    if secret_file.is_file():
        app.config["SECRET_KEY"] = secret_file.read_text(encoding="utf-8").strip()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env("FACTCHECK", loads=_env_value)
    if test_config:
        app.config.update(test_config)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "factcheck.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        # psycopg 3 is the driver we ship; accept the common spelling of the URL.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if not app.debug and not app.testing:
        check_secret_key(app.config.get("SECRET_KEY"))
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    if not app.config.get("SECRET_KEY") and (app.debug or app.testing):
        app.config["SECRET_KEY"] = os.urandom(32).hex()


def _env_value(value: str) -> Any:
    """Environment values stay strings unless they are plain integers or booleans."""
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if value.isdigit():
        return int(value)
    return value


def check_secret_key(secret: str | None) -> None:
    if secret is None or secret.strip().lower() in WEAK_SECRETS:
        raise ConfigError(
            "SECRET_KEY is missing or a known default: set SECRET_KEY in the environment or write "
            "a random one to instance/secret_key (make run does this on first run)"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is too short ({len(secret)} characters): use at least "
            f"{MIN_SECRET_LENGTH} random characters"
        )
