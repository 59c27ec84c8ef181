"""The data model, one module per aggregate."""

from factcheck.models.api_token import ApiToken, Scope
from factcheck.models.article import Article
from factcheck.models.audit import GENESIS_HASH, AuditChainHead, AuditEvent
from factcheck.models.base import Base, utcnow
from factcheck.models.claim import Claim, ClaimantType, ClaimStatus, ClaimStatusCount
from factcheck.models.dashboard import (
    ClaimAssigneeCount,
    ClaimDayCount,
    ClaimPublication,
    ClaimTriageDayCount,
    TriageDayCount,
)
from factcheck.models.feed import FeedRevision
from factcheck.models.job import Job, JobState
from factcheck.models.memory import ClaimMatch, FollowedFeed, ImportedFactCheck, MatchDecision
from factcheck.models.notification import MailState, Notification, NotificationKind
from factcheck.models.organisation import OrganisationSettings
from factcheck.models.outlet import Outlet, OutletKind, SnapshotStatus, SourceSnapshot
from factcheck.models.rating import RatingScale, RatingValue
from factcheck.models.review import (
    PUBLISHED_STATES,
    SNAPSHOT_FIELDS,
    Note,
    Source,
    Stance,
    Verdict,
    VerdictState,
)
from factcheck.models.user import Role, User, UserSession
from factcheck.models.webhooks import (
    WEBHOOK_EVENTS,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "GENESIS_HASH",
    "PUBLISHED_STATES",
    "SNAPSHOT_FIELDS",
    "WEBHOOK_EVENTS",
    "ApiToken",
    "Article",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Claim",
    "ClaimAssigneeCount",
    "ClaimDayCount",
    "ClaimMatch",
    "ClaimPublication",
    "ClaimStatus",
    "ClaimStatusCount",
    "ClaimTriageDayCount",
    "ClaimantType",
    "DeliveryState",
    "FeedRevision",
    "FollowedFeed",
    "ImportedFactCheck",
    "Job",
    "JobState",
    "MailState",
    "MatchDecision",
    "Note",
    "Notification",
    "NotificationKind",
    "OrganisationSettings",
    "Outlet",
    "OutletKind",
    "RatingScale",
    "RatingValue",
    "Role",
    "Scope",
    "SnapshotStatus",
    "Source",
    "SourceSnapshot",
    "Stance",
    "TriageDayCount",
    "User",
    "UserSession",
    "Verdict",
    "VerdictState",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "utcnow",
]
