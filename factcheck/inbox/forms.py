"""The inbox's forms: each POST carries its CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Regexp

from factcheck.forms import Form


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
