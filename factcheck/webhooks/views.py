"""Admin pages of webhooks, nested in the admin blueprint (``/admin/webhooks``, admins only).

Each POST validates its form, calls one service, commits once and redirects; a refusal rolls
back and shows the page again with its status (422 naming the field), or JSON to scripts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from factcheck.admin.views import bp as admin_bp
from factcheck.auth import wants_json
from factcheck.domain import DomainError, NotFound, ValidationError
from factcheck.errors import error_response, status_of
from factcheck.extensions import db
from factcheck.models import WEBHOOK_EVENTS, User, WebhookDelivery, WebhookEndpoint
from factcheck.webhooks import services
from factcheck.webhooks.forms import ActionForm, EndpointForm

bp = Blueprint("webhooks_public", __name__)  # nothing public: the pages nest in ``admin``
admin = Blueprint("webhooks", __name__, url_prefix="/webhooks")


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
    """Validate ``form`` (its CSRF token), run ``change``, commit once and answer ``done()``."""
    if not form.validate_on_submit():
        name, errors = next((n, e) for n, e in form.errors.items() if e)
        exc: DomainError = ValidationError(f"{name}: {'; '.join(map(str, errors))}", field=name)
        status = 422
    else:
        try:
            change()
        except DomainError as caught:
            exc, status = caught, status_of(caught)
        else:
            db.session.commit()
            return done()
    db.session.rollback()
    if wants_json():
        return error_response(status, exc.message, exc.field)
    flash(exc.message, "error")
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    status_of(exc)  # the recorded refusal names the rule
    return page(), status


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
        flash("Endpoint registered. Give its signing secret (below) to the receiver.", "success")
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
        lambda: _done("Endpoint saved.", found),
    )


@admin.post("/<int:webhook_id>/secret")
def rotate_secret(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)
    return _apply(
        ActionForm(),
        lambda: services.rotate_secret(db.session, found, actor=_actor()),
        lambda: _endpoint_page(found),
        lambda: _done("New secret made: give it to the receiver.", found),
    )


@admin.post("/<int:webhook_id>/remove")
def remove(webhook_id: int) -> ResponseReturnValue:
    found = _endpoint(webhook_id)

    def done() -> ResponseReturnValue:
        if wants_json():
            return jsonify(removed=webhook_id)
        flash("Endpoint removed.", "success")
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
        lambda: _done("Delivery queued again: a worker sends it shortly.", found),
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


admin_bp.register_blueprint(admin)
