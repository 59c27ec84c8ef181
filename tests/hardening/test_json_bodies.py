"""JSON bodies and numbers a script might send: a 400/422 naming the problem, never a 500.

The body must be one JSON object of form fields (strings, numbers, true/false, null, lists of
those), not nested deeper than the reader allows, with integers that fit in 64 bits and text
that is valid Unicode. ``csrf_token`` is accepted as one of its fields, as the README says.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.jsonbody import JSONBodyError, loads
from tests.hardening.conftest import assert_unchanged, snapshot
from tests.hardening.naughty import NAUGHTY
from tests.workflow.test_http_desk import JSON, as_user, make_state

HEADERS = {**JSON, "Content-Type": "application/json"}


def desk_token(client: FlaskClient, claim_id: int) -> str:
    token: str = client.get(f"/claims/{claim_id}", headers=JSON).get_json()["csrf_token"]
    return token


def send(client: FlaskClient, url: str, body: bytes | str) -> Any:
    return client.post(url, data=body, headers=HEADERS)


def test_csrf_token_is_accepted_in_a_json_body(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    token = desk_token(reviewer, claim_id)
    response = reviewer.post(
        f"/claims/{claim_id}/notes",
        json={"body": "Sent as JSON.", "csrf_token": token},
        headers=JSON,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["id"] == claim_id
    # Without it (and without the header) the request is refused, as a form would be.
    refused = reviewer.post(f"/claims/{claim_id}/notes", json={"body": "No token."}, headers=JSON)
    assert refused.status_code == 400
    # The header works too.
    response = reviewer.post(
        f"/claims/{claim_id}/notes",
        json={"body": "Token in the header."},
        headers={**JSON, "X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_json_values_reach_the_form_as_a_form_would_send_them(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    token = desk_token(reviewer, claim_id)
    desk = reviewer.get(f"/claims/{claim_id}", headers=JSON).get_json()
    response = reviewer.post(
        f"/claims/{claim_id}/edit",
        json={
            "csrf_token": token,
            "claim_reviewed": desk["claim"]["claim_reviewed"],
            "priority": 2,
            "version": desk["claim"]["version"],
            "claimant_name": None,
        },
        headers=JSON,
    )
    assert response.status_code == 200, response.get_data(as_text=True)


BAD_BODIES = [
    # body, status, field, words in the message
    (b"[1, 2]", 400, None, "must be a JSON object"),
    (b'"text"', 400, None, "must be a JSON object"),
    (b"42", 400, None, "must be a JSON object"),
    (b"null", 400, None, "must be a JSON object"),
    (b"", 400, None, "not valid JSON"),
    (b"{", 400, None, "not valid JSON"),
    (b"\xff\xfe{}", 400, None, "not UTF-8"),
    (b'{"body": NaN}', 400, None, "NaN"),
    (b'{"body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, None, "nested more than"),
    (b'{"body": {"a": 1}}', 422, "body", "a list of those"),
    (b'{"body": [["x"]]}', 422, "body", "a list of those"),
    (b'{"version": 18446744073709551616}', 422, "version", "64 bits"),
    (b'{"version": -9223372036854775809}', 422, "version", "64 bits"),
    (b'{"version": 1' + b"0" * 5000 + b"}", 422, "version", "64 bits"),
    (b'{"version": 1e999}', 422, "version", "out of range"),
    (b'{"body": "\\ud800"}', 422, "body", "lone surrogate"),
    (b'{"body": "x\\udfffy"}', 422, "body", "lone surrogate"),
    (b'{"body": "a", "body": "b"}', 422, "body", "given twice"),
]


@pytest.mark.parametrize(
    ("body", "status", "field", "message"), BAD_BODIES, ids=[str(i) for i in range(len(BAD_BODIES))]
)
def test_bad_json_bodies_are_refused_naming_the_problem(app, users, body, status, field, message):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    token = desk_token(reviewer, claim_id)
    before = snapshot(app)
    for url in (f"/claims/{claim_id}/notes", f"/claims/{claim_id}/verdict", "/queue/take-next"):
        response = reviewer.post(url, data=body, headers={**HEADERS, "X-CSRFToken": token})
        assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
        answer = response.get_json()
        assert set(answer) == {"error", "message", "field", "request_id"}
        assert answer["field"] == field and message in answer["message"], answer
        assert answer["request_id"] == response.headers["X-Request-ID"]
    assert_unchanged(before, snapshot(app), f"JSON body {body[:40]!r}")


def test_a_bad_json_body_is_refused_before_the_csrf_check(app, users):
    response = as_user(app, users, "reviewer").post("/queue/take-next", data=b"[]", headers=HEADERS)
    assert response.status_code == 400 and "JSON object" in response.get_json()["message"]


# 3000000000 fits in 64 bits but not in an INTEGER column (32 bits on PostgreSQL): a 500 there once.
@pytest.mark.parametrize(
    "value", ["3000000000", "99999999999999999999", "-99999999999999999999", "1" * 5000]
)
def test_form_integers_beyond_the_columns_are_422_naming_the_field(app, users, value):
    claim_id = make_state(app, users, "in_review")
    client, editor = as_user(app, users, "reviewer"), as_user(app, users, "editor")
    token = desk_token(client, claim_id)
    before = snapshot(app)
    for url, data, field in (
        (f"/claims/{claim_id}/edit", {"claim_reviewed": "x", "version": value}, "version"),
        (f"/claims/{claim_id}/verdict", {"rating": value, "version": "0"}, "rating"),
    ):
        response = client.post(url, data={**data, "csrf_token": token}, headers=JSON)
        assert response.status_code == 422, (url, response.get_data(as_text=True)[:300])
        assert response.get_json()["field"] == field
    token = desk_token(editor, claim_id)
    for url, data, field in (
        (f"/claims/{claim_id}/approve", {"version": value}, "version"),
        (f"/claims/{claim_id}/assign", {"assignee": value}, "assignee"),
        (f"/claims/{claim_id}/dismiss", {"reason": "dup", "duplicate_of": value}, "duplicate_of"),
    ):
        response = editor.post(url, data={**data, "csrf_token": token}, headers=JSON)
        assert response.status_code in (409, 422), (url, response.get_data(as_text=True)[:300])
        if response.status_code == 422:
            assert response.get_json()["field"] == field
    assert_unchanged(before, snapshot(app), f"integer {value[:30]}")


@pytest.mark.parametrize("value", ["3000000000", str(2**63 - 1), "99999999999999999999", "1" * 400])
def test_path_integers_beyond_the_columns_are_404(app, users, value):
    editor = as_user(app, users, "editor")
    for url in (f"/claims/{value}", f"/articles/{value}", f"/admin/users/{value}"):
        assert editor.get(url).status_code in (403, 404), url


def test_loads_gives_the_form_shape():
    assert loads(
        b'{"a": "x", "b": 3, "c": true, "d": false, "e": null, "f": [1, "y"], "g": 1.5}'
    ) == {
        "a": "x",
        "b": "3",
        "c": "true",
        "d": "false",
        "e": "",
        "f": ["1", "y"],
        "g": "1.5",
    }
    assert loads(json.dumps({"n": 2**63 - 1, "m": -(2**63)})) == {
        "n": str(2**63 - 1),
        "m": str(-(2**63)),
    }
    with pytest.raises(JSONBodyError) as info:
        loads(json.dumps({"n": 2**63}))
    assert info.value.field == "n" and info.value.status == 422


def test_depth_scan_is_not_fooled_by_brackets_in_strings():
    text = json.dumps({"a": "[[[[{{{{" * 100, "b": '\\"[[['})
    assert loads(text)["a"].startswith("[[[[")


@pytest.mark.parametrize("value", ["3000000000", str(2**63 - 1), "99999999999999999999", "1" * 400])
def test_query_integers_beyond_the_columns_are_never_a_500(app, users, value):
    editor = as_user(app, users, "editor")
    for url in (
        f"/queue?article={value}",
        f"/queue?after={value}",
        f"/queue?min_score={value}",
        f"/audit?before={value}",
        f"/audit?after={value}",
        f"/audit?entity_id={value}",
        f"/fact-checks?after={value}",
    ):
        assert editor.get(url).status_code < 500, url


_TEXT = st.text(
    st.one_of(
        st.characters(),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
        st.sampled_from(sorted(NAUGHTY["rtl-override"] + "\x00\"'<>{}[]")),
    ),
    max_size=40,
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    _TEXT,
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "8")) * 3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_any_json_body_is_never_a_500(app, users):
    """Hypothesis: any JSON value as the body of a desk action, and of a form's fields."""
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    token = desk_token(reviewer, claim_id)

    @FUZZ
    @given(body=st.one_of(_JSON, st.dictionaries(st.sampled_from(["body", "version", "x"]), _JSON)))
    def check(body: Any) -> None:
        before = snapshot(app)
        raw = json.dumps(body, ensure_ascii=True)  # lone surrogates travel as \\udXXX escapes
        response = reviewer.post(
            f"/claims/{claim_id}/notes", data=raw, headers={**HEADERS, "X-CSRFToken": token}
        )
        assert response.status_code < 500, (raw[:200], response.get_data(as_text=True)[:300])
        if response.status_code >= 400:
            answer = response.get_json()
            assert answer["message"] and answer["request_id"], answer
            assert_unchanged(before, snapshot(app), f"JSON body {raw[:60]}")

    check()
