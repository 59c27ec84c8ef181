from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from factcheck.auth.passwords import MAX_PASSWORD_LENGTH
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Role


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    next = HiddenField()


class LogoutForm(Form):
    """Only carries the CSRF token: logout is a POST."""


# Each role's name on screen; the value sent stays the role's code.
ROLE_LABELS = {Role.REVIEWER: _l("Reviewer"), Role.EDITOR: _l("Editor"), Role.ADMIN: _l("Admin")}
ROLE_CHOICES = [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role]


class NewUserForm(Form):
    """An admin creates an account; the services check every rule (role text included)."""

    email = EmailField(_l("Email"), validators=[DataRequired(message=_l("email is required"))])
    display_name = StringField(_l("Display name"))
    # validate_choice=False: an unknown role reaches parse_role, whose message names the roles.
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="reviewer", validate_choice=False)
    password = PasswordField(_l("Initial password"), validators=[Length(max=MAX_PASSWORD_LENGTH)])
    generate = BooleanField(_l("Generate a password for me (shown once)"))


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validate_choice=False)


class ActiveForm(Form):
    """Carries the wanted state: ``1`` to reactivate, ``0`` to deactivate."""

    active = HiddenField(validators=[AnyOf(["0", "1"], message=_l("active must be 0 or 1"))])


class PasswordResetForm(Form):
    password = PasswordField(_l("New password"), validators=[Length(max=MAX_PASSWORD_LENGTH)])
    generate = BooleanField(_l("Generate a password (shown once)"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)]
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("the two passwords differ")),
        ],
    )


class TwoFactorCodeForm(Form):
    """A six-digit code from the authenticator app (sign-in step, enrolment, turning it off)."""

    code = StringField(
        _l("Code from your app"),
        validators=[DataRequired(message=_l("type the 6-digit code")), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
