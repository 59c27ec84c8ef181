"""factcheck: the fact-check desk of a newsroom, in a browser."""

from __future__ import annotations

import importlib
import os
import re
import uuid
from typing import Any

from flask import Flask, g, request

from factcheck.config import load_config
from factcheck.database import configure_engine, set_write_intent
from factcheck.extensions import csrf, db, login_manager, migrate
from factcheck.jsonbody import Int64Converter, StrictJSONRequest, read_json_body

# One blueprint per workflow stage, each in ``<package>/views.py`` as ``bp``.
BLUEPRINT_MODULES = (
    "factcheck.health",
    "factcheck.auth.views",
    "factcheck.articles.views",
    "factcheck.claims.views",
    "factcheck.review.views",
    "factcheck.publishing.views",
    "factcheck.audit.views",
    "factcheck.memory.views",  # before admin: it nests the fact-check admin pages in it
    "factcheck.admin.views",
    "factcheck.outlets.views",
    "factcheck.auth.token_views",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("FACTCHECK_INSTANCE_PATH") or None,
    )
    app.request_class = StrictJSONRequest  # JSON bodies: objects of form fields, or 400/422
    load_config(app, test_config)
    _check_model(app)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    # First of all before_request hooks, before even the CSRF check (whose 400, like a 413 met
    # while reading the form, must carry the request id); and signing the user in (auth's hook)
    # already opens the transaction, which must begin as a writer (BEGIN IMMEDIATE on SQLite).
    app.before_request(_start_request)
    csrf.init_app(app)
    login_manager.init_app(app)

    from factcheck import auth, errors, navigation, security
    from factcheck.audit import refusals
    from factcheck.cli import register_commands
    from factcheck.publishing import freshness

    freshness.install()  # the feed's ETag moves with every change to the published markup
    from factcheck.jobs import queue as job_queue

    auth.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    refusals.init_app(app)
    navigation.init_app(app)
    job_queue.init_app(app)
    # ``<int:…>`` in every route stops at 2**63 - 1: a larger id is 404, not a database error.
    app.url_map.converters["int"] = Int64Converter
    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(module_name).bp)
    from factcheck import api

    api.init_app(app)  # /api/v1: tokens, not cookies; its own errors, docs and rate limits
    register_commands(app)

    app.teardown_request(_end_request)
    return app


def _check_model(app: Flask) -> None:
    """Use the newsroom model of this instance when ``factcheck model retrain`` switched to one,
    and stop start-up with one line if the weights are missing or of another format version
    (rather than failing on the first extraction)."""
    from pathlib import Path

    from factcheck.claims.retrain import NEWSROOM_MODEL
    from factcheck.extraction.model import ModelFileError, default_models, use_model

    newsroom = Path(app.instance_path) / NEWSROOM_MODEL
    try:
        if newsroom.is_file():
            use_model(newsroom)
        default_models()
    except ModelFileError as exc:
        raise SystemExit(f"factcheck: {exc}") from None


def _migrations_dir() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.write_intent_token = set_write_intent(request.method not in SAFE_METHODS)
    read_json_body(request)  # a bad JSON body is refused, naming why, before anything reads it


def _end_request(_exc: BaseException | None) -> None:
    token = g.pop("write_intent_token", None)
    if token is not None:
        token.var.reset(token)
