"""``factcheck audit verify | checkpoint | export | public-key`` on both databases."""

from __future__ import annotations

import json
import os
import stat

import pytest
import sqlalchemy as sa

from factcheck.audit.checkpoint import (
    KEY_FILENAME,
    load_or_create_key,
    make_checkpoint,
    public_key_pem,
)
from factcheck.extensions import db
from factcheck.models import AuditEvent
from tests.audit.chains import triggers_lifted


@pytest.fixture
def cli(app, users, tmp_path):
    app.instance_path = str(tmp_path / "instance")
    return app.test_cli_runner()


def run(cli, *args):
    return cli.invoke(args=["audit", *args])


def events(app):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)))


def test_verify_prints_count_and_head(cli, app):
    result = run(cli, "verify")
    assert result.exit_code == 0, result.output
    assert f"OK: 5 events verified; head hash {events(app)[-1].hash}" in result.output


def test_verify_fails_naming_the_first_bad_seq(cli, app):
    with triggers_lifted(app) as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq = 3")
    result = run(cli, "verify")
    assert result.exit_code == 1
    assert "FAILED at seq 3: event 3 is missing" in result.output


def test_checkpoint_then_verify_against_it(cli, app, tmp_path):
    out = tmp_path / "cp.json"
    result = run(cli, "checkpoint", "-o", str(out))
    assert result.exit_code == 0, result.output
    key = tmp_path / "instance" / KEY_FILENAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    doc = json.loads(out.read_text())
    assert doc["size"] == 5 and doc["head_hash"] == events(app)[-1].hash
    assert doc["key_id"].startswith("ed25519:") and doc["signature"]
    assert "PRIVATE" not in out.read_text()
    with app.app_context():  # the key is never in the database
        dump = " ".join(str(e.body) for e in events(app))
        assert "PRIVATE KEY" not in dump
    # the log grows: the checkpoint still verifies
    from factcheck.auth.services import sign_in

    with app.app_context():
        sign_in(db.session, "ghost@example.org", "x")
        db.session.commit()
    result = run(cli, "verify", "--checkpoint", str(out))
    assert result.exit_code == 0, result.output
    assert "signature valid" in result.output and "OK: 6 events verified" in result.output


def test_truncated_tail_fails_against_the_checkpoint(cli, app, tmp_path):
    out = tmp_path / "cp.json"
    assert run(cli, "checkpoint", "-o", str(out)).exit_code == 0
    with triggers_lifted(app) as conn:
        h = conn.exec_driver_sql("SELECT hash FROM audit_events WHERE seq = 3").scalar_one()
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq > 3")
        conn.execute(sa.text("UPDATE audit_chain_head SET seq = 3, hash = :h"), {"h": h})
    assert run(cli, "verify").exit_code == 0
    result = run(cli, "verify", "--checkpoint", str(out))
    assert result.exit_code == 1 and "ends at seq 3" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a checkpoint"),
        (b"\x00\xff garbage", "not a checkpoint"),
        (b'{"type": "something else"}', "not a factcheck audit checkpoint"),
        (b'{"type": "factcheck-audit-checkpoint", "size": 1}', "lacks the field"),
    ],
)
def test_a_corrupt_checkpoint_is_a_clear_error(cli, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = run(cli, "verify", "--checkpoint", str(bad))
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_an_altered_checkpoint_fails_its_signature(cli, tmp_path):
    out = tmp_path / "cp.json"
    run(cli, "checkpoint", "-o", str(out))
    doc = json.loads(out.read_text())
    doc["size"] = 4
    out.write_text(json.dumps(doc))
    result = run(cli, "verify", "--checkpoint", str(out))
    assert result.exit_code == 1 and "signature is not valid" in result.output


def test_a_checkpoint_signed_with_another_key_is_refused(cli, app, tmp_path):
    run(cli, "checkpoint", "-o", str(tmp_path / "mine.json"))  # makes the instance key
    with app.app_context():
        head = events(app)[-1]
        other = make_checkpoint(
            load_or_create_key(tmp_path / "elsewhere"),
            size=head.seq,
            head_hash=head.hash,
            log_id=events(app)[0].hash,
        )
    (tmp_path / "other.json").write_text(other.to_json())
    result = run(cli, "verify", "--checkpoint", str(tmp_path / "other.json"))
    assert result.exit_code == 1 and "signed with another key" in result.output


def test_a_checkpoint_is_only_trusted_against_a_trusted_key(cli, app, tmp_path):
    """Without --public-key or the instance key, the key a checkpoint carries proves nothing."""
    with app.app_context():
        head = events(app)[-1]
        elsewhere = load_or_create_key(tmp_path / "elsewhere")
        forged = make_checkpoint(
            elsewhere, size=head.seq, head_hash=head.hash, log_id=events(app)[0].hash
        )
    (tmp_path / "forged.json").write_text(forged.to_json())
    assert not (tmp_path / "instance" / KEY_FILENAME).exists()
    result = run(cli, "verify", "--checkpoint", str(tmp_path / "forged.json"))
    assert result.exit_code == 1, result.output
    assert "no trusted key" in result.output and "--public-key" in result.output
    assert "signature valid" not in result.output and "OK:" not in result.output
    assert "Traceback" not in result.output
    # With the signer's public key given, the same checkpoint is trusted and says by what.
    pem = tmp_path / "signer.pem"
    pem.write_text(public_key_pem(elsewhere.public_key()))
    result = run(
        cli, "verify", "--checkpoint", str(tmp_path / "forged.json"), "--public-key", str(pem)
    )
    assert result.exit_code == 0, result.output
    assert f"trusted: --public-key {pem}" in result.output and "OK: 5 events" in result.output
    # The instance key, once made, is trusted by default, and refuses the other signer.
    run(cli, "checkpoint", "-o", str(tmp_path / "mine.json"))
    result = run(cli, "verify", "--checkpoint", str(tmp_path / "mine.json"))
    assert result.exit_code == 0 and "trusted: the instance key" in result.output
    result = run(cli, "verify", "--checkpoint", str(tmp_path / "forged.json"))
    assert result.exit_code == 1 and "signed with another key" in result.output


def test_a_checkpoint_from_another_log_is_refused(cli, tmp_path):
    key = load_or_create_key(tmp_path / "instance")
    other = make_checkpoint(key, size=3, head_hash="ab" * 32, log_id="cd" * 32)
    (tmp_path / "other.json").write_text(other.to_json())
    result = run(cli, "verify", "--checkpoint", str(tmp_path / "other.json"))
    assert result.exit_code == 1 and "FAILED at seq 1" in result.output
    assert "another log" in result.output


def test_a_world_readable_key_is_refused(cli, tmp_path):
    run(cli, "checkpoint", "-o", str(tmp_path / "cp.json"))
    os.chmod(tmp_path / "instance" / KEY_FILENAME, 0o644)
    result = run(cli, "checkpoint", "-o", str(tmp_path / "cp2.json"))
    assert result.exit_code == 1 and "chmod 600" in result.output


def test_export_is_verifiable_offline_and_recorded(cli, app, tmp_path):
    out = tmp_path / "audit.jsonl"
    result = run(cli, "export", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "exported 5 events (seq 1–5)" in result.output
    lines = out.read_bytes().splitlines()
    assert len(lines) == 5
    last = events(app)[-1]
    assert last.action == "audit.export" and last.seq == 6
    data = json.loads(last.body)["data"]
    assert data["events"] == 5 and data["file"] == "audit.jsonl" and len(data["sha256"]) == 64
    result = run(cli, "verify", "--file", str(out))
    assert result.exit_code == 0 and "OK: 5 events verified" in result.output


def test_export_is_byte_identical_and_only_grows(cli, app, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run(cli, "export", "-o", str(a))
    run(cli, "export", "-o", str(b))
    first, second = a.read_bytes(), b.read_bytes()
    assert second.startswith(first)  # the second holds the first export's own event too
    assert len(second.splitlines()) == len(first.splitlines()) + 1
    until = events(app)[4].occurred_at.isoformat()
    c, d = tmp_path / "c.jsonl", tmp_path / "d.jsonl"
    run(cli, "export", "--until", until, "-o", str(c))
    run(cli, "export", "--until", until, "-o", str(d))
    assert c.read_bytes() == d.read_bytes() == first


def test_a_partial_export_verifies_from_its_first_line(cli, app, tmp_path):
    out = tmp_path / "part.jsonl"
    since = events(app)[2].occurred_at.isoformat()
    result = run(cli, "export", "--since", since, "-o", str(out))
    assert result.exit_code == 0 and "(seq 3–5)" in result.output
    result = run(cli, "verify", "--file", str(out))
    assert result.exit_code == 0, result.output
    assert "partial export: it starts at seq 3" in result.output
    # tamper with a line of the file: found offline
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace('"actor":"', '"actor":"x', 1)
    out.write_text("".join(lines), encoding="utf-8")
    result = run(cli, "verify", "--file", str(out))
    assert result.exit_code == 1 and "FAILED at seq 4" in result.output


def test_export_reordered_lines_are_found(cli, tmp_path):
    out = tmp_path / "audit.jsonl"
    run(cli, "export", "-o", str(out))
    lines = out.read_bytes().splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    out.write_bytes(b"".join(lines))
    result = run(cli, "verify", "--file", str(out))
    assert result.exit_code == 1 and "FAILED at seq 2" in result.output


def test_export_date_bounds(cli, tmp_path):
    out = tmp_path / "none.jsonl"
    result = run(cli, "export", "--since", "2000-01-01", "--until", "2000-01-02", "-o", str(out))
    assert result.exit_code == 0 and "exported 0 events" in result.output
    assert out.read_bytes() == b""
    result = run(cli, "export", "--since", "yesterday", "-o", str(out))
    assert result.exit_code == 2 and "not a date" in result.output


def test_export_to_an_unwritable_place_leaves_nothing(cli, app, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    for target in (tmp_path / "missing" / "a.jsonl", tmp_path / "a-file" / "a.jsonl"):
        result = run(cli, "export", "-o", str(target))
        assert result.exit_code == 1 and "cannot write" in result.output
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    assert "audit.export" not in [e.action for e in events(app)]


def test_an_interrupted_export_leaves_no_partial_file(cli, app, tmp_path, monkeypatch):
    from factcheck.audit import export

    original = export.export_line

    def broken(row):
        if row[0] == 3:
            raise OSError(28, "No space left on device")
        return original(row)

    monkeypatch.setattr(export, "export_line", broken)
    monkeypatch.setattr(export.write_export, "__defaults__", (broken,))
    out = tmp_path / "a.jsonl"
    result = run(cli, "export", "-o", str(out))
    assert result.exit_code == 1 and "No space left" in result.output
    assert list(tmp_path.iterdir()) == []
    assert "audit.export" not in [e.action for e in events(app)]


def test_verify_file_errors_are_clear(cli, tmp_path):
    result = run(cli, "verify", "--file", str(tmp_path / "absent.jsonl"))
    assert result.exit_code == 1 and "cannot read" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"{}\n")
    result = run(cli, "verify", "--file", str(bad))
    assert result.exit_code == 1 and "line 1 lacks" in result.output


def test_public_key_is_printed(cli):
    result = run(cli, "public-key")
    assert result.exit_code == 0 and result.output.startswith("-----BEGIN PUBLIC KEY-----")
