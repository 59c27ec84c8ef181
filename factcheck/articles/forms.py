from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from factcheck.articles.parsing import MAX_ARTICLE_CHARS
from factcheck.claims.workflow import MAX_REASON_LENGTH
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.validation import MAX_PUBLISHER_LENGTH, MAX_URL_LENGTH

LANGUAGE_CHOICES = [
    SelectChoice("auto", "Detect"),
    SelectChoice("fr", "French"),
    SelectChoice("en", "English"),
]


class AddArticleForm(FlaskForm):
    """Exactly one of: pasted text, a URL, or an uploaded .txt/.md/.html file."""

    text = TextAreaField(
        "Paste the article", validators=[Optional(), Length(max=MAX_ARTICLE_CHARS)]
    )
    url = StringField("…or its web address", validators=[Optional(), Length(max=MAX_URL_LENGTH)])
    file = FileField("…or upload a file (.txt, .md, .html)")
    language = SelectField("Language", choices=LANGUAGE_CHOICES, default="auto")
    publisher = StringField("Publisher", validators=[Optional(), Length(max=MAX_PUBLISHER_LENGTH)])


class ManualClaimForm(FlaskForm):
    text = TextAreaField(
        "Passage to check", validators=[Length(min=1, max=2000, message="paste a passage")]
    )


class DismissForm(FlaskForm):
    reason = StringField("Reason", validators=[Length(max=MAX_REASON_LENGTH)])
