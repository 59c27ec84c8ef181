"""Whole pages against a bare Flask + SQLAlchemy + Jinja page of the same rows, in one run.

    .venv/bin/python bench/bench_pages.py [--count 100000] [--rounds 150] [--postgres URL]

Seeds ``count`` claims (bulk) into a SQLite file migrated to head, plus, through the services,
one claim in review with three sources, a draft verdict and a note (the desk) and one published
claim (the public page). Then, through Flask's test client and in turn so the shared CPU's load
hits both alike, the median ms of:

* ``/queue`` for a signed-in reviewer, default filters and with a search (``q=rutte``), against a
  bare page: a plain Flask app whose view selects the same 50 claims with the ORM (the same
  order, joined to article and assignee; the same full-text condition for the search) and renders
  them with a Jinja table of the same columns;
* ``/claims/<id>`` (the desk) against a bare page of that claim with its article, sources,
  verdicts and notes;
* ``/fact-checks/<slug>`` (public, signed out) against a bare page of the published claim with its
  verdict, rating and sources.

Each ratio is bare ms / app ms (1.0 = as fast as the bare stack), with its goal, and the number
of SQL statements each app page ran (counted by a SQLAlchemy event listener). ``--postgres URL``
runs the same in a ``bench_pages`` schema of that database (dropped first, and at the end).
"""

# ruff: noqa: E501 - the bare pages' templates are written out on long lines
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from _common import (
    PASSWORD,
    counted_statements,
    drop_postgres_schema,
    interleaved,
    make_app,
    postgres_reachable,
    postgres_schema_url,
    seed_claims,
    verdict,
)
from flask import Flask, render_template_string
from sqlalchemy.orm import Session, contains_eager, selectinload

GOALS = {"queue": 0.8, "queue q=rutte": 0.8, "desk": 0.7, "public page": 0.7}
MAX_QUEUE_STATEMENTS = 8
SOURCES = [
    {
        "url": f"https://www.nato.int/report-{n}.pdf",
        "title": f"Defence expenditure report {n}",
        "publisher": "NATO",
        "date_published": date(2024, 6, 17),
        "excerpt": "23 Allies meet the 2% guideline.",
        "stance": "supports",
    }
    for n in range(3)
]

BARE_LAYOUT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ title }}</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">Desk</a></header><main>{% block content %}{% endblock %}</main></body></html>
"""
BARE_QUEUE = """{% extends layout %}{% block content %}<h1>Claim queue</h1>
<table class="data queue"><thead><tr><th>Claim</th><th>Status</th><th>Score</th><th>Claimant</th>
<th>Article</th><th>Assignee</th><th>Age</th></tr></thead><tbody>
{% for claim in claims %}<tr>
<td><a href="{{ url_for('claim', claim_id=claim.id) }}" lang="{{ claim.language }}">{{ claim.claim_reviewed|truncate(140) }}</a>
<div>#{{ claim.id }} · {{ claim.language }}{% if claim.priority %} · priority {{ claim.priority }}{% endif %}</div></td>
<td><span class="status status-{{ claim.status.value }}">{{ claim.status.value }}</span></td>
<td>{{ '%.2f'|format(claim.score) if claim.score is not none else '—' }}</td>
<td>{{ claim.claimant_name or '—' }}</td>
<td>{% if claim.article %}<a href="/articles/{{ claim.article.id }}">{{ claim.article.title|truncate(48) }}</a>{% endif %}</td>
<td>{{ claim.assignee.display_name if claim.assignee else 'unassigned' }}</td>
<td><time datetime="{{ claim.created_at.isoformat() }}">{{ claim.created_at.strftime('%Y-%m-%d %H:%M') }}</time></td>
</tr>{% endfor %}</tbody></table>{% endblock %}
"""
BARE_DESK = """{% extends layout %}{% block content %}<h1>Claim #{{ claim.id }}</h1>
<blockquote lang="{{ claim.language }}">{{ claim.text }}</blockquote>
<p>{{ claim.claim_reviewed }} — {{ claim.claimant_name or '—' }} — {{ claim.status.value }}</p>
<p>Article: {{ claim.article.title if claim.article else '—' }}</p>
<h2>Sources</h2><ul>{% for s in claim.sources %}<li><a href="{{ s.url }}">{{ s.title }}</a>
{{ s.publisher }} {{ s.date_published }} {{ s.stance.value }}<q>{{ s.excerpt }}</q></li>{% endfor %}</ul>
<h2>Verdicts</h2><ul>{% for v in claim.verdicts %}<li>{{ v.state.value }} {{ v.summary }} {{ v.explanation }}</li>{% endfor %}</ul>
<h2>Notes</h2><ul>{% for n in claim.notes %}<li>{{ n.body }}</li>{% endfor %}</ul>
<form method="post"><textarea name="summary"></textarea><button>Save</button></form>
{% endblock %}
"""
BARE_PUBLIC = """{% extends layout %}{% block content %}<article><h1>{{ claim.claim_reviewed }}</h1>
<p>{{ claim.claimant_name or '—' }}</p><p class="rating">{{ v.snapshot_label }} ({{ v.snapshot_value }}/{{ v.snapshot_best }})</p>
<p>{{ v.summary }}</p><div>{{ v.explanation }}</div>
<h2>Sources</h2><ul>{% for s in claim.sources %}<li><a href="{{ s.url }}">{{ s.title }}</a> {{ s.publisher }}</li>{% endfor %}</ul>
<p>Published {{ claim.published_at.strftime('%Y-%m-%d') if claim.published_at else '' }}</p></article>{% endblock %}
"""


def bare_app(url: str) -> Flask:
    """Flask + SQLAlchemy (the same models, one session per request) + Jinja, nothing else."""
    from factcheck.claims import queries
    from factcheck.models import Claim

    engine = sa.create_engine(url)
    app = Flask("bare")
    layout = app.jinja_env.from_string(BARE_LAYOUT)

    def page(session: Session, q: str | None) -> list[Claim]:
        stmt = (
            sa.select(Claim)
            .outerjoin(Claim.article)
            .outerjoin(Claim.assignee)
            .options(contains_eager(Claim.article), contains_eager(Claim.assignee))
            .order_by(*queries.order_by(queries.SORTS["priority"][1]))
            .limit(50)
        )
        if q:
            stmt = stmt.where(queries.search_condition(session, [q]))
        return list(session.scalars(stmt))

    @app.get("/queue")
    def queue() -> str:
        from flask import request

        with Session(engine) as session:
            claims = page(session, request.args.get("q"))
            return render_template_string(BARE_QUEUE, layout=layout, claims=claims, title="Queue")

    @app.get("/claims/<int:claim_id>")
    def claim(claim_id: int) -> str:
        with Session(engine) as session:
            found = session.scalar(
                sa.select(Claim)
                .where(Claim.id == claim_id)
                .options(
                    selectinload(Claim.sources),
                    selectinload(Claim.verdicts),
                    selectinload(Claim.notes),
                )
            )
            assert found is not None
            return render_template_string(BARE_DESK, layout=layout, claim=found, title="Claim")

    @app.get("/fact-checks/<slug>")
    def public(slug: str) -> str:
        with Session(engine) as session:
            found = session.scalar(
                sa.select(Claim)
                .where(Claim.slug == slug)
                .options(selectinload(Claim.sources), selectinload(Claim.published_verdict))
            )
            assert found is not None and found.published_verdict is not None
            return render_template_string(
                BARE_PUBLIC, layout=layout, claim=found, v=found.published_verdict, title="FC"
            )

    app.config["bare_engine"] = engine
    return app


def seed_workflow(app: Any) -> tuple[int, str]:
    """Through the services: a claim in review with sources, a draft verdict and a note (its
    reviewer is ``bench1``), and a published claim. Returns (desk claim id, public slug)."""
    from factcheck.auth.services import create_user
    from factcheck.extensions import db
    from factcheck.models import Role, User
    from factcheck.ratings.services import ensure_default_scales
    from factcheck.review import services as review
    from tests.factories import make_article, make_claim, walk_claim

    with app.app_context():
        ensure_default_scales(db.session, actor=None)
        people = {
            "editor": db.session.scalar(sa.select(User).where(User.email == "bench0@example.org")),
            "reviewer": db.session.scalar(
                sa.select(User).where(User.email == "bench1@example.org")
            ),
            "editor2": create_user(
                db.session,
                email="approver@example.org",
                password=PASSWORD,
                role=Role.EDITOR,
                display_name="Approver",
                actor=None,
            ),
        }
        desk = make_claim(
            make_article(
                body="Le Pentagone estime que 10 000 soldats ont été envoyés en Russie. Fin.",
                title="Desk article",
            ),
            actor=people["reviewer"],
        )
        walk_claim(people, desk, "sourced", sources=SOURCES)
        review.add_note(db.session, desk, "Vérifier la date du briefing.", actor=people["reviewer"])
        published = walk_claim(
            people,
            make_claim(
                make_article(
                    body="Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. Fin.",
                    title="Public article",
                ),
                actor=people["reviewer"],
            ),
            "published",
            sources=SOURCES,
        )
        db.session.commit()
        return desk.id, str(published.slug)


def run(url: str, label: str, rounds: int) -> list[tuple[str, str, float, float, float, int]]:
    """Time every page against its bare twin on ``url``; print and return the rows."""
    from factcheck.extensions import db

    app = make_app(url, WTF_CSRF_ENABLED=False, ORG_URL="https://factcheck.example.org/")
    started = time.perf_counter()
    desk_id, slug = seed_workflow(app)
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    response = client.post("/login", data={"email": "bench1@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    public_client = app.test_client()
    bare = bare_app(url).test_client()

    def get(c: Any, path: str) -> Any:
        def action() -> None:
            response = c.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return action

    pages = [
        ("queue", get(client, "/queue"), get(bare, "/queue")),
        ("queue q=rutte", get(client, "/queue?q=rutte"), get(bare, "/queue?q=rutte")),
        ("desk", get(client, f"/claims/{desk_id}"), get(bare, f"/claims/{desk_id}")),
        (
            "public page",
            get(public_client, f"/fact-checks/{slug}"),
            get(bare, f"/fact-checks/{slug}"),
        ),
    ]
    rows = []
    print(f"\n{label} (set-up {time.perf_counter() - started:.1f} s, {rounds} rounds each)")
    print(f"  {'page':16} {'app ms':>8} {'bare ms':>8} {'ratio':>6} {'SQL':>4}  goal")
    for name, ours, theirs in pages:
        with counted_statements(engine) as statements:
            ours()
        medians = interleaved({"app": ours, "bare": theirs}, rounds)
        ratio = medians["bare"] / medians["app"]
        goal = GOALS[name]
        print(
            f"  {name:16} {medians['app']:8.2f} {medians['bare']:8.2f} {ratio:6.2f} "
            f"{len(statements):4d}  {verdict(ratio, goal)}"
        )
        rows.append((label, name, medians["app"], medians["bare"], ratio, len(statements)))
        if name.startswith("queue") and len(statements) > MAX_QUEUE_STATEMENTS:
            print(f"  !! {name}: {len(statements)} SQL statements (goal <= {MAX_QUEUE_STATEMENTS})")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--postgres", help="a PostgreSQL URL to run against as well")
    args = parser.parse_args()
    print(f"now {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; ratio = bare ms / app ms")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        started = time.perf_counter()
        seed_claims(make_app(url), args.count)
        print(f"SQLite: {args.count:,} claims seeded in {time.perf_counter() - started:.1f} s")
        run(url, f"SQLite, {args.count:,} claims", args.rounds)
    if not args.postgres:
        print("\nPostgreSQL: skipped (no --postgres URL)")
        return
    reason = postgres_reachable(args.postgres)
    if reason:
        print(f"\nPostgreSQL: skipped ({reason})")
        return
    url = postgres_schema_url(args.postgres, "bench_pages")
    try:
        started = time.perf_counter()
        seed_claims(make_app(url), args.count)
        print(f"PostgreSQL: {args.count:,} claims seeded in {time.perf_counter() - started:.1f} s")
        run(url, f"PostgreSQL, {args.count:,} claims", args.rounds)
    finally:
        drop_postgres_schema(args.postgres, "bench_pages")


if __name__ == "__main__":
    main()
