"""My work, notifications and notification preferences, on the request spine (``factcheck.web``).

Each POST checks its form, then calls one service through :func:`factcheck.web.run` (one commit);
a refusal is rolled back by the spine and answered as JSON, or as a flash on the page it came from.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from factcheck import web
from factcheck.auth import wants_json
from factcheck.domain import DomainError
from factcheck.errors import error_response
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.inbox import mail, services
from factcheck.inbox.forms import ActionForm, MarkReadForm, PreferencesForm
from factcheck.models import Notification, Role, User
from factcheck.web.spine import RefusalPage

bp = Blueprint("inbox", __name__)


def _me() -> User:
    me: User = current_user._get_current_object()
    return me


@bp.app_context_processor
def _navigation_counts() -> dict[str, Any]:
    """``inbox_counts()`` for the header: one query per page, only when the page asks."""

    def inbox_counts() -> services.Counts | None:
        if not current_user.is_authenticated:
            return None
        if "inbox_counts" not in g:
            g.inbox_counts = services.counts(db.session, _me())
        counts: services.Counts = g.inbox_counts
        return counts

    def mail_trouble() -> mail.MailStatus | None:
        """Admins are told on every page when notification e-mail is not getting through."""
        if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN):
            return None
        found = mail.status(db.session)
        return found if found.in_trouble else None

    return {"inbox_counts": inbox_counts, "mail_trouble": mail_trouble}


def _notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind.value,
        "claim_id": n.claim_id,
        "message": n.message,
        "created_at": n.created_at.isoformat(),
        "read": n.is_read,
        "mail_state": n.mail_state.value if n.mail_state else None,
    }


def _back_to(back: str) -> RefusalPage:
    """A refused action, in a browser: its message flashed on the page it came from."""

    def refused(exc: DomainError, _status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        return redirect(url_for(back)), 303

    return refused


@bp.get("/my-work")
def my_work() -> ResponseReturnValue:
    work = services.my_work(db.session, _me())
    g.inbox_counts = work.counts
    if wants_json():
        return jsonify(
            counts={**vars(work.counts), "my_work": work.counts.my_work},
            changes_requested=[c.id for c, _ in work.changes_requested],
            held=[c.id for c in work.held],
            to_approve=[{"claim_id": c.id, "verdict_id": v.id} for c, v in work.to_approve],
            new=[c.id for c in work.new],
            csrf_token=generate_csrf(),
        )
    return render_template("inbox/my_work.html", work=work, action_form=ActionForm())


@bp.post("/my-work/seen")
def mark_seen() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate():
        return error_response(400, _l("The form expired; reload the page and try again."))
    web.run(lambda: services.mark_claims_seen(db.session, _me()))
    if wants_json():
        return jsonify(ok=True)
    flash(gettext("New claims marked as seen."), "success")
    return redirect(url_for("inbox.my_work"), 303)


@bp.get("/notifications")
def notifications() -> ResponseReturnValue:
    unread_only = request.args.get("show") == "unread"
    items = services.list_notifications(db.session, _me(), unread_only=unread_only)
    if wants_json():
        return jsonify(
            notifications=[_notification_json(n) for n in items], csrf_token=generate_csrf()
        )
    return render_template(
        "inbox/notifications.html",
        items=items,
        unread_only=unread_only,
        read_form=MarkReadForm(formdata=None),
        action_form=ActionForm(),
        mail_status=mail.status(db.session) if _me().has_role(Role.ADMIN) else None,
    )


@bp.post("/notifications/read")
def mark_read() -> ResponseReturnValue:
    form = MarkReadForm()
    if not form.validate():
        if "csrf_token" in form.errors:
            return error_response(400, _l("The form expired; reload the page and try again."))
        return error_response(422, "id: " + "; ".join(str(e) for e in form.id.errors), "id")
    web.refuse_with(_back_to("inbox.notifications"))
    web.run(lambda: services.mark_read(db.session, _me(), [int(form.id.data)]))
    if wants_json():
        return jsonify(ok=True)
    return redirect(url_for("inbox.notifications"), 303)


@bp.post("/notifications/read-all")
def mark_all_read() -> ResponseReturnValue:
    form = ActionForm()
    if not form.validate():
        return error_response(400, _l("The form expired; reload the page and try again."))
    count = web.run(lambda: services.mark_all_read(db.session, _me()))
    if wants_json():
        return jsonify(marked=count)
    flash(
        ngettext(
            "%(num)d notification marked as read.", "%(num)d notifications marked as read.", count
        ),
        "success",
    )
    return redirect(url_for("inbox.notifications"), 303)


@bp.route("/account/notifications", methods=["GET", "POST"])
def preferences() -> ResponseReturnValue:
    me = _me()
    form = PreferencesForm(obj=me if request.method == "GET" else None)
    if request.method == "POST":
        if not form.validate():
            return error_response(400, _l("The form expired; reload the page and try again."))
        changed = web.run(
            lambda: services.set_preferences(
                db.session, me, email_notifications=bool(form.email_notifications.data)
            )
        )
        if wants_json():
            return jsonify(email_notifications=me.email_notifications)
        flash(gettext("Preferences saved.") if changed else gettext("Nothing changed."), "success")
        return redirect(url_for("inbox.preferences"), 303)
    if wants_json():
        return jsonify(email_notifications=me.email_notifications, csrf_token=generate_csrf())
    return render_template(
        "inbox/preferences.html", form=form, mail_configured=mail.status(db.session).configured
    )
