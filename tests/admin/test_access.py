"""Only admins reach the administration pages; everyone else is refused before anything runs."""

from __future__ import annotations

import pytest

from tests.admin.conftest import audit_actions
from tests.helpers import csrf_token, login

PAGES = [
    "/admin/users",
    "/admin/users/{user}",
    "/admin/scales",
    "/admin/scales/{scale}",
    "/admin/organisation",
]
POSTS = [
    ("/admin/users", {"email": "x@example.org", "role": "admin", "generate": "y"}),
    ("/admin/users/{user}/role", {"role": "admin"}),
    ("/admin/users/{user}/active", {"active": "0"}),
    ("/admin/users/{user}/password", {"generate": "y"}),
    ("/admin/scales/{scale}", {"name": "Mine", "language": "fr"}),
    ("/admin/scales/{scale}/values", {"label": "Bof", "value": "9"}),
    ("/admin/organisation", {"name": "Mine", "url": "https://mine.example/", "version": "0"}),
]


def _url(template: str, users, scales) -> str:
    return template.format(user=users["reviewer"].id, scale=scales["fr"])


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, users, scales, page):
    url = _url(page, users, scales)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={url}"


@pytest.mark.parametrize("role", ["reviewer", "editor"])
@pytest.mark.parametrize("page", PAGES)
def test_reviewers_and_editors_get_403(client, users, scales, role, page):
    login(client, users[role].email)
    assert client.get(_url(page, users, scales)).status_code == 403


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_non_admin_posts_are_refused_and_change_nothing(app, client, users, scales, role):
    login(client, users[role].email)
    before = audit_actions(app, with_refusals=True)
    for action, data in POSTS:
        token = csrf_token(client, "/")
        response = client.post(_url(action, users, scales), data={**data, "csrf_token": token})
        assert response.status_code == 403, action
    # Nothing changed; each refusal is on the record as one ``….denied`` event.
    assert audit_actions(app, with_refusals=True) == [
        *before,
        "user.create.denied",
        "user.role.denied",
        "user.active.denied",
        "user.password.denied",
        "rating_scale.edit.denied",
        "rating_value.add.denied",
        "organisation.edit.denied",
    ]


def test_admin_sees_the_pages_and_the_nav(admin_client, users, scales):
    home = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' in home and 'href="/admin/scales"' in home
    assert 'href="/admin/organisation"' in home
    for page in PAGES:
        assert admin_client.get(_url(page, users, scales)).status_code == 200


def test_nav_hides_admin_links_from_editors(editor_client):
    home = editor_client.get("/").get_data(as_text=True)
    assert "/admin/" not in home


def test_admin_posts_need_the_csrf_token(app, admin_client, users):
    before = audit_actions(app)
    response = admin_client.post(
        f"/admin/users/{users['reviewer'].id}/active", data={"active": "0"}
    )
    assert response.status_code == 400
    assert audit_actions(app) == before


def test_unknown_ids_are_404(admin_client, scales):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert admin_client.get("/admin/scales/999999").status_code == 404
    assert admin_client.get(f"/admin/scales/{scales['fr']}/values/999999").status_code == 404
