"""The dashboard: figures from real rows on both databases, SVG charts beside the same tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.security import CONTENT_SECURITY_POLICY
from tests.factories import make_article, make_claim, people_of, walk_claim
from tests.helpers import login

JSON = {"Accept": "application/json"}
TODAY = datetime.now(UTC).date()


def _claims(app, users, count: int, to: str, language: str = "fr") -> list[int]:
    """``count`` claims of one article walked to ``to``; their ids."""
    with app.app_context():
        people = people_of(users)
        words = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")
        body = " ".join(
            f"Le rapport {words[n]} montre que {n + 20} des 32 membres paient."
            for n in range(count)
        )
        article = make_article(body, title=f"Article {to} {language}", language=language)
        ids = []
        for n in range(count):
            passage = f"Le rapport {words[n]} montre que {n + 20} des 32 membres paient."
            claim = make_claim(article, passage, people["editor"])
            claim.language = language
            walk_claim(people, claim, to)
            ids.append(claim.id)
        db.session.commit()
        return ids


def _set(app, claim_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(Claim).where(Claim.id == claim_id).values(**values))
        db.session.commit()


def _accepted_at(app, claim_id: int) -> datetime:
    with app.app_context():
        return db.session.scalar(
            sa.select(AuditEvent.occurred_at).where(
                AuditEvent.action == "claim.accept", AuditEvent.entity_id == str(claim_id)
            )
        )


def test_reviewers_are_refused_editors_see_it(app, client, users):
    login(client, users["reviewer"].email)
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/export.csv?table=weekly").status_code == 403


def test_median_and_90th_percentile_from_queued_to_published(app, client, users):
    ids = _claims(app, users, 3, "published")
    for claim_id, hours in zip(ids, (2, 4, 10), strict=True):
        _set(app, claim_id, published_at=_accepted_at(app, claim_id) + timedelta(hours=hours))
    login(client, users["editor"].email)
    # Ten hours after an afternoon acceptance is tomorrow: a range that ends today leaves it out.
    path = f"/dashboard?end={(datetime.now(UTC) + timedelta(hours=11)).date().isoformat()}"
    data = client.get(path, headers=JSON).get_json()
    assert data["median_hours"] == pytest.approx(4.0, abs=0.01)
    assert data["p90_hours"] == pytest.approx(8.8, abs=0.01)  # 4 + (10 - 4) * 0.8
    assert data["tables"]["time_to_publish"]["rows"] == [[3, 4.0, 8.8]]
    html = client.get(path).get_data(as_text=True)
    assert '<strong data-figure="median">4.0</strong>' in html
    assert '<strong data-figure="p90">8.8</strong>' in html


def test_weekly_counts_fall_in_their_weeks_and_follow_the_filters(app, client, users):
    fr = _claims(app, users, 2, "published", "fr")
    en = _claims(app, users, 1, "queued", "en")
    monday = TODAY - timedelta(days=TODAY.weekday())
    three_weeks_ago = datetime(monday.year, monday.month, monday.day, 12, tzinfo=UTC) - timedelta(
        weeks=3
    )
    _set(app, fr[0], created_at=three_weeks_ago, published_at=three_weeks_ago + timedelta(days=1))
    login(client, users["editor"].email)
    weekly = client.get("/dashboard", headers=JSON).get_json()["tables"]["weekly"]["rows"]
    by_week = {row[0]: row[1:] for row in weekly}
    old = (monday - timedelta(weeks=3)).isoformat()
    assert by_week[old] == [1, 0, 1]  # found and published that week; accepted this week
    assert by_week[monday.isoformat()] == [2, 3, 1]  # fr[1] and en[0] found; 3 accepted
    french = client.get("/dashboard?language=fr", headers=JSON).get_json()
    by_week = {row[0]: row[1:] for row in french["tables"]["weekly"]["rows"]}
    assert by_week[monday.isoformat()] == [1, 2, 1] and by_week[old] == [1, 0, 1]
    # A range that leaves the old week out.
    recent = client.get(
        f"/dashboard?start={(monday - timedelta(days=1)).isoformat()}&end={TODAY.isoformat()}",
        headers=JSON,
    ).get_json()
    assert old not in {row[0] for row in recent["tables"]["weekly"]["rows"]}
    assert sum(row[3] for row in recent["tables"]["weekly"]["rows"]) == 1
    assert en


def test_open_claims_by_status_and_age_and_load_per_reviewer(app, client, users):
    held = _claims(app, users, 3, "in_review")
    _set(app, held[0], created_at=datetime.now(UTC) - timedelta(days=3))
    _set(app, held[1], created_at=datetime.now(UTC) - timedelta(days=45))
    fresh = _claims(app, users, 1, "new", "en")
    login(client, users["editor"].email)
    data = client.get("/dashboard", headers=JSON).get_json()["tables"]
    rows = {row[0]: row[1:] for row in data["open"]["rows"]}
    assert rows["in review"] == [1, 1, 0, 1, 3]
    assert rows["new"] == [1, 0, 0, 0, 1]
    assert rows["queued"] == [0, 0, 0, 0, 0]
    assert data["load"]["rows"] == [["Rita Reviewer", 3, 0, 0]]
    english = client.get("/dashboard?language=en", headers=JSON).get_json()["tables"]
    assert {row[0]: row[-1] for row in english["open"]["rows"]}["in review"] == 0
    assert english["load"]["rows"] == []
    assert fresh


def test_verdicts_by_rating_and_language(app, client, users):
    _claims(app, users, 2, "published", "fr")
    _claims(app, users, 1, "published", "en")
    login(client, users["editor"].email)
    rows = client.get("/dashboard", headers=JSON).get_json()["tables"]["verdicts"]["rows"]
    assert sorted(map(tuple, rows)) == [("Vrai", "en", 1), ("Vrai", "fr", 2)]


def test_the_page_draws_svg_charts_beside_tables_with_the_same_figures(app, client, users):
    _claims(app, users, 2, "in_review")
    login(client, users["admin"].email)
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = response.get_data(as_text=True)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert "<script" not in html and 'style="' not in html
    for key in ("weekly", "open", "load", "verdicts", "time_to_publish"):
        assert f'id="table-{key}"' in html
    # The load chart's bar for Rita (in review: 2) and its table row say the same.
    assert "<title>Rita Reviewer, in review: 2</title>" in html
    assert '<th scope="row">Rita Reviewer</th><td class="num">2</td>' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01", "start"),
        ("start=yesterday", "start"),
        ("end=2026-02-30", "end"),
        ("end=20261201", "end"),
        ("start=2026-12-01&end=2026-11-01", "start"),
        ("start=2001-01-01&end=2026-11-01", "start"),
        ("language=<script>", "language"),
    ],
)
def test_a_malformed_or_reversed_range_is_422_naming_the_field(client, users, query, field):
    login(client, users["editor"].email)
    api = client.get(f"/dashboard?{query}", headers=JSON)
    assert api.status_code == 422 and api.get_json()["field"] == field
    assert field in api.get_json()["message"]
    page = client.get(f"/dashboard?{query}")
    assert page.status_code == 422
    csv = client.get(f"/dashboard/export.csv?table=weekly&{query}")
    assert csv.status_code == 422


def test_each_dashboard_table_downloads_as_the_same_csv(app, client, users):
    _claims(app, users, 2, "published")
    login(client, users["editor"].email)
    data = client.get("/dashboard", headers=JSON).get_json()["tables"]
    for key, table in data.items():
        response = client.get(f"/dashboard/export.csv?table={key}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        text = response.get_data().decode("utf-8")
        assert text.startswith("\ufeff")
        lines = text[1:].split("\r\n")
        assert lines[0] == ",".join(table["columns"])
        assert len([line for line in lines[1:] if line]) == len(table["rows"])
    unknown = client.get("/dashboard/export.csv?table=users", headers=JSON)
    assert unknown.status_code == 422 and unknown.get_json()["field"] == "table"
