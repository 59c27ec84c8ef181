"""The inbox's forms: each POST carries its CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import InputRequired, Regexp


class ActionForm(FlaskForm):
    """A button with nothing but its CSRF token (mark all read, mark claims seen)."""


class MarkReadForm(FlaskForm):
    id = HiddenField(
        "Notification",
        validators=[
            InputRequired("choose a notification"),
            Regexp(r"^\d{1,18}$", message="not a notification id"),
        ],
    )


class PreferencesForm(FlaskForm):
    email_notifications = BooleanField("Also send me my notifications by e-mail")
