"""Forms of the webhook pages; the rules (URL, events, lengths) live in the services."""

from __future__ import annotations

from markupsafe import Markup
from wtforms import BooleanField, SelectChoice, SelectMultipleField, StringField, widgets

from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import WEBHOOK_EVENTS
from factcheck.validation import MAX_URL_LENGTH
from factcheck.webhooks.services import MAX_DESCRIPTION


class EndpointForm(Form):
    url = StringField(
        _l("Endpoint URL"), render_kw={"maxlength": MAX_URL_LENGTH, "inputmode": "url"}
    )
    description = StringField(_l("Description"), render_kw={"maxlength": MAX_DESCRIPTION})
    # Choices are not checked by WTForms: the service refuses unknown ones naming the field.
    events = SelectMultipleField(
        _l("Events"),
        # The event names are codes a receiver matches on: shown as code, in every language.
        choices=[SelectChoice(e, Markup("<code>%s</code>") % e) for e in WEBHOOK_EVENTS],
        validate_choice=False,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )
    active = BooleanField(_l("Active (send deliveries)"), default=True)


class ActionForm(Form):
    """Only carries the CSRF token (remove, rotate the secret, send again)."""
