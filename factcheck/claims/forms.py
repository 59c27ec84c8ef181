"""Forms of the queue and the claim desk. Rules beyond shape live in the services."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from wtforms import DecimalField, HiddenField, SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from factcheck.claims import queries
from factcheck.claims.queries import SORTS
from factcheck.claims.services import MAX_CLAIMANT
from factcheck.claims.workflow import MAX_REASON_LENGTH, STATUS_NAMES
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.forms import ActionForm as ActionForm  # one definition, re-exported
from factcheck.forms import (
    DateField,
    Form,
    HiddenInput,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Article, ClaimantType, ClaimStatus
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


PRIORITIES = options([(0, _l("Normal")), (1, _l("Raised")), (2, _l("High")), (3, _l("Urgent"))])


class DbIntField(IntegerField):
    """A whole number an integer column holds (an id, a version); larger is a field error, never
    a 500."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        number: int | None = getattr(self, "data", None)
        if number is not None and not DB_INT_MIN <= number <= DB_INT_MAX:
            self.data = None
            raise ValueError(gettext("out of range: at most %(most)s", most=DB_INT_MAX))


class VersionedForm(Form):
    """A form that carries the version of the thing it was made from (optimistic locking)."""

    version = DbIntField(
        widget=HiddenInput(), validators=[InputRequired(_l("the form has no version"))]
    )


class ClaimForm(VersionedForm):
    claim_reviewed = TextAreaField(
        _l("Claim as reviewed (claimReviewed)"),
        validators=[
            DataRequired(_l("say what the claim is")),
            Length(max=MAX_CLAIM_REVIEWED_LENGTH),
        ],
        render_kw={"rows": 2, "maxlength": 500},
    )
    claimant_name = StringField(_l("Claimant"), validators=[Length(max=MAX_CLAIMANT)])
    claimant_type = SelectField(
        _l("Claimant is a"),
        choices=options(
            [
                ("", "—"),
                (ClaimantType.PERSON.value, _l("Person")),
                (ClaimantType.ORGANIZATION.value, _l("Organization")),
            ]
        ),
        default="",
        validate_choice=True,
    )
    claimant_same_as = StringField(
        _l("Claimant’s sameAs URL"),
        validators=[Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url", "placeholder": "https://www.wikidata.org/wiki/Q…"},
    )
    claim_date = DateField(_l("Claim date"), validators=[Optional()])
    appearance_url = StringField(
        _l("Appeared at (URL)"),
        validators=[Length(max=MAX_URL_LENGTH)],
        render_kw={"inputmode": "url"},
    )
    appearance_headline = StringField(
        _l("Appeared in (headline)"), validators=[Length(max=MAX_TITLE_LENGTH)]
    )
    priority = SelectField(_l("Priority"), choices=PRIORITIES, coerce=db_int, default=0)

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


class DismissForm(Form):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("give a reason")), Length(max=MAX_REASON_LENGTH)],
        render_kw={"placeholder": _l("not check-worthy, opinion, duplicate of #…")},
    )
    duplicate_of = DbIntField(_l("Duplicate of claim #"), validators=[Optional()])


class AssignForm(Form):
    assignee = SelectField(_l("Assign to"), coerce=db_int, validators=[InputRequired()])


class QueueFilterForm(Form):
    """The queue's GET filters (no CSRF: reading only)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=options(
            [("", _l("Any status")), *[(s.value, STATUS_NAMES[s]) for s in ClaimStatus]]
        ),
    )
    assignee = SelectField(
        _l("Assignee"),
        choices=options(
            [("anyone", _l("Anyone")), ("me", _l("Me")), ("unassigned", _l("Unassigned"))]
        ),
        default="anyone",
    )
    language = SelectField(_l("Language"), choices=options([("", _l("Any language"))]))
    article = SelectField(_l("Article"), choices=options([("", _l("Any article"))]))
    min_score = DecimalField(
        _l("Minimum score"),
        places=2,
        validators=[Optional(), NumberRange(0, 1, _l("between 0 and 1"))],
        render_kw={"step": "0.05", "min": 0, "max": 1, "inputmode": "decimal"},
    )
    sort = SelectField(
        _l("Sort by"),
        choices=options((k, label) for k, (label, _) in SORTS.items()),
        default="priority",
    )
    match = SelectField(
        _l("Already checked"),
        choices=options([("", _l("Any claim")), ("yes", _l("Has a match"))]),
        default="",
    )
    after = HiddenField()

    # Fields whose bad value refuses the filters (422 naming the field); any other bad value is an
    # unknown choice, ignored as if not given.
    REFUSED = ("min_score", "q")

    def filters(self, session: DBSession) -> queries.QueueFilters:
        """The queue's filters from its query string, as the queue page and its CSV read them.

        The language and article asked for count when they exist, even where the form offers no
        such choice: an article older than the latest ones the page lists keeps its filter (a
        link to an old article's claims, and the CSV of that queue). An unknown choice is ignored;
        a malformed minimum score or search is a ``ValidationError`` naming the field (the form
        keeps its errors for the page).
        """
        self._offer_asked(session)
        if not self.validate():
            for name in list(self.errors):
                if name not in self.REFUSED:
                    self[name].data = self[name].default  # an unknown choice is ignored
            for name in self.REFUSED:
                if self[name].errors:
                    raise ValidationError(f"{name}: {'; '.join(self[name].errors)}", field=name)
        status = str(self.status.data or "")
        article = self.article.data
        min_score = self.min_score.data
        return queries.QueueFilters(
            status=ClaimStatus(status) if status in ClaimStatus._value2member_map_ else None,
            assignee=self.assignee.data or "anyone",
            language=self.language.data or None,
            article_id=int(article) if article and article.isdigit() else None,
            min_score=float(min_score) if isinstance(min_score, Decimal) else None,
            q=(self.q.data or "").strip() or None,
            sort=self.sort.data or queries.DEFAULT_SORT,
            has_match=self.match.data == "yes",
        )

    def offer_all(self, session: DBSession) -> list[str]:
        """Offer every language claims are in and the latest articles (the queue page's form);
        return the languages."""
        languages, articles = queries.filter_choices(session)
        self.language.choices = [
            *self._choices(self.language)[:1],
            *options((lang, lang) for lang in languages),
        ]
        self.article.choices = [
            *self._choices(self.article)[:1],
            *options((str(i), t) for i, t in articles),
        ]
        return languages

    def _offer_asked(self, session: DBSession) -> None:
        """Make the language and the article asked for valid choices when they exist (the page
        lists only the latest articles; the CSV shows no form and lists none)."""
        language = self.language.data
        if (
            language
            and not self._offers(self.language, language)
            and language in queries.language_choices(session)
        ):
            self.language.choices = [
                *self._choices(self.language),
                *options([(language, language)]),
            ]
        article = self.article.data
        if (
            article
            and re.fullmatch(r"[0-9]{1,10}", article)
            and int(article) <= DB_INT_MAX  # beyond an id column: ignored, never a 500
            and not self._offers(self.article, article)
        ):
            title = session.scalar(sa.select(Article.title).where(Article.id == int(article)))
            if title is not None:
                self.article.choices = [*self._choices(self.article), *options([(article, title)])]

    @staticmethod
    def _choices(field: SelectField) -> list[Any]:
        return list(field.choices or [])

    @classmethod
    def _offers(cls, field: SelectField, value: str) -> bool:
        return any(str(choice.value) == value for choice in cls._choices(field))
