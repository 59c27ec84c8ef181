"""CSV of the queue: its filters, one row per claim, ISO dates, BOM, no formula runs."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from factcheck.claims.queries import article_choices
from factcheck.dashboard.csvexport import neutralise
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from tests.factories import make_article, make_claim, people_of, walk_claim
from tests.helpers import login

JSON = {"Accept": "application/json"}


def _rows(response) -> list[dict[str, str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8")[1:], newline="")))


def _world(app, users) -> dict[str, int]:
    with app.app_context():
        people = people_of(users)
        article = make_article(
            "Le Pentagone estime que 10 000 soldats ont été envoyés. "
            "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. "
            "La dette atteint 110 % du PIB selon la Cour des comptes.",
            title="Défense",
        )
        sentences = [s.strip() + "." for s in article.body.split(".") if s.strip()]
        published = walk_claim(
            people, make_claim(article, sentences[0], people["editor"]), "published"
        )
        review = walk_claim(
            people, make_claim(article, sentences[1], people["editor"]), "in_review"
        )
        new = make_claim(article, sentences[2], people["editor"])
        db.session.commit()
        return {"published": published.id, "review": review.id, "new": new.id}


def test_the_queue_filters_apply_to_the_csv(app, client, users):
    ids = _world(app, users)
    login(client, users["reviewer"].email)
    everything = _rows(client.get("/queue.csv"))
    assert sorted(int(r["id"]) for r in everything) == sorted(ids.values())
    published = client.get("/queue.csv?status=published")
    assert published.status_code == 200 and published.is_streamed
    assert published.headers["Content-Disposition"] == 'attachment; filename="queue.csv"'
    [row] = _rows(published)
    assert int(row["id"]) == ids["published"] and row["status"] == "published"
    assert row["rating"] == "Vrai" and row["reviewer"] == "Rita Reviewer"
    assert row["article"] == "Défense"
    assert row["public_url"].startswith("https://factcheck.example.org/fact-checks/")
    assert row["public_url"].endswith(f"-{ids['published']}")
    assert row["created_at"].endswith("Z") and "T" in row["created_at"]
    assert row["published_at"][:4].isdigit()
    mine = _rows(client.get("/queue.csv?assignee=me&status=in_review"))
    assert [int(r["id"]) for r in mine] == [ids["review"]]
    assert _rows(client.get("/queue.csv?q=dette")) and [
        int(r["id"]) for r in _rows(client.get("/queue.csv?q=dette"))
    ] == [ids["new"]]
    # The same claims, in the same order, as the queue page's JSON.
    page = client.get("/queue?sort=newest", headers=JSON).get_json()["claims"]
    assert [int(r["id"]) for r in _rows(client.get("/queue.csv?sort=newest"))] == [
        c["id"] for c in page
    ]


def test_a_malformed_filter_is_422_naming_it(client, users):
    login(client, users["reviewer"].email)
    response = client.get("/queue.csv?min_score=2", headers=JSON)
    assert response.status_code == 422 and response.get_json()["field"] == "min_score"
    # An unknown choice is ignored, as on the queue page.
    assert client.get("/queue.csv?status=bogus").status_code == 200


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Mark Rutte", "Mark Rutte"),
        ("a=b", "a=b"),
    ],
)
def test_formula_injection_is_neutralised(app, client, users, value, written):
    assert neutralise(value) == written
    ids = _world(app, users)
    with app.app_context():
        db.session.execute(
            sa.update(Claim).where(Claim.id == ids["new"]).values(claimant_name=value)
        )
        db.session.commit()
    login(client, users["editor"].email)
    [row] = _rows(client.get("/queue.csv?status=new"))
    assert row["claimant"] == written


def test_the_command_writes_the_same_csv_and_records_it(app, client, users, runner, tmp_path):
    ids = _world(app, users)
    target = tmp_path / "queue.csv"
    result = runner.invoke(args=["export", "csv", "--status", "published", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "wrote 1 claims" in result.output
    login(client, users["editor"].email)
    assert target.read_bytes() == client.get("/queue.csv?status=published").get_data()
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export.csv"))
        assert event is not None and '"count":1' in event.body
    everything = tmp_path / "all.csv"
    assert runner.invoke(args=["export", "csv", "-o", str(everything)]).exit_code == 0
    lines = everything.read_bytes().decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 1 + len(ids)


@pytest.mark.parametrize(
    "args",
    [["--status", "bogus"], ["--min-score", "3"], ["--assignee", "me"], ["--article", "0"]],
)
def test_the_command_refuses_bad_filters(runner, tmp_path, args):
    target = tmp_path / "x.csv"
    result = runner.invoke(args=["export", "csv", *args, "-o", str(target)])
    assert result.exit_code != 0 and not target.exists()


def test_the_command_refuses_an_unwritable_path(runner, tmp_path):
    result = runner.invoke(args=["export", "csv", "-o", str(tmp_path / "missing" / "x.csv")])
    assert result.exit_code == 1 and "cannot write" in result.output


def test_the_queue_page_links_its_filters_to_the_csv(client, users):
    login(client, users["reviewer"].email)
    html = client.get("/queue?status=queued&language=fr").get_data(as_text=True)
    assert '/queue.csv?status=queued&amp;language=fr" download>Export CSV</a>' in html or (
        '/queue.csv?language=fr&amp;status=queued" download>Export CSV</a>' in html
    )


def test_an_article_older_than_the_listed_ones_keeps_its_filter_on_the_page_and_the_csv(
    app, client, users
):
    """The page lists the 200 latest articles; one asked for beyond them still filters the queue,
    its JSON and its CSV alike, and the page's select shows it chosen. An id that names no
    article is an unknown choice: ignored by both, as the page's other choices are."""
    ids = _world(app, users)
    with app.app_context():
        old = db.session.get(Claim, ids["new"]).article
        another = make_article("Le budget compte 12 milliards. Et une suite.", title="Autre")
        other = make_claim(another)
        db.session.flush()
        later = old.created_at + timedelta(days=1)
        db.session.execute(
            sa.insert(Article),
            [
                {
                    "title": f"Later {n}",
                    "language": "fr",
                    "body": "x",
                    "raw": "x",
                    "content_hash": f"{n:064d}",
                    "created_at": later + timedelta(minutes=n),
                }
                for n in range(200)
            ],
        )
        db.session.commit()
        old_id, other_id, title = old.id, other.id, old.title
        assert old_id not in [i for i, _ in article_choices(db.session)]
    login(client, users["editor"].email)
    csv_ids = sorted(int(r["id"]) for r in _rows(client.get(f"/queue.csv?article={old_id}")))
    assert csv_ids == sorted(ids.values())
    page = client.get(f"/queue?article={old_id}", headers=JSON).get_json()["claims"]
    assert sorted(c["id"] for c in page) == csv_ids
    html = client.get(f"/queue?article={old_id}").get_data(as_text=True)
    assert f'<option selected value="{old_id}">{title}</option>' in html
    everything = sorted([*ids.values(), other_id])
    for missing in ("999999", "3000000000", "1" * 400, "²"):
        csv_all = sorted(int(r["id"]) for r in _rows(client.get(f"/queue.csv?article={missing}")))
        page = client.get(f"/queue?article={missing}", headers=JSON).get_json()["claims"]
        assert csv_all == sorted(c["id"] for c in page) == everything, missing


def test_the_command_streams_without_holding_the_write_lock(
    app, users, runner, tmp_path, monkeypatch
):
    """The export reads in its own read-only session (``clitools.read_session``): on SQLite the
    desk goes on saving while a long export streams."""
    import sqlite3

    from factcheck.dashboard import csvexport

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL writers do not share one lock")
    _world(app, users)
    real = csvexport.queue_rows
    seen = []

    def rows(*args, **kwargs):
        for row in real(*args, **kwargs):
            other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
            other.execute("BEGIN IMMEDIATE")  # fails at once if the export held the write lock
            other.rollback()
            other.close()
            seen.append(row)
            yield row

    monkeypatch.setattr(csvexport, "queue_rows", rows)
    result = runner.invoke(args=["export", "csv", "-o", str(tmp_path / "q.csv")])
    assert result.exit_code == 0, result.output
    assert len(seen) == 3
