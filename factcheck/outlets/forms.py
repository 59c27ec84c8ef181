"""Forms of the outlets page; the rules (URL, kind, language, interval) live in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from factcheck.claims.forms import options
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.outlets.services import (
    DEFAULT_INTERVAL_MINUTES,
    MAX_INTERVAL_MINUTES,
    MAX_NAME,
    MIN_INTERVAL_MINUTES,
)
from factcheck.validation import MAX_URL_LENGTH

KIND_CHOICES = options(
    [
        ("site", "A web site (its feed or sitemap is found)"),
        ("rss", "An RSS feed"),
        ("atom", "An Atom feed"),
        ("sitemap", "A sitemap"),
    ]
)
LANGUAGE_CHOICES = options([("auto", "Detect per article"), ("fr", "French"), ("en", "English")])


class OutletForm(FlaskForm):
    url = StringField("Address", render_kw={"maxlength": MAX_URL_LENGTH, "inputmode": "url"})
    kind = SelectField("Kind", choices=KIND_CHOICES, default="site", validate_choice=False)
    name = StringField("Name (publisher of its articles)", render_kw={"maxlength": MAX_NAME})
    language = SelectField(
        "Language", choices=LANGUAGE_CHOICES, default="auto", validate_choice=False
    )
    # Text, not IntegerField: the service parses it and its message names the field and range.
    interval_minutes = StringField(
        "Poll every (minutes)",
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
