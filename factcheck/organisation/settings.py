"""The organisation settings in force: read by publishing (pages, feed, the gate) and the admin.

Until an admin saves the organisation page there is no row, and the configuration's ``ORG_*``
settings are in force. Saving lives in ``organisation/services.py``, which asks the publication
gate; the gate reads the settings from here (so neither imports the other's importer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from factcheck.database import DBSession
from factcheck.models import OrganisationSettings
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID

MAX_NAME_LENGTH = 200
MAX_SAME_AS = 10
FIELDS = ("name", "url", "methodology_url", "corrections_policy_url", "logo_url", "same_as")
# The configuration setting that stands in for a field until an admin saves the page.
CONFIG_KEYS = {
    "name": "ORG_NAME",
    "url": "ORG_URL",
    "methodology_url": "METHODOLOGY_URL",
    "corrections_policy_url": "CORRECTIONS_POLICY_URL",
}
ENTITY_TYPE = "organisation_settings"


@dataclass(frozen=True, slots=True)
class EffectiveSettings:
    """The organisation settings in force; ``version`` 0 means they come from the configuration."""

    name: str
    url: str  # ends with "/": every fact-check's address is built on it
    methodology_url: str | None = None
    corrections_policy_url: str | None = None
    logo_url: str | None = None
    same_as: tuple[str, ...] = ()
    version: int = 0
    updated_at: datetime | None = None

    @property
    def saved(self) -> bool:
        """Whether an admin saved them (else they are the configuration's)."""
        return self.version > 0

    @property
    def same_as_text(self) -> str:
        return "\n".join(self.same_as)

    def values(self) -> dict[str, Any]:
        """The fields as stored (``same_as`` a list), for comparisons and the audit trail."""
        return {f: list(self.same_as) if f == "same_as" else getattr(self, f) for f in FIELDS}

    def to_json(self) -> dict[str, Any]:
        return {
            **self.values(),
            "version": self.version,
            "saved": self.saved,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }


def base_url(url: str) -> str:
    """The public URL as a base for relative addresses: it ends with a slash."""
    return url if url.endswith("/") else url + "/"


def configured_settings(config: Mapping[str, Any]) -> EffectiveSettings:
    """The settings as the configuration gives them (``ORG_*``, ``*_URL``)."""
    return EffectiveSettings(
        name=str(config["ORG_NAME"]),
        url=base_url(str(config["ORG_URL"])),
        methodology_url=config.get("METHODOLOGY_URL") or None,
        corrections_policy_url=config.get("CORRECTIONS_POLICY_URL") or None,
    )


# Set in a session's ``info`` when it found no saved row: a page asks for the settings several
# times (its title, its header, the ClaimReview), and ``session.get`` remembers a row it found
# but not one it did not, so each asking was a SELECT. Forgotten at every flush, commit and
# rollback (the listeners below): a row saved since is never missed.
_UNSAVED = "factcheck.organisation_settings_unsaved"
_HELD = "factcheck.organisation_settings_row"


def effective_settings(session: DBSession, config: Mapping[str, Any]) -> EffectiveSettings:
    """The saved settings when an admin saved them, else the configuration's."""
    if session.info.get(_UNSAVED):
        return configured_settings(config)
    row = session.get(OrganisationSettings, ORGANISATION_SETTINGS_ID)
    if row is None:
        session.info[_UNSAVED] = True
        return configured_settings(config)
    return EffectiveSettings(
        name=row.name,
        url=row.url,
        methodology_url=row.methodology_url,
        corrections_policy_url=row.corrections_policy_url,
        logo_url=row.logo_url,
        same_as=tuple(row.same_as or ()),
        version=row.version,
        updated_at=row.updated_at,
    )


def note_settings_read(session: DBSession, row: OrganisationSettings | None) -> None:
    """Say what a statement that read the settings row beside others found (the sign-in's, on
    every signed-in request: ``auth.services.load_session``), so that the page's
    :func:`effective_settings` runs no SELECT of its own: a row found is in the session's
    identity map already (``session.get`` answers from it; held here, as the identity map holds
    a row no one else holds only weakly); no row is noted as unsaved."""
    if row is None:
        session.info[_UNSAVED] = True
    else:
        session.info[_HELD] = row


def _forget_unsaved(session: Session, *_args: Any) -> None:
    session.info.pop(_UNSAVED, None)
    session.info.pop(_HELD, None)


for _event in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    sa.event.listen(Session, _event, _forget_unsaved)
