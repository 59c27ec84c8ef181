"""Every action the audit trail records, named once.

A ``StrEnum``: each member *is* its string (``AuditAction.CLAIM_TAKE == "claim.take"``), so the
stored events, their hashes and every export stay byte for byte as before. ``record()`` refuses
an action that is not here, so a new kind of event is added to this table first. A refused
request is recorded as its action plus ``.denied`` (``claim.take.denied``; an endpoint that
declares no action is named after itself, see ``audit/refusals.py``).
"""

from __future__ import annotations

from enum import StrEnum

DENIED_SUFFIX = ".denied"


class AuditAction(StrEnum):
    # articles and claims
    ARTICLE_INGEST = "article.ingest"
    CLAIM_CREATE = "claim.create"
    CLAIM_EDIT = "claim.edit"
    CLAIM_ACCEPT = "claim.accept"
    CLAIM_DISMISS = "claim.dismiss"
    CLAIM_REOPEN = "claim.reopen"
    CLAIM_TAKE = "claim.take"
    CLAIM_ASSIGN = "claim.assign"
    CLAIM_HAND_BACK = "claim.hand_back"
    CLAIM_PROPOSE = "claim.propose"
    CLAIM_SEND_BACK = "claim.send_back"
    CLAIM_PUBLISH = "claim.publish"
    CLAIM_CORRECT = "claim.correct"
    CLAIM_BULK_TRIAGE = "claim.bulk_triage"  # the queue's bulk accept/dismiss (refusals only)
    CLAIM_MARK_EXAMPLE = "claim.mark_example"
    CLAIM_MATCH_LINKED = "claim.match_linked"  # "claim.match_" + MatchDecision
    CLAIM_MATCH_DUPLICATE = "claim.match_duplicate"
    # review: sources, verdicts, notes
    SOURCE_ADD = "source.add"
    SOURCE_EDIT = "source.edit"
    SOURCE_REMOVE = "source.remove"
    VERDICT_DRAFT = "verdict.draft"
    VERDICT_EDIT = "verdict.edit"
    VERDICT_PROPOSE = "verdict.propose"
    VERDICT_APPROVE = "verdict.approve"
    VERDICT_SEND_BACK = "verdict.send_back"
    VERDICT_CORRECT = "verdict.correct"
    VERDICT_CORRECTION_DRAFT = "verdict.correction_draft"
    VERDICT_APPROVE_CORRECTION = "verdict.approve_correction"
    VERDICT_SUPERSEDE = "verdict.supersede"
    VERDICT_DISCARD = "verdict.discard"
    # A note on a published verdict (its correction_note); the trail consistency check
    # compares it with the row (tests/maintenance records one), no desk page writes it yet.
    VERDICT_ANNOTATE = "verdict.annotate"
    NOTE_ADD = "note.add"
    # administration
    USER_CREATE = "user.create"
    USER_ROLE = "user.role"
    USER_ACTIVATE = "user.activate"
    USER_DEACTIVATE = "user.deactivate"
    USER_ACTIVE = "user.active"  # the endpoint that does either; refused as user.active.denied
    USER_PASSWORD = "user.password"  # noqa: S105 - an action name, not a password
    RATING_SCALE_CREATE = "rating_scale.create"
    RATING_SCALE_EDIT = "rating_scale.edit"
    RATING_VALUE_ADD = "rating_value.add"
    RATING_VALUE_EDIT = "rating_value.edit"
    RATING_VALUE_MOVE = "rating_value.move"
    RATING_VALUE_DELETE = "rating_value.delete"
    ORGANISATION_EDIT = "organisation.edit"
    MODEL_SWITCH = "model.switch"
    # sign-in
    LOGIN_SUCCESS = "login.success"
    LOGIN_FAILURE = "login.failure"
    LOGIN_2FA_FAILURE = "login.2fa_failure"
    LOGIN_THROTTLED = "login.throttled"
    LOGOUT = "logout"
    TWO_FACTOR_ENABLE = "2fa.enable"
    TWO_FACTOR_DISABLE = "2fa.disable"
    # the trail, exports, the fact-check memory
    AUDIT_VERIFY = "audit.verify"
    AUDIT_EXPORT = "audit.export"
    EXPORT_CLAIMREVIEW = "export.claimreview"
    FACT_CHECK_IMPORT = "fact_check.import"
    FACT_CHECK_REIMPORT = "fact_check.reimport"
    # jobs, outlets, snapshots
    JOB_SUBMIT = "job.submit"
    JOB_RESUBMIT = "job.resubmit"
    OUTLET_ADD = "outlet.add"
    OUTLET_PAUSE = "outlet.pause"
    OUTLET_POLL = "outlet.poll"
    OUTLET_POLL_NOW = "outlet.poll_now"
    OUTLET_REMOVE = "outlet.remove"
    OUTLET_RESUME = "outlet.resume"
    FEED_FOLLOW = "feed.follow"
    FEED_UNFOLLOW = "feed.unfollow"
    SNAPSHOT_CAPTURE = "snapshot.capture"
    SNAPSHOT_FAIL = "snapshot.fail"
    # my work, notifications, e-mail, CSV
    INBOX_SEEN = "inbox.seen"
    NOTIFICATION_READ = "notification.read"
    USER_PREFERENCES = "user.preferences"
    MAIL_SENT = "mail.sent"
    MAIL_FAILED = "mail.failed"
    EXPORT_CSV = "export.csv"
    # API tokens
    API_TOKEN_CREATE = "api_token.create"  # noqa: S105 - an action name, not a token
    API_TOKEN_REVOKE = "api_token.revoke"  # noqa: S105
    API_TOKEN_USE = "api_token.use"  # noqa: S105
    # webhooks
    WEBHOOK_ADD = "webhook.add"
    WEBHOOK_EDIT = "webhook.edit"
    WEBHOOK_REMOVE = "webhook.remove"
    WEBHOOK_RESEND = "webhook.resend"
    WEBHOOK_ROTATE_SECRET = "webhook.rotate_secret"  # noqa: S105 - an action name, not a secret


def is_denied(action: str) -> bool:
    """Whether ``action`` records a refusal rather than a change."""
    return action.endswith(DENIED_SUFFIX)


def is_known(action: str) -> bool:
    """An action of the table, or a refusal (``….denied``) of one or of a named endpoint."""
    if is_denied(action):
        return bool(action.removesuffix(DENIED_SUFFIX))
    return action in AuditAction._value2member_map_
