"""One gate before anything is public: build what an action would publish and validate it.

Approving a verdict, correcting one and saving the organisation settings each change what the
public pages, the feed and the exports say. Before any of them changes a row, it asks this
module to build the ClaimReview(s) it would publish — through the same mapping as the pages and
the feed (:func:`factcheck.publishing.services.review_data`) — and to run the offline validator
on them. The first error refuses the action with the validator's message, as a
``ValidationError`` naming the form field at fault (422), and nothing has been changed yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import Claim, RatingValue, utcnow
from factcheck.organisation.settings import EffectiveSettings, effective_settings
from factcheck.publishing import services
from factcheck.publishing.jsonld.build import Organisation, build_claim_review
from factcheck.publishing.jsonld.validate import Problem, errors, validate_claim_review

# Where a validator path (a prefix of it) comes from in the desk's forms: the most specific
# prefix first. Review-side fields are the claim desk's; ``author.*`` are the organisation's.
FIELD_OF_PATH: tuple[tuple[str, str], ...] = (
    ("claimReviewed", "claim_reviewed"),
    ("reviewRating.ratingExplanation", "summary"),
    ("reviewRating", "rating"),
    ("inLanguage", "language"),
    ("itemReviewed.author.sameAs", "claimant_same_as"),
    ("itemReviewed.author", "claimant_name"),
    ("itemReviewed.datePublished", "claim_date"),
    ("itemReviewed.appearance.headline", "appearance_headline"),
    ("itemReviewed.appearance", "appearance_url"),
    ("author.logo", "logo_url"),
    ("author.sameAs", "same_as"),
    ("author.publishingPrinciples", "methodology_url"),
    ("author.correctionsPolicy", "corrections_policy_url"),
    ("author.url", "url"),
    ("author", "name"),
    ("url", "url"),
)
# What the builder's ValueError names (``Organisation.logo_url``, ``claim_reviewed``…) → field.
FIELD_OF_BUILDER_NAME: tuple[tuple[str, str], ...] = (
    ("Organisation.publishing_principles", "methodology_url"),
    ("Organisation.corrections_policy", "corrections_policy_url"),
    ("Organisation.logo_url", "logo_url"),
    ("Organisation.same_as", "same_as"),
    ("Organisation.url", "url"),
    ("Organisation.name", "name"),
    ("claim_reviewed", "claim_reviewed"),
    ("in_language", "language"),
    ("claimant", "claimant_name"),
    ("appearance_url", "appearance_url"),
    ("rating", "rating"),
    ("best_rating", "rating"),
    ("worst_rating", "rating"),
)


def field_of(path: str) -> str:
    """The form field a validator path points at (``reviewRating.alternateName`` → rating)."""
    for prefix, field in FIELD_OF_PATH:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return field
    return path or "claim"


def _builder_field(message: str, default: str) -> str:
    return next((f for name, f in FIELD_OF_BUILDER_NAME if message.startswith(name)), default)


def _invalid(what: str, problem: str, slug: str = "") -> str:
    """The sentence of a refusal, whole for each action (French orders it differently); the
    validator's own problem text is technical and stays as it is."""
    if what == "correction":
        return _(
            "this correction would not be valid ClaimReview markup, so nothing was published "
            "or changed: %(problem)s",
            problem=problem,
        )
    if what == "settings":
        return _(
            "with these settings, %(slug)s would not be valid ClaimReview markup, so nothing "
            "was published or changed: %(problem)s",
            slug=slug,
            problem=problem,
        )
    return _(
        "publishing this verdict would not be valid ClaimReview markup, so nothing was "
        "published or changed: %(problem)s",
        problem=problem,
    )


def refusal(problem: Problem, *, what: str, slug: str = "") -> ValidationError:
    """The refusal for a validator error: its message, its path, and the field it names.

    ``what`` is ``publish``, ``correction`` or ``settings`` (then ``slug`` names the review).
    """
    where = problem.path or "(root)"
    return ValidationError(
        _invalid(what, f"{where}: {problem.message}", slug), field=field_of(problem.path)
    )


def _organisation(session: DBSession, config: Mapping[str, Any] | None) -> Organisation:
    if config is None:
        config = current_app.config
    return services.organisation(session, config)


def _scale_bounds(session: DBSession, rating: RatingValue) -> tuple[int, int]:
    worst, best = session.execute(
        sa.select(sa.func.min(RatingValue.value), sa.func.max(RatingValue.value)).where(
            RatingValue.scale_id == rating.scale_id
        )
    ).one()
    return int(worst), int(best)


def check_publishable(
    session: DBSession,
    claim: Claim,
    *,
    rating: RatingValue,
    summary: str,
    slug: str | None = None,
    correcting: bool = False,
    organisation: Organisation | None = None,
    config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the ClaimReview that publishing ``claim`` with this verdict would put out; refuse it
    (``ValidationError`` naming the field) if the validator finds an error. Returns the review.

    ``correcting`` builds it as a correction of the published claim (its ``dateModified`` now);
    otherwise as a first publication now, at ``slug`` (the claim's, or the one it will get).
    """
    org = organisation or _organisation(session, config)
    now = utcnow()
    worst, best = _scale_bounds(session, rating)
    published_at = claim.published_at if correcting and claim.published_at else now
    row = SimpleNamespace(
        id=claim.id,
        slug=claim.slug or slug or f"claim-{claim.id}",
        claim_reviewed=claim.claim_reviewed,
        language=claim.language,
        published_at=published_at,
        claimant_name=claim.claimant_name,
        claimant_type=claim.claimant_type,
        claimant_same_as=claim.claimant_same_as,
        claim_date=claim.claim_date,
        appearance_url=claim.appearance_url,
        appearance_headline=claim.appearance_headline,
        summary=summary,
        approved_at=now,
        corrects_id=claim.published_verdict_id if correcting else None,
        rating_label=rating.label,
        rating_value=rating.value,
        rating_definition=rating.definition,
        best=best,
        worst=worst,
    )
    what = "correction" if correcting else "publish"
    try:
        review = build_claim_review(services.review_data(row), org)
    except ValueError as exc:
        raise ValidationError(
            _invalid(what, str(exc)), field=_builder_field(str(exc), "claim")
        ) from None
    found = errors(validate_claim_review(review, org_url=org.url))
    if found:
        raise refusal(found[0], what=what)
    return review


def check_organisation(
    session: DBSession, values: Mapping[str, Any], *, config: Mapping[str, Any]
) -> int:
    """Rebuild every published ClaimReview with the organisation ``values`` about to be saved.

    Refuses (``ValidationError`` naming the field) when the new settings would make any of them
    invalid. A review that is invalid already with the settings in force (markup published
    before this gate existed) does not block the save: the save does not make it worse, and
    the message would name a claim the admin cannot change. Returns how many were checked.
    """
    try:
        new = services.organisation_of(
            EffectiveSettings(
                name=values["name"],
                url=values["url"],
                methodology_url=values.get("methodology_url"),
                corrections_policy_url=values.get("corrections_policy_url"),
                logo_url=values.get("logo_url"),
                same_as=tuple(values.get("same_as") or ()),
            )
        )
    except ValueError as exc:
        raise ValidationError(
            _("these settings would not make valid ClaimReview markup: %(problem)s", problem=exc),
            field=_builder_field(str(exc), "url"),
        ) from None
    try:
        current: Organisation | None = services.organisation_of(effective_settings(session, config))
    except ValueError:
        current = None  # the configuration in force cannot author reviews: this save fixes it
    if new == current:
        return 0  # the markup stays byte for byte what it is: nothing to check
    checked = 0
    for row in session.execute(services.published_select()):
        checked += 1
        try:
            data = services.review_data(row)
        except ValueError:
            continue  # left out of the feed already (and logged there); not the save's doing
        try:
            found = _errors(build_claim_review(data, new), new)
        except ValueError as exc:
            raise ValidationError(
                _(
                    "with these settings, %(slug)s could not be built: %(problem)s",
                    slug=repr(row.slug),
                    problem=exc,
                ),
                field=_builder_field(str(exc), "url"),
            ) from None
        if not found:
            continue
        before = (
            {(p.path, p.message) for p in _errors(_build_or_none(data, current), current)}
            if current is not None
            else set()
        )
        introduced = [p for p in found if (p.path, p.message) not in before]
        if introduced:
            raise refusal(introduced[0], what="settings", slug=repr(row.slug))
    return checked


def _build_or_none(data: Any, org: Organisation) -> dict[str, Any] | None:
    try:
        return build_claim_review(data, org)
    except ValueError:
        return None


def _errors(review: dict[str, Any] | None, org: Organisation) -> list[Problem]:
    if review is None:
        return []
    return errors(validate_claim_review(review, org_url=org.url))
