"""Forms of the rating-scale and organisation pages; the rules live in the services.

``factcheck.ratings.services`` and ``factcheck.organisation.services`` check every field.
"""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf

from factcheck.claims.forms import VersionedForm
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.organisation.services import MAX_NAME_LENGTH, MAX_SAME_AS
from factcheck.ratings.services import (
    MAX_DEFINITION_LENGTH,
    MAX_LABEL_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_RATING_VALUE,
    MAX_SCALE_NAME_LENGTH,
    MIN_RATING_VALUE,
)
from factcheck.validation import MAX_URL_LENGTH


class ScaleForm(Form):
    name = StringField(_l("Name"), render_kw={"maxlength": MAX_SCALE_NAME_LENGTH})
    language = StringField(_l("Language"), render_kw={"maxlength": MAX_LANGUAGE_LENGTH})
    is_default = BooleanField(_l("Default scale for this language"))


class ValueForm(Form):
    label = StringField(_l("Label"), render_kw={"maxlength": MAX_LABEL_LENGTH})
    # Text, not IntegerField: the service parses it and its message names the field and the range.
    value = StringField(
        _l("Numeric value"),
        render_kw={
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "min": MIN_RATING_VALUE,
            "max": MAX_RATING_VALUE,
        },
    )
    definition = TextAreaField(
        _l("Definition"), render_kw={"maxlength": MAX_DEFINITION_LENGTH, "rows": 3}
    )


class MoveForm(Form):
    direction = HiddenField(
        validators=[AnyOf(["up", "down"], message=_l("direction must be up or down"))]
    )


class DeleteForm(Form):
    """Only carries the CSRF token."""


def _unix_newlines(text: str | None) -> str | None:
    return text.replace("\r\n", "\n") if text else text


_URL = {"inputmode": "url", "maxlength": MAX_URL_LENGTH, "placeholder": "https://"}


class OrganisationForm(VersionedForm):
    """The organisation page; ``version`` 0 while the configuration's values are in force."""

    name = StringField(_l("Name"), render_kw={"maxlength": MAX_NAME_LENGTH})
    url = StringField(_l("Public URL"), render_kw=_URL)
    methodology_url = StringField(_l("Methodology (publishingPrinciples)"), render_kw=_URL)
    corrections_policy_url = StringField(
        _l("Corrections policy (correctionsPolicy)"), render_kw=_URL
    )
    logo_url = StringField(_l("Logo URL"), render_kw=_URL)
    same_as = TextAreaField(
        _l("Other profiles (sameAs), one address per line, at most %(max)d", max=MAX_SAME_AS),
        filters=[_unix_newlines],
        render_kw={"rows": 4, "inputmode": "url"},
    )

    def values(self) -> dict[str, str | None]:
        return {
            "name": self.name.data,
            "url": self.url.data,
            "methodology_url": self.methodology_url.data,
            "corrections_policy_url": self.corrections_policy_url.data,
            "logo_url": self.logo_url.data,
            "same_as": self.same_as.data,
        }
