"""The API's description and its documentation page, served by the app itself.

``/api/v1/openapi.json`` is the OpenAPI 3.1 document flask-smorest derives from the views and
their schemas. ``/api/v1/docs`` shows it with Swagger UI, whose files come from the
``flask-swagger-ui`` package (no CDN) and whose start-up script is a file of ours (the CSP allows
no inline script). Both are public: they describe the API and hold no data.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, current_app, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from factcheck.api.errors import handle_http_error
from factcheck.auth import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")
bp.register_error_handler(HTTPException, handle_http_error)
SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "index.css", "LICENSE"})


@bp.get("/openapi.json")
@public
def openapi_json() -> ResponseReturnValue:
    spec = current_app.extensions["factcheck_api"].spec.to_dict()
    response = current_app.json.response(spec)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/docs")
@public
def docs() -> ResponseReturnValue:
    return render_template("api/docs.html", spec_url=url_for("api_docs.openapi_json"))


@bp.get("/docs/docs.js")
@public
def docs_script() -> ResponseReturnValue:
    body = render_template("api/docs.js")
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8"}


@bp.get("/docs/assets/<string(maxlength=40):name>")
@public
def docs_asset(name: str) -> ResponseReturnValue:
    if name not in SWAGGER_FILES:
        return Response("not found", 404)
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)
