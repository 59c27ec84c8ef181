"""The REST API, version 1: articles, claims and their workflow, sources, verdicts, fact-checks,
the organisation and the audit trail — the same services, policies and workflow as the pages.

Each view: load (404), check the policy (403), call one service through :func:`cycle.commit`
(one commit, or a rollback and the refusal), answer JSON described by :mod:`api.schemas`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema
from werkzeug.exceptions import HTTPException

from factcheck import web
from factcheck.api import schemas as s
from factcheck.api.access import authenticate, caller, forget_session, requires
from factcheck.api.cycle import claim_etag, commit, expected_version, load_claim, refuse
from factcheck.api.errors import ApiError, handle_domain_error, handle_http_error
from factcheck.articles.parsing import parse_article
from factcheck.articles.services import extract_candidates, ingest_article, request_url_ingest
from factcheck.audit.store import EventFilter, list_events
from factcheck.claims import policy, queries, workflow
from factcheck.claims.serialize import claim_detail_json, claim_json
from factcheck.claims.services import edit_claim
from factcheck.domain import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from factcheck.extensions import db
from factcheck.fetching import check_url
from factcheck.i18n import lazy_gettext as _l
from factcheck.jobs import dispatch, job_json
from factcheck.models import (
    Article,
    AuditEvent,
    Claim,
    ClaimStatus,
    Job,
    RatingScale,
    Role,
    Scope,
    User,
)
from factcheck.organisation.services import effective_settings
from factcheck.publishing.services import claim_review, get_published, organisation, public_path
from factcheck.review import services as review

blp = Blueprint(
    "api_v1",
    __name__,
    url_prefix="/api/v1",
    description="The fact-check desk for a CMS and for scripts. Every call needs a token: "
    "`Authorization: Bearer fct_…` (make one at /account/tokens or with `factcheck tokens "
    "create`).",
)

# The caller is anonymous until its token is checked (no cookie is ever read here), then the
# token's user; every refusal is answered in the API's one JSON shape.
blp.url_value_preprocessor(forget_session)
blp.before_request(authenticate)
blp.register_error_handler(HTTPException, handle_http_error)
blp.register_error_handler(DomainError, handle_domain_error)

ERROR_TEXT = {
    401: "No token, or a wrong, expired or revoked one, or its user is deactivated "
    "(`WWW-Authenticate: Bearer`).",
    403: "The token lacks the scope (named in `message` and `field`), or its user may not do "
    "this (role, not their claim).",
    404: "No such object (ids beyond 64 bits are 404 too).",
    409: "The claim's state does not allow this now, or someone changed it since you read it "
    "(send `version` or `If-Match`).",
    422: "A field is missing, of the wrong type, unknown or out of range; `field` names it.",
    429: "Too many requests for this token or address; retry after `Retry-After` seconds.",
}


def errors(*codes: int) -> Callable[[Any], Any]:
    """Document the refusals an operation can answer (401 and 429 always)."""

    def decorator(view: Any) -> Any:
        for code in sorted({401, 429, *codes}, reverse=True):
            headers = (
                {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
                if code == 429
                else {"WWW-Authenticate": {"schema": {"type": "string"}}}
                if code == 401
                else None
            )
            view = blp.alt_response(
                code, schema=s.ErrorSchema, description=ERROR_TEXT[code], headers=headers
            )(view)
        return view

    return decorator


def me() -> User:
    return caller()


def _article_json(article: Article, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "publisher": article.publisher,
        "language": article.language,
        "created_at": article.created_at.isoformat(),
        "claims_count": len(article.claims),
    }
    if detail:
        out["body"] = article.body
        out["claims"] = [claim_json(c) for c in article.claims]
    return out


def _action(claim: Claim) -> dict[str, Any]:
    return {"id": claim.id, "status": claim.status.value, "version": claim.version}


def _newest_first(
    query: Any, id_column: Any, before: int | None, limit: int
) -> tuple[list[Any], int | None]:
    """One keyset page of ``query``'s rows by id, newest first, and the id to pass as ``before``
    for the next page (``None`` on the last)."""
    query = query.order_by(id_column.desc()).limit(limit + 1)
    if before is not None:
        query = query.where(id_column < before)
    rows = list(db.session.scalars(query))
    page = rows[:limit]
    return page, page[-1].id if len(rows) > limit else None


def _allowed(ok: bool, message: str) -> None:
    if not ok:
        raise refuse(PermissionDenied(message))


# --- articles ----------------------------------------------------------------------------


@blp.route("/articles", methods=["GET"])
@requires(Scope.READ)
@blp.arguments(s.ArticleListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, s.ArticlePageSchema)
@errors(403, 422)
def list_articles(before: int | None = None, limit: int = 50) -> dict[str, Any]:
    """List articles, newest first (keyset pages: pass `next` as `before`)."""
    page, after = _newest_first(sa.select(Article), Article.id, before, limit)
    return {"articles": [_article_json(a) for a in page], "next": after}


@blp.route("/articles", methods=["POST"])
@requires(Scope.INGEST)
@blp.arguments(s.ArticleCreateSchema)
@blp.response(201, s.ArticleCreatedSchema, description="Stored from `text`, with its claims.")
@blp.alt_response(200, schema=s.ArticleCreatedSchema, description="Already on the desk.")
@blp.alt_response(
    202, schema=s.ArticleCreatedSchema, description="A `url` to fetch: the job (poll /jobs/{id})."
)
@errors(403, 422)
def create_article(body: dict[str, Any]) -> Any:
    """Send an article in: its `text` (extracted now) or a `url` (fetched by a job).

    Exactly one of `text` and `url`. The same text (or address) twice gives the article
    already stored, never a second copy.
    """
    given = [name for name in ("text", "url") if (body.get(name) or "").strip()]
    if len(given) != 1:
        raise refuse(ValidationError(_("give exactly one of: text or url"), field="text"))
    language = None if body["language"] == "auto" else body["language"]
    publisher = (body.get("publisher") or "").strip() or None
    web.release()  # nothing slow in a transaction: resolving and extracting come first
    if given[0] == "url":
        try:
            url, *_rest = check_url(body["url"].strip())  # a private address is refused now (422)
        except DomainError as exc:
            raise refuse(exc) from None
        asked = commit(
            lambda: request_url_ingest(
                db.session, url, actor=me(), language=language, publisher=publisher
            )
        )
        if asked.article is not None:
            return {"article": _article_json(asked.article, detail=True), "created": False}, 200
        assert asked.job is not None
        job_id = asked.job.id
        if asked.dispatch:
            dispatch(asked.job)
        job = db.session.get(Job, job_id)
        assert job is not None
        location = url_for("api_v1.show_job", job_id=job_id)
        return {"job": job_json(job), "created": False}, 202, {"Location": location}
    try:
        parsed = parse_article(body["text"], language=language)
        candidates = extract_candidates(parsed)
    except DomainError as exc:
        raise refuse(exc) from None
    result = commit(
        lambda: ingest_article(
            db.session, parsed, actor=me(), publisher=publisher, candidates=candidates
        )
    )
    status = 201 if result.created else 200
    location = url_for("api_v1.show_article", article_id=result.article.id)
    return (
        {"article": _article_json(result.article, detail=True), "created": result.created},
        status,
        {"Location": location},
    )


@blp.route("/articles/<int:article_id>", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.ArticleDetailSchema)
@errors(403, 404)
def show_article(article_id: int) -> dict[str, Any]:
    """One article with its body and its claims."""
    article = db.session.get(Article, article_id)
    if article is None:
        raise refuse(NotFound(f"no article #{article_id}"))
    return _article_json(article, detail=True)


@blp.route("/jobs/<int:job_id>", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.JobSchema)
@errors(403, 404)
def show_job(job_id: int) -> dict[str, Any]:
    """Where a fetch stands: queued, running, done (`article_id`) or failed (`error`)."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise refuse(NotFound(f"no job #{job_id}"))
    return job_json(job)


# --- claims ------------------------------------------------------------------------------


@blp.route("/claims", methods=["GET"])
@requires(Scope.READ)
@blp.arguments(s.ClaimListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, s.ClaimPageSchema)
@errors(403, 422)
def list_claims(**args: Any) -> dict[str, Any]:
    """The queue, with its filters, sorts and keyset pages (pass `next` as `cursor`)."""
    filters = queries.QueueFilters(
        status=ClaimStatus(args["status"]) if args.get("status") else None,
        assignee=args["assignee"],
        language=args.get("language") or None,
        article_id=args.get("article_id"),
        min_score=args.get("min_score"),
        q=(args.get("q") or "").strip() or None,
        sort=args["sort"],
        has_match=args["match"],
    )
    cursor = args.get("cursor")
    if cursor and queries.decode_cursor(filters.sort, cursor) is None:
        raise ApiError(422, _("cursor: not a cursor this list gave (for this sort)"), "cursor")
    page = queries.queue_page(db.session, filters, me(), cursor=cursor, page_size=args["limit"])
    return {
        "claims": [claim_json(c) for c in page.claims],
        "next": page.next_cursor,
        "counts": {st.value: n for st, n in page.counts.items()},
    }


@blp.route("/claims/<int:claim_id>", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.ClaimDetailSchema, headers={"ETag": {"schema": {"type": "string"}}})
@errors(403, 404)
def show_claim(claim_id: int) -> Any:
    """One claim with its sources and verdicts, each with its `version`; `ETag` for If-Match."""
    claim = load_claim(claim_id)
    return claim_detail_json(claim), 200, {"ETag": claim_etag(claim)}


@blp.route("/claims/<int:claim_id>", methods=["PATCH"])
@requires(Scope.REVIEW)
@blp.arguments(s.ClaimEditSchema)
@blp.response(200, s.ClaimDetailSchema)
@errors(403, 404, 409, 422)
def edit(body: dict[str, Any], claim_id: int) -> Any:
    """Change the claim's wording, claimant, date, appearance or priority.

    Send the `version` you read (or its ETag as `If-Match`): 409 if someone saved first.
    """
    claim = load_claim(claim_id)
    _allowed(policy.works_on(me(), claim), workflow.NOT_YOURS)
    version = expected_version(claim, body.pop("version", None))
    if version is None:
        raise refuse(
            ValidationError(_("send the version you edited (or If-Match)"), field="version")
        )
    commit(lambda: edit_claim(db.session, claim, body, actor=me(), expected_version=version))
    return claim_detail_json(claim), 200, {"ETag": claim_etag(claim)}


@blp.route("/claims/take-next", methods=["POST"])
@requires(Scope.REVIEW)
@blp.arguments(s.TakeNextSchema)
@blp.response(200, s.TakeNextResultSchema)
@errors(403, 409, 422)
def take_next(body: dict[str, Any]) -> dict[str, Any]:
    """Take the best queued claim, atomically (`claim` is null when none waits)."""
    claim = commit(
        lambda: workflow.take_next(db.session, actor=me(), language=body.get("language") or None)
    )
    return {"claim": claim_json(claim) if claim else None}


@dataclass(frozen=True)
class ClaimAction:
    """One workflow action on a claim: ``POST /claims/{claim_id}/<path>`` loads the claim (404),
    asks ``who`` (403 with its message), runs ``change`` through :func:`cycle.commit` (one commit,
    or the refusal) and answers the claim's id, status and version."""

    path: str
    endpoint: str  # the view's name (``api_v1.<endpoint>``)
    scope: Scope
    doc: str  # the operation's summary (first line) and description
    change: Callable[[Claim, dict[str, Any]], Any]  # (claim, body) -> the service's result
    body: type[Schema] | None = None  # the JSON body, when the action takes one (then 422 too)
    who: tuple[Callable[[User, Claim], bool], LazyString] | None = (
        None  # checked before the service
    )


EDITORS = policy.is_editor


def _editors(message: LazyString) -> tuple[Callable[[User, Claim], bool], LazyString]:
    return (lambda user, _claim: EDITORS(user)), message


def _assign(claim: Claim, body: dict[str, Any]) -> None:
    assignee = db.session.get(User, body["assignee_id"])
    if assignee is None:
        raise ValidationError(_("no such user to assign"), field="assignee_id")
    workflow.assign(db.session, claim, assignee, actor=me())


CLAIM_ACTIONS: tuple[ClaimAction, ...] = (
    ClaimAction(
        "accept",
        "accept",
        Scope.REVIEW,
        "Editors: accept a new claim into the queue.",
        lambda c, _body: workflow.accept(db.session, c, actor=me()),
        who=_editors(_l("only editors can accept a candidate claim")),
    ),
    ClaimAction(
        "dismiss",
        "dismiss",
        Scope.REVIEW,
        "Editors: dismiss a new claim with a reason (or as a duplicate of another).",
        lambda c, body: workflow.dismiss(
            db.session, c, body["reason"], actor=me(), duplicate_of=body.get("duplicate_of")
        ),
        body=s.DismissSchema,
        who=_editors(_l("only editors can dismiss a candidate claim")),
    ),
    ClaimAction(
        "reopen",
        "reopen",
        Scope.REVIEW,
        "Editors: reopen a dismissed claim as new.",
        lambda c, _body: workflow.reopen(db.session, c, actor=me()),
        who=_editors(_l("only editors can reopen a dismissed claim")),
    ),
    ClaimAction(
        "take",
        "take",
        Scope.REVIEW,
        "Take a queued claim: it is yours (never two reviewers').",
        lambda c, _body: workflow.take(db.session, c, actor=me()),
    ),
    ClaimAction(
        "hand-back",
        "hand_back",
        Scope.REVIEW,
        "Hand a claim in review back to the queue (its reviewer, or an editor).",
        lambda c, _body: workflow.hand_back(db.session, c, actor=me()),
    ),
    ClaimAction(
        "assign",
        "assign",
        Scope.REVIEW,
        "Editors: assign a claim to a user.",
        _assign,
        body=s.AssignSchema,
        who=_editors(_l("only editors can assign claims")),
    ),
    ClaimAction(
        "propose",
        "propose",
        Scope.REVIEW,
        "The assigned reviewer proposes the draft verdict (≥ 1 source, a rating, a summary).\n\n"
        "Send the draft's `version` and `digest` from GET /claims/{id}: 409 naming what changed.",
        lambda c, body: review.propose(
            db.session,
            c,
            actor=me(),
            expected_version=body["version"],
            expected_digest=body.get("digest") or None,
        ),
        body=s.ProposeSchema,
        who=(
            policy.can_propose,
            _l("only the assigned reviewer can propose a verdict for this claim"),
        ),
    ),
    ClaimAction(
        "approve",
        "approve",
        Scope.PUBLISH,
        "An editor who neither proposed nor last wrote the verdict publishes it, as proposed.",
        lambda c, body: review.approve(db.session, c, actor=me(), expected_version=body["version"]),
        body=s.VersionSchema,
        who=_editors(_l("only an editor can approve a verdict awaiting approval")),
    ),
    ClaimAction(
        "request-changes",
        "request_changes",
        Scope.REVIEW,
        "Editors: send a proposed verdict back to the reviewer with a comment.",
        lambda c, body: review.request_changes(db.session, c, body["comment"], actor=me()),
        body=s.CommentSchema,
        who=_editors(_l("only an editor can send back a verdict awaiting approval")),
    ),
    ClaimAction(
        "correction",
        "correct",
        Scope.PUBLISH,
        "Editors: draft a correction of a published fact-check (another editor approves it).",
        lambda c, body: review.draft_correction(
            db.session,
            c,
            actor=me(),
            rating_value_id=body.get("rating_id"),
            summary=body.get("summary"),
            explanation=body.get("explanation"),
            note=body["note"],
        ),
        body=s.CorrectionSchema,
        who=_editors(_l("only an editor can correct a published fact-check")),
    ),
    ClaimAction(
        "correction/approve",
        "approve_correction",
        Scope.PUBLISH,
        "A second editor publishes the drafted correction (`version`: the correction's).",
        lambda c, body: review.approve_correction(
            db.session, c, actor=me(), expected_version=body["version"]
        ),
        body=s.VersionSchema,
        who=_editors(_l("only an editor can approve a correction")),
    ),
    ClaimAction(
        "correction/discard",
        "discard_correction",
        Scope.PUBLISH,
        "Editors: discard the drafted correction; the published fact-check is unchanged.",
        lambda c, body: review.discard_correction(
            db.session, c, actor=me(), expected_version=body["version"]
        ),
        body=s.VersionSchema,
        who=_editors(_l("only an editor can discard a correction")),
    ),
)


def _claim_action_view(action: ClaimAction) -> Callable[..., dict[str, Any]]:
    """The view of ``action``, routed and documented as a hand-written one would be."""

    def view(*parsed: dict[str, Any], claim_id: int) -> dict[str, Any]:
        claim = load_claim(claim_id)
        if action.who is not None:
            _allowed(
                action.who[0](me(), claim), str(action.who[1])
            )  # said in this request's language
        body = parsed[0] if parsed else {}
        commit(lambda: action.change(claim, body))
        return _action(claim)

    view.__name__ = view.__qualname__ = action.endpoint
    view.__doc__ = action.doc
    routed: Any = errors(403, 404, 409, *((422,) if action.body else ()))(view)
    routed = blp.response(200, s.ActionResultSchema)(routed)
    if action.body is not None:
        routed = blp.arguments(action.body)(routed)
    routed = requires(action.scope)(routed)
    return blp.route(f"/claims/<int:claim_id>/{action.path}", methods=["POST"])(routed)


for _action_row in CLAIM_ACTIONS:
    _claim_action_view(_action_row)


# --- sources and verdicts ----------------------------------------------------------------


@blp.route("/claims/<int:claim_id>/sources", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.SourceListSchema)
@errors(403, 404)
def list_sources(claim_id: int) -> dict[str, Any]:
    """The claim's sources."""
    return {"sources": claim_detail_json(load_claim(claim_id))["sources"]}


def _source_json(claim: Claim, source_id: int) -> dict[str, Any]:
    found = next(x for x in claim_detail_json(claim)["sources"] if x["id"] == source_id)
    return found


@blp.route("/claims/<int:claim_id>/sources", methods=["POST"])
@requires(Scope.REVIEW)
@blp.arguments(s.SourceCreateSchema)
@blp.response(201, s.SourceSchema)
@errors(403, 404, 409, 422)
def add_source(body: dict[str, Any], claim_id: int) -> Any:
    """Attach a source (http/https URL, title, stance…); its snapshot is captured by a job."""
    claim = load_claim(claim_id)
    _allowed(policy.works_on(me(), claim), workflow.NOT_YOURS)
    values = {name: body.get(name) for name in review.SOURCE_FIELDS}
    source = commit(lambda: review.add_source(db.session, claim, values, actor=me()))
    return _source_json(claim, source.id), 201


@blp.route("/claims/<int:claim_id>/sources/<int:source_id>", methods=["PATCH"])
@requires(Scope.REVIEW)
@blp.arguments(s.SourceEditSchema)
@blp.response(200, s.SourceSchema)
@errors(403, 404, 409, 422)
def edit_source(body: dict[str, Any], claim_id: int, source_id: int) -> dict[str, Any]:
    """Change a source (send all its fields and the `version` you read)."""
    claim = load_claim(claim_id)
    _allowed(policy.works_on(me(), claim), workflow.NOT_YOURS)
    version = body.pop("version")
    values = {name: body.get(name) for name in review.SOURCE_FIELDS}

    def change() -> None:
        source = review.get_source(db.session, claim, source_id)
        review.edit_source(db.session, source, values, actor=me(), expected_version=version)

    commit(change)
    return _source_json(claim, source_id)


@blp.route("/claims/<int:claim_id>/sources/<int:source_id>", methods=["DELETE"])
@requires(Scope.REVIEW)
@blp.response(204)
@errors(403, 404, 409)
def remove_source(claim_id: int, source_id: int) -> Any:
    """Remove a source."""
    claim = load_claim(claim_id)
    _allowed(policy.works_on(me(), claim), workflow.NOT_YOURS)
    commit(
        lambda: review.remove_source(
            db.session, review.get_source(db.session, claim, source_id), actor=me()
        )
    )
    return "", 204


@blp.route("/claims/<int:claim_id>/verdicts", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.VerdictListSchema)
@errors(403, 404)
def list_verdicts(claim_id: int) -> dict[str, Any]:
    """Every verdict of the claim: draft, proposed, published, superseded, corrections."""
    return {"verdicts": claim_detail_json(load_claim(claim_id))["verdicts"]}


@blp.route("/claims/<int:claim_id>/verdict", methods=["PUT"])
@requires(Scope.REVIEW)
@blp.arguments(s.VerdictSaveSchema)
@blp.response(200, s.VerdictListSchema)
@errors(403, 404, 409, 422)
def save_verdict(body: dict[str, Any], claim_id: int) -> dict[str, Any]:
    """Save the draft verdict: a rating from the scale (`rating_id`), summary, explanation.

    Omit `version` for a first draft; after that send the draft's `version`.
    """
    claim = load_claim(claim_id)
    _allowed(policy.works_on(me(), claim), workflow.NOT_YOURS)

    def change() -> None:
        draft = review.draft_verdict(claim)
        if draft is not None and not body.get("version"):
            raise Conflict(f"a draft exists: send its version (now {draft.version})")
        review.save_verdict(
            db.session,
            claim,
            actor=me(),
            rating_value_id=body.get("rating_id"),
            summary=body.get("summary"),
            explanation=body.get("explanation"),
            expected_version=body.get("version") or None,
        )

    commit(change)
    return {"verdicts": claim_detail_json(claim)["verdicts"]}


@blp.route("/rating-scales", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.RatingScaleListSchema)
@errors(403)
def rating_scales() -> dict[str, Any]:
    """The rating scales and their values (a verdict's `rating_id` is a value's `id`)."""
    scales = db.session.scalars(sa.select(RatingScale).order_by(RatingScale.id))
    return {
        "scales": [
            {
                "id": sc.id,
                "name": sc.name,
                "language": sc.language,
                "is_default": sc.is_default,
                "values": [
                    {"id": v.id, "label": v.label, "value": v.value, "definition": v.definition}
                    for v in sc.values
                ],
            }
            for sc in scales
        ]
    }


# --- published fact-checks, organisation, audit ------------------------------------------


def _organisation() -> Any:
    return organisation(db.session, current_app.config)


def _fact_check(claim: Claim, review_doc: dict[str, Any] | None = None) -> dict[str, Any]:
    verdict = claim.published_verdict
    org = _organisation()
    out = {
        "id": claim.id,
        "slug": claim.slug,
        "url": org.url + public_path(claim.slug or ""),
        "claim_reviewed": claim.claim_reviewed,
        "rating": verdict.snapshot_label if verdict is not None else None,
        "language": claim.language,
    }
    if review_doc is not None:
        out["claim_review"] = review_doc
    return out


@blp.route("/fact-checks", methods=["GET"])
@requires(Scope.READ)
@blp.arguments(s.FactCheckListArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, s.FactCheckPageSchema)
@errors(403, 422)
def list_fact_checks(before: int | None = None, limit: int = 50) -> dict[str, Any]:
    """Published fact-checks, newest claim first (pass `next` as `before`)."""
    query = sa.select(Claim).where(Claim.status == ClaimStatus.PUBLISHED)
    page, after = _newest_first(query, Claim.id, before, limit)
    return {"fact_checks": [_fact_check(c) for c in page], "next": after}


@blp.route("/fact-checks/<string(maxlength=200):slug>", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.FactCheckDetailSchema)
@errors(403, 404)
def show_fact_check(slug: str) -> dict[str, Any]:
    """One published fact-check with its ClaimReview JSON-LD (the public page's)."""
    claim = get_published(db.session, slug)
    if claim is None:
        raise refuse(NotFound(f"no published fact-check {slug!r}"))
    return _fact_check(claim, claim_review(db.session, claim, _organisation()))


@blp.route("/organisation", methods=["GET"])
@requires(Scope.READ)
@blp.response(200, s.OrganisationSchema)
@errors(403)
def show_organisation() -> dict[str, Any]:
    """The organisation that authors every ClaimReview, as in force now."""
    return effective_settings(db.session, current_app.config).to_json()


@blp.route("/audit/events", methods=["GET"])
@requires(Scope.READ)
@blp.arguments(s.AuditArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, s.AuditPageSchema)
@errors(403, 422)
def audit_events(**args: Any) -> dict[str, Any]:
    """Editors and admins: audit events, newest first, filtered (pass `next` as `before`)."""
    _allowed(me().has_role(Role.EDITOR), _("only editors and admins read the audit trail"))
    flt = EventFilter(
        actor=args.get("actor") or None,
        action=args.get("action") or None,
        entity_type=args.get("entity_type") or None,
        entity_id=args.get("entity_id") or None,
        outcome=args.get("outcome") or None,
    )
    page = list_events(db.session, flt, before=args.get("before"), limit=args["limit"])
    return {"events": [_event(e) for e in page.events], "next": page.older}


def _event(event: AuditEvent) -> dict[str, Any]:
    body = json.loads(event.body)
    return {
        "seq": event.seq,
        "occurred_at": body["occurred_at"],
        "actor": event.actor,
        "actor_id": event.actor_id,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "request_id": event.request_id,
        "changes": body.get("changes", {}),
        "data": body.get("data", {}),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
