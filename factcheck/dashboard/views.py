"""The dashboard (editors and admins) and the CSV exports: parse, query, render or stream."""

from __future__ import annotations

from collections.abc import Iterator

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_login import current_user

from factcheck.auth import role_required, wants_json
from factcheck.claims import queries
from factcheck.claims.forms import QueueFilterForm
from factcheck.dashboard import charts, csvexport, figures
from factcheck.domain import ValidationError
from factcheck.errors import refusal_response
from factcheck.extensions import db
from factcheck.models import Role, User
from factcheck.publishing.services import organisation

bp = Blueprint("dashboard", __name__)

# The chart of each table: (label column, series columns).
CHARTS = {
    "weekly": (0, [1, 2, 3]),
    "open": (0, [5]),
    "load": (0, [1, 2, 3]),
}


def shown(table: figures.Table) -> figures.Table:
    """The table as the page shows it: its title, columns and note in the interface's language
    (and the states of the "open" table); the CSV and the JSON keep the English ones."""
    rows = [list(row) for row in table.rows]
    if table.key == "open":
        for row in rows:
            row[0] = gettext(row[0])
    return figures.Table(
        table.key,
        gettext(table.title),
        [gettext(column) for column in table.columns],
        rows,
        gettext(table.note) if table.note else None,
    )


def _me() -> User:
    me: User = current_user._get_current_object()
    return me


def _filters() -> figures.Filters:
    return figures.parse_filters(request.args)


def _csv(chunks: Iterator[str], filename: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/dashboard")
@role_required(Role.EDITOR)
def index() -> ResponseReturnValue:
    try:
        filters = _filters()
    except ValidationError as exc:
        return refusal_response(exc)
    board = figures.dashboard(db.session, filters)
    if wants_json():
        return jsonify(
            filters=filters.args(),
            median_hours=board.median_hours,
            p90_hours=board.p90_hours,
            tables={
                key: {
                    "title": t.title,
                    "columns": t.columns,
                    "rows": [
                        [
                            csvexport.neutralise(c) if not isinstance(c, int | float) else c
                            for c in row
                        ]
                        for row in t.rows
                    ],
                }
                for key, t in board.tables.items()
            },
        )
    board.tables = {key: shown(table) for key, table in board.tables.items()}
    drawn = {
        key: charts.bar_chart(board.tables[key], label, series)
        for key, (label, series) in CHARTS.items()
    }
    verdict_table = board.tables["verdicts"]
    verdict_rows = figures.Table(
        "verdicts",
        verdict_table.title,
        [gettext("rating · language"), gettext("published")],
        [[f"{r[0]} · {r[1]}", r[2]] for r in verdict_table.rows],
    )
    drawn["verdicts"] = charts.bar_chart(verdict_rows, 0, [1])
    return render_template(
        "dashboard/index.html",
        board=board,
        charts=drawn,
        languages=queries.language_choices(db.session),
    )


@bp.get("/dashboard/export.csv")
@role_required(Role.EDITOR)
def table_csv() -> ResponseReturnValue:
    try:
        filters = _filters()
        table = figures.one_table(db.session, filters, request.args.get("table") or "weekly")
    except ValidationError as exc:
        return refusal_response(exc)
    name = f"dashboard-{table.key}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    return _csv(csvexport.table_lines(table), name)


@bp.get("/queue.csv")
def queue_csv() -> ResponseReturnValue:
    try:
        filters = QueueFilterForm(request.args).filters(db.session)
    except ValidationError as exc:
        return refusal_response(exc)
    org_url = organisation(db.session, current_app.config).url
    rows = csvexport.queue_rows(db.session, filters, _me(), org_url)
    return _csv(csvexport.lines(csvexport.QUEUE_COLUMNS, rows), "queue.csv")
