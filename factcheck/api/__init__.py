"""The REST API (/api/v1) for a CMS and for scripts: bearer tokens, OpenAPI 3.1, rate limits.

``init_app`` registers the versioned blueprint through flask-smorest (which derives the OpenAPI
document from the views and their marshmallow schemas), the documentation blueprint, and the
rate limits (Flask-Limiter: one limit per token and one per address, in the storage named by
``RATELIMIT_STORAGE_URL`` — ``memory://`` by default, ``redis://…`` so that every worker and
host counts one limit).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api

from factcheck.api import access, docs
from factcheck.api.schemas import ErrorSchema
from factcheck.api.views import blp
from factcheck.extensions import csrf

API_VERSION = "1"


class FactcheckApi(Api):
    """flask-smorest, with the app's own error handling and documentation pages.

    flask-smorest would answer every HTTP error of the whole app in its own JSON shape and serve
    its documentation pages from a CDN; the API answers its errors itself (blueprint handlers,
    ``api/errors.py``) and serves its documentation from the app (``api/docs.py``).
    """

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._undocumented: list[tuple[Any, str, Any]] = []
        self._documenting = threading.RLock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self) -> Any:
        """The OpenAPI document, completed with the views of every blueprint on first read."""
        spec = self.__dict__.get("_spec")
        if spec is not None and self._undocumented:
            self._document(spec)
        return spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        """Register ``blp`` now and describe its views when the document is first read.

        flask-smorest describes them here (deep copies of every schema: about half of the
        app's start-up time); the document is read only by ``/api/v1/openapi.json`` and
        ``flask openapi``, so a worker or a CLI command that never serves it never pays.
        """
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _document(self, spec: Any) -> None:
        with self._documenting:  # two first requests at once describe the views once
            while self._undocumented:
                blp, name, parameters = self._undocumented.pop(0)
                blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
                spec.tag({"name": name, "description": blp.description})

    def _register_error_handlers(self) -> None:
        pass

    def _register_doc_blueprint(self) -> None:
        pass


def token_key() -> str:
    """The per-token limit's key: a digest of the bearer credential (no database lookup, so a
    flood of wrong tokens is counted before it costs a query; the per-address limit still holds)."""
    secret = access.bearer_secret()
    if secret is None:
        return "anonymous:" + (get_remote_address() or "")
    return "token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


def address_key() -> str:
    return "address:" + (get_remote_address() or "")


def _token_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT_PER_TOKEN"])


def _address_limit() -> str:
    return str(current_app.config["API_RATE_LIMIT_PER_ADDRESS"])


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "factcheck")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = FactcheckApi(
        spec_kwargs={
            "info": {
                "description": "The fact-check desk's REST API: articles in, claims through the "
                "workflow, published fact-checks (with their ClaimReview) out. Errors are "
                '`{"error", "message", "field", "request_id"}`.',
            },
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
        }
    )
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (`fct_…`) from /account/tokens or "
            "`factcheck tokens create`; its scopes are listed on each operation.",
        },
    )
    api.register_blueprint(blp)
    app.register_blueprint(docs.bp)
    app.extensions["factcheck_api"] = api
    for blueprint in (blp, docs.bp):
        csrf.exempt(blueprint)  # no cookie is read here, so there is nothing to forge
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api_v1."):
            # The browser's sign-in check must not read the session cookie: a token signs in.
            setattr(view, "token_authenticated", True)  # noqa: B010 - read by auth
    _init_limits(app, blp)


def _init_limits(app: Flask, blp: Any) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # One limiter per app (not in extensions.py): its storage is the app's setting, and two apps
    # in one process (the tests) must count through their storage, not a shared object.
    limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[])
    limiter.limit(_token_limit, key_func=token_key, scope="api-token")(blp)
    limiter.limit(_address_limit, key_func=address_key, scope="api-address")(blp)
    limiter.limit(_address_limit, key_func=address_key, scope="api-address")(docs.bp)
    limiter.init_app(app)
    app.extensions["factcheck_api_limiter"] = limiter
