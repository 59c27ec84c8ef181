"""The request spine: every state-changing request loads, checks, validates, acts and commits here.

``spine.py`` holds the cycle (load → policy → form → one service → one commit → answer) and the
registered handler that turns a service's refusal (:class:`factcheck.domain.DomainError`) into a
rolled-back 403/404/409/422, as a page for browsers or JSON for clients. ``forms.py`` holds what
refusal pages share: the "yours / current" comparison and re-basing a form on a version.
"""

from factcheck.web.forms import compare, first_error, set_version
from factcheck.web.spine import (
    commit,
    form_refusal,
    init_app,
    load,
    refuse_with,
    release,
    require,
    rollback,
    run,
    validate,
)

__all__ = [
    "commit",
    "compare",
    "first_error",
    "form_refusal",
    "init_app",
    "load",
    "refuse_with",
    "release",
    "require",
    "rollback",
    "run",
    "set_version",
    "validate",
]
