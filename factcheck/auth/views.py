"""Sign in (password, then a second factor when the user has one) and out; the account pages."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from factcheck import web
from factcheck.auth import (
    PENDING_KEY,
    SESSION_SEEN_KEY,
    SESSION_TOKEN_KEY,
    current_session_token,
    public,
    safe_next,
)
from factcheck.auth import two_factor as totp
from factcheck.auth.forms import ChangePasswordForm, LoginForm, LogoutForm, TwoFactorCodeForm
from factcheck.auth.services import (
    SignIn,
    begin_sign_in,
    change_own_password,
    finish_sign_in,
    open_session,
    password_matches,
    sign_out,
)
from factcheck.auth.throttle import LoginThrottled
from factcheck.config import settings
from factcheck.database import read_intent
from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.languages import N_, interface_language
from factcheck.models import User
from factcheck.validation import refuse_control_characters

bp = Blueprint("auth", __name__)

# The secret being enrolled, encrypted, until the user confirms it with a code.
ENROL_KEY = "2fa_enrol"
WRONG_CREDENTIALS = N_("Email or password is wrong, or the account is disabled.")


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def _throttled(exc: LoginThrottled, template: str, **context: Any) -> ResponseReturnValue:
    web.commit()  # keep the login.throttled event
    flash(exc.message, "error")
    return render_template(template, **context), 429


def _begin(result: SignIn, target: str | None) -> ResponseReturnValue:
    """Put a new session in a fresh cookie: nothing from before sign-in carries over."""
    session.clear()
    session[SESSION_TOKEN_KEY] = result.token
    session[SESSION_SEEN_KEY] = int(time.time())
    # Said in the language of the user just signed in (this request chose one before).
    with force_locale(interface_language(result.user.interface_language) or str(get_locale())):
        if totp.admin_must_enrol(result.user):
            flash(_("Set up two-factor sign-in to continue: admins must use it."), "error")
            return redirect(url_for("auth.two_factor"))
        flash(_("Signed in as %(name)s.", name=result.user.display_name), "success")
    return redirect(target or url_for("inbox.my_work"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("inbox.my_work"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    try:  # before any lookup: NUL cannot even be compared on PostgreSQL
        refuse_control_characters(form.email.data, "email")
    except ValidationError as exc:
        form.email.errors = [*form.email.errors, exc.message]
        return render_template("auth/login.html", form=form), 400
    # Read, then check the password with no transaction open, then decide and record: on
    # SQLite the write lock is never held while argon2id works.
    with read_intent():
        credentials = begin_sign_in(
            db.session, form.email.data or "", client_addr=request.remote_addr
        )
        web.rollback()
    password_ok = password_matches(credentials, form.password.data or "")
    try:
        user = finish_sign_in(db.session, credentials, password_ok, client_addr=request.remote_addr)
    except LoginThrottled as exc:
        return _throttled(exc, "auth/login.html", form=form)
    if user is None:
        web.commit()  # keep the failure: it is counted and audited
        flash(_(WRONG_CREDENTIALS), "error")
        return render_template("auth/login.html", form=form), 401
    target = safe_next(form.next.data)
    if user.has_two_factor:
        web.commit()
        session.clear()
        lifetime = settings().two_factor_pending_seconds
        session[PENDING_KEY] = {
            "uid": user.id,
            "exp": int(time.time()) + lifetime,
            "next": target or "",
        }
        return redirect(url_for("auth.login_2fa"))
    result = open_session(
        db.session, user, client_addr=request.remote_addr, user_agent=request.user_agent.string
    )
    web.commit()
    return _begin(result, target)


def _pending_user() -> tuple[User, dict[str, Any]] | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or float(pending.get("exp", 0)) < time.time():
        return None
    user = db.session.get(User, int(pending.get("uid", 0)))
    if user is None or not user.active or not user.has_two_factor:
        return None
    return user, pending


@bp.route("/login/2fa", methods=["GET", "POST"])
@public
def login_2fa() -> ResponseReturnValue:
    loaded = _pending_user()
    if loaded is None:
        session.pop(PENDING_KEY, None)
        flash(_("Sign in again: the second step expired or was not started."), "error")
        return redirect(url_for("auth.login"))
    user, pending = loaded
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return render_template("auth/login_2fa.html", form=form), 400 if form.errors else 200
    try:
        ok = totp.check_code(
            db.session, user, form.code.data or "", client_addr=request.remote_addr
        )
    except LoginThrottled as exc:
        return _throttled(exc, "auth/login_2fa.html", form=form)
    if not ok:
        web.commit()  # keep the counted, audited failure
        form.code.errors = [_("That code is not right, or was already used.")]
        return render_template("auth/login_2fa.html", form=form), 401
    result = open_session(
        db.session,
        user,
        client_addr=request.remote_addr,
        user_agent=request.user_agent.string,
        two_factor=True,
    )
    web.commit()
    return _begin(result, safe_next(pending.get("next")))


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if form.validate_on_submit():
        token = current_session_token()
        if token:
            sign_out(db.session, _user(), token)
            web.commit()
        session.clear()
        flash(_("Signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 422 if form.errors else 200
    user_session = g.get("user_session")
    try:
        change_own_password(
            db.session,
            _user(),
            form.current_password.data or "",
            form.new_password.data or "",
            client_addr=request.remote_addr,
            keep_session_id=user_session.id if user_session is not None else None,
        )
    except LoginThrottled as exc:
        return _throttled(exc, "auth/password.html", form=form)
    except ValidationError as exc:
        if exc.field == "current_password":
            web.commit()  # a wrong current password is a counted, audited failure
        else:
            web.rollback()
        _field_error(form, exc)
        return render_template("auth/password.html", form=form), 422
    web.commit()
    flash(_("Password changed. Every other session of yours was signed out."), "success")
    return redirect(url_for("auth.password"))


def _field_error(form: FlaskForm, exc: ValidationError) -> None:
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    else:
        flash(exc.message, "error")


def _enrolment_secret() -> str:
    """The secret offered for enrolment, kept (encrypted) in the cookie until confirmed."""
    stored = session.get(ENROL_KEY)
    if stored:
        try:
            return totp.decrypt_secret(stored)
        except totp.SecretKeyError:
            pass
    secret = totp.new_secret()
    session[ENROL_KEY] = totp.encrypt_secret(secret)
    return secret


def _two_factor_page(form: TwoFactorCodeForm, status: int = 200) -> ResponseReturnValue:
    user = _user()
    context: dict[str, Any] = {"form": form, "user": user}
    if not user.has_two_factor:
        secret = _enrolment_secret()
        context.update(secret=secret, uri=totp.provisioning_uri(secret, user.email))
    context["must_enrol"] = totp.admin_must_enrol(user)
    return render_template("auth/two_factor.html", **context), status


@bp.route("/account/2fa", methods=["GET", "POST"])
def two_factor() -> ResponseReturnValue:
    """Show the two-factor status; POST confirms enrolment with a code."""
    form = TwoFactorCodeForm()
    if request.method == "GET":
        return _two_factor_page(form)
    if not form.validate_on_submit():
        return _two_factor_page(form, 422)
    try:
        totp.enable(db.session, _user(), _enrolment_secret(), form.code.data or "")
    except ValidationError as exc:
        web.rollback()
        _field_error(form, exc)
        return _two_factor_page(form, 422)
    web.commit()
    session.pop(ENROL_KEY, None)
    flash(_("Two-factor sign-in is on: you will be asked for a code at every sign-in."), "success")
    return redirect(url_for("auth.two_factor"))


@bp.route("/account/2fa/disable", methods=["POST"])
def two_factor_disable() -> ResponseReturnValue:
    form = TwoFactorCodeForm()
    if not form.validate_on_submit():
        return _two_factor_page(form, 422)
    try:
        totp.disable(db.session, _user(), form.code.data or "", client_addr=request.remote_addr)
    except LoginThrottled as exc:
        web.commit()
        flash(exc.message, "error")
        return _two_factor_page(form, 429)
    except ValidationError as exc:
        web.commit()  # a wrong code is counted and audited (login.2fa_failure)
        _field_error(form, exc)
        return _two_factor_page(form, 422)
    web.commit()
    flash(_("Two-factor sign-in is off."), "success")
    return redirect(url_for("auth.two_factor"))
