"""Forms of the rating-scale pages; the rules themselves live in ``factcheck.ratings.services``."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf

from factcheck.ratings.services import (
    MAX_DEFINITION_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_RATING_VALUE,
    MAX_SCALE_NAME_LENGTH,
    MIN_RATING_VALUE,
)


class ScaleForm(FlaskForm):
    name = StringField("Name", render_kw={"maxlength": MAX_SCALE_NAME_LENGTH})
    language = StringField("Language", render_kw={"maxlength": MAX_LANGUAGE_LENGTH})
    is_default = BooleanField("Default scale for this language")


class ValueForm(FlaskForm):
    label = StringField("Label", render_kw={"maxlength": MAX_LABEL_LENGTH})
    # Text, not IntegerField: the service parses it and its message names the field and the range.
    value = StringField(
        "Numeric value",
        render_kw={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "min": MIN_RATING_VALUE,
            "max": MAX_RATING_VALUE,
        },
    )
    definition = TextAreaField(
        "Definition", render_kw={"maxlength": MAX_DEFINITION_LENGTH, "rows": 3}
    )


class MoveForm(FlaskForm):
    direction = HiddenField(
        validators=[AnyOf(["up", "down"], message="direction must be up or down")]
    )


class DeleteForm(FlaskForm):
    """Only carries the CSRF token."""
