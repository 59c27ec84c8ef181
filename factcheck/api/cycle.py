"""The API's request cycle: one service call, one commit, or a rollback and a refusal.

Views load (404), check the policy (403), then call :func:`commit` with the service call, which
runs it on the request spine (:func:`factcheck.web.run`: one service, one commit); a
:class:`DomainError` rolls everything back and becomes the API's JSON refusal of its kind
(:class:`ApiError`, answered by the blueprint's own handler). Nothing else in the API commits
but the spine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from flask import request
from flask_babel import gettext as _

from factcheck import web
from factcheck.api.errors import ApiError
from factcheck.domain import DomainError, NotFound
from factcheck.errors import status_of
from factcheck.extensions import db
from factcheck.models import Claim

T = TypeVar("T")
_ETAG = re.compile(r'^\s*(?:W/)?"claim-(\d{1,19})-v(\d{1,19})"\s*$')


def commit(change: Callable[[], T]) -> T:
    """Run ``change`` on the spine and commit, or roll back and refuse with its status."""
    try:
        return web.run(change)
    except DomainError as exc:
        web.rollback()
        raise refuse(exc) from None


def refuse(exc: DomainError) -> ApiError:
    return ApiError(status_of(exc), exc.message, exc.field)


def load_claim(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        raise refuse(NotFound(_("no claim #%(id)s", id=claim_id)))
    return claim


def claim_etag(claim: Claim) -> str:
    return f'"claim-{claim.id}-v{claim.version}"'


def expected_version(claim: Claim, version: int | None) -> int | None:
    """The version the caller edited: ``version`` in the body, else the ``If-Match`` ETag."""
    header = request.headers.get("If-Match")
    if header is None:
        return version
    match = _ETAG.match(header)
    if match is None or int(match.group(1)) != claim.id:
        raise ApiError(
            422,
            _('If-Match must be this claim\'s ETag, e.g. "claim-%(id)s-v3"', id=claim.id),
            "If-Match",
        )
    from_header = int(match.group(2))
    if version is not None and version != from_header:
        raise ApiError(422, _("version and If-Match disagree"), "version")
    return from_header
