"""Creating and seeding rating scales."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from factcheck.audit.log import record
from factcheck.database import DBSession
from factcheck.models import RatingScale, RatingValue, User


@dataclass(frozen=True)
class ValueSpec:
    label: str
    value: int
    definition: str


DEFAULT_SCALES: dict[str, tuple[str, list[ValueSpec]]] = {
    "Échelle par défaut (français)": (
        "fr",
        [
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
    "Default scale (English)": (
        "en",
        [
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
}


def create_scale(
    session: DBSession,
    name: str,
    language: str,
    values: list[ValueSpec],
    *,
    actor: User | None,
    is_default: bool = False,
) -> RatingScale:
    scale = RatingScale(name=name, language=language, is_default=is_default)
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
        action="rating_scale.create",
        entity_type="rating_scale",
        entity_id=scale.id,
        changes={
            "name": (None, name),
            "language": (None, language),
            "is_default": (None, is_default),
        },
        data={
            "values": [
                {"label": v.label, "value": v.value, "definition": v.definition} for v in values
            ]
        },
    )
    return scale


def ensure_default_scales(session: DBSession, *, actor: User | None) -> list[RatingScale]:
    """Create the shipped French and English scales where they are missing."""
    created = []
    for name, (language, values) in DEFAULT_SCALES.items():
        if session.scalar(sa.select(RatingScale.id).where(RatingScale.name == name)) is None:
            created.append(
                create_scale(session, name, language, values, actor=actor, is_default=True)
            )
    return created


def scale_for_language(session: DBSession, language: str) -> RatingScale | None:
    """The default scale for ``language``, else any default scale."""
    scales = session.scalars(
        sa.select(RatingScale).where(RatingScale.is_default.is_(True)).order_by(RatingScale.id)
    ).all()
    return next((s for s in scales if s.language == language), scales[0] if scales else None)
