"""The organisation that publishes the fact-checks, as an admin saved it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base, utcnow

ORGANISATION_SETTINGS_ID = 1  # the one row


class OrganisationSettings(Base):
    """One row (id 1): name, public URL and links that author every ClaimReview.

    There is no row until an admin saves the organisation page; until then the ``ORG_*``
    settings of the configuration stand in for it (``factcheck.organisation.services``).
    ``same_as`` is a list of absolute http(s) URLs (the organisation's other profiles).
    """

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(2000))
    methodology_url: Mapped[str | None] = mapped_column(sa.String(2000))
    corrections_policy_url: Mapped[str | None] = mapped_column(sa.String(2000))
    logo_url: Mapped[str | None] = mapped_column(sa.String(2000))
    same_as: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.CheckConstraint(f"id = {ORGANISATION_SETTINGS_ID}", name="single_row"),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
        sa.CheckConstraint("length(url) > 0", name="url_not_empty"),
    )
