"""Snapshots of cited sources: WARC records with their SHA-256, shown on the desk, kept as cited."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from warcio.archiveiterator import ArchiveIterator

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, SnapshotStatus, SourceSnapshot, User
from factcheck.outlets.snapshots import capture_pending, capture_snapshot
from factcheck.review import services as review
from tests.factories import make_article, make_claim, walk_claim
from tests.helpers import login
from tests.outlets.conftest import article_page

PAGE = article_page("Rapport de l'OTAN", 3)
_N = itertools.count(1)


def cite(app, users, url: str) -> tuple[int, int]:
    """A claim in review whose reviewer attaches ``url``: ``(claim id, snapshot id)``."""
    with app.app_context():
        people = {k: db.session.get(User, u.id) for k, u in users.items()}
        article = make_article(
            f"Le Pentagone estime que {next(_N)} 000 soldats ont été envoyés. Un rapport suit.",
            title=f"Article {url}",
        )
        claim = make_claim(article, actor=people["reviewer"])
        walk_claim(people, claim, "in_review")
        source = review.add_source(
            db.session,
            claim,
            {"url": url, "title": "Rapport", "stance": "supports"},
            actor=people["reviewer"],
        )
        db.session.commit()
        assert [s.status for s in source.snapshots] == [SnapshotStatus.PENDING]
        return claim.id, source.snapshots[0].id


def load(app, snapshot_id: int) -> SourceSnapshot:
    with app.app_context():
        found = db.session.get(SourceSnapshot, snapshot_id)
        assert found is not None
        db.session.expunge(found)
        return found


def test_capture_writes_a_warc_record_and_records_its_hash(app, users, site, snapshot_dir):
    url = site.set("/report", PAGE, headers={"X-Origin": "journal"})
    claim_id, sid = cite(app, users, url)
    assert site.count("/report") == 0  # nothing is fetched while the reviewer waits

    with app.app_context():
        capture_snapshot(sid)
    snap = load(app, sid)

    assert snap.status is SnapshotStatus.CAPTURED and snap.http_status == 200
    stored = snapshot_dir / str(snap.path)
    data = stored.read_bytes()
    assert hashlib.sha256(data).hexdigest() == snap.sha256 and snap.size == len(data)
    records = []
    for record in ArchiveIterator(io.BytesIO(data)):  # a record is read before the next one
        records.append(
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_statuscode(),
                record.http_headers.get_header("X-Origin"),
                record.content_stream().read(),
            )
        )
    assert records == [("response", url, "200", "journal", PAGE.encode("utf-8"))]
    assert "23 des 32 membres" in (snap.text or "")
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "snapshot.capture")
        ).one()
        body = json.loads(event.body)
        assert body["data"]["sha256"] == snap.sha256
        assert body["data"]["url"] == url and body["data"]["size"] == snap.size
        assert event.entity_id == str(sid)
    assert claim_id


def test_the_desk_shows_captured_time_and_links_the_stored_copy(app, users, site, client):
    url = site.set("/report", PAGE)
    claim_id, sid = cite(app, users, url)
    login(client, users["reviewer"].email)
    assert "capture pending" in client.get(f"/claims/{claim_id}").get_data(as_text=True)

    with app.app_context():
        assert [s.id for s in capture_pending()] == [sid]
    snap = load(app, sid)
    desk = client.get(f"/claims/{claim_id}").get_data(as_text=True)

    assert f'captured <time datetime="{snap.fetched_at.isoformat(timespec="seconds")}">' in desk
    assert f'href="/snapshots/{sid}"' in desk and snap.sha256[:12] in desk
    page = client.get(f"/snapshots/{sid}").get_data(as_text=True)
    assert snap.sha256 in page and "23 des 32 membres" in page
    warc = client.get(f"/snapshots/{sid}.warc.gz")
    assert warc.status_code == 200 and warc.mimetype == "application/warc"
    assert hashlib.sha256(warc.data).hexdigest() == snap.sha256


def test_the_stored_copy_outlives_a_changed_or_vanished_origin(app, users, site, client):
    url = site.set("/report", PAGE)
    claim_id, sid = cite(app, users, url)
    with app.app_context():
        capture_snapshot(sid)
    site.set("/report", article_page("Rapport corrigé discrètement", 9))
    login(client, users["reviewer"].email)
    assert "23 des 32 membres" in client.get(f"/snapshots/{sid}").get_data(as_text=True)
    assert "budget numéro 3" in client.get(f"/snapshots/{sid}").get_data(as_text=True)

    site.drop("/report")
    page = client.get(f"/snapshots/{sid}").get_data(as_text=True)
    assert "budget numéro 3" in page
    assert client.get(f"/snapshots/{sid}.warc.gz").status_code == 200
    assert "captured" in client.get(f"/claims/{claim_id}").get_data(as_text=True)


def test_an_unreachable_page_fails_with_its_reason_on_the_desk(app, users, site, client):
    claim_id, sid = cite(app, users, site.url("/gone"))
    with app.app_context():
        capture_snapshot(sid)
    snap = load(app, sid)
    assert snap.status is SnapshotStatus.FAILED and "HTTP 404" in (snap.error or "")
    login(client, users["reviewer"].email)
    assert "capture failed:" in client.get(f"/claims/{claim_id}").get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(AuditEvent.action == "snapshot.fail")
            )
            == 1
        )


def test_one_page_and_the_whole_folder_are_bounded(app, users, site, snapshot_dir):
    app.config["SNAPSHOT_MAX_BYTES"] = 1000
    _, big = cite(app, users, site.set("/big", "x" * 5000, content_type="text/plain"))
    with app.app_context():
        capture_snapshot(big)
    assert "larger than" in (load(app, big).error or "")

    app.config["SNAPSHOT_MAX_BYTES"] = 1024 * 1024
    _, first = cite(app, users, site.set("/one", PAGE))
    with app.app_context():
        capture_snapshot(first)
    kept = load(app, first)
    assert kept.status is SnapshotStatus.CAPTURED
    app.config["SNAPSHOT_MAX_TOTAL_BYTES"] = int(kept.size or 0) + 100
    _, second = cite(app, users, site.set("/two", article_page("Autre", 4)))
    with app.app_context():
        capture_snapshot(second)
    refused = load(app, second)
    assert refused.status is SnapshotStatus.FAILED and "storage is full" in (refused.error or "")
    files = [p for p in Path(snapshot_dir).rglob("*.warc.gz")]
    assert (
        len(files) == 1
        and sum(p.stat().st_size for p in files) <= app.config["SNAPSHOT_MAX_TOTAL_BYTES"]
    )
    assert (snapshot_dir / str(kept.path)).exists()  # kept evidence is never evicted


def test_a_tampered_copy_is_not_served_as_the_original(app, users, site, client, snapshot_dir):
    _, sid = cite(app, users, site.set("/report", PAGE))
    with app.app_context():
        capture_snapshot(sid)
    snap = load(app, sid)
    (snapshot_dir / str(snap.path)).write_bytes(b"not what was captured")
    login(client, users["reviewer"].email)
    assert "does not match its SHA-256" in client.get(f"/snapshots/{sid}").get_data(as_text=True)
    assert client.get(f"/snapshots/{sid}.warc.gz").status_code == 404


def test_editing_the_address_captures_the_new_page(app, users, site):
    claim_id, sid = cite(app, users, site.set("/report", PAGE))
    other = site.set("/other", article_page("Autre", 5))
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None
        source = claim.sources[-1]
        reviewer = db.session.get(User, users["reviewer"].id)
        assert reviewer is not None
        review.edit_source(
            db.session,
            source,
            {"url": other, "title": "Rapport", "stance": "supports"},
            actor=reviewer,
            expected_version=source.version,
        )
        db.session.commit()
        assert [s.url for s in source.snapshots] == [site.url("/report"), other]
        captured = capture_pending()
        assert {s.status for s in captured} == {SnapshotStatus.CAPTURED}
    assert sid


@pytest.mark.parametrize("path", ["/snapshots/999999", "/snapshots/999999.warc.gz"])
def test_unknown_snapshot_is_404(app, users, client, path):
    login(client, users["reviewer"].email)
    assert client.get(path).status_code == 404
