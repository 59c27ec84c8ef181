"""Forms of the review stage: sources, the verdict, approval, corrections and notes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from factcheck.claims.forms import DbIntField, VersionedForm, options
from factcheck.models import Stance
from factcheck.review.services import MAX_COMMENT, MAX_EXPLANATION, MAX_NOTE, MAX_SUMMARY
from factcheck.validation import (
    MAX_EXCERPT_LENGTH,
    MAX_PUBLISHER_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_URL_LENGTH,
    db_int,
)

STANCES = options(
    [
        (Stance.SUPPORTS.value, "Supports the claim"),
        (Stance.REFUTES.value, "Refutes the claim"),
        (Stance.CONTEXT.value, "Context"),
    ]
)


class SourceForm(FlaskForm):
    url = StringField(
        "URL",
        validators=[DataRequired("give the source’s address"), Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url", "placeholder": "https://"},
    )
    title = StringField(
        "Title", validators=[DataRequired("give a title"), Length(max=MAX_TITLE_LENGTH)]
    )
    publisher = StringField("Publisher", validators=[Length(max=MAX_PUBLISHER_LENGTH)])
    date_published = DateField("Date published", validators=[Optional()])
    date_accessed = DateField("Date accessed", validators=[Optional()])
    excerpt = TextAreaField(
        "Excerpt", validators=[Length(max=MAX_EXCERPT_LENGTH)], render_kw={"rows": 3}
    )
    stance = RadioField("Stance", choices=STANCES, validators=[InputRequired("choose a stance")])
    archive_url = StringField(
        "Archive URL",
        validators=[Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url", "placeholder": "https://web.archive.org/…"},
    )

    def values(self) -> dict[str, object]:
        return {
            "url": self.url.data,
            "title": self.title.data,
            "publisher": self.publisher.data,
            "date_published": self.date_published.data,
            "date_accessed": self.date_accessed.data,
            "excerpt": self.excerpt.data,
            "stance": self.stance.data,
            "archive_url": self.archive_url.data,
        }


class SourceEditForm(SourceForm, VersionedForm):
    pass


class VerdictForm(VersionedForm):
    """The draft verdict. ``version`` is the verdict's (0 when there is no draft yet)."""

    rating = RadioField("Rating", coerce=db_int, validate_choice=False)
    summary = TextAreaField(
        "Summary (public)", validators=[Length(max=MAX_SUMMARY)], render_kw={"rows": 3}
    )
    explanation = TextAreaField(
        "Explanation", validators=[Length(max=MAX_EXPLANATION)], render_kw={"rows": 8}
    )


class ProposeForm(VersionedForm):
    """Propose the draft as the page showed it: its ``version`` and the proposal ``digest``."""

    digest = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=200)])


class CorrectionDecisionForm(VersionedForm):
    """Approve or discard the drafted correction as it stood at ``version`` (the correction's)."""


class ApproveForm(FlaskForm):
    """Approve the proposal as it stood at ``version`` of the claim."""

    version = DbIntField(widget=HiddenInput(), validators=[Optional()])


class RequestChangesForm(FlaskForm):
    comment = TextAreaField(
        "What needs to change",
        validators=[DataRequired("say what needs to change"), Length(max=MAX_COMMENT)],
        render_kw={"rows": 3},
    )


class CorrectionForm(FlaskForm):
    rating = RadioField(
        "Rating",
        coerce=db_int,
        validate_choice=False,
        validators=[InputRequired("choose a rating")],
    )
    summary = TextAreaField(
        "Summary (public)",
        validators=[DataRequired("give the corrected summary"), Length(max=MAX_SUMMARY)],
        render_kw={"rows": 3},
    )
    explanation = TextAreaField(
        "Explanation", validators=[Length(max=MAX_EXPLANATION)], render_kw={"rows": 6}
    )
    note = TextAreaField(
        "Public correction note",
        validators=[DataRequired("say publicly what was corrected"), Length(max=MAX_COMMENT)],
        render_kw={"rows": 2},
    )


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        validators=[DataRequired("write something"), Length(max=MAX_NOTE)],
        render_kw={"rows": 3},
    )
