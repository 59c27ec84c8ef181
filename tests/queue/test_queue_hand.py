"""The queue fits the hand (issue 17, item 5): counts respect every filter, the filters survive a
visit to a claim, and candidates are accepted or dismissed in bulk, all or nothing."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.claims import workflow
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, User
from tests.factories import make_article, make_claim
from tests.helpers import csrf_token

JSON = {"Accept": "application/json"}
BODY = (
    "Le Pentagone estime que 10 000 soldats ont été envoyés dans la région de Koursk. "
    "Un rapport publié en juin montre que 23 des 32 membres dépensent 2 % du PIB. "
    "Le gouvernement affirme que le chômage a baissé de 3 % en un an. "
    "Les exportations ont augmenté de 12 % selon les douanes."
)
SENTENCES = [s.strip() + "." for s in BODY.split(".") if s.strip()]


@pytest.fixture
def four(app: Flask, users: dict[str, Any]) -> list[int]:
    """Four candidate claims (status new) on one French article; the first one is queued."""
    with app.app_context():
        article = make_article(BODY, title="Quatre affirmations")
        reviewer = db.session.get(User, users["reviewer"].id)
        editor = db.session.get(User, users["editor"].id)
        claims = [make_claim(article, text=s, actor=reviewer) for s in SENTENCES]
        workflow.accept(db.session, claims[0], actor=editor)
        db.session.commit()
        return [c.id for c in claims]


def versions(app: Flask, ids: list[int]) -> dict[int, int]:
    with app.app_context():
        return {
            c.id: c.version for c in db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids)))
        }


def statuses(app: Flask, ids: list[int]) -> dict[int, ClaimStatus]:
    with app.app_context():
        return {
            c.id: c.status for c in db.session.scalars(sa.select(Claim).where(Claim.id.in_(ids)))
        }


def events(app: Flask, action: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent.entity_id)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.seq)
            )
        )


def test_headline_count_respects_the_status_filter(
    editor_client: FlaskClient, four: list[int]
) -> None:
    html = editor_client.get("/queue?status=queued").get_data(as_text=True)
    headline = re.search(r'id="queue-count">([^<]*)<', html)
    assert headline is not None
    assert headline.group(1).startswith("1 queued claim matches the filters")
    rows = re.findall(r'<tr class="queue-row" data-claim="(\d+)"', html)
    assert rows == [str(four[0])]
    html = editor_client.get("/queue?status=new").get_data(as_text=True)
    assert re.search(r'id="queue-count">3 new claims match the filters', html)
    html = editor_client.get("/queue").get_data(as_text=True)
    assert re.search(r'id="queue-count">4 claims match the filters', html)
    # Every other filter narrows the headline too (search + status).
    html = editor_client.get("/queue?status=new&q=exportations").get_data(as_text=True)
    assert re.search(r'id="queue-count">1 new claim matches the filters', html)


def test_filters_survive_a_visit_to_a_claim(editor_client: FlaskClient, four: list[int]) -> None:
    html = editor_client.get("/queue?status=new&q=rapport&sort=newest").get_data(as_text=True)
    links = re.findall(r'href="(/claims/\d+\?back=[^"]+)"', html)
    assert len(links) == 1
    desk = editor_client.get(unescape(links[0])).get_data(as_text=True)
    crumb = re.search(r'<nav class="breadcrumb"[^>]*><a href="([^"]+)">Queue</a>(.*?)</nav>', desk)
    assert crumb is not None
    back = unescape(crumb.group(1))
    assert back.startswith("/queue?")
    assert set(back.split("?", 1)[1].split("&")) == {"q=rapport", "status=new", "sort=newest"}
    assert "status: new" in crumb.group(2) and "q: rapport" in crumb.group(2)
    assert 'aria-current="page">Claim #' in crumb.group(2)
    again = editor_client.get(back).get_data(as_text=True)
    assert re.findall(r'<tr class="queue-row" data-claim="(\d+)"', again) == [str(four[1])]


@pytest.mark.parametrize(
    "back",
    ["next=https://evil.example/", "status=new%00&q=x", "x" * 2000, "q=" + "&q=".join("abc" * 30)],
)
def test_back_keeps_only_queue_filters(
    editor_client: FlaskClient, four: list[int], back: str
) -> None:
    desk = editor_client.get(f"/claims/{four[0]}", query_string={"back": back}).get_data(
        as_text=True
    )
    crumb = re.search(r'<nav class="breadcrumb"[^>]*><a href="([^"]+)">Queue</a>', desk)
    assert crumb is not None
    target = unescape(crumb.group(1))
    assert target.startswith("/queue")
    assert "evil" not in target and "next" not in target and "%00" not in target


def bulk(client: FlaskClient, data: dict[str, Any], **kw: Any) -> Any:
    token = csrf_token(client, "/queue")
    return client.post("/queue/bulk", data={**data, "csrf_token": token}, **kw)


def test_bulk_accept_writes_one_audit_event_per_claim(
    app: Flask, editor_client: FlaskClient, four: list[int]
) -> None:
    v = versions(app, four)
    picked = [f"{i}:{v[i]}" for i in four[1:3]]
    response = bulk(editor_client, {"claims": picked, "action": "accept", "back": "status=new"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/queue?status=new")
    assert statuses(app, four[1:3]) == {four[1]: ClaimStatus.QUEUED, four[2]: ClaimStatus.QUEUED}
    assert statuses(app, [four[3]]) == {four[3]: ClaimStatus.NEW}
    assert events(app, "claim.accept")[-2:] == [str(four[1]), str(four[2])]
    page = editor_client.get("/queue?status=new").get_data(as_text=True)
    assert "2 claims accepted into the queue." in page


def test_bulk_dismiss_needs_a_reason_and_records_it(
    app: Flask, editor_client: FlaskClient, four: list[int]
) -> None:
    v = versions(app, four)
    picked = [f"{i}:{v[i]}" for i in four[1:]]
    refused = bulk(
        editor_client, {"claims": picked, "action": "dismiss", "reason": " "}, headers=JSON
    )
    assert refused.status_code == 422
    assert refused.get_json()["field"] == "reason"
    assert set(statuses(app, four[1:]).values()) == {ClaimStatus.NEW}
    done = bulk(
        editor_client,
        {"claims": picked, "action": "dismiss", "reason": "Opinion, not a fact"},
        headers=JSON,
    )
    assert done.status_code == 200
    assert [c["status"] for c in done.get_json()["claims"]] == ["dismissed"] * 3
    with app.app_context():
        reasons = set(
            db.session.scalars(sa.select(Claim.dismiss_reason).where(Claim.id.in_(four[1:])))
        )
    assert reasons == {"Opinion, not a fact"}
    assert events(app, "claim.dismiss")[-3:] == [str(i) for i in four[1:]]


def test_bulk_is_all_or_nothing_when_a_claim_changed_meanwhile(
    app: Flask, editor_client: FlaskClient, four: list[int], users: dict[str, Any]
) -> None:
    v = versions(app, four)
    picked = [f"{i}:{v[i]}" for i in four[1:]]
    with app.app_context():  # another editor dismisses the third claim after the page was shown
        editor = db.session.get(User, users["editor2"].id)
        workflow.dismiss(db.session, db.session.get(Claim, four[2]), "Prediction", actor=editor)
        db.session.commit()
    before = len(events(app, "claim.accept"))
    response = bulk(
        editor_client, {"claims": picked, "action": "accept", "back": "status=new&q=rapport"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"claim #{four[2]} was changed by someone else" in html
    # The refusal shows the queue as it was filtered, with the selection to make again.
    assert re.findall(r'<tr class="queue-row" data-claim="(\d+)"', html) == [str(four[1])]
    assert statuses(app, four[1:]) == {
        four[1]: ClaimStatus.NEW,
        four[2]: ClaimStatus.DISMISSED,
        four[3]: ClaimStatus.NEW,
    }
    assert len(events(app, "claim.accept")) == before
    # A candidate that is no longer one (queued) is refused by the workflow, naming it.
    v = versions(app, four)
    refused = bulk(
        editor_client,
        {"claims": [f"{four[0]}:{v[four[0]]}", f"{four[1]}:{v[four[1]]}"], "action": "accept"},
        headers=JSON,
    )
    assert refused.status_code == 409
    assert f"claim #{four[0]} is queued" in refused.get_json()["message"]
    assert statuses(app, [four[1]]) == {four[1]: ClaimStatus.NEW}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "accept"}, "claims"),
        ({"claims": ["1"], "action": "accept"}, "claims"),
        ({"claims": ["１:1"], "action": "accept"}, "claims"),
        ({"claims": ["{first}:1"], "action": "publish"}, "action"),
    ],
)
def test_bulk_bad_input_is_a_422_naming_the_field(
    editor_client: FlaskClient, four: list[int], data: dict[str, Any], field: str
) -> None:
    data = {
        k: ([x.format(first=four[1]) for x in v] if isinstance(v, list) else v)
        for k, v in data.items()
    }
    response = bulk(editor_client, data, headers=JSON)
    assert response.status_code == 422
    assert response.get_json()["field"] == field


def test_bulk_is_for_editors_only(
    app: Flask, reviewer_client: FlaskClient, four: list[int]
) -> None:
    v = versions(app, four)
    html = reviewer_client.get("/queue").get_data(as_text=True)
    assert 'name="claims"' not in html  # no checkboxes for reviewers
    response = bulk(reviewer_client, {"claims": [f"{four[1]}:{v[four[1]]}"], "action": "accept"})
    assert response.status_code == 403
    assert statuses(app, [four[1]]) == {four[1]: ClaimStatus.NEW}


def test_queue_offers_checkboxes_only_for_candidates_and_lists_the_shortcuts(
    editor_client: FlaskClient, four: list[int]
) -> None:
    html = editor_client.get("/queue").get_data(as_text=True)
    boxes = re.findall(r'name="claims" value="(\d+):\d+"', html)
    assert sorted(int(b) for b in boxes) == sorted(four[1:])
    assert '<dialog id="shortcuts"' in html
    for key in ("j", "k", "x", "a", "d", "t", "?"):
        assert f"<dt><kbd>{key}</kbd></dt>" in html
    # Without the shortcuts, the same actions are buttons: accept, dismiss, take next.
    assert 'id="bulk-accept"' in html and 'id="bulk-dismiss"' in html
    assert "Take next claim" in html
