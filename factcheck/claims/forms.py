"""Forms of the queue and the claim desk. Rules beyond shape live in the services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from factcheck.claims.queries import SORTS
from factcheck.claims.services import MAX_CLAIMANT
from factcheck.claims.workflow import MAX_REASON_LENGTH, label
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.models import ClaimantType, ClaimStatus
from factcheck.validation import (
    DB_INT_MAX,
    DB_INT_MIN,
    MAX_CLAIM_REVIEWED_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_URL_LENGTH,
    db_int,
)


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


PRIORITIES = options([(0, "Normal"), (1, "Raised"), (2, "High"), (3, "Urgent")])


class DbIntField(IntegerField):
    """A whole number an integer column holds (an id, a version); larger is a field error, never
    a 500."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        number: int | None = getattr(self, "data", None)
        if number is not None and not DB_INT_MIN <= number <= DB_INT_MAX:
            self.data = None
            raise ValueError(f"out of range: at most {DB_INT_MAX}")


class VersionedForm(FlaskForm):
    """A form that carries the version of the thing it was made from (optimistic locking)."""

    version = DbIntField(
        widget=HiddenInput(), validators=[InputRequired("the form has no version")]
    )


class ClaimForm(VersionedForm):
    claim_reviewed = TextAreaField(
        "Claim as reviewed (claimReviewed)",
        validators=[DataRequired("say what the claim is"), Length(max=MAX_CLAIM_REVIEWED_LENGTH)],
        render_kw={"rows": 2, "maxlength": 500},
    )
    claimant_name = StringField("Claimant", validators=[Length(max=MAX_CLAIMANT)])
    claimant_type = SelectField(
        "Claimant is a",
        choices=options([("", "—"), *[(t.value, t.value) for t in ClaimantType]]),
        default="",
        validate_choice=True,
    )
    claimant_same_as = StringField(
        "Claimant’s sameAs URL",
        validators=[Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url", "placeholder": "https://www.wikidata.org/wiki/Q…"},
    )
    claim_date = DateField("Claim date", validators=[Optional()])
    appearance_url = StringField(
        "Appeared at (URL)", validators=[Length(max=MAX_URL_LENGTH)], render_kw={"inputmode": "url"}
    )
    appearance_headline = StringField(
        "Appeared in (headline)", validators=[Length(max=MAX_TITLE_LENGTH)]
    )
    priority = SelectField("Priority", choices=PRIORITIES, coerce=db_int, default=0)

    def values(self) -> dict[str, object]:
        return {
            "claim_reviewed": self.claim_reviewed.data,
            "claimant_name": self.claimant_name.data,
            "claimant_type": self.claimant_type.data or None,
            "claimant_same_as": self.claimant_same_as.data,
            "claim_date": self.claim_date.data,
            "appearance_url": self.appearance_url.data,
            "appearance_headline": self.appearance_headline.data,
            "priority": self.priority.data,
        }


class DismissForm(FlaskForm):
    reason = StringField(
        "Reason",
        validators=[DataRequired("give a reason"), Length(max=MAX_REASON_LENGTH)],
        render_kw={"placeholder": "not check-worthy, opinion, duplicate of #…"},
    )
    duplicate_of = DbIntField("Duplicate of claim #", validators=[Optional()])


class AssignForm(FlaskForm):
    assignee = SelectField("Assign to", coerce=db_int, validators=[InputRequired()])


class QueueFilterForm(FlaskForm):
    """The queue's GET filters (no CSRF: reading only)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Length(max=200)])
    status = SelectField(
        "Status",
        choices=options([("", "Any status"), *[(s.value, label(s)) for s in ClaimStatus]]),
    )
    assignee = SelectField(
        "Assignee",
        choices=options([("anyone", "Anyone"), ("me", "Me"), ("unassigned", "Unassigned")]),
        default="anyone",
    )
    language = SelectField("Language", choices=options([("", "Any")]))
    article = SelectField("Article", choices=options([("", "Any article")]))
    min_score = DecimalField(
        "Minimum score",
        places=2,
        validators=[Optional(), NumberRange(0, 1, "between 0 and 1")],
        render_kw={"step": "0.05", "min": 0, "max": 1, "inputmode": "decimal"},
    )
    sort = SelectField(
        "Sort by",
        choices=options((k, label) for k, (label, _) in SORTS.items()),
        default="priority",
    )
    match = SelectField(
        "Already checked",
        choices=options([("", "Any claim"), ("yes", "Has a match")]),
        default="",
    )
    after = HiddenField()
