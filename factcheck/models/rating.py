"""Rating scales: the ordered verdict labels an organisation uses."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, utcnow


class RatingScale(Base):
    """An ordered set of verdict labels.

    ``shipped_key`` marks the scales the app ships (``factcheck.ratings.services.DEFAULT_SCALES``)
    so that seeding finds them again after an admin renames them; NULL for any other scale.
    """

    __tablename__ = "rating_scales"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    shipped_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True, index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    is_default: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    values: Mapped[list[RatingValue]] = relationship(
        back_populates="scale", order_by="RatingValue.position", cascade="all, delete-orphan"
    )

    @property
    def worst(self) -> int:
        return min(v.value for v in self.values)

    @property
    def best(self) -> int:
        return max(v.value for v in self.values)


class RatingValue(Base):
    __tablename__ = "rating_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(sa.ForeignKey("rating_scales.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    value: Mapped[int]
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]

    scale: Mapped[RatingScale] = relationship(back_populates="values")

    __table_args__ = (
        sa.UniqueConstraint("scale_id", "label", name="uq_rating_values_scale_label"),
        sa.UniqueConstraint("scale_id", "value", name="uq_rating_values_scale_value"),
        sa.CheckConstraint("value >= 1", name="value_at_least_one"),
        sa.CheckConstraint("length(label) > 0", name="label_not_empty"),
    )
