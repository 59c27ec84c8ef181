"""The API's request and response shapes (marshmallow); the OpenAPI document is made from them.

Requests are strict: unknown fields are refused, and every number is a JSON number (never a
string), every text a string, each within the domain's own limits (the services check them again).
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from factcheck.claims.queries import SORTS
from factcheck.claims.services import MAX_CLAIMANT
from factcheck.claims.workflow import MAX_REASON_LENGTH
from factcheck.languages import LANGUAGE_CHOICES
from factcheck.models import ClaimantType, ClaimStatus, Stance
from factcheck.review.services import MAX_COMMENT, MAX_EXPLANATION, MAX_SUMMARY
from factcheck.validation import (
    MAX_CLAIM_REVIEWED_LENGTH,
    MAX_EXCERPT_LENGTH,
    MAX_PUBLISHER_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_URL_LENGTH,
)

# Ids are the models' INTEGER columns: 32-bit on PostgreSQL. A larger id names nothing; refusing
# it here keeps it from reaching the database (where PostgreSQL would fail the query).
ID_MAX = 2**31 - 1
ID = validate.Range(min=1, max=ID_MAX)
PAGE = validate.Range(min=1, max=100)


def ident(*, strict: bool = True, **kwargs: object) -> fields.Integer:
    """An id: a JSON number in bodies (``strict``), digits in a query string."""
    return fields.Integer(strict=strict, validate=ID, **kwargs)  # type: ignore[arg-type]


def query_ident(**kwargs: object) -> fields.Integer:
    return ident(strict=False, **kwargs)


def page_size() -> fields.Integer:
    return fields.Integer(load_default=50, validate=PAGE)


def bounded(max_length: int, **kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), **kwargs)  # type: ignore[arg-type]


class Strict(Schema):
    class Meta:
        unknown = RAISE


# --- errors ------------------------------------------------------------------------------


class ErrorSchema(Schema):
    error = fields.String(
        required=True, metadata={"description": "kind: unauthorized, forbidden, invalid, …"}
    )
    message = fields.String(required=True, metadata={"description": "what was refused and why"})
    field = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "the input at fault (body field, parameter, header), or null"},
    )
    request_id = fields.String(
        allow_none=True, required=True, metadata={"description": "also in X-Request-ID"}
    )


# --- articles ----------------------------------------------------------------------------


class ArticleCreateSchema(Strict):
    text = bounded(2 * 1024 * 1024, metadata={"description": "the article's text (or give url)"})
    url = bounded(
        MAX_URL_LENGTH, metadata={"description": "a web page to fetch by a background job"}
    )
    language = fields.String(load_default="auto", validate=validate.OneOf(LANGUAGE_CHOICES))
    publisher = bounded(MAX_PUBLISHER_LENGTH, allow_none=True)


class ArticleListArgs(Strict):
    before = query_ident(metadata={"description": "cursor: the `next` of the previous page"})
    limit = page_size()


class ClaimSummarySchema(Schema):
    id = fields.Integer(required=True)
    claim_reviewed = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": [s.value for s in ClaimStatus]})
    score = fields.Float(allow_none=True)
    priority = fields.Integer()
    claimant = fields.String(allow_none=True)
    article_id = fields.Integer(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    language = fields.String(allow_none=True)
    created_at = fields.String()
    version = fields.Integer(required=True)


class ArticleSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    publisher = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    created_at = fields.String()
    claims_count = fields.Integer()


class ArticleDetailSchema(ArticleSchema):
    body = fields.String()
    claims = fields.List(fields.Nested(ClaimSummarySchema))


class ArticlePageSchema(Schema):
    articles = fields.List(fields.Nested(ArticleSchema), required=True)
    next = fields.Integer(allow_none=True, metadata={"description": "pass as `before`"})


class JobSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String()
    state = fields.String(metadata={"enum": ["queued", "running", "done", "failed"]})
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    error = fields.String(allow_none=True)
    article_id = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)


class ArticleCreatedSchema(Schema):
    article = fields.Nested(ArticleDetailSchema, allow_none=True)
    created = fields.Boolean()
    job = fields.Nested(JobSchema, allow_none=True)


# --- claims ------------------------------------------------------------------------------


class ClaimListArgs(Strict):
    status = fields.String(validate=validate.OneOf([s.value for s in ClaimStatus]))
    assignee = fields.String(
        load_default="anyone", validate=validate.OneOf(["me", "unassigned", "anyone"])
    )
    language = bounded(16)
    article_id = query_ident()
    min_score = fields.Float(validate=validate.Range(min=0, max=1))
    q = bounded(
        200,
        metadata={
            "description": "search over claim text and claimant: every word, as a word start "
            "or in another form (accents and case aside; « soldats » finds « soldat »); "
            "without a letter or digit, no search"
        },
    )
    sort = fields.String(load_default="priority", validate=validate.OneOf(list(SORTS)))
    match = fields.Boolean(
        load_default=False, metadata={"description": "only claims already checked elsewhere"}
    )
    cursor = bounded(500, metadata={"description": "the `next` of the previous page"})
    limit = page_size()


class ClaimPageSchema(Schema):
    claims = fields.List(fields.Nested(ClaimSummarySchema), required=True)
    next = fields.String(allow_none=True, metadata={"description": "pass as `cursor`"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class SourceSchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String()
    title = fields.String()
    publisher = fields.String(allow_none=True)
    date_published = fields.String(allow_none=True)
    date_accessed = fields.String(allow_none=True)
    excerpt = fields.String(allow_none=True)
    stance = fields.String(metadata={"enum": [s.value for s in Stance]})
    archive_url = fields.String(allow_none=True)
    version = fields.Integer(required=True)


class VerdictSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String()
    rating = fields.String(allow_none=True)
    rating_id = fields.Integer(allow_none=True)
    summary = fields.String(allow_none=True)
    explanation = fields.String(allow_none=True)
    review_comment = fields.String(allow_none=True)
    correction_note = fields.String(allow_none=True)
    corrects_id = fields.Integer(allow_none=True)
    version = fields.Integer(required=True)
    published_rating = fields.Dict(metadata={"description": "the rating as published"})
    digest = fields.String(metadata={"description": "for a draft: send it with propose"})


class ClaimDetailSchema(ClaimSummarySchema):
    text = fields.String()
    slug = fields.String(allow_none=True)
    sources = fields.List(fields.Nested(SourceSchema))
    verdicts = fields.List(fields.Nested(VerdictSchema))


class ClaimEditSchema(Strict):
    version = ident(metadata={"description": "the version you edited (or send If-Match)"})
    claim_reviewed = bounded(MAX_CLAIM_REVIEWED_LENGTH)
    claimant_name = bounded(MAX_CLAIMANT, allow_none=True)
    claimant_type = fields.String(
        allow_none=True, validate=validate.OneOf([t.value for t in ClaimantType])
    )
    claimant_same_as = bounded(MAX_URL_LENGTH, allow_none=True)
    claim_date = fields.Date(allow_none=True)
    appearance_url = bounded(MAX_URL_LENGTH, allow_none=True)
    appearance_headline = bounded(MAX_TITLE_LENGTH, allow_none=True)
    priority = fields.Integer(strict=True, validate=validate.Range(min=0, max=3))


class ActionResultSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class TakeNextSchema(Strict):
    language = bounded(16, allow_none=True)


class TakeNextResultSchema(Schema):
    claim = fields.Nested(ClaimSummarySchema, allow_none=True)


class DismissSchema(Strict):
    reason = bounded(MAX_REASON_LENGTH, required=True)
    duplicate_of = ident(allow_none=True)


class AssignSchema(Strict):
    assignee_id = ident(required=True)


class ProposeSchema(Strict):
    version = ident(required=True, metadata={"description": "the draft verdict's version"})
    digest = bounded(200, allow_none=True)


class VersionSchema(Strict):
    version = ident(required=True, metadata={"description": "the version you decided on"})


class CommentSchema(Strict):
    comment = bounded(MAX_COMMENT, required=True)


class SourceCreateSchema(Strict):
    url = bounded(MAX_URL_LENGTH, required=True)
    title = bounded(MAX_TITLE_LENGTH, required=True)
    publisher = bounded(MAX_PUBLISHER_LENGTH, allow_none=True)
    date_published = fields.Date(allow_none=True)
    date_accessed = fields.Date(allow_none=True)
    excerpt = bounded(MAX_EXCERPT_LENGTH, allow_none=True)
    stance = fields.String(required=True, validate=validate.OneOf([s.value for s in Stance]))
    archive_url = bounded(MAX_URL_LENGTH, allow_none=True)


class SourceEditSchema(SourceCreateSchema):
    version = ident(required=True)


class VerdictSaveSchema(Strict):
    rating_id = ident(allow_none=True)
    summary = bounded(MAX_SUMMARY, allow_none=True)
    explanation = bounded(MAX_EXPLANATION, allow_none=True)
    version = ident(
        allow_none=True, metadata={"description": "the draft's version; omit for a first draft"}
    )


class CorrectionSchema(Strict):
    rating_id = ident(allow_none=True)
    summary = bounded(MAX_SUMMARY, allow_none=True)
    explanation = bounded(MAX_EXPLANATION, allow_none=True)
    note = bounded(
        MAX_COMMENT, required=True, metadata={"description": "the public correction note"}
    )


class SourceListSchema(Schema):
    sources = fields.List(fields.Nested(SourceSchema))


class VerdictListSchema(Schema):
    verdicts = fields.List(fields.Nested(VerdictSchema))


# --- ratings, fact-checks, organisation, audit -------------------------------------------


class RatingValueSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    value = fields.Integer()
    definition = fields.String(allow_none=True)


class RatingScaleSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    language = fields.String()
    is_default = fields.Boolean()
    values = fields.List(fields.Nested(RatingValueSchema))


class RatingScaleListSchema(Schema):
    scales = fields.List(fields.Nested(RatingScaleSchema))


class FactCheckListArgs(Strict):
    before = query_ident(metadata={"description": "cursor: the `next` of the previous page"})
    limit = page_size()


class FactCheckSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String()
    url = fields.String(metadata={"description": "the public page"})
    claim_reviewed = fields.String()
    rating = fields.String(allow_none=True)
    language = fields.String(allow_none=True)


class FactCheckDetailSchema(FactCheckSchema):
    claim_review = fields.Dict(
        metadata={"description": "the schema.org ClaimReview JSON-LD, as the public page embeds"}
    )


class FactCheckPageSchema(Schema):
    fact_checks = fields.List(fields.Nested(FactCheckSchema))
    next = fields.Integer(allow_none=True)


class OrganisationSchema(Schema):
    name = fields.String()
    url = fields.String()
    methodology_url = fields.String(allow_none=True)
    corrections_policy_url = fields.String(allow_none=True)
    logo_url = fields.String(allow_none=True)
    same_as = fields.List(fields.String())
    version = fields.Integer(allow_none=True)
    saved = fields.Boolean()
    updated_at = fields.String(allow_none=True)


class AuditArgs(Strict):
    actor = bounded(254)
    action = bounded(64)
    entity_type = bounded(32)
    entity_id = bounded(64)
    outcome = fields.String(validate=validate.OneOf(["done", "refused"]))
    before = query_ident(metadata={"description": "cursor: the `next` of the previous page"})
    limit = page_size()


class AuditEventSchema(Schema):
    seq = fields.Integer()
    occurred_at = fields.String()
    actor = fields.String()
    actor_id = fields.Integer(allow_none=True)
    action = fields.String()
    entity_type = fields.String()
    entity_id = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    changes = fields.Dict()
    data = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    next = fields.Integer(allow_none=True)
