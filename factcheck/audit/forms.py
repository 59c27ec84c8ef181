"""Forms of the audit pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional


class EventFilterForm(FlaskForm):
    """The filters of the event list: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField("Actor", validators=[Optional(), Length(max=254)])
    action = SelectField("Action", choices=[SelectChoice("", "Any")], validate_choice=False)
    entity_type = SelectField(
        "Entity type", choices=[SelectChoice("", "Any")], validate_choice=False
    )
    entity_id = StringField("Entity id", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class VerifyForm(FlaskForm):
    """Only carries the CSRF token: "Verify now" is a POST."""
