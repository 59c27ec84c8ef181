"""API tokens in the browser: each user's own at /account/tokens, everyone's at /admin/tokens.

Creating and revoking run on the request spine (``factcheck.web``): one service, one commit; a
refusal is rolled back by the spine and shown on the tokens page (or as JSON to scripts).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import DateField, SelectChoice, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Optional

from factcheck import web
from factcheck.auth import role_required
from factcheck.auth import tokens as services
from factcheck.domain import DomainError
from factcheck.errors import error_response
from factcheck.extensions import db
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Role, Scope, User, utcnow

bp = Blueprint("tokens", __name__)

# What each scope allows, said after its code (the word the API and the CLI take).
SCOPE_HINTS = {
    Scope.READ: _l(
        "read articles, claims, fact-checks, the organisation (and the audit trail, for editors)"
    ),
    Scope.INGEST: _l("send articles in"),
    Scope.REVIEW: _l("work on claims: edit, triage, take, sources, verdicts, propose"),
    Scope.PUBLISH: _l("approve verdicts and corrections (editors)"),
}


class ScopeLabel:
    """A scope's checkbox label: its code, as code, then what it allows in the page's language."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def __html__(self) -> str:
        return Markup("<code>%s</code> — %s") % (self.scope.value, SCOPE_HINTS[self.scope])

    def __str__(self) -> str:
        return f"{self.scope.value} — {SCOPE_HINTS[self.scope]}"


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=services.MAX_NAME)],
        description=_l("e.g. CMS"),
    )
    scopes = SelectMultipleField(
        _l("Scopes"),
        choices=[SelectChoice(s.value, ScopeLabel(s)) for s in Scope],
        default=[Scope.READ.value],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[DataRequired(message=_l("choose at least one scope"))],
    )
    expires = DateField(_l("Expires after (optional)"), validators=[Optional()])


class RevokeForm(Form):
    """Only the CSRF token: revoking is a POST."""


def _me() -> User:
    me: User = current_user._get_current_object()
    return me


def _page(form: TokenForm, status: int = 200, secret: str | None = None) -> ResponseReturnValue:
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=services.tokens_of(db.session, _me()),
        revoke_form=RevokeForm(formdata=None),
        secret=secret,
        now=utcnow(),
    ), status


@bp.get("/account/tokens")
def index() -> ResponseReturnValue:
    return _page(TokenForm(formdata=None))


@bp.post("/account/tokens")
def create() -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate():
        return _page(form, 422)

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        target = getattr(form, "expires" if exc.field == "expires" else exc.field or "", None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors), exc.message]
        else:
            flash(exc.message, "error")
        return _page(form, status)

    web.refuse_with(refused)
    made = web.run(
        lambda: services.create_token(
            db.session,
            _me(),
            name=form.name.data,
            scopes=form.scopes.data or [],
            expires=form.expires.data,
            actor=_me(),
        )
    )
    flash(
        _("Token “%(name)s” created. Copy it now: it is shown only once.", name=made.token.name),
        "success",
    )
    return _page(TokenForm(formdata=None), 201, secret=made.secret)


def _revoke(token_id: int, back: str) -> ResponseReturnValue:
    if not RevokeForm().validate():
        return error_response(400, _("The form expired; reload the page and try again."))
    token = services.get_token(db.session, token_id)  # a refusal is JSON or the error page
    if token.user_id != _me().id and back == "tokens.index":
        return error_response(404)  # someone else's token does not exist on your page
    revoked = web.run(lambda: services.revoke_token(db.session, token, actor=_me()))
    flash(
        _("Token %(prefix)s… revoked: it stops working at once.", prefix=token.prefix)
        if revoked
        else _("Token %(prefix)s… was already revoked.", prefix=token.prefix),
        "success",
    )
    return redirect(url_for(back))


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    return _revoke(token_id, "tokens.index")


@bp.get("/admin/tokens")
@role_required(Role.ADMIN)
def admin_index() -> ResponseReturnValue:
    return render_template(
        "admin/tokens.html",
        tokens=services.tokens_of(db.session),
        revoke_form=RevokeForm(formdata=None),
        now=utcnow(),
    )


@bp.post("/admin/tokens/<int:token_id>/revoke")
@role_required(Role.ADMIN)
def admin_revoke(token_id: int) -> ResponseReturnValue:
    return _revoke(token_id, "tokens.admin_index")
