"""Forms of the fact-check memory: a match decision on the desk, and the admin import."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from factcheck.claims.forms import options
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.memory.desk import KINDS


class MatchForm(Form):
    """Which earlier fact-check the button is about."""

    kind = SelectField(
        _l("Kind"), choices=options((k, k) for k in KINDS), validators=[DataRequired()]
    )
    target_id = IntegerField(_l("Fact-check"), validators=[DataRequired(), NumberRange(min=1)])


class ImportForm(Form):
    """A ClaimReview file (JSON, JSON Lines, HTML) or the URL of a feed or page."""

    file = FileField(_l("File (JSON, JSON-LD, JSON Lines, DataFeed or an HTML page)"))
    url = StringField(_l("…or a feed or page URL"), validators=[Optional(), Length(max=2000)])
    dry_run = HiddenField(default="")


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])


class FeedForm(Form):
    url = StringField(_l("Feed URL"), validators=[DataRequired(), Length(max=2000)])


class FeedActionForm(Form):
    feed_id = IntegerField(_l("Feed"), validators=[DataRequired(), NumberRange(min=1)])
