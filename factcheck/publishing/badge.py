"""A small public badge per published fact-check, for CMSs to show beside a story.

``/fact-checks/<slug>/badge.svg`` (an image) and ``/fact-checks/<slug>/badge.html`` (a tiny page
to put in an ``<iframe>``), both in the fact-check's language — its rating as published (the
verdict's snapshot, so already in the scale's language) and « Vérifié par … » or "Checked by …".

- **Cacheable**: ``Cache-Control: public``, an ``ETag`` made of the bytes and the published
  verdict, and ``Last-Modified`` at the latest approval; a published correction changes both.
  ``If-None-Match`` / ``If-Modified-Since`` get 304.
- **Safe to embed**: every text is escaped; no script at all. The HTML badge's own
  Content-Security-Policy allows any site to frame it (``frame-ancestors *``) and nothing else:
  no script, no other origin, its one inline style pinned by its hash.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.http import is_resource_modified

from factcheck.auth import public
from factcheck.extensions import db
from factcheck.models import Claim, Verdict
from factcheck.publishing import services
from factcheck.publishing.language import page_language

bp = Blueprint("badges", __name__)

MAX_AGE = 300  # seconds a cache may reuse a badge without asking again
MAX_LABEL = 40
MAX_ORG = 48
# Colours with white text at a contrast of at least 4.5:1, by where the rating sits on its scale.
TONES = (("false", "#b3261e"), ("mixed", "#8a4b00"), ("true", "#1e6b35"))
STYLE = (
    "html,body{margin:0;padding:0;background:transparent}"
    "a{display:inline-flex;font:13px/1.3 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "text-decoration:none;border-radius:4px;overflow:hidden;color:#fff}"
    "a span{padding:4px 8px}"
    ".by{background:#2f3b45}"
    ".rating{font-weight:600}"
    ".tone-false{background:#b3261e}.tone-mixed{background:#8a4b00}.tone-true{background:#1e6b35}"
    "a:focus-visible{outline:2px solid #0b57d0;outline-offset:2px}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
HTML_CSP = "; ".join(
    (
        "default-src 'none'",
        f"style-src 'sha256-{STYLE_HASH}'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    )
)


@dataclass(frozen=True)
class Badge:
    language: str
    label: str
    checked_by: str
    read: str
    tone: str
    colour: str
    url: str
    verdict_id: int
    modified: datetime


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tone(verdict: Verdict) -> tuple[str, str]:
    value, best, worst = verdict.snapshot_value, verdict.snapshot_best, verdict.snapshot_worst
    if value is None or best is None or worst is None or best == worst:
        return TONES[1]
    share = (value - worst) / (best - worst)
    return TONES[0] if share < 1 / 3 else TONES[2] if share > 2 / 3 else TONES[1]


def badge_for(claim: Claim) -> Badge:
    verdict = db.session.get(Verdict, claim.published_verdict_id)
    if verdict is None or verdict.snapshot_label is None:
        abort(404)
    org = services.organisation(db.session, current_app.config)
    language = page_language(claim.language)
    tone, colour = _tone(verdict)
    modified = verdict.approved_at or claim.published_at
    assert modified is not None
    with force_locale(language):  # the fact-check's language, never the visitor's
        checked_by = _("Checked by %(organisation)s", organisation=_short(org.name, MAX_ORG))
        read = _("Read the fact-check")
    return Badge(
        language=language,
        label=_short(verdict.snapshot_label, MAX_LABEL),
        checked_by=checked_by,
        read=read,
        tone=tone,
        colour=colour,
        url=org.absolute_url(services.public_path(claim.slug or "")),
        verdict_id=verdict.id,
        modified=modified,
    )


def _text_width(text: str) -> int:
    """A fair guess of the width of ``text`` at 11 px in a sans-serif face."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW@%")
    return int(len(text) * 6.0 + wide * 1.6) + 14


def svg(badge: Badge) -> str:
    left, right = _text_width(badge.checked_by), _text_width(badge.label)
    width = left + right
    title = escape(f"{badge.label} — {badge.checked_by}")
    by, label = escape(badge.checked_by), escape(badge.label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width}" height="20" viewBox="0 0 {width} 20" role="img" '
        f'aria-label="{title}" xml:lang="{badge.language}">'
        f"<title>{title}</title>"
        f'<rect width="{width}" height="20" rx="3" fill="#2f3b45"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{badge.colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="7" y="14">{by}</text>'
        f'<text x="{left + 7}" y="14" font-weight="bold">{label}</text>'
        "</g></svg>"
    )


def _etag(badge: Badge, body: str) -> str:
    material = f"{badge.verdict_id}\n{badge.modified.isoformat()}\n{body}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def _answer(badge: Badge, body: str, mimetype: str) -> Response:
    etag = _etag(badge, body)
    headers = {
        "Cache-Control": f"public, max-age={MAX_AGE}",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if mimetype == "text/html":
        headers["Content-Security-Policy"] = HTML_CSP
    if not is_resource_modified(request.environ, etag=etag, last_modified=badge.modified):
        response = Response(status=304, headers=headers)
    else:
        response = Response(body, mimetype=mimetype, headers=headers)
    response.set_etag(etag)
    response.last_modified = badge.modified
    return response


def _published(slug: str) -> Claim:
    return services.get_published(db.session, slug) or abort(404)


@bp.get("/fact-checks/<slug>/badge.svg")
@public
def badge_svg(slug: str) -> ResponseReturnValue:
    badge = badge_for(_published(slug))
    return _answer(badge, svg(badge), "image/svg+xml")


@bp.get("/fact-checks/<slug>/badge.html")
@public
def badge_html(slug: str) -> ResponseReturnValue:
    badge = badge_for(_published(slug))
    body = render_template("publishing/badge.html", badge=badge, style=Markup(STYLE))  # noqa: S704
    return _answer(badge, body, "text/html")
