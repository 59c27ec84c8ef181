"""Creating and seeding rating scales."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import change_and_record, record
from factcheck.database import DBSession
from factcheck.domain import NotFound, ValidationError
from factcheck.languages import is_language_tag
from factcheck.models import Claim, RatingScale, RatingValue, User, Verdict, VerdictState
from factcheck.validation import clean_text


@dataclass(frozen=True)
class ValueSpec:
    label: str
    value: int
    definition: str


@dataclass(frozen=True)
class ShippedScale:
    """A scale the app ships; ``key`` finds it again whatever an admin renames it to."""

    key: str
    name: str
    language: str
    values: list[ValueSpec]


DEFAULT_SCALES: tuple[ShippedScale, ...] = (
    ShippedScale(
        key="fr",
        name="Échelle par défaut (français)",
        language="fr",
        values=[
            ValueSpec("Faux", 1, "L'affirmation est inexacte."),
            ValueSpec(
                "Plutôt faux",
                2,
                "L'affirmation contient un élément de vérité mais "
                "omet des faits essentiels ou les déforme.",
            ),
            ValueSpec(
                "Trompeur",
                3,
                "Les faits cités sont exacts mais présentés de façon "
                "à donner une impression fausse.",
            ),
            ValueSpec("Plutôt vrai", 4, "L'affirmation est exacte mais demande des précisions."),
            ValueSpec("Vrai", 5, "L'affirmation est exacte et rien d'important ne manque."),
        ],
    ),
    ShippedScale(
        key="en",
        name="Default scale (English)",
        language="en",
        values=[
            ValueSpec("False", 1, "The statement is not accurate."),
            ValueSpec(
                "Mostly false",
                2,
                "The statement contains an element of truth but "
                "ignores critical facts or distorts them.",
            ),
            ValueSpec(
                "Misleading",
                3,
                "The facts cited are accurate but presented so as to give a false impression.",
            ),
            ValueSpec("Mostly true", 4, "The statement is accurate but needs clarification."),
            ValueSpec("True", 5, "The statement is accurate and nothing significant is missing."),
        ],
    ),
)


def create_scale(
    session: DBSession,
    name: str,
    language: str,
    values: list[ValueSpec],
    *,
    actor: User | None,
    is_default: bool = False,
    shipped_key: str | None = None,
) -> RatingScale:
    scale = RatingScale(
        name=name, language=language, is_default=is_default, shipped_key=shipped_key
    )
    for position, spec in enumerate(values):
        scale.values.append(
            RatingValue(
                label=spec.label, value=spec.value, definition=spec.definition, position=position
            )
        )
    session.add(scale)
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction.RATING_SCALE_CREATE,
        entity_type="rating_scale",
        entity_id=scale.id,
        changes={
            "name": (None, name),
            "language": (None, language),
            "is_default": (None, is_default),
            **({"shipped_key": (None, shipped_key)} if shipped_key is not None else {}),
        },
        data={
            "values": [
                {"label": v.label, "value": v.value, "definition": v.definition} for v in values
            ]
        },
    )
    return scale


def ensure_default_scales(session: DBSession, *, actor: User | None) -> list[RatingScale]:
    """Create the shipped French and English scales that no scale stands for yet.

    A shipped scale is found by its key, so one an admin renamed or edited is left as it is. A
    scale without a key that bears a shipped name (one from before keys existed, renamed back) is
    that shipped scale: it gets the key rather than a namesake it would clash with.
    """
    created = []
    for shipped in DEFAULT_SCALES:
        found = sa.select(RatingScale.id).where(RatingScale.shipped_key == shipped.key)
        if session.scalar(found) is not None:
            continue
        namesake = session.scalar(
            sa.select(RatingScale).where(
                RatingScale.name == shipped.name, RatingScale.shipped_key.is_(None)
            )
        )
        if namesake is not None:
            change_and_record(
                session,
                namesake,
                {"shipped_key": shipped.key},
                actor=actor,
                action=AuditAction.RATING_SCALE_EDIT,
                entity_type="rating_scale",
                data={"reason": f"it bears the name of the shipped scale {shipped.key!r}"},
            )
            continue
        created.append(
            create_scale(
                session,
                shipped.name,
                shipped.language,
                shipped.values,
                actor=actor,
                is_default=True,
                shipped_key=shipped.key,
            )
        )
    return created


def scale_for_language(session: DBSession, language: str) -> RatingScale | None:
    """The default scale for ``language``, else any default scale."""
    scales = session.scalars(
        sa.select(RatingScale).where(RatingScale.is_default.is_(True)).order_by(RatingScale.id)
    ).all()
    return next((s for s in scales if s.language == language), scales[0] if scales else None)


# --- Administration: editing scales and their values --------------------------------------------
# Every function below checks its rule, changes the rows, appends its audit event and flushes; it
# never commits. Refusals raise ``ValidationError`` naming the field before anything is changed.

MAX_SCALE_NAME_LENGTH = 120
MAX_LANGUAGE_LENGTH = 8
MAX_LABEL_LENGTH = 80
MAX_DEFINITION_LENGTH = 2000
MIN_RATING_VALUE = 1  # ClaimReview: worstRating >= 1
MAX_RATING_VALUE = 1000
MIN_VALUES_PER_SCALE = 2  # ClaimReview: bestRating > worstRating
PUBLISHED_VERDICT_STATES = (VerdictState.APPROVED, VerdictState.SUPERSEDED)


def clean_scale_name(value: str | None) -> str:
    return clean_text(value, "name", max_length=MAX_SCALE_NAME_LENGTH, required=True)


def clean_language(value: str | None) -> str:
    """A lower-case language tag such as ``fr`` or ``en-gb``."""
    tag = clean_text(value, "language", max_length=MAX_LANGUAGE_LENGTH, required=True)
    tag = tag.lower().replace("_", "-")
    if not is_language_tag(tag):
        raise ValidationError(
            _(
                "language %(tag)s is not a language code: use e.g. fr, en or en-gb",
                tag=repr(tag),
            ),
            field="language",
        )
    return tag


def clean_label(value: str | None) -> str:
    return clean_text(value, "label", max_length=MAX_LABEL_LENGTH, required=True)


def clean_definition(value: str | None) -> str:
    text = clean_text(value, "definition", max_length=MAX_DEFINITION_LENGTH, multiline=True)
    return text or ""


def parse_rating_value(value: str | int | None) -> int:
    """A whole number from ``MIN_RATING_VALUE`` to ``MAX_RATING_VALUE``."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, int):
        number = value
    else:
        text = clean_text(value, "value", max_length=12, required=True) or ""
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise ValidationError(
                _("value must be a whole number, not %(text)s", text=repr(text)), field="value"
            )
        number = int(text)
    if not MIN_RATING_VALUE <= number <= MAX_RATING_VALUE:
        raise ValidationError(
            _(
                "value must be from %(low)d to %(high)d (got %(number)d)",
                low=MIN_RATING_VALUE,
                high=MAX_RATING_VALUE,
                number=number,
            ),
            field="value",
        )
    return number


def list_scales(session: DBSession) -> list[RatingScale]:
    return list(
        session.scalars(
            sa.select(RatingScale)
            .options(selectinload(RatingScale.values))
            .order_by(RatingScale.is_default.desc(), RatingScale.language, RatingScale.name)
        )
    )


def get_scale(session: DBSession, scale_id: int) -> RatingScale:
    scale = session.get(RatingScale, scale_id)
    if scale is None:
        raise NotFound(_("no rating scale #%(id)s", id=scale_id))
    return scale


def get_value(session: DBSession, scale: RatingScale, value_id: int) -> RatingValue:
    rating = session.get(RatingValue, value_id)
    if rating is None or rating.scale_id != scale.id:
        raise NotFound(
            _("no value #%(id)s on scale %(scale)s", id=value_id, scale=repr(scale.name))
        )
    return rating


@dataclass(frozen=True)
class ValueUsage:
    published: int  # approved or superseded verdicts: on the public record
    in_progress: int  # draft or proposed verdicts

    @property
    def total(self) -> int:
        return self.published + self.in_progress


def value_usage(session: DBSession, rating: RatingValue) -> ValueUsage:
    """How many verdicts rate with ``rating``, published and not."""
    published = sa.func.count().filter(Verdict.state.in_(PUBLISHED_VERDICT_STATES))
    rows = session.execute(
        sa.select(published, sa.func.count()).where(Verdict.rating_value_id == rating.id)
    ).one()
    return ValueUsage(published=int(rows[0]), in_progress=int(rows[1]) - int(rows[0]))


def usage_by_value(session: DBSession, scale: RatingScale) -> dict[int, ValueUsage]:
    """:func:`value_usage` for every value of ``scale`` in one query."""
    published = sa.func.count().filter(Verdict.state.in_(PUBLISHED_VERDICT_STATES))
    rows = session.execute(
        sa.select(Verdict.rating_value_id, published, sa.func.count())
        .join(RatingValue, RatingValue.id == Verdict.rating_value_id)
        .where(RatingValue.scale_id == scale.id)
        .group_by(Verdict.rating_value_id)
    ).all()
    usage = {v.id: ValueUsage(0, 0) for v in scale.values}
    for value_id, n_published, n_all in rows:
        usage[value_id] = ValueUsage(published=n_published, in_progress=n_all - n_published)
    return usage


@dataclass(frozen=True)
class PublishedUse:
    """A fact-check on the public record rated with a value, and the label it was published with."""

    claim_id: int
    slug: str | None
    claim_reviewed: str
    published_label: str | None
    current: bool  # the verdict the public page shows now (else one a correction superseded)


def published_uses(session: DBSession, scale: RatingScale) -> dict[int, list[PublishedUse]]:
    """``{value id: [PublishedUse, ...]}``: which published fact-checks rate with each value.

    Published verdicts keep the rating as approved (their snapshot), so editing the scale never
    changes them; this shows an admin which fact-checks a value stands for on the record.
    """
    rows = session.execute(
        sa.select(
            Verdict.rating_value_id,
            Claim.id,
            Claim.slug,
            Claim.claim_reviewed,
            Verdict.snapshot_label,
            Claim.published_verdict_id == Verdict.id,
        )
        .join(Claim, Claim.id == Verdict.claim_id)
        .join(RatingValue, RatingValue.id == Verdict.rating_value_id)
        .where(RatingValue.scale_id == scale.id, Verdict.state.in_(PUBLISHED_VERDICT_STATES))
        .order_by(Claim.published_at.desc(), Claim.id.desc(), Verdict.id)
    ).all()
    uses: dict[int, list[PublishedUse]] = {v.id: [] for v in scale.values}
    for value_id, claim_id, slug, wording, label, current in rows:
        uses.setdefault(value_id, []).append(
            PublishedUse(claim_id, slug, wording, label, bool(current))
        )
    return uses


def _locked_values(session: DBSession, scale: RatingScale) -> list[RatingValue]:
    """Lock ``scale`` for the rest of the transaction and return its values, freshly read, in order.

    Concurrent edits of one scale queue behind each other, so the uniqueness checks below see
    what the previous edit committed (SQLite serialises writers anyway).
    """
    session.execute(
        sa.select(RatingScale.id).where(RatingScale.id == scale.id).with_for_update()
    ).one()
    return list(
        session.scalars(
            sa.select(RatingValue)
            .where(RatingValue.scale_id == scale.id)
            .order_by(RatingValue.position, RatingValue.id)
            .execution_options(populate_existing=True)
        )
    )


def _check_unique(
    siblings: list[RatingValue], label: str, value: int, *, own_id: int | None
) -> None:
    for other in siblings:
        if other.id == own_id:
            continue
        if other.label.casefold() == label.casefold():
            raise ValidationError(
                _(
                    "label %(label)s is already on this scale (value %(value)s)",
                    label=repr(label),
                    value=other.value,
                ),
                field="label",
            )
        if other.value == value:
            raise ValidationError(
                _(
                    "value %(value)s is already on this scale (label %(label)s)",
                    value=value,
                    label=repr(other.label),
                ),
                field="value",
            )


def edit_scale(
    session: DBSession,
    scale: RatingScale,
    *,
    name: str | None,
    language: str | None,
    is_default: bool,
    actor: User,
) -> None:
    """Rename a scale, change its language or make it the default for its language.

    A language has at most one default scale: making one the default clears the flag on the
    others of that language (each recorded). At least one default scale must remain.
    """
    new_name = clean_scale_name(name)
    new_language = clean_language(language)
    session.execute(sa.select(RatingScale.id).order_by(RatingScale.id).with_for_update()).all()
    others = list(
        session.scalars(
            sa.select(RatingScale)
            .where(RatingScale.id != scale.id)
            .execution_options(populate_existing=True)
        )
    )
    if any(o.name.casefold() == new_name.casefold() for o in others):
        raise ValidationError(
            _("a scale named %(name)s already exists", name=repr(new_name)), field="name"
        )
    if not is_default and not any(o.is_default for o in others):
        raise ValidationError(
            _("this is the only default scale: make another scale the default first"),
            field="is_default",
        )
    changes = change_and_record(
        session,
        scale,
        {"name": new_name, "language": new_language, "is_default": is_default},
        actor=actor,
        action=AuditAction.RATING_SCALE_EDIT,
        entity_type="rating_scale",
    )
    if not changes or not is_default:
        return
    for other in others:
        if other.is_default and other.language == new_language:
            change_and_record(
                session,
                other,
                {"is_default": False},
                actor=actor,
                action=AuditAction.RATING_SCALE_EDIT,
                entity_type="rating_scale",
                data={"reason": f"scale #{scale.id} became the default for {new_language}"},
            )


def _value_record(rating: RatingValue) -> dict[str, Any]:
    return {
        "label": rating.label,
        "value": rating.value,
        "definition": rating.definition,
        "position": rating.position,
    }


def add_value(
    session: DBSession,
    scale: RatingScale,
    *,
    label: str | None,
    value: str | int | None,
    definition: str | None,
    actor: User,
) -> RatingValue:
    """Append a value at the end of ``scale``."""
    new_label = clean_label(label)
    number = parse_rating_value(value)
    text = clean_definition(definition)
    siblings = _locked_values(session, scale)
    _check_unique(siblings, new_label, number, own_id=None)
    position = max((v.position for v in siblings), default=-1) + 1
    rating = RatingValue(
        scale_id=scale.id, label=new_label, value=number, definition=text, position=position
    )
    session.add(rating)
    session.flush()
    session.expire(scale, ["values"])
    record(
        session,
        actor=actor,
        action=AuditAction.RATING_VALUE_ADD,
        entity_type="rating_value",
        entity_id=rating.id,
        changes={k: (None, v) for k, v in _value_record(rating).items()},
        data={"scale_id": scale.id},
    )
    return rating


def edit_value(
    session: DBSession,
    rating: RatingValue,
    *,
    label: str | None,
    value: str | int | None,
    definition: str | None,
    actor: User,
) -> None:
    """Change a value's label, number or definition.

    The label and number of a value that published verdicts use are locked. Published
    fact-checks would not change (they keep the snapshot taken at approval), but the desk and
    the scale would then call the same rating by another name than the public record.
    """
    new_label = clean_label(label)
    number = parse_rating_value(value)
    text = clean_definition(definition)
    siblings = _locked_values(session, rating.scale)
    _check_unique(siblings, new_label, number, own_id=rating.id)
    if new_label != rating.label or number != rating.value:
        used = value_usage(session, rating).published
        if used:
            field = "label" if new_label != rating.label else "value"
            raise ValidationError(
                _(
                    "%(label)s is the rating of %(used)d published verdict(s): its label "
                    "cannot change without changing published fact-checks (the definition can)",
                    label=repr(rating.label),
                    used=used,
                )
                if field == "label"
                else _(
                    "%(label)s is the rating of %(used)d published verdict(s): its value "
                    "cannot change without changing published fact-checks (the definition can)",
                    label=repr(rating.label),
                    used=used,
                ),
                field=field,
            )
    change_and_record(
        session,
        rating,
        {"label": new_label, "value": number, "definition": text},
        actor=actor,
        action=AuditAction.RATING_VALUE_EDIT,
        entity_type="rating_value",
        data={"scale_id": rating.scale_id},
    )


def move_value(session: DBSession, rating: RatingValue, direction: str, *, actor: User) -> None:
    """Move a value one place ``up`` or ``down`` within its scale; positions stay 0..n-1."""
    if direction not in ("up", "down"):
        raise ValidationError(
            _("direction must be up or down, not %(direction)s", direction=repr(direction)),
            field="direction",
        )
    siblings = _locked_values(session, rating.scale)
    index = next(i for i, v in enumerate(siblings) if v.id == rating.id)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise ValidationError(
            _("%(label)s is already first", label=repr(rating.label))
            if direction == "up"
            else _("%(label)s is already last", label=repr(rating.label)),
            field="direction",
        )
    siblings[index], siblings[target] = siblings[target], siblings[index]
    before = rating.position
    for position, sibling in enumerate(siblings):
        sibling.position = position
    record(
        session,
        actor=actor,
        action=AuditAction.RATING_VALUE_MOVE,
        entity_type="rating_value",
        entity_id=rating.id,
        changes={"position": (before, rating.position)},
        data={
            "scale_id": rating.scale_id,
            "direction": direction,
            "order": [v.id for v in siblings],
        },
    )
    session.expire(rating.scale, ["values"])


def delete_value(session: DBSession, rating: RatingValue, *, actor: User) -> None:
    """Delete a value no verdict uses, keeping at least two values on its scale."""
    usage = value_usage(session, rating)
    if usage.published:
        raise ValidationError(
            _(
                "%(label)s cannot be deleted: %(count)d published verdict(s) use it",
                label=repr(rating.label),
                count=usage.published,
            ),
            field="value",
        )
    if usage.in_progress:
        raise ValidationError(
            _(
                "%(label)s cannot be deleted: %(count)d verdict(s) in review use it; "
                "change their rating first",
                label=repr(rating.label),
                count=usage.in_progress,
            ),
            field="value",
        )
    scale = rating.scale
    siblings = _locked_values(session, scale)
    if len(siblings) <= MIN_VALUES_PER_SCALE:
        raise ValidationError(
            _(
                "%(label)s cannot be deleted: a scale needs at least %(count)d values",
                label=repr(rating.label),
                count=MIN_VALUES_PER_SCALE,
            ),
            field="value",
        )
    before, rating_id = _value_record(rating), rating.id
    session.delete(rating)
    remaining = [v for v in siblings if v.id != rating.id]
    for position, sibling in enumerate(remaining):
        sibling.position = position
    session.flush()
    session.expire(scale, ["values"])
    record(
        session,
        actor=actor,
        action=AuditAction.RATING_VALUE_DELETE,
        entity_type="rating_value",
        entity_id=rating_id,
        changes={k: (v, None) for k, v in before.items()},
        data={"scale_id": scale.id, "order": [v.id for v in remaining]},
    )
