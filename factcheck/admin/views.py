"""Administration pages: users and roles, rating scales, the organisation. Admins only.

Each POST handler loads its object (404) and declares its form, its service call, its page and
its answer to :func:`_submit`, which puts them on the request spine (``factcheck.web``): validate,
call the service, commit once, redirect. A refusal rolls back, flashes the message, marks the
field and shows the page again with 4xx (or answers JSON to scripts).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from factcheck import web
from factcheck.admin import services as accounts
from factcheck.admin.forms import DeleteForm, MoveForm, OrganisationForm, ScaleForm, ValueForm
from factcheck.audit.history import history_for
from factcheck.auth import wants_json
from factcheck.auth.forms import (
    ROLE_LABELS,
    ActiveForm,
    NewUserForm,
    PasswordResetForm,
    RoleForm,
)
from factcheck.auth.services import get_user, set_active
from factcheck.domain import Conflict, DomainError, NotFound, ValidationError
from factcheck.extensions import db
from factcheck.models import RatingScale, RatingValue, Role, User
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID
from factcheck.organisation import services as org_settings
from factcheck.organisation.services import EffectiveSettings
from factcheck.publishing.jsonld.build import organisation_node
from factcheck.publishing.services import organisation_of
from factcheck.ratings import services as ratings

bp = Blueprint("admin", __name__, url_prefix="/admin")
T = TypeVar("T")


@bp.before_request
def _admins_only() -> None:
    """Deny by default: every page of this blueprint is for admins (sign-in is checked before)."""
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
        abort(403)


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _mark(exc: DomainError, form: FlaskForm | None) -> None:
    """Flash the refusal's message and mark its field on the form shown again."""
    flash(exc.message, "error")
    if form is not None and exc.field and exc.field in form:
        field = form[exc.field]
        field.errors = [*field.errors, exc.message]


class _FormInvalid(ValidationError):
    """WTForms refused the form: each field's errors are flashed already."""


def _invalid(form: FlaskForm) -> ValidationError:
    """Flash each field's errors; refuse (422) naming the first field, as a service would."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
    refusal = web.form_refusal(form)
    return _FormInvalid(refusal.message, field=refusal.field)


def _submit(
    form: FlaskForm,
    change: Callable[[], T],
    page: Callable[[], str],
    done: Callable[[T], ResponseReturnValue],
) -> ResponseReturnValue:
    """An admin action on the request spine: validate ``form`` (422), apply ``change`` through
    its service and commit once, then answer with ``done``; a refusal shows ``page`` again with
    the message (or JSON to scripts), nothing changed."""

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        if not isinstance(exc, _FormInvalid):
            _mark(exc, form)
        return page(), status

    web.refuse_with(refused)
    web.validate(form, _invalid)
    return done(web.run(change))


def role_name(user: User) -> str:
    """``user``'s role as a word of the interface's language (a lower-case common noun)."""
    return str(ROLE_LABELS[user.role]).lower()


def _saved(message: str, target: str, category: str = "success") -> ResponseReturnValue:
    flash(message, category)
    return redirect(target)


# --- users -----------------------------------------------------------------------------------


def _load_user(user_id: int) -> User:
    try:
        return get_user(db.session, user_id)
    except NotFound:
        abort(404)


def _users_page(form: NewUserForm) -> str:
    return render_template("admin/users.html", rows=accounts.user_rows(db.session), form=form)


def _user_page(
    user: User,
    *,
    role_form: RoleForm | None = None,
    active_form: ActiveForm | None = None,
    password_form: PasswordResetForm | None = None,
) -> str:
    return render_template(
        "admin/user.html",
        row=accounts.user_row(db.session, user),
        role_form=role_form or RoleForm(formdata=None, role=user.role.value),
        active_form=active_form or ActiveForm(formdata=None, active="0" if user.active else "1"),
        password_form=password_form or PasswordResetForm(formdata=None),
        is_self=user.id == current_user.id,
    )


def _show_password(user: User, password: str, *, created: bool) -> ResponseReturnValue:
    """Show a generated password once; the page must not be cached or stored anywhere."""
    response = make_response(
        render_template("admin/password.html", user=user, password=password, created=created)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/users")
def users() -> ResponseReturnValue:
    return _users_page(NewUserForm(formdata=None))


@bp.post("/users")
def create_user() -> ResponseReturnValue:
    form = NewUserForm()

    def done(made: Any) -> ResponseReturnValue:
        if made.generated_password:
            return _show_password(made.user, made.generated_password, created=True)
        created = _(
            "Created %(email)s (%(role)s).",
            email=made.user.email,
            role=role_name(made.user),
        )
        return _saved(created, url_for(".user", user_id=made.user.id))

    return _submit(
        form,
        lambda: accounts.create_account(
            db.session,
            email=form.email.data,
            display_name=form.display_name.data,
            role=form.role.data,
            password=form.password.data,
            generate=form.generate.data,
            actor=_actor(),
        ),
        lambda: _users_page(form),
        done,
    )


@bp.get("/users/<int:user_id>")
def user(user_id: int) -> ResponseReturnValue:
    return _user_page(_load_user(user_id))


@bp.post("/users/<int:user_id>/role")
def user_role(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    form = RoleForm()
    here = url_for(".user", user_id=user.id)
    return _submit(
        form,
        lambda: accounts.change_role_to(db.session, user, form.role.data, actor=_actor()),
        lambda: _user_page(user, role_form=form),
        lambda changed: (
            _saved(_("%(email)s is now %(role)s.", email=user.email, role=role_name(user)), here)
            if changed
            else _saved(
                _(
                    "%(email)s already was %(role)s; nothing changed.",
                    email=user.email,
                    role=role_name(user),
                ),
                here,
                "info",
            )
        ),
    )


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    form = ActiveForm()
    here = url_for(".user", user_id=user.id)
    return _submit(
        form,
        lambda: set_active(db.session, user, form.active.data == "1", actor=_actor()),
        lambda: _user_page(user),
        lambda _done: _saved(
            _("%(email)s is active again and can sign in.", email=user.email)
            if user.active
            else _("%(email)s is deactivated; their open sessions have ended.", email=user.email),
            here,
        ),
    )


@bp.post("/users/<int:user_id>/password")
def user_password(user_id: int) -> ResponseReturnValue:
    user = _load_user(user_id)
    form = PasswordResetForm()
    own_session = g.get("user_session")

    def done(shown: str | None) -> ResponseReturnValue:
        if shown:
            return _show_password(user, shown, created=False)
        changed = _(
            "Password of %(email)s changed; their other sessions have ended.", email=user.email
        )
        return _saved(changed, url_for(".user", user_id=user.id))

    return _submit(
        form,
        lambda: accounts.reset_password(
            db.session,
            user,
            password=form.password.data,
            generate=form.generate.data,
            actor=_actor(),
            actor_session_id=own_session.id if own_session is not None else None,
        ),
        lambda: _user_page(user, password_form=form),
        done,
    )


# --- rating scales ---------------------------------------------------------------------------


def _load_scale(scale_id: int) -> RatingScale:
    try:
        return ratings.get_scale(db.session, scale_id)
    except NotFound:
        abort(404)


def _load_value(scale: RatingScale, value_id: int) -> RatingValue:
    try:
        return ratings.get_value(db.session, scale, value_id)
    except NotFound:
        abort(404)


def _scale_page(
    scale: RatingScale,
    *,
    scale_form: ScaleForm | None = None,
    value_form: ValueForm | None = None,
) -> str:
    return render_template(
        "admin/scale.html",
        scale=scale,
        usage=ratings.usage_by_value(db.session, scale),
        published_uses=ratings.published_uses(db.session, scale),
        scale_form=scale_form
        or ScaleForm(
            formdata=None, name=scale.name, language=scale.language, is_default=scale.is_default
        ),
        value_form=value_form or ValueForm(formdata=None),
    )


def _value_page(value: RatingValue, *, form: ValueForm | None = None) -> str:
    return render_template(
        "admin/value.html",
        scale=value.scale,
        value=value,
        usage=ratings.value_usage(db.session, value),
        published_uses=ratings.published_uses(db.session, value.scale).get(value.id, []),
        form=form
        or ValueForm(
            formdata=None, label=value.label, value=str(value.value), definition=value.definition
        ),
    )


@bp.get("/scales")
def scales() -> ResponseReturnValue:
    return render_template("admin/scales.html", scales=ratings.list_scales(db.session))


@bp.route("/scales/<int:scale_id>", methods=["GET", "POST"])
def scale(scale_id: int) -> ResponseReturnValue:
    rating_scale = _load_scale(scale_id)
    form = ScaleForm()
    if not form.is_submitted():
        return _scale_page(rating_scale)
    return _submit(
        form,
        lambda: ratings.edit_scale(
            db.session,
            rating_scale,
            name=form.name.data,
            language=form.language.data,
            is_default=form.is_default.data,
            actor=_actor(),
        ),
        lambda: _scale_page(rating_scale, scale_form=form),
        lambda _done: _saved(
            _("Saved scale %(scale)s.", scale=repr(rating_scale.name)),
            url_for(".scale", scale_id=rating_scale.id),
        ),
    )


@bp.post("/scales/<int:scale_id>/values")
def add_value(scale_id: int) -> ResponseReturnValue:
    scale = _load_scale(scale_id)
    form = ValueForm()
    return _submit(
        form,
        lambda: ratings.add_value(
            db.session,
            scale,
            label=form.label.data,
            value=form.value.data,
            definition=form.definition.data,
            actor=_actor(),
        ),
        lambda: _scale_page(scale, value_form=form),
        lambda added: _saved(
            _(
                "Added %(label)s (%(value)s) to %(scale)s.",
                label=repr(added.label),
                value=added.value,
                scale=repr(scale.name),
            ),
            url_for(".scale", scale_id=scale.id, _anchor=f"value-{added.id}"),
        ),
    )


@bp.route("/scales/<int:scale_id>/values/<int:value_id>", methods=["GET", "POST"])
def value(scale_id: int, value_id: int) -> ResponseReturnValue:
    rating = _load_value(_load_scale(scale_id), value_id)
    form = ValueForm()
    if not form.is_submitted():
        return _value_page(rating)
    return _submit(
        form,
        lambda: ratings.edit_value(
            db.session,
            rating,
            label=form.label.data,
            value=form.value.data,
            definition=form.definition.data,
            actor=_actor(),
        ),
        lambda: _value_page(rating, form=form),
        lambda _done: _saved(
            _("Saved %(label)s.", label=repr(rating.label)),
            url_for(".scale", scale_id=scale_id, _anchor=f"value-{rating.id}"),
        ),
    )


@bp.post("/scales/<int:scale_id>/values/<int:value_id>/move")
def move_value(scale_id: int, value_id: int) -> ResponseReturnValue:
    scale = _load_scale(scale_id)
    rating = _load_value(scale, value_id)
    form = MoveForm()
    return _submit(
        form,
        lambda: ratings.move_value(db.session, rating, form.direction.data or "", actor=_actor()),
        lambda: _scale_page(scale),
        lambda _done: _saved(
            _("Moved %(label)s up.", label=repr(rating.label))
            if form.direction.data == "up"
            else _("Moved %(label)s down.", label=repr(rating.label)),
            url_for(".scale", scale_id=scale.id, _anchor=f"value-{rating.id}"),
        ),
    )


@bp.post("/scales/<int:scale_id>/values/<int:value_id>/delete")
def delete_value(scale_id: int, value_id: int) -> ResponseReturnValue:
    scale = _load_scale(scale_id)
    rating = _load_value(scale, value_id)
    form = DeleteForm()
    label = rating.label
    return _submit(
        form,
        lambda: ratings.delete_value(db.session, rating, actor=_actor()),
        lambda: _value_page(rating),
        lambda _done: _saved(
            _("Deleted %(label)s from %(scale)s.", label=repr(label), scale=repr(scale.name)),
            url_for(".scale", scale_id=scale.id),
        ),
    )


# --- the organisation ------------------------------------------------------------------------

# (form field, attribute of EffectiveSettings) compared when someone else saved first.
ORGANISATION_FIELDS = [(f, "same_as_text" if f == "same_as" else f) for f in org_settings.FIELDS]


def _author_json(settings: EffectiveSettings) -> tuple[str | None, str | None]:
    """The ClaimReview ``author`` these settings make, as JSON; or why they cannot make one."""
    try:
        node = organisation_node(organisation_of(settings))
    except ValueError as exc:  # say, an ORG_URL without http(s) in the configuration
        return None, str(exc)
    return json.dumps(node, ensure_ascii=False, indent=2), None


def _organisation_page(
    settings: EffectiveSettings,
    *,
    form: OrganisationForm | None = None,
    conflict: dict[str, Any] | None = None,
) -> str:
    author, author_problem = _author_json(settings)
    return render_template(
        "admin/organisation.html",
        settings=settings,
        form=form
        or OrganisationForm(
            formdata=None,
            **{**settings.values(), "same_as": settings.same_as_text},
            version=settings.version,
        ),
        conflict=conflict,
        config_keys=org_settings.CONFIG_KEYS,
        author=author,
        author_problem=author_problem,
        timeline=history_for(org_settings.ENTITY_TYPE, ORGANISATION_SETTINGS_ID),
    )


@bp.route("/organisation", methods=["GET", "POST"])
def organisation() -> ResponseReturnValue:
    form = OrganisationForm()
    if not form.is_submitted():
        current = org_settings.effective_settings(db.session, current_app.config)
        if wants_json():
            return jsonify(organisation=current.to_json(), csrf_token=generate_csrf())
        return _organisation_page(current)

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        _mark(exc, form)
        current = org_settings.effective_settings(db.session, current_app.config)
        conflict = None
        if isinstance(exc, Conflict):
            # The user's text stays; based on the current version, saving again replaces it.
            web.set_version(form, current.version)
            conflict = web.compare(form, current, ORGANISATION_FIELDS)
        return _organisation_page(current, form=form, conflict=conflict), status

    web.refuse_with(refused)
    web.validate(form, web.form_refusal)
    web.run(
        lambda: org_settings.save_settings(
            db.session,
            form.values(),
            expected_version=form.version.data,
            actor=_actor(),
            config=current_app.config,
        )
    )
    saved = org_settings.effective_settings(db.session, current_app.config)
    if wants_json():
        return jsonify(organisation=saved.to_json())
    flash(
        _("Saved the organisation settings: public pages, the feed and exports use them now."),
        "success",
    )
    return redirect(url_for(".organisation"))
