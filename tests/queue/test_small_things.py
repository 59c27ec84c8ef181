"""Small things right (issue 17, item 8): names in histories, "just now", the public address
as a link, and no source stance until one is chosen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.claims import workflow
from factcheck.extensions import db
from factcheck.models import Claim, Source, User
from tests.factories import make_claim, people_of, published_claim
from tests.helpers import login, submit

SOURCE = {
    "url": "https://www.defense.gov/News/briefing",
    "title": "Pentagon briefing",
    "publisher": "US Department of Defense",
    "excerpt": "About 10,000 North Korean soldiers are in Kursk.",
}


def as_user(app: Flask, users: dict[str, Any], who: str) -> FlaskClient:
    client = app.test_client()
    login(client, users[who].email)
    return client


def history_html(html: str) -> str:
    start = html.index('id="history-heading"')
    return html[start : html.index("</section>", start)]


def test_histories_show_names_not_ids(app: Flask, users: dict[str, Any]) -> None:
    with app.app_context():
        people = people_of(users)
        claim = make_claim(actor=people["reviewer"])
        workflow.accept(db.session, claim, actor=people["editor"])
        workflow.assign(db.session, claim, people["reviewer2"], actor=people["editor"])
        db.session.commit()
        claim_id, reviewer2 = claim.id, people["reviewer2"]
        name, user_id = reviewer2.display_name, reviewer2.id
    html = as_user(app, users, "editor").get(f"/claims/{claim_id}").get_data(as_text=True)
    history = history_html(html)
    assert re.search(
        r'assignee</span>:\s*<span class="visually-hidden">before</span> <del>—</del>.*?'
        rf"<ins>{name}</ins>",
        history,
        re.S,
    )
    assert "assignee id" not in history
    # Who acted is named too, with the recorded e-mail address kept as its title.
    assert re.search(
        r'<strong class="timeline-who" title="editor@example.org">Eddie Editor</strong>', history
    )
    assert f"<ins>{user_id}</ins>" not in history


def test_published_history_names_the_rating_and_the_approver(
    app: Flask, users: dict[str, Any]
) -> None:
    with app.app_context():
        claim = published_claim(users)
        db.session.commit()
        claim_id = claim.id
        verdict = claim.published_verdict
        rating, approver = verdict.rating.label, verdict.approved_by.display_name
        slug = claim.slug
    client = as_user(app, users, "editor")
    html = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    # The public address is a link on the desk.
    assert re.search(
        rf'<a href="/fact-checks/{slug}" class="public-url">/fact-checks/{slug}</a>', html
    )
    assert client.get(f"/fact-checks/{slug}").status_code == 200
    from factcheck.audit.history import history_for

    with app.test_request_context():
        entries = history_for("verdict", verdict_id(app, claim_id))
    shown = {c.label: c.after for e in entries for c in e.changes}
    assert shown.get("rating") == rating
    assert shown.get("approved by") == approver
    assert not any(label.endswith(" id") for label in shown)


def verdict_id(app: Flask, claim_id: int) -> int:
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None and claim.published_verdict_id is not None
        return claim.published_verdict_id


def test_recent_times_say_just_now(app: Flask, users: dict[str, Any]) -> None:
    with app.app_context():
        claim = make_claim(actor=people_of(users)["reviewer"])
        db.session.commit()
        claim_id = claim.id
    html = as_user(app, users, "editor").get(f"/claims/{claim_id}").get_data(as_text=True)
    assert re.search(r"added <time[^>]*>just now</time>", html)
    assert "just now ago" not in html


def test_no_stance_until_one_is_chosen(app: Flask, users: dict[str, Any]) -> None:
    with app.app_context():
        people = people_of(users)
        claim = make_claim(actor=people["reviewer"])
        workflow.accept(db.session, claim, actor=people["editor"])
        workflow.take(db.session, claim, actor=people["reviewer"])
        db.session.commit()
        claim_id = claim.id
    client = as_user(app, users, "reviewer")
    page = f"/claims/{claim_id}"
    html = client.get(page).get_data(as_text=True)
    add = html[html.index('class="add-source"') :]
    add = add[: add.index("</details>")]
    stances = re.findall(r'<input type="radio" name="stance"[^>]*>', add)
    assert len(stances) == 3
    assert not any("checked" in s for s in stances)
    assert all("required" in s for s in stances)
    response = submit(
        client, page, SOURCE, action=f"{page}/sources", headers={"Accept": "application/json"}
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "stance"
    html = submit(client, page, SOURCE, action=f"{page}/sources")
    assert html.status_code == 422
    assert "choose a stance" in html.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Source)) == 0
    ok = submit(client, page, {**SOURCE, "stance": "context"}, action=f"{page}/sources")
    assert ok.status_code == 302
    with app.app_context():
        assert [s.stance.value for s in db.session.scalars(sa.select(Source))] == ["context"]


def test_long_email_addresses_wrap_in_their_box(app: Flask, users: dict[str, Any]) -> None:
    text = (Path(app.static_folder or "") / "factcheck.css").read_text(encoding="utf-8")
    rule = re.search(r"\n([^{}\n]*\bdd\b[^{}]*)\{[^}]*overflow-wrap: anywhere", text)
    assert rule is not None and ".card" in rule.group(1) and ".who" in rule.group(1)
    with app.app_context():
        assert db.session.get(User, users["admin"].id) is not None
    html = as_user(app, users, "admin").get("/admin/users").get_data(as_text=True)
    assert '<td class="email">' in html
