"""factcheck: the fact-check desk of a newsroom, in a browser."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, g, request

from factcheck import api, auth, errors, forms, health, i18n, navigation, security, web
from factcheck.admin import views as admin_views
from factcheck.articles import jobs as articles_jobs
from factcheck.articles import views as articles_views
from factcheck.audit import log as audit_log
from factcheck.audit import refusals
from factcheck.audit import views as audit_views
from factcheck.auth import token_views
from factcheck.auth import views as auth_views
from factcheck.claims import views as claims_views
from factcheck.claims.retrain import NEWSROOM_MODEL
from factcheck.cli import register_commands
from factcheck.config import load_config
from factcheck.dashboard import views as dashboard_views
from factcheck.database import configure_engine, set_write_intent
from factcheck.extensions import csrf, db, login_manager, migrate
from factcheck.extraction.model import ModelFileError, check_model_file, model_path, switch_model
from factcheck.i18n import views as i18n_views
from factcheck.inbox import jobs as inbox_jobs
from factcheck.inbox import notify
from factcheck.inbox import views as inbox_views
from factcheck.jobs import queue as job_queue
from factcheck.jobs import services as job_services
from factcheck.jsonbody import IdConverter, StrictJSONRequest, read_json_body
from factcheck.memory import jobs as memory_jobs
from factcheck.memory import views as memory_views
from factcheck.outlets import jobs as outlets_jobs
from factcheck.outlets import views as outlets_views
from factcheck.publishing import badge, freshness
from factcheck.publishing import views as publishing_views
from factcheck.review import views as review_views
from factcheck.webhooks import jobs as webhooks_jobs
from factcheck.webhooks import outbox
from factcheck.webhooks import views as webhooks_views

# One blueprint per workflow stage, each in ``<package>/views.py`` as ``bp``.
BLUEPRINTS: tuple[Blueprint, ...] = (
    health.bp,
    auth_views.bp,
    articles_views.bp,
    claims_views.bp,
    review_views.bp,
    publishing_views.bp,
    audit_views.bp,
    memory_views.bp,
    badge.bp,
    admin_views.bp,
    outlets_views.bp,
    inbox_views.bp,
    dashboard_views.bp,
    token_views.bp,
    i18n_views.bp,
)
# Every module that declares background jobs (``@tracked_job``, ``@periodic_job``...): importing
# it registers them, and ``job_queue.init_app`` binds what is registered to the app's queue.
JOB_MODULES = (
    articles_jobs,
    memory_jobs,
    outlets_jobs,
    webhooks_jobs,
    inbox_jobs,
    job_services,
)  # job_services: the reaper

# The fact-check memory's admin pages live under /admin/fact-checks (admins only). Nested once,
# here, when the package is imported: a blueprint takes no new children once registered.
admin_views.bp.register_blueprint(memory_views.admin)
admin_views.bp.register_blueprint(webhooks_views.admin)  # /admin/webhooks, the same way
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
    i18n.init_app(app)  # the interface's language: the user's choice, else the browser's

    audit_log.install()  # a writer of claims or verdicts takes the audit chain head first
    freshness.install()  # the feed's ETag moves with every change to the published markup
    notify.install()  # notifications are written by the audit event of the change that causes them
    outbox.install()  # webhook events are captured from the audit trail, in the same transaction
    auth.init_app(app)
    errors.init_app(app)
    web.init_app(app)  # after errors: a service's refusal is answered by the spine's handler
    security.init_app(app)
    refusals.init_app(app)
    navigation.init_app(app)
    forms.init_app(app)  # render_field: the `field` macro's markup
    job_queue.init_app(app)
    # ``<int:…>`` in every route stops at 2**63 - 1: a larger id is 404, not a database error.
    app.url_map.converters["int"] = IdConverter
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    api.init_app(app)  # /api/v1: tokens, not cookies; its own errors, docs and rate limits
    register_commands(app)

    app.teardown_request(_end_request)
    return app


def _check_model(app: Flask) -> None:
    """Use the newsroom model of this instance when ``factcheck model retrain`` switched to one,
    and stop start-up with one line if the weights are missing or of another format version
    (rather than failing on the first extraction)."""
    newsroom = Path(app.instance_path) / NEWSROOM_MODEL
    try:
        if newsroom.is_file():
            switch_model(newsroom)
        # The file's presence and format version only: the weights (tens of MB in memory) load
        # when extraction first scores a sentence, so commands that never extract stay small.
        check_model_file(model_path())
    except ModelFileError as exc:
        raise SystemExit(f"factcheck: {exc}") from None


def _migrations_dir() -> Path:
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
