"""Sign in and out."""

from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from factcheck.auth import (
    SESSION_SEEN_KEY,
    SESSION_TOKEN_KEY,
    current_session_token,
    public,
    safe_next,
)
from factcheck.auth.forms import LoginForm, LogoutForm
from factcheck.auth.services import sign_in, sign_out
from factcheck.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    form = LoginForm(next=request.args.get("next", ""))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("articles.index"))
    if form.validate_on_submit():
        result = sign_in(
            db.session,
            form.email.data or "",
            form.password.data or "",
            client_addr=request.remote_addr,
            user_agent=request.user_agent.string,
        )
        db.session.commit()
        if result is None:
            flash("Email or password is wrong, or the account is disabled.", "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # a fresh session: nothing from before sign-in carries over
        session[SESSION_TOKEN_KEY] = result.token
        session[SESSION_SEEN_KEY] = int(time.time())
        flash(f"Signed in as {result.user.display_name}.", "success")
        return redirect(safe_next(form.next.data) or url_for("articles.index"))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if form.validate_on_submit():
        token = current_session_token()
        if token:
            sign_out(db.session, current_user._get_current_object(), token)
            db.session.commit()
        session.clear()
        flash("Signed out.", "success")
    return redirect(url_for("auth.login"))
