"""Organisation settings: the ones in force, and saving them from the admin page.

Until an admin saves the organisation page there is no row, and the ``ORG_NAME``, ``ORG_URL``,
``METHODOLOGY_URL`` and ``CORRECTIONS_POLICY_URL`` settings of the configuration are in force, so
a deployment configured that way keeps publishing what it did. The first save stores every field;
from then on the configuration is no longer read for them.

:func:`save_settings` checks its rules, changes the row, appends the audit event and flushes; it
never commits. Refusals raise ``ValidationError`` naming the field, or ``Conflict`` when someone
saved since the form was read, before anything is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import Changes, change_and_record, record
from factcheck.database import DBSession
from factcheck.domain import Conflict, ValidationError
from factcheck.models import OrganisationSettings, User
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID
from factcheck.organisation.settings import (
    CONFIG_KEYS,
    ENTITY_TYPE,
    FIELDS,
    MAX_NAME_LENGTH,
    MAX_SAME_AS,
    EffectiveSettings,
    base_url,
    configured_settings,
    effective_settings,
)
from factcheck.publishing import gate
from factcheck.validation import MAX_URL_LENGTH, clean_text, clean_url

__all__ = [
    "CONFIG_KEYS",
    "ENTITY_TYPE",
    "FIELDS",
    "MAX_NAME_LENGTH",
    "MAX_SAME_AS",
    "EffectiveSettings",
    "base_url",
    "clean_settings",
    "configured_settings",
    "effective_settings",
    "save_settings",
]


# --- the rules ----------------------------------------------------------------------------------


def clean_name(value: str | None) -> str:
    return clean_text(value, "name", max_length=MAX_NAME_LENGTH, required=True)


def clean_public_url(value: str | None) -> str:
    """The site every fact-check's address is built on: a host, no query or fragment."""
    url = clean_url(value, "url", required=True)
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValidationError(
            _("url must name a host, as in https://www.example.org/"), field="url"
        )
    if "?" in url or "#" in url:
        raise ValidationError(
            _(
                "url must not have a query (?…) or a fragment (#…): "
                "every fact-check's address is built on it"
            ),
            field="url",
        )
    return base_url(url)


def clean_same_as(value: str | None) -> list[str]:
    """The organisation's other profiles, one URL per line; blank lines and repeats dropped."""
    text = clean_text(
        value, "same_as", max_length=MAX_SAME_AS * (MAX_URL_LENGTH + 1), multiline=True
    )
    links: list[str] = []
    for number, line in enumerate((text or "").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            link = clean_url(line, "same_as", required=True)
        except ValidationError as exc:
            raise ValidationError(
                _("%(problem)s (line %(line)d)", problem=exc.message, line=number), field="same_as"
            ) from None
        if link not in links:
            links.append(str(link))
    if len(links) > MAX_SAME_AS:
        raise ValidationError(
            _(
                "same_as has %(count)d addresses; at most %(limit)d",
                count=len(links),
                limit=MAX_SAME_AS,
            ),
            field="same_as",
        )
    return links


def clean_settings(submitted: Mapping[str, str | None]) -> dict[str, Any]:
    """Every field of ``FIELDS`` checked, in the order of the form; a refusal names its field."""
    return {
        "name": clean_name(submitted.get("name")),
        "url": clean_public_url(submitted.get("url")),
        **{
            field: clean_url(submitted.get(field), field)
            for field in ("methodology_url", "corrections_policy_url", "logo_url")
        },
        "same_as": clean_same_as(submitted.get("same_as")),
    }


# --- saving -------------------------------------------------------------------------------------


def _locked_row(session: DBSession) -> OrganisationSettings | None:
    """The row, freshly read and locked for the rest of the transaction (None: never saved)."""
    return session.execute(
        sa.select(OrganisationSettings)
        .where(OrganisationSettings.id == ORGANISATION_SETTINGS_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _stale(expected: int, current: int) -> Conflict:
    return Conflict(
        _(
            "the organisation settings were changed by someone else since you opened them "
            "(your copy: version %(yours)d; now: version %(now)d)",
            yours=expected,
            now=current,
        )
    )


def save_settings(
    session: DBSession,
    submitted: Mapping[str, str | None],
    *,
    expected_version: int | None,
    actor: User,
    config: Mapping[str, Any],
) -> Changes:
    """Store the ``submitted`` settings (the form's text by field name); ``expected_version`` is
    the version the form was read at.

    The first save (from version 0) records each field that differs from the configuration's
    value it replaces. Saving unchanged values changes nothing and records nothing.
    """
    row = _locked_row(session)
    current = row.version if row is not None else 0
    if expected_version is not None and expected_version != current:
        raise _stale(expected_version, current)
    values = clean_settings(submitted)
    # The publication gate (issue 11, item 4): every published review, rebuilt with these
    # settings, must stay valid.
    gate.check_organisation(session, values, config=config)
    if row is not None:
        return change_and_record(
            session,
            row,
            values,
            actor=actor,
            action=AuditAction.ORGANISATION_EDIT,
            entity_type=ENTITY_TYPE,
            versioned=True,
        )
    row, changes = _create(session, values, config=config)
    record(
        session,
        actor=actor,
        action=AuditAction.ORGANISATION_EDIT,
        entity_type=ENTITY_TYPE,
        entity_id=row.id,
        changes=changes,
        data={"replaces": "configuration"},
    )
    return changes


def _create(
    session: DBSession, values: dict[str, Any], *, config: Mapping[str, Any]
) -> tuple[OrganisationSettings, Changes]:
    """The first save: the row, and what changed from the configuration it replaces."""
    row = OrganisationSettings(id=ORGANISATION_SETTINGS_ID, **values)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except sa.exc.IntegrityError:
        # Two first saves at once (PostgreSQL): the other one's row is there now.
        raise _stale(0, 1) from None
    before = configured_settings(config).values()
    changes: Changes = {f: (before[f], values[f]) for f in FIELDS if before[f] != values[f]}
    changes["version"] = (0, row.version)
    return row, changes
