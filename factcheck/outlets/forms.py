"""Forms of the outlets page; the rules (URL, kind, language, interval) live in the services."""

from __future__ import annotations

from wtforms import SelectField, StringField

from factcheck.claims.forms import options
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.outlets.services import (
    DEFAULT_INTERVAL_MINUTES,
    MAX_INTERVAL_MINUTES,
    MAX_NAME,
    MIN_INTERVAL_MINUTES,
)
from factcheck.validation import MAX_URL_LENGTH

KIND_CHOICES = options(
    [
        ("site", _l("A web site (its feed or sitemap is found)")),
        ("rss", _l("An RSS feed")),
        ("atom", _l("An Atom feed")),
        ("sitemap", _l("A sitemap")),
    ]
)
LANGUAGE_CHOICES = options(
    [("auto", _l("Detect per article")), ("fr", _l("French")), ("en", _l("English"))]
)


class OutletForm(Form):
    url = StringField(_l("Address"), render_kw={"maxlength": MAX_URL_LENGTH, "inputmode": "url"})
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default="site", validate_choice=False)
    name = StringField(_l("Name (publisher of its articles)"), render_kw={"maxlength": MAX_NAME})
    language = SelectField(
        _l("Language"), choices=LANGUAGE_CHOICES, default="auto", validate_choice=False
    )
    # Text, not IntegerField: the service parses it and its message names the field and range.
    interval_minutes = StringField(
        _l("Poll every (minutes)"),
        default=str(DEFAULT_INTERVAL_MINUTES),
        render_kw={
            "inputmode": "numeric",
            "min": MIN_INTERVAL_MINUTES,
            "max": MAX_INTERVAL_MINUTES,
        },
    )

    def values(self) -> dict[str, object]:
        return {
            "url": self.url.data,
            "kind": self.kind.data,
            "name": self.name.data,
            "language": self.language.data,
            "interval_minutes": self.interval_minutes.data,
        }
