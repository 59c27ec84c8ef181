"""Rate limits per token and per address (Flask-Limiter): 429 with Retry-After and the JSON
error; counted in memory by default, or in Redis, where two app instances share one count."""

from __future__ import annotations

import uuid

import pytest

from factcheck.config import ConfigError
from tests.api.conftest import bearer, make_token
from tests.conftest import make_app
from tests.dbutil import wipe
from tests.factories import make_users

REDIS_URL = "redis://127.0.0.1:6379/4"


@pytest.fixture
def limited(backend):
    made = []

    def make(**settings):
        app = make_app(backend, **settings)
        made.append(app)
        return app

    yield make
    wipe(made[0])


def _refused_with_retry_after(response):
    assert response.status_code == 429, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "rate_limited" and "3 per 1 minute" in body["message"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_each_token_has_its_own_limit(limited):
    app = limited(API_RATE_LIMIT_PER_TOKEN="3 per minute")
    users = make_users(app)
    first = bearer(make_token(app, users["editor"].email))
    second = bearer(make_token(app, users["editor"].email))
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/organisation", headers=first).status_code == 200
    _refused_with_retry_after(client.get("/api/v1/organisation", headers=first))
    assert client.get("/api/v1/organisation", headers=second).status_code == 200
    # The browser's pages are not limited by the API's limits.
    assert client.get("/login").status_code == 200


def test_each_address_has_its_own_limit_whatever_the_tokens(limited):
    app = limited(API_RATE_LIMIT_PER_ADDRESS="3 per minute")
    users = make_users(app)
    client = app.test_client()
    here = {"REMOTE_ADDR": "127.0.0.5"}
    for role in ("editor", "editor2", "admin"):
        token = bearer(make_token(app, users[role].email))
        assert client.get("/api/v1/claims", headers=token, environ_base=here).status_code == 200
    late = bearer(make_token(app, users["reviewer"].email))
    _refused_with_retry_after(client.get("/api/v1/claims", headers=late, environ_base=here))
    # Wrong tokens count too (a guessing script is stopped by its address).
    _refused_with_retry_after(
        client.get("/api/v1/claims", headers=bearer("fct_guess"), environ_base=here)
    )
    elsewhere = {"REMOTE_ADDR": "127.0.0.6"}
    assert client.get("/api/v1/claims", headers=late, environ_base=elsewhere).status_code == 200


def test_two_app_instances_share_one_limit_in_redis(limited):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS_URL}")
    settings = {
        "RATELIMIT_STORAGE_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"factcheck-test-{uuid.uuid4().hex}",
        "API_RATE_LIMIT_PER_TOKEN": "3 per minute",
    }
    one, two = limited(**settings), limited(**settings)
    assert one.extensions["factcheck_api_limiter"] is not two.extensions["factcheck_api_limiter"]
    users = make_users(one)
    token = bearer(make_token(one, users["editor"].email))
    a, b = one.test_client(), two.test_client()
    assert a.get("/api/v1/organisation", headers=token).status_code == 200
    assert b.get("/api/v1/organisation", headers=token).status_code == 200
    assert a.get("/api/v1/organisation", headers=token).status_code == 200
    _refused_with_retry_after(b.get("/api/v1/organisation", headers=token))
    # Memory storage, for comparison, counts per instance.
    solo = limited(API_RATE_LIMIT_PER_TOKEN="3 per minute")
    assert solo.test_client().get("/api/v1/organisation", headers=token).status_code == 200


@pytest.mark.parametrize(
    ("settings", "name"),
    [
        ({"RATELIMIT_STORAGE_URL": "mysql://db/limits"}, "RATELIMIT_STORAGE_URL"),
        ({"API_RATE_LIMIT_PER_TOKEN": "lots"}, "API_RATE_LIMIT_PER_TOKEN"),
        ({"API_RATE_LIMIT_PER_ADDRESS": "5 per fortnight"}, "API_RATE_LIMIT_PER_ADDRESS"),
    ],
)
def test_bad_limit_settings_stop_start_up_naming_them(backend, settings, name):
    with pytest.raises(ConfigError, match=name):
        make_app(backend, **settings)
