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
    FETCH_ALLOW_PRIVATE = False  # let every fetch reach loopback and private addresses (dev only)
    FETCH_ALLOW_HOSTS: tuple[str, ...] = ()  # private hosts/addresses a deployment may fetch
    FETCH_DEADLINE = 20.0  # seconds for a whole fetch: resolve, connect, redirects, body
    FETCH_MAX_BYTES = 2 * 1024 * 1024  # largest document a fetch reads
    JOBS_URL: str | None = (
        None  # redis://host:port/db for several workers; else SQLite in instance/
    )
    JOBS_NAME = "factcheck"  # the queue's name (a key prefix on Redis)
    JOBS_IMMEDIATE = False  # run jobs in the request that enqueues them (tests, one-off scripts)
    JOBS_LEASE_SECONDS = 300  # a job running longer is presumed dead and re-queued (the reaper)
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
    # The API's rate limits (Flask-Limiter notation) and where they are counted: memory:// per
    # process, or redis://host:6379/N so that every worker and host shares one count.
    RATELIMIT_STORAGE_URL = "memory://"
    API_RATE_LIMIT_PER_TOKEN = "300 per minute"  # noqa: S105 - a rate, not a secret
    API_RATE_LIMIT_PER_ADDRESS = "600 per minute"


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
    _parse_typed_settings(app.config)
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


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
BOOLEAN_SETTINGS = ("FETCH_ALLOW_PRIVATE", "JOBS_IMMEDIATE", "REQUIRE_ADMIN_2FA")


def parse_bool(name: str, value: Any) -> bool:
    """``true/false``, ``yes/no``, ``on/off``, ``1/0`` (any case); anything else is refused."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (yes/no, on/off, 1/0), not {value!r}")


def _positive_number(name: str, value: Any, kind: type[float] | type[int]) -> float | int:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a positive number, not {value!r}") from None
    if number <= 0:
        raise ConfigError(f"{name} must be a positive number, not {value!r}")
    return number


def _parse_typed_settings(config: Any) -> None:
    """Settings read as strings (environment, instance/config.py) become typed, or start fails."""
    from factcheck.fetching import parse_allow_hosts

    for name in BOOLEAN_SETTINGS:
        config[name] = parse_bool(name, config.get(name, False))
    if config.get("SESSION_COOKIE_SECURE") is not None:  # None: decided below from debug/testing
        config["SESSION_COOKIE_SECURE"] = parse_bool(
            "SESSION_COOKIE_SECURE", config["SESSION_COOKIE_SECURE"]
        )
    try:
        config["FETCH_ALLOW_HOSTS"] = parse_allow_hosts(config.get("FETCH_ALLOW_HOSTS"))
    except ValueError as exc:
        raise ConfigError(f"FETCH_ALLOW_HOSTS: {exc}") from None
    config["FETCH_DEADLINE"] = float(
        _positive_number("FETCH_DEADLINE", config["FETCH_DEADLINE"], float)
    )
    config["JOBS_LEASE_SECONDS"] = float(
        _positive_number("JOBS_LEASE_SECONDS", config["JOBS_LEASE_SECONDS"], float)
    )
    config["FETCH_MAX_BYTES"] = int(
        _positive_number("FETCH_MAX_BYTES", config["FETCH_MAX_BYTES"], int)
    )
    jobs_url = (config.get("JOBS_URL") or "").strip() or None
    if jobs_url and not jobs_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"JOBS_URL must be a redis:// URL, not {jobs_url!r}")
    config["JOBS_URL"] = jobs_url
    _parse_rate_limits(config)


RATELIMIT_SCHEMES = ("memory://", "redis://", "rediss://", "redis+unix://", "valkey://")


def _parse_rate_limits(config: Any) -> None:
    """The API's rate limits must parse and their storage be one Flask-Limiter knows."""
    from limits import parse_many

    storage = str(config.get("RATELIMIT_STORAGE_URL") or "memory://").strip()
    if not storage.startswith(RATELIMIT_SCHEMES):
        raise ConfigError(
            f"RATELIMIT_STORAGE_URL must be memory:// or a redis:// URL, not {storage!r}"
        )
    config["RATELIMIT_STORAGE_URL"] = storage
    for name in ("API_RATE_LIMIT_PER_TOKEN", "API_RATE_LIMIT_PER_ADDRESS"):
        try:
            parse_many(str(config[name]))
        except ValueError:
            raise ConfigError(
                f"{name} must be a rate such as '300 per minute', not {config[name]!r}"
            ) from None


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
