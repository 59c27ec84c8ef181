"""Admin pages of webhooks (``/admin/webhooks``, admins only).

``admin`` is nested in the admin blueprint by ``factcheck/__init__.py`` (as the fact-check
memory's admin pages are), so the admin blueprint's admins-only check guards it. Each POST is on
the request spine (``factcheck.web``): validate its form (422 naming the field), call one
service, commit once and redirect; a refusal rolls back and shows the page again with its
status, or JSON to scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from factcheck import web
from factcheck.auth import wants_json
from factcheck.domain import DomainError, NotFound
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import WEBHOOK_EVENTS, User, WebhookDelivery, WebhookEndpoint
from factcheck.webhooks import services
from factcheck.webhooks.forms import ActionForm, EndpointForm

admin = Blueprint("webhooks", __name__, url_prefix="/webhooks")

# How the pages name a delivery's state (the stored value stays English).
DELIVERY_STATE_LABELS = {
    "pending": _l("pending"),
    "succeeded": _l("succeeded"),
    "failed": _l("failed"),
}


@admin.context_processor
def _labels() -> dict[str, Any]:
    return {"delivery_state_labels": DELIVERY_STATE_LABELS}


def _actor() -> User:
    user: User = current_user._get_current_object()
    return user


def _endpoint(webhook_id: int) -> WebhookEndpoint:
    try:
        return services.get_endpoint(db.session, webhook_id)
    except NotFound:
        abort(404)


def _form_data(form: EndpointForm) -> dict[str, Any]:
    return {
        "url": form.url.data,
        "description": form.description.data,
        "events": form.events.data or [],
        "active": bool(form.active.data),
    }


def _apply(
    form: Any, change: Callable[[], Any], page: Callable[[], str], done: Callable[[], Any]
) -> ResponseReturnValue:
    """On the spine: validate ``form`` (its CSRF token), run ``change``, commit once and answer
    ``done()``; a refusal flashes its message, marks its field and shows ``page`` again."""

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        if exc.field and exc.field in form:
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        return page(), status

    web.refuse_with(refused)
    web.validate(form, web.form_refusal)
    web.run(change)
    return done()


def _index_page(form: EndpointForm | None = None) -> str:
    return render_template(
        "webhooks/index.html",
        rows=services.list_endpoints(db.session),
        form=form or EndpointForm(formdata=None, events=list(WEBHOOK_EVENTS)),
    )


def _endpoint_page(endpoint: WebhookEndpoint, form: EndpointForm | None = None) -> str:
    return render_template(
        "webhooks/endpoint.html",
        endpoint=endpoint,
        deliveries=services.recent_deliveries(db.session, endpoint),
        form=form
        or EndpointForm(
            formdata=None,
            url=endpoint.url,
            description=endpoint.description,
            events=endpoint.events,
            active=endpoint.active,
        ),
        action_form=ActionForm(formdata=None),
    )


def endpoint_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }


@admin.get("")
def index() -> ResponseReturnValue:
    if wants_json():
        return jsonify(
            endpoints=[
                {**endpoint_json(e), "deliveries": counts}
                for e, counts in services.list_endpoints(db.session)
            ]
        )
    return _index_page()


@admin.post("")
def create() -> ResponseReturnValue:
    form = EndpointForm()
    made: list[WebhookEndpoint] = []

    def change() -> None:
        made.append(services.create_endpoint(db.session, _form_data(form), actor=_actor()))

    def done() -> ResponseReturnValue:
        endpoint = made[0]
        if wants_json():
            return jsonify(endpoint={**endpoint_json(endpoint), "secret": endpoint.secret}), 201
        flash(_("Endpoint registered. Give its signing secret (below) to the receiver."), "success")
        return redirect(url_for(".endpoint", webhook_id=endpoint.id))

    return _apply(form, change, lambda: _index_page(form), done)


@admin.get("/<int:webhook_id>")
def endpoint(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)
    if wants_json():
        return jsonify(
            endpoint=endpoint_json(found),
            deliveries=[delivery_json(d) for d in services.recent_deliveries(db.session, found)],
        )
    return _endpoint_page(found)


@admin.post("/<int:webhook_id>")
def edit(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)
    form = EndpointForm()
    return _apply(
        form,
        lambda: services.update_endpoint(db.session, found, _form_data(form), actor=_actor()),
        lambda: _endpoint_page(found, form),
        lambda: _done(_("Endpoint saved."), found),
    )


@admin.post("/<int:webhook_id>/secret")
def rotate_secret(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)
    return _apply(
        ActionForm(),
        lambda: services.rotate_secret(db.session, found, actor=_actor()),
        lambda: _endpoint_page(found),
        lambda: _done(_("New secret made: give it to the receiver."), found),
    )


@admin.post("/<int:webhook_id>/remove")
def remove(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)

    def done() -> ResponseReturnValue:
        if wants_json():
            return jsonify(removed=webhook_id)
        flash(_("Endpoint removed."), "success")
        return redirect(url_for(".index"))

    return _apply(
        ActionForm(),
        lambda: services.remove_endpoint(db.session, found, actor=_actor()),
        lambda: _endpoint_page(found),
        done,
    )


@admin.post("/<int:webhook_id>/deliveries/<int:delivery_id>/resend")
def resend(webhook_id: int, delivery_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)
    try:
        delivery = services.get_delivery(db.session, found, delivery_id)
    except NotFound:
        abort(404)
    return _apply(
        ActionForm(),
        lambda: services.send_again(db.session, delivery, actor=_actor()),
        lambda: _endpoint_page(found),
        lambda: _done(_("Delivery queued again: a worker sends it shortly."), found),
    )


def _done(message: str, endpoint: WebhookEndpoint) -> ResponseReturnValue:
    if wants_json():
        return jsonify(endpoint=endpoint_json(endpoint))
    flash(message, "success")
    return redirect(url_for(".endpoint", webhook_id=endpoint.id))


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "event": {
            "id": delivery.event.message_id,
            "type": delivery.event.type,
            "occurred_at": delivery.event.occurred_at.isoformat(),
        },
        "state": delivery.state.value,
        "attempts": [
            {
                "number": a.number,
                "started_at": a.started_at.isoformat(),
                "duration_ms": a.duration_ms,
                "status_code": a.status_code,
                "succeeded": a.succeeded,
                "error": a.error,
            }
            for a in delivery.attempt_log
        ],
        "next_attempt_at": delivery.next_attempt_at.isoformat()
        if delivery.next_attempt_at
        else None,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
    }
