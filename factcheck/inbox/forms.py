"""The inbox's forms: each POST carries its CSRF token."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Regexp

from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l


class ActionForm(Form):
    """A button with nothing but its CSRF token (mark all read, mark claims seen)."""


class MarkReadForm(Form):
    id = HiddenField(
        _l("Notification"),
        validators=[
            InputRequired(_l("choose a notification")),
            Regexp(r"^\d{1,18}$", message=_l("not a notification id")),
        ],
    )


class PreferencesForm(Form):
    email_notifications = BooleanField(_l("Also send me my notifications by e-mail"))
