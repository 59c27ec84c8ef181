"""The OpenAPI 3.1 description at /api/v1/openapi.json: valid, complete, derived from the code;
and the documentation page served by the app itself, under the app's CSP."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from factcheck.security import CONTENT_SECURITY_POLICY

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _resolve(spec, node):
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        kind = node["$ref"].split("/")[2]
        node = spec["components"][kind][name]
    return node


def test_the_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any error
    broken = {**spec, "paths": {"/x": {"get": {"responses": "nope"}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)  # the validator does catch a broken document


def test_every_route_of_the_blueprint_is_described(app, spec):
    described = {(p, m) for p, m, _ in _operations(spec)}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api_v1."):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", f"{{{name}}}")
            path = path.replace(f"<string(maxlength=200):{name}>", f"{{{name}}}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, (path, method)
    assert len(described) >= 28


def test_every_operation_parameter_response_and_error_is_described(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"error", "message", "field", "request_id"}
    for path, method, operation in _operations(spec):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        assert "Token scope:" in operation.get("description", ""), where
        (requirement,) = operation["security"]
        assert requirement["bearerAuth"][0] in {"read", "ingest", "review", "publish"}, where
        if method != "get":
            assert requirement["bearerAuth"] != ["read"], where
        for parameter in operation.get("parameters", []) + spec["paths"][path].get(
            "parameters", []
        ):
            parameter = _resolve(spec, parameter)
            assert parameter.get("schema"), (where, parameter)
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), where
        assert any(code.startswith("2") for code in responses), where
        for code, response in responses.items():
            response = _resolve(spec, response)
            assert response.get("description"), (where, code)
            if code[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (where, code)
        assert "Retry-After" in _resolve(spec, responses["429"])["headers"], where
        if "requestBody" in operation:
            assert "422" in responses, where
        if "{" in path:
            assert "404" in responses, where
    queue = spec["paths"]["/api/v1/claims"]["get"]
    names = {p["name"] for p in queue["parameters"]}
    assert {"status", "assignee", "q", "sort", "cursor", "limit", "min_score"} <= names


def test_the_documentation_page_is_served_from_the_app_under_its_csp(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "<script>" not in html and "http://" not in html and "https://" not in html
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js"):
        assert f"/api/v1/docs/assets/{asset}" in html
        served = client.get(f"/api/v1/docs/assets/{asset}")
        assert served.status_code == 200 and len(served.data) > 10_000
        served.close()
    script = client.get("/api/v1/docs/docs.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.get_data(as_text=True)
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2f..%2f__init__.py").status_code == 404


def test_the_description_is_built_once_on_first_read_and_the_cli_prints_it_whole(app, client):
    """The views are described when the document is first read (not at start-up): the page,
    ``flask openapi print`` and a second app in the same process all see every operation."""
    import json

    api = app.extensions["factcheck_api"]
    assert api._undocumented  # start-up did not describe the views
    first = client.get("/api/v1/openapi.json").get_json()
    assert not api._undocumented
    assert client.get("/api/v1/openapi.json").get_json() == first  # described once, not twice
    printed = app.test_cli_runner().invoke(args=["openapi", "print"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output)["paths"] == first["paths"]
    assert "/api/v1/claims/{claim_id}" in first["paths"]
