"""Forms of the audit pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation

from factcheck.domain import ValidationError
from factcheck.validation import refuse_control_characters


def no_control_characters(_form: FlaskForm, field: object) -> None:
    """Refuse NUL and control characters, naming the field (PostgreSQL cannot even compare NUL)."""
    raw = getattr(field, "raw_data", None) or [None]
    try:
        refuse_control_characters(raw[0], getattr(field, "name", "field"))
    except ValidationError as exc:
        raise StopValidation(exc.message) from None


class EventFilterForm(FlaskForm):
    """The filters of the event list: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField("Actor", validators=[no_control_characters, Optional(), Length(max=254)])
    action = SelectField(
        "Action",
        choices=[SelectChoice("", "Any")],
        validate_choice=False,
        validators=[no_control_characters],
    )
    entity_type = SelectField(
        "Entity type",
        choices=[SelectChoice("", "Any")],
        validate_choice=False,
        validators=[no_control_characters],
    )
    entity_id = StringField(
        "Entity id", validators=[no_control_characters, Optional(), Length(max=64)]
    )
    outcome = SelectField(
        "Outcome",
        choices=[
            SelectChoice("", "Any"),
            SelectChoice("done", "Changes only"),
            SelectChoice("refused", "Refusals only"),
        ],
        validators=[Optional()],
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class VerifyForm(FlaskForm):
    """Only carries the CSRF token: "Verify now" is a POST."""
