"""Settings: typed, with their defaults in one place, parsed once at start-up.

Order: these defaults, then ``instance/config.py``, then ``instance/secret_key``, then the
environment (``DATABASE_URL``, ``SECRET_KEY``, ``FACTCHECK_*``), then a test configuration.

Every setting of the table below is parsed by its kind (a strict boolean, a whole number in a
range, an http(s) URL, …) into a frozen :class:`Settings`; a value of the wrong kind stops
start-up with one line naming the setting as it was given (``FACTCHECK_PAGE_SIZE must be a whole
number from 1 to 1000, got 'fifty'``). ``app.config`` keeps the same keys, holding the parsed
values (a test configuration given to ``create_app`` goes through the same parser). Code reads
them as ``settings().page_size``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Config, Flask, current_app
from limits import parse_many

from factcheck.domain import ValidationError
from factcheck.fetching import parse_allow_hosts
from factcheck.validation import clean_url

WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development", "test"}
MIN_SECRET_LENGTH = 32
ENV_PREFIX = "FACTCHECK_"


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
    # E-mail notifications (sent by the worker); no MAIL_SERVER: notifications stay in the app.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_SENDER = "factcheck@localhost"
    MAIL_TIMEOUT = 10.0  # seconds for one SMTP conversation step
    WEBHOOK_DEADLINE = 15.0  # seconds one webhook request may take (connect, send, answer)
    WEBHOOK_MAX_ATTEMPTS = 6  # tries of one delivery before it is marked failed
    WEBHOOK_RETRY_BASE = 30.0  # seconds before the 2nd try; x4 each time after, with jitter
    # The API's rate limits (Flask-Limiter notation) and where they are counted: memory:// per
    # process, or redis://host:6379/N so that every worker and host shares one count.
    RATELIMIT_STORAGE_URL = "memory://"
    API_RATE_LIMIT_PER_TOKEN = "300 per minute"  # noqa: S105 - a rate, not a secret
    API_RATE_LIMIT_PER_ADDRESS = "600 per minute"


@dataclass(frozen=True)
class Settings:
    """The parsed settings, one typed field per key of ``Defaults`` (lower-cased)."""

    sqlalchemy_database_uri: str
    secret_key: str | None
    session_cookie_secure: bool  # None until start-up decides it from debug/testing
    max_content_length: int
    org_name: str
    org_url: str
    methodology_url: str | None
    corrections_policy_url: str | None
    seeds_dir: str | None
    page_size: int
    fetch_allow_private: bool
    fetch_allow_hosts: tuple[str, ...]
    fetch_deadline: float
    fetch_max_bytes: int
    jobs_url: str | None
    jobs_name: str
    jobs_immediate: bool
    jobs_lease_seconds: float
    login_max_failures: int
    login_failure_window: int
    require_admin_2fa: bool
    two_factor_pending_seconds: int
    totp_key: str | None
    snapshot_dir: str | None
    snapshot_max_bytes: int
    snapshot_max_total_bytes: int
    outlet_max_articles_per_poll: int
    outlet_max_backoff: int
    mail_server: str | None
    mail_port: int
    mail_username: str | None
    mail_password: str | None
    mail_use_tls: bool
    mail_sender: str
    mail_timeout: float
    webhook_deadline: float
    webhook_max_attempts: int
    webhook_retry_base: float
    ratelimit_storage_url: str
    api_rate_limit_per_token: str
    api_rate_limit_per_address: str


# --- the kinds of value ------------------------------------------------------------------------

Parser = Callable[[str, Any], Any]  # (label, raw value) -> typed value, or ConfigError

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, value: Any) -> bool:
    """``true/false``, ``yes/no``, ``on/off``, ``1/0`` (any case); anything else is refused."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (yes/no, on/off, 1/0), got {value!r}")


def _optional_bool(name: str, value: Any) -> bool | None:
    return None if value is None else parse_bool(name, value)


def whole_number(minimum: int = 1, maximum: int | None = None) -> Parser:
    """A whole number (``50``, ``" 50 "``) within ``minimum``–``maximum``."""
    if maximum is not None:
        expected = f"a whole number from {minimum} to {maximum}"
    elif minimum == 1:
        expected = "a positive whole number"
    else:
        expected = f"a whole number of at least {minimum}"

    def parse(name: str, value: Any) -> int:
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip().lstrip("+-").isdecimal():
            number = int(value.strip())
        if number is None or number < minimum or (maximum is not None and number > maximum):
            raise ConfigError(f"{name} must be {expected}, got {value!r}")
        return number

    return parse


def positive_number(name: str, value: Any) -> float:
    """A number of seconds or similar: ``20``, ``2.5``; zero, negatives and words are refused."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not number > 0 or number == float("inf"):
        raise ConfigError(f"{name} must be a positive number, got {value!r}")
    return number


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a non-empty text, got {value!r}")
    return value.strip()


def _optional_text(name: str, value: Any) -> str | None:
    """A file or folder path, or a key: ``None`` or empty means "use the default"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return _text(name, value)


def _web_url(name: str, value: Any) -> str:
    try:
        return clean_url(value if isinstance(value, str) else None, name, required=True)
    except ValidationError:
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {value!r}") from None


def _optional_web_url(name: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _web_url(name, value)


def _jobs_url(name: str, value: Any) -> str | None:
    text = value.strip() if isinstance(value, str) else value
    if not text:
        return None
    if not isinstance(text, str) or not text.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"{name} must be a redis:// URL, got {value!r}")
    return text


def _hosts(name: str, value: Any) -> tuple[str, ...]:
    try:
        return parse_allow_hosts(value)
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from None


def _database_url(name: str, value: Any) -> str:
    """A SQLAlchemy URL; ``postgresql://`` and ``postgres://`` mean psycopg 3 (our driver)."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name} must be a database URL (sqlite:///… or postgresql://…)")
    uri = value.strip()
    if uri.startswith(("postgresql://", "postgres://")):
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
    try:
        backend = sa.engine.make_url(uri).get_backend_name()
    except (sa.exc.ArgumentError, ValueError):
        backend = ""
    if backend not in {"sqlite", "postgresql"}:
        # The value itself may hold a password: it is not repeated.
        raise ConfigError(
            f"{name} must be a database URL (sqlite:///… or postgresql://…), got another value"
        )
    return uri


def _email_address(name: str, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if "@" not in text or any(c in text for c in "\r\n"):
        raise ConfigError(f"{name} must be an e-mail address, got {value!r}")
    return text


RATELIMIT_SCHEMES = ("memory://", "redis://", "rediss://", "redis+unix://", "valkey://")


def _ratelimit_storage(name: str, value: Any) -> str:
    """Where the API's rate limits are counted: ``memory://`` or a Redis URL."""
    storage = (value.strip() if isinstance(value, str) else "") or "memory://"
    if not storage.startswith(RATELIMIT_SCHEMES):
        raise ConfigError(f"{name} must be memory:// or a redis:// URL, got {value!r}")
    return storage


def _rate(name: str, value: Any) -> str:
    """A rate in Flask-Limiter's notation (``300 per minute``; several joined by ``;``)."""
    text = value.strip() if isinstance(value, str) else ""
    try:
        if not text or not parse_many(text):
            raise ValueError(text)
    except ValueError:
        raise ConfigError(
            f"{name} must be a rate such as '300 per minute', got {value!r}"
        ) from None
    return text


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One setting: its ``app.config`` key, how it is parsed, its environment variable."""

    key: str
    parse: Parser
    env: str

    @property
    def field(self) -> str:
        return self.key.lower()


def _own(key: str, parse: Parser) -> Setting:
    return Setting(key, parse, ENV_PREFIX + key)


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("SQLALCHEMY_DATABASE_URI", _database_url, "DATABASE_URL"),
        Setting("SECRET_KEY", _optional_text, "SECRET_KEY"),
        _own("SESSION_COOKIE_SECURE", _optional_bool),
        _own("MAX_CONTENT_LENGTH", whole_number()),
        _own("ORG_NAME", _text),
        _own("ORG_URL", _web_url),
        _own("METHODOLOGY_URL", _optional_web_url),
        _own("CORRECTIONS_POLICY_URL", _optional_web_url),
        _own("SEEDS_DIR", _optional_text),
        _own("PAGE_SIZE", whole_number(1, 1000)),
        _own("FETCH_ALLOW_PRIVATE", parse_bool),
        _own("FETCH_ALLOW_HOSTS", _hosts),
        _own("FETCH_DEADLINE", positive_number),
        _own("FETCH_MAX_BYTES", whole_number()),
        _own("JOBS_URL", _jobs_url),
        _own("JOBS_NAME", _text),
        _own("JOBS_IMMEDIATE", parse_bool),
        _own("JOBS_LEASE_SECONDS", positive_number),
        _own("LOGIN_MAX_FAILURES", whole_number()),
        _own("LOGIN_FAILURE_WINDOW", whole_number()),
        _own("REQUIRE_ADMIN_2FA", parse_bool),
        _own("TWO_FACTOR_PENDING_SECONDS", whole_number()),
        _own("TOTP_KEY", _optional_text),
        _own("SNAPSHOT_DIR", _optional_text),
        _own("SNAPSHOT_MAX_BYTES", whole_number()),
        _own("SNAPSHOT_MAX_TOTAL_BYTES", whole_number()),
        _own("OUTLET_MAX_ARTICLES_PER_POLL", whole_number()),
        _own("OUTLET_MAX_BACKOFF", whole_number()),
        _own("MAIL_SERVER", _optional_text),
        _own("MAIL_PORT", whole_number(1, 65535)),
        _own("MAIL_USERNAME", _optional_text),
        _own("MAIL_PASSWORD", _optional_text),
        _own("MAIL_USE_TLS", parse_bool),
        _own("MAIL_SENDER", _email_address),
        _own("MAIL_TIMEOUT", positive_number),
        _own("WEBHOOK_DEADLINE", positive_number),
        _own("WEBHOOK_MAX_ATTEMPTS", whole_number(1, 100)),
        _own("WEBHOOK_RETRY_BASE", positive_number),
        _own("RATELIMIT_STORAGE_URL", _ratelimit_storage),
        _own("API_RATE_LIMIT_PER_TOKEN", _rate),
        _own("API_RATE_LIMIT_PER_ADDRESS", _rate),
    )
}
assert {s.field for s in SETTINGS.values()} == {f.name for f in dataclasses.fields(Settings)}


class SettingsConfig(Config):
    """``app.config``, whose settings of the table hold parsed values once start-up is done.

    Start-up parses every setting (and refuses a bad one); a value set afterwards
    (``app.config["PAGE_SIZE"] = 2`` in a test) is stored as given, like any Flask config, and
    the typed :class:`Settings` is rebuilt from the config on its next read.
    """

    _settings: Settings | None = None

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._settings = None

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._settings = None

    def update(self, *args: Any, **kwargs: Any) -> None:  # dict.update skips __setitem__
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def pop(self, key: str, *default: Any) -> Any:
        self._settings = None
        return super().pop(key, *default)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings(**{s.field: self[s.key] for s in SETTINGS.values()})
        return self._settings


def settings(app: Flask | None = None) -> Settings:
    """The typed settings of ``app`` (the current app by default)."""
    config = (app or current_app).config
    if not isinstance(config, SettingsConfig):
        raise RuntimeError("the app was not built by factcheck.create_app")
    return config.settings


def load_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` in the documented order, parse every setting, and check it."""
    config = SettingsConfig(app.config.root_path, app.config)
    app.config = config
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    labels = {key: key for key in SETTINGS}  # how the message names a setting: as it was given
    secret_file = Path(app.instance_path) / "secret_key"
    if secret_file.is_file():
        app.config["SECRET_KEY"] = secret_file.read_text(encoding="utf-8").strip()
        labels["SECRET_KEY"] = "instance/secret_key"  # noqa: S105 - a file name, not a secret
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if os.environ.get(name):
            key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
            app.config[key] = os.environ[name]
            labels[key] = name
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"), loads=_env_value)
    for setting in SETTINGS.values():  # ours are parsed from the string as written
        if setting.env.startswith(ENV_PREFIX) and setting.env in os.environ:
            app.config[setting.key] = os.environ[setting.env]
            labels[setting.key] = setting.env
    if test_config:
        app.config.update(test_config)
        labels.update({key: key for key in test_config if key in SETTINGS})

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_path = Path(app.instance_path) / "factcheck.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    for setting in SETTINGS.values():
        app.config[setting.key] = setting.parse(labels[setting.key], app.config.get(setting.key))
    if not app.debug and not app.testing:
        check_secret_key(app.config.get("SECRET_KEY"))
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = not (app.debug or app.testing)
    if not app.config.get("SECRET_KEY") and (app.debug or app.testing):
        app.config["SECRET_KEY"] = os.urandom(32).hex()


def _env_value(value: str) -> Any:
    """Other ``FACTCHECK_*`` values (Flask's keys) stay strings unless plain ints or booleans."""
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
