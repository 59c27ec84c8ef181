"""Users page: create, change role, deactivate and reactivate, reset password; every refusal."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from factcheck.models import Role, User, UserSession
from tests.admin.conftest import audit_actions, in_db, text
from tests.helpers import PASSWORD, login, submit

NEW_PASSWORD = "a long and fresh passphrase"


def _user(app, email: str) -> User | None:
    with in_db(app) as session:
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            session.expunge(user)
        return user


def _count_users(app) -> int:
    with in_db(app) as session:
        return session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def _open_sessions(app, user_id: int) -> int:
    with in_db(app) as session:
        return (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(UserSession)
                .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
            )
            or 0
        )


def _generated_password(page: str) -> str:
    match = re.search(r'<code id="new-password">([^<]+)</code>', page)
    assert match, page[:2000]
    return match.group(1)


def test_list_shows_every_user_with_role_status_and_last_sign_in(admin_client, users):
    page = text(admin_client.get("/admin/users"))
    for user in users.values():
        assert user.email in page and user.display_name in page
    assert "Last sign-in" in page and "Created" in page
    # The admin has signed in (a time is shown); reviewer2 never has.
    admin_row = page[page.index(users["admin"].email) :].split("</tr>")[0]
    assert "UTC" in admin_row.split("Active")[-1] and "1 open session" in admin_row
    rob_row = page[page.index(users["reviewer2"].email) :].split("</tr>")[0]
    assert "never" in rob_row


def test_create_user_with_a_password(app, admin_client, users):
    response = submit(
        admin_client,
        "/admin/users",
        {
            "email": "  Nina@Example.org ",
            "display_name": "Nina Nouvelle",
            "role": "editor",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    made = _user(app, "nina@example.org")
    assert made is not None and made.role is Role.EDITOR and made.display_name == "Nina Nouvelle"
    assert response.headers["Location"] == f"/admin/users/{made.id}"
    assert "Created nina@example.org (editor)." in text(
        admin_client.get(response.headers["Location"])
    )
    assert audit_actions(app)[-1] == "user.create"
    other = app.test_client()
    login(other, "nina@example.org", NEW_PASSWORD)
    assert other.get("/").status_code == 200


def test_create_user_with_a_generated_password_shows_it_once(app, admin_client, users):
    response = submit(
        admin_client,
        "/admin/users",
        {"email": "gen@example.org", "role": "reviewer", "generate": "y"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = _generated_password(page)
    assert len(password) >= 12 and "only time it is shown" in page
    made = _user(app, "gen@example.org")
    assert made is not None and made.display_name == "gen"
    assert password not in admin_client.get(f"/admin/users/{made.id}").get_data(as_text=True)
    login(app.test_client(), "gen@example.org", password)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "editor@example.org"}, "email", "already exists"),
        ({"email": "EDITOR@example.org"}, "email", "already exists"),
        ({"email": "not-an-email"}, "email", "email is not valid"),
        ({"email": ""}, "email", "email is required"),
        ({"password": "short"}, "password", "password is too short"),
        ({"password": "aaaaaaaaaaaaaaaa"}, "password", "password is too easy to guess"),
        ({"password": "password1234"}, "password", "password is too easy to guess"),
        ({"password": ""}, "password", "password is required"),
        ({"generate": "y"}, "password", "not both"),
        ({"role": "superuser"}, "role", "unknown role 'superuser'"),
        ({"role": ""}, "role", "unknown role"),
        ({"display_name": "Nul\x00Name"}, "display_name", "display_name contains a control"),
        ({"display_name": "Bell\x07"}, "display_name", "display_name contains a control"),
        ({"display_name": "x" * 121}, "display_name", "display_name is too long"),
        ({"email": "bad\x00@example.org"}, "email", "email contains a control"),
    ],
)
def test_create_user_refusals_change_nothing(app, admin_client, users, data, field, message):
    form = {"email": "new@example.org", "role": "reviewer", "password": NEW_PASSWORD, **data}
    n_users, events = _count_users(app), audit_actions(app)
    response = submit(admin_client, "/admin/users", form)
    assert response.status_code == 422
    page = text(response)
    assert message in page
    assert f'id="{field}-error"' in page  # the message sits beside the field it names
    assert 'class="flash flash-error"' in page
    assert _count_users(app) == n_users
    assert audit_actions(app) == events


def test_json_clients_get_error_message_and_field(app, admin_client, users):
    response = submit(
        admin_client,
        "/admin/users",
        {"email": "new@example.org", "role": "boss", "password": NEW_PASSWORD},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid" and body["field"] == "role"
    assert "unknown role 'boss'" in body["message"]


def test_change_role(app, admin_client, users):
    reviewer = users["reviewer"]
    page = f"/admin/users/{reviewer.id}"
    response = submit(admin_client, page, {"role": "editor"}, action=f"{page}/role")
    assert response.status_code == 302
    assert _user(app, reviewer.email).role is Role.EDITOR
    assert audit_actions(app)[-1] == "user.role"
    # Saving the same role again is not a change and records nothing.
    events = audit_actions(app)
    response = submit(admin_client, page, {"role": "editor"}, action=f"{page}/role")
    assert response.status_code == 302
    assert audit_actions(app) == events


def test_unknown_role_is_refused(app, admin_client, users):
    page = f"/admin/users/{users['reviewer'].id}"
    events = audit_actions(app)
    response = submit(admin_client, page, {"role": "root"}, action=f"{page}/role")
    assert response.status_code == 422
    assert "unknown role 'root': use one of reviewer, editor, admin" in text(response)
    assert _user(app, users["reviewer"].email).role is Role.REVIEWER
    assert audit_actions(app) == events


def test_the_last_admin_cannot_demote_themselves(app, admin_client, users):
    page = f"/admin/users/{users['admin'].id}"
    events = audit_actions(app)
    response = submit(admin_client, page, {"role": "editor"}, action=f"{page}/role")
    assert response.status_code == 422
    assert "admin@example.org is the last active admin and cannot be demoted" in text(response)
    assert _user(app, users["admin"].email).role is Role.ADMIN
    assert audit_actions(app) == events


def test_an_admin_cannot_deactivate_themselves(app, admin_client, users):
    page = f"/admin/users/{users['admin'].id}"
    events = audit_actions(app)
    response = submit(admin_client, page, {"active": "0"}, action=f"{page}/active")
    assert response.status_code == 422
    assert "you cannot deactivate yourself" in text(response)
    assert _user(app, users["admin"].email).active
    assert audit_actions(app) == events


def test_an_inactive_admin_does_not_count(app, admin_client, users):
    """With a second admin who is deactivated, the first is still the last active one."""
    other = f"/admin/users/{users['editor'].id}"
    submit(admin_client, other, {"role": "admin"}, action=f"{other}/role")
    submit(admin_client, other, {"active": "0"}, action=f"{other}/active")
    mine = f"/admin/users/{users['admin'].id}"
    response = submit(admin_client, mine, {"role": "reviewer"}, action=f"{mine}/role")
    assert response.status_code == 422
    assert "last active admin" in text(response)


def test_with_another_admin_an_admin_may_step_down(app, admin_client, users):
    other = f"/admin/users/{users['editor'].id}"
    assert submit(admin_client, other, {"role": "admin"}, action=f"{other}/role").status_code == 302
    mine = f"/admin/users/{users['admin'].id}"
    response = submit(admin_client, mine, {"role": "editor"}, action=f"{mine}/role")
    assert response.status_code == 302
    assert _user(app, users["admin"].email).role is Role.EDITOR
    # Now an editor: the admin pages are closed to this browser from the next request on.
    assert admin_client.get("/admin/users").status_code == 403


def test_last_admin_rule_in_the_service(app, users):
    """The rule holds whoever asks (the CLI included), not only through the page."""
    from factcheck.auth.services import change_role, set_active
    from factcheck.domain import ValidationError

    with in_db(app) as session:
        admin = session.get(User, users["admin"].id)
        editor = session.get(User, users["editor"].id)
        with pytest.raises(ValidationError) as exc:
            change_role(session, admin, Role.REVIEWER, actor=editor)
        assert exc.value.field == "role"
        with pytest.raises(ValidationError) as exc:
            set_active(session, admin, False, actor=editor)
        assert exc.value.field == "active" and "last active admin" in exc.value.message


def test_deactivation_ends_the_open_session_at_once(app, admin_client, users):
    reviewer = users["reviewer"]
    browser = app.test_client()
    login(browser, reviewer.email)
    assert browser.get("/").status_code == 200
    assert _open_sessions(app, reviewer.id) == 1

    page = f"/admin/users/{reviewer.id}"
    response = submit(admin_client, page, {"active": "0"}, action=f"{page}/active")
    assert response.status_code == 302
    assert "is deactivated" in text(admin_client.get(page))
    assert _open_sessions(app, reviewer.id) == 0
    assert audit_actions(app)[-1] == "user.deactivate"

    # The reviewer's browser still holds its cookie; the next request is refused.
    refused = browser.get("/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    response = submit(browser, "/login", {"email": reviewer.email, "password": PASSWORD})
    assert response.status_code == 401

    # Reactivated, the account signs in again with its password.
    response = submit(admin_client, page, {"active": "1"}, action=f"{page}/active")
    assert response.status_code == 302
    assert _user(app, reviewer.email).active
    assert audit_actions(app)[-1] == "user.activate"
    login(browser, reviewer.email)


def test_bad_active_value_is_refused(app, admin_client, users):
    page = f"/admin/users/{users['reviewer'].id}"
    events = audit_actions(app)
    response = submit(admin_client, page, {"active": "maybe"}, action=f"{page}/active")
    assert response.status_code == 422
    assert "active must be 0 or 1" in text(response)
    assert audit_actions(app) == events


def test_reset_password_ends_the_users_sessions(app, admin_client, users):
    reviewer = users["reviewer"]
    browser = app.test_client()
    login(browser, reviewer.email)
    page = f"/admin/users/{reviewer.id}"
    response = submit(admin_client, page, {"password": NEW_PASSWORD}, action=f"{page}/password")
    assert response.status_code == 302
    assert audit_actions(app)[-1] == "user.password"
    assert browser.get("/").status_code == 302
    assert (
        submit(browser, "/login", {"email": reviewer.email, "password": PASSWORD}).status_code
        == 401
    )
    login(browser, reviewer.email, NEW_PASSWORD)


def test_reset_password_generated_is_shown_once(app, admin_client, users):
    page = f"/admin/users/{users['reviewer2'].id}"
    response = submit(admin_client, page, {"generate": "y"}, action=f"{page}/password")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    login(
        app.test_client(),
        users["reviewer2"].email,
        _generated_password(response.get_data(as_text=True)),
    )


def test_admin_resetting_their_own_password_keeps_this_session(app, admin_client, users):
    admin = users["admin"]
    elsewhere = app.test_client()
    login(elsewhere, admin.email)
    page = f"/admin/users/{admin.id}"
    response = submit(admin_client, page, {"password": NEW_PASSWORD}, action=f"{page}/password")
    assert response.status_code == 302
    assert admin_client.get("/admin/users").status_code == 200
    assert elsewhere.get("/").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "tiny"}, "password is too short"),
        ({"password": "qwertyuiopas"}, "password is too easy to guess"),
        ({}, "password is required"),
        ({"password": NEW_PASSWORD, "generate": "y"}, "not both"),
    ],
)
def test_reset_password_refusals_change_nothing(app, admin_client, users, data, message):
    reviewer = users["reviewer"]
    browser = app.test_client()
    login(browser, reviewer.email)
    events = audit_actions(app)
    page = f"/admin/users/{reviewer.id}"
    response = submit(admin_client, page, data, action=f"{page}/password")
    assert response.status_code == 422
    assert message in text(response)
    assert audit_actions(app) == events
    assert browser.get("/").status_code == 200  # their session is still open
    login(app.test_client(), reviewer.email)  # and the old password still works
