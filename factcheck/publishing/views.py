"""Public fact-check pages, their index, and the ClaimReview feed (no sign-in needed)."""

from __future__ import annotations

import contextlib
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.http import is_resource_modified

from factcheck.auth import public
from factcheck.config import settings
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Stance, Verdict
from factcheck.organisation.services import effective_settings
from factcheck.publishing import services
from factcheck.publishing.jsonld.build import iter_feed, script_tag
from factcheck.publishing.language import french_typography, page_language, passage_language
from factcheck.review.services import corrections

bp = Blueprint("publishing", __name__)

FEED_MEDIA_TYPE = "application/ld+json; charset=utf-8"
FEED_MAX_AGE = 300  # seconds a cache may reuse the feed without asking again
# How the public page names a source's stance (the stored value stays the English word).
STANCE_LABELS = {
    Stance.SUPPORTS: _l("supports"),
    Stance.REFUTES: _l("refutes"),
    Stance.CONTEXT: _l("context"),
}


@bp.app_context_processor
def _template_helpers() -> dict[str, Any]:
    return {"organisation_name": organisation_name}


bp.add_app_template_filter(french_typography, "french_typography")


def organisation_name() -> str:
    """The name of the organisation in force, for every page's title and header."""
    try:
        return effective_settings(db.session, current_app.config).name
    except sa.exc.SQLAlchemyError:
        # An error page while the database is down still says whose site this is.
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        return settings().org_name


@bp.get("/fact-checks")
@public
def index() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int)
    listing = services.published_page(db.session, page=page, per_page=settings().page_size)
    if listing is None:
        abort(404)
    return render_template(
        "publishing/index.html",
        listing=listing,
        org=services.organisation(db.session, current_app.config),
    )


@bp.get("/fact-checks/<slug>")
@public
def fact_check(slug: str) -> ResponseReturnValue:
    claim = services.get_published(db.session, slug) or abort(404)
    org = services.organisation(db.session, current_app.config)
    try:
        # script_tag escapes <, > and & inside the JSON, so the element is inert markup.
        jsonld = Markup(script_tag(services.claim_review(db.session, claim, org)))  # noqa: S704
    except ValueError:
        # The page stays readable; the log says why its ClaimReview could not be built.
        current_app.logger.exception("no ClaimReview for claim #%s", claim.id)
        jsonld = None
    verdict = claim.published_verdict
    # The page speaks the fact-check's language, not the visitor's; the JSON-LD above is built
    # outside this block and does not depend on any language but the claim's own.
    language = page_language(claim.language)
    with force_locale(language):
        return render_template(
            "publishing/fact_check.html",
            page_lang=language,
            claim=claim,
            verdict=verdict,
            rating=rating_as_published(verdict) if verdict else None,
            corrections=list(reversed(corrections(claim))),
            jsonld=jsonld,
            org=org,
            canonical_url=org.absolute_url(services.public_path(claim.slug or slug)),
            stance_labels=STANCE_LABELS,
            source_languages={
                source.id: passage_language(
                    "\n".join(filter(None, (source.title, source.excerpt))), claim.language
                )
                for source in claim.sources
            },
            headline_language=passage_language(claim.appearance_headline, claim.language),
        )


def rating_as_published(verdict: Verdict) -> dict[str, Any]:
    """The rating a published verdict shows: its snapshot from approval, never the scale now."""
    return {
        "label": verdict.snapshot_label,
        "value": verdict.snapshot_value,
        "best": verdict.snapshot_best,
        "worst": verdict.snapshot_worst,
        "definition": verdict.snapshot_definition,
        "scale": verdict.snapshot_scale,
        "language": verdict.snapshot_language,
    }


@bp.get("/claimreview.json")
@public
def feed() -> ResponseReturnValue:
    since_text = request.args.get("since")
    since = None
    if since_text is not None:
        try:
            since = services.parse_day(since_text.strip())
        except ValueError as exc:
            response = jsonify(
                error="bad_request", message=_("since: %(problem)s", problem=exc), field="since"
            )
            response.status_code = 400
            return response
    settings = effective_settings(db.session, current_app.config)
    org = services.organisation_of(settings)
    state = services.feed_state(db.session, since=since, org_saved_at=settings.updated_at)
    etag = state.etag(*services.organisation_variant(org), since.isoformat() if since else "")
    headers = {"Cache-Control": f"public, max-age={FEED_MAX_AGE}"}
    if state.last_modified is not None:
        headers["Last-Modified"] = state.http_date() or ""
    if not is_resource_modified(request.environ, etag=etag, last_modified=state.last_modified):
        response = Response(status=304, headers=headers)
        response.set_etag(etag)
        return response
    # iter_feed is the pull-style core of write_feed (same document, same escaping): a
    # streamed response needs chunks to yield, not a file to write to.
    chunks = iter_feed(services.iter_claim_reviews(db.session, org, since=since), org)
    response = Response(
        stream_with_context(chunks), mimetype="application/ld+json", headers=headers
    )
    response.content_type = FEED_MEDIA_TYPE
    response.set_etag(etag)
    return response
