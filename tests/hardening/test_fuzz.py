"""Hypothesis fuzzing of every form: never a 5xx, and a 4xx changes nothing.

Each example starts from data the form would accept and replaces some of its fields with
random text, nothing at all, very long or binary-looking strings, numbers or naughty strings,
so that examples reach past the first check. Runs are derandomised: both backends draw the
same examples, and the PostgreSQL run compares each outcome's status class with SQLite's.
``FACTCHECK_FUZZ_EXAMPLES`` sets the examples per form (default 8).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import (
    World,
    assert_unchanged,
    signed_in,
    snapshot,
    token,
    valid_data,
)
from tests.hardening.naughty import NAUGHTY

EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# form name: (who posts it, endpoint, URL template, its fields)
FORMS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "article-new": ("editor", "articles.new", "/articles/new", ("text", "publisher", "language")),
    "article-claim": ("editor", "articles.add_claim", "/articles/{article}/claims", ("text",)),
    "article-dismiss": (
        "editor",
        "articles.dismiss",
        "/articles/{article}/claims/{new}/dismiss",
        ("reason",),
    ),
    "claim-edit": (
        "reviewer",
        "claims.edit",
        "/claims/{in_review}/edit",
        (
            "claim_reviewed",
            "claimant_name",
            "claimant_type",
            "claimant_same_as",
            "claim_date",
            "appearance_url",
            "appearance_headline",
            "priority",
            "version",
        ),
    ),
    "claim-dismiss": (
        "editor",
        "claims.dismiss",
        "/claims/{new}/dismiss",
        ("reason", "duplicate_of"),
    ),
    "claim-assign": ("editor", "claims.assign", "/claims/{queued}/assign", ("assignee",)),
    "take-next": ("reviewer", "claims.take_next", "/queue/take-next", ("language",)),
    "source-add": (
        "reviewer",
        "review.add_source",
        "/claims/{in_review}/sources",
        (
            "url",
            "title",
            "publisher",
            "date_published",
            "date_accessed",
            "excerpt",
            "stance",
            "archive_url",
        ),
    ),
    "source-edit": (
        "reviewer",
        "review.edit_source",
        "/claims/{in_review}/sources/{source}/edit",
        tuple(
            f"source-{{source}}-{f}"
            for f in ("url", "title", "publisher", "excerpt", "stance", "date_published", "version")
        ),
    ),
    "verdict": (
        "reviewer",
        "review.save_verdict",
        "/claims/{in_review}/verdict",
        ("rating", "summary", "explanation", "version"),
    ),
    "note": ("reviewer", "review.add_note", "/claims/{in_review}/notes", ("body",)),
    "approve": ("editor", "review.approve", "/claims/{proposed}/approve", ("version",)),
    "request-changes": (
        "editor",
        "review.request_changes",
        "/claims/{proposed}/request-changes",
        ("comment",),
    ),
    "correct": (
        "editor",
        "review.correct",
        "/claims/{published}/correct",
        ("rating", "summary", "explanation", "note"),
    ),
    "user-new": (
        "admin",
        "admin.create_user",
        "/admin/users",
        ("email", "display_name", "role", "password", "generate"),
    ),
    "user-role": ("admin", "admin.user_role", "/admin/users/{reviewer2}/role", ("role",)),
    "user-active": ("admin", "admin.user_active", "/admin/users/{reviewer2}/active", ("active",)),
    "user-password": (
        "admin",
        "admin.user_password",
        "/admin/users/{reviewer2}/password",
        ("password", "generate"),
    ),
    "scale": ("admin", "admin.scale", "/admin/scales/{scale}", ("name", "language", "is_default")),
    "value-add": (
        "admin",
        "admin.add_value",
        "/admin/scales/{scale}/values",
        ("label", "value", "definition"),
    ),
    "value-edit": (
        "admin",
        "admin.value",
        "/admin/scales/{scale}/values/{value}",
        ("label", "value", "definition"),
    ),
    "value-move": (
        "admin",
        "admin.move_value",
        "/admin/scales/{scale}/values/{value}/move",
        ("direction",),
    ),
    "organisation": (
        "admin",
        "admin.organisation",
        "/admin/organisation",
        (
            "name",
            "url",
            "methodology_url",
            "corrections_policy_url",
            "logo_url",
            "same_as",
            "version",
        ),
    ),
    "webhook-add": (
        "admin",
        "admin.webhooks.create",
        "/admin/webhooks",
        ("url", "description", "events", "active"),
    ),
    "outlet-add": (
        "editor",
        "outlets.add",
        "/outlets",
        ("url", "kind", "name", "language", "interval_minutes"),
    ),
    "login": ("anonymous", "auth.login", "/login", ("email", "password", "next")),
    "password": (
        "reviewer",
        "auth.password",
        "/account/password",
        ("current_password", "new_password", "confirm"),
    ),
    "two-factor": ("reviewer", "auth.two_factor", "/account/2fa", ("code",)),
}

VALUES = st.one_of(
    st.none(),  # the field is left out
    st.text(max_size=30),
    st.sampled_from(sorted(NAUGHTY.values())),
    st.builds(lambda c, n: c * n, st.characters(codec="utf-8"), st.integers(200, 6000)),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.integers(-(2**63), 2**63).map(str),
    st.sampled_from(["", "0", "1", "-1", "2024-02-30", "9999-12-31", "https://example.org/x"]),
)
OUTCOMES: dict[str, dict[tuple[str, str], int]] = {}
# Both halves of a form in one process (make test runs each module on one worker), so that the
# PostgreSQL half can compare its outcomes.


def _fill(template: str, w: World) -> str:
    return template.format(
        article=w.article,
        source=w.source,
        scale=w.scale,
        value=w.value,
        reviewer2=w.users["reviewer2"],
        **w.claims,
    )


def _changes(fields: tuple[str, ...]) -> st.SearchStrategy[dict[str, str | None]]:
    return st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=len(fields))


@pytest.mark.parametrize("form", sorted(FORMS))
def test_fuzz_every_form(app, users, world: World, backend: str, form: str):
    who, endpoint, template, fields = FORMS[form]
    client = app.test_client() if who == "anonymous" else signed_in(app, users[who].email)
    csrf = token(client) if who != "anonymous" else _login_token(client)
    url = _fill(template, world)
    fields = tuple(_fill(f, world) for f in fields)
    seen: dict[tuple[str, str], int] = OUTCOMES.setdefault(backend.split(":")[0], {})

    @FUZZ
    @given(changes=_changes(fields))
    @example(changes=dict.fromkeys(fields, "\x00"))
    @example(changes=dict.fromkeys(fields))
    @example(changes=dict.fromkeys(fields, "<script>alert(1)</script>"))
    @example(changes=dict.fromkeys(fields, "x" * 20000))
    def run(changes: dict[str, str | None]) -> None:
        data: dict[str, Any] = {**valid_data(app, world, endpoint), "csrf_token": csrf}
        for name, value in changes.items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        before = snapshot(app)
        response = client.post(url, data=data, environ_base={"REMOTE_ADDR": "10.1.2.3"})
        status = response.status_code
        assert status < 500, (form, changes, response.get_data(as_text=True)[:500])
        if 400 <= status < 500:
            assert_unchanged(before, snapshot(app), f"{form} {status} {changes!r:.300}")
        seen[(form, repr(sorted(changes.items())))] = status // 100

    run()
    # The SQLite half of this form, when it ran in this process (always without workers; with
    # ``-n``, the xdist group below keeps the file on one worker).
    other = {k: v for k, v in OUTCOMES.get("sqlite", {}).items() if k[0] == form}
    if backend.startswith("postgresql") and other:
        mine = {k: v for k, v in seen.items() if k[0] == form}
        shared = {k for k in mine if k in other}
        assert shared, f"{form}: no example in common with the SQLite run"
        differ = {k: (other[k], mine[k]) for k in shared if other[k] != mine[k]}
        assert not differ, f"{form}: status classes differ (sqlite, postgresql): {differ}"


def _login_token(client: Any) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client, "/login")
