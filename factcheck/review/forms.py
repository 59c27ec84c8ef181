"""Forms of the review stage: sources, the verdict, approval, corrections and notes."""

from __future__ import annotations

from wtforms import RadioField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from factcheck.claims.forms import DbIntField, VersionedForm, options
from factcheck.forms import DateField, Form, HiddenInput, StringField, TextAreaField
from factcheck.i18n import lazy_gettext as _l
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
        (Stance.SUPPORTS.value, _l("Supports the claim")),
        (Stance.REFUTES.value, _l("Refutes the claim")),
        (Stance.CONTEXT.value, _l("Context")),
    ]
)


class SourceForm(Form):
    url = StringField(
        _l("URL"),
        validators=[DataRequired(_l("give the source’s address")), Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url", "placeholder": "https://"},
    )
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("give a title")), Length(max=MAX_TITLE_LENGTH)]
    )
    publisher = StringField(_l("Publisher"), validators=[Length(max=MAX_PUBLISHER_LENGTH)])
    date_published = DateField(_l("Date published"), validators=[Optional()])
    date_accessed = DateField(_l("Date accessed"), validators=[Optional()])
    excerpt = TextAreaField(
        _l("Excerpt"), validators=[Length(max=MAX_EXCERPT_LENGTH)], render_kw={"rows": 3}
    )
    stance = RadioField(
        _l("Stance"), choices=STANCES, validators=[InputRequired(_l("choose a stance"))]
    )
    archive_url = StringField(
        _l("Archive URL"),
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

    rating = RadioField(_l("Rating"), coerce=db_int, validate_choice=False)
    summary = TextAreaField(
        _l("Summary (public)"), validators=[Length(max=MAX_SUMMARY)], render_kw={"rows": 3}
    )
    explanation = TextAreaField(
        _l("Explanation"), validators=[Length(max=MAX_EXPLANATION)], render_kw={"rows": 8}
    )


class ProposeForm(VersionedForm):
    """Propose the draft as the page showed it: its ``version`` and the proposal ``digest``."""

    digest = StringField(widget=HiddenInput(), validators=[Optional(), Length(max=200)])


class CorrectionDecisionForm(VersionedForm):
    """Approve or discard the drafted correction as it stood at ``version`` (the correction's)."""


class ApproveForm(Form):
    """Approve the proposal as it stood at ``version`` of the claim."""

    version = DbIntField(widget=HiddenInput(), validators=[Optional()])


class RequestChangesForm(Form):
    comment = TextAreaField(
        _l("What needs to change"),
        validators=[DataRequired(_l("say what needs to change")), Length(max=MAX_COMMENT)],
        render_kw={"rows": 3},
    )


class CorrectionForm(Form):
    rating = RadioField(
        _l("Rating"),
        coerce=db_int,
        validate_choice=False,
        validators=[InputRequired(_l("choose a rating"))],
    )
    summary = TextAreaField(
        _l("Summary (public)"),
        validators=[DataRequired(_l("give the corrected summary")), Length(max=MAX_SUMMARY)],
        render_kw={"rows": 3},
    )
    explanation = TextAreaField(
        _l("Explanation"), validators=[Length(max=MAX_EXPLANATION)], render_kw={"rows": 6}
    )
    note = TextAreaField(
        _l("Public correction note"),
        validators=[DataRequired(_l("say publicly what was corrected")), Length(max=MAX_COMMENT)],
        render_kw={"rows": 2},
    )


class NoteForm(Form):
    body = TextAreaField(
        _l("Add a note"),
        validators=[DataRequired(_l("write something")), Length(max=MAX_NOTE)],
        render_kw={"rows": 3},
    )
