"""Forms of the audit pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, StopValidation

from factcheck.domain import ValidationError
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.validation import refuse_control_characters


def no_control_characters(_form: FlaskForm, field: object) -> None:
    """Refuse NUL and control characters, naming the field (PostgreSQL cannot even compare NUL)."""
    raw = getattr(field, "raw_data", None) or [None]
    try:
        refuse_control_characters(raw[0], getattr(field, "name", "field"))
    except ValidationError as exc:
        raise StopValidation(exc.message) from None


class EventFilterForm(Form):
    """The filters of the event list: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    actor = StringField(
        _l("Actor"), validators=[no_control_characters, Optional(), Length(max=254)]
    )
    action = SelectField(
        _l("Action"),
        choices=[SelectChoice("", _l("Any"))],
        validate_choice=False,
        validators=[no_control_characters],
    )
    entity_type = SelectField(
        _l("Entity type"),
        choices=[SelectChoice("", _l("Any"))],
        validate_choice=False,
        validators=[no_control_characters],
    )
    entity_id = StringField(
        _l("Entity id"), validators=[no_control_characters, Optional(), Length(max=64)]
    )
    outcome = SelectField(
        _l("Outcome"),
        choices=[
            SelectChoice("", _l("Any")),
            SelectChoice("done", _l("Changes only")),
            SelectChoice("refused", _l("Refusals only")),
        ],
        validators=[Optional()],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


class VerifyForm(Form):
    """Only carries the CSRF token: "Verify now" is a POST."""
