"""Choosing the interface language: the switcher on every page and the account page."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import HiddenField, RadioField, SelectChoice
from wtforms.validators import DataRequired

from factcheck import web
from factcheck.auth import public, safe_next, wants_json
from factcheck.auth.services import set_interface_language
from factcheck.extensions import db
from factcheck.forms import Form
from factcheck.i18n import COOKIE_MAX_AGE, LANGUAGE_COOKIE
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import INTERFACE_LANGUAGE_NAMES, INTERFACE_LANGUAGES

bp = Blueprint("i18n", __name__)


class LanguageForm(Form):
    # Each language named in itself ("Français"), whatever the page's language.
    language = RadioField(
        _l("Interface language"),
        choices=[SelectChoice(c, INTERFACE_LANGUAGE_NAMES[c]) for c in INTERFACE_LANGUAGES],
        validators=[DataRequired()],
    )
    next = HiddenField()


@bp.route("/language", methods=["POST"])
@public
def switch() -> ResponseReturnValue:
    """Keep the choice: in a cookie for everyone, and as the signed-in user's preference."""
    form = LanguageForm()
    web.validate(form, web.form_refusal)
    language = form.language.data or ""
    if current_user.is_authenticated:
        web.run(lambda: set_interface_language(db.session, current_user, language))
    response: Response
    if wants_json():
        response = jsonify(language=language)
    else:
        with force_locale(language):  # said in the language just chosen
            flash(_("The interface is now in English."), "success")
        response = redirect(safe_next(form.next.data) or url_for("i18n.account"), 303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=COOKIE_MAX_AGE,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.route("/account/language")
def account() -> ResponseReturnValue:
    """The signed-in user's preferred language (the switcher in the header sets it too)."""
    form = LanguageForm(
        language=current_user.interface_language or None, next=url_for("i18n.account")
    )
    return render_template("i18n/language.html", form=form)
