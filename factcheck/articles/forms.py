from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from factcheck.articles.parsing import MAX_ARTICLE_CHARS
from factcheck.claims.workflow import MAX_REASON_LENGTH
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.forms import Form
from factcheck.i18n import lazy_gettext as _l
from factcheck.validation import MAX_PUBLISHER_LENGTH, MAX_URL_LENGTH

LANGUAGE_CHOICES = [
    SelectChoice("auto", _l("Detect")),
    SelectChoice("fr", _l("French")),
    SelectChoice("en", _l("English")),
]


class AddArticleForm(Form):
    """Exactly one of: pasted text, a URL, or an uploaded .txt/.md/.html file."""

    text = TextAreaField(
        _l("Paste the article"), validators=[Optional(), Length(max=MAX_ARTICLE_CHARS)]
    )
    url = StringField(
        _l("…or its web address"), validators=[Optional(), Length(max=MAX_URL_LENGTH)]
    )
    file = FileField(_l("…or upload a file (.txt, .md, .html)"))
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="auto")
    publisher = StringField(
        _l("Publisher"), validators=[Optional(), Length(max=MAX_PUBLISHER_LENGTH)]
    )


class ManualClaimForm(Form):
    text = TextAreaField(
        _l("Passage to check"), validators=[Length(min=1, max=2000, message=_l("paste a passage"))]
    )


class DismissForm(Form):
    reason = StringField(_l("Reason"), validators=[Length(max=MAX_REASON_LENGTH)])
