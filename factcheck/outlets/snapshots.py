"""Snapshots of cited sources: the page as it was when cited, kept as a WARC record.

When a reviewer attaches a source, :func:`request_snapshot` adds a pending snapshot in the same
transaction. A worker then runs :func:`capture_snapshot` outside any request: it fetches the page
through the same fetcher as everything else (no transaction open meanwhile), writes the response
as received (status, headers, body) to a gzipped WARC file named by its SHA-256, and records the
hash and fetch time in the audit trail. Files live in ``SNAPSHOT_DIR`` (``instance/snapshots``);
one page is at most ``SNAPSHOT_MAX_BYTES`` and the folder at most ``SNAPSHOT_MAX_TOTAL_BYTES``.
A capture that would exceed the bound fails with that reason: evidence already kept is never
evicted to make room.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import trafilatura
from flask import current_app
from flask_babel import gettext as _
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.config import settings
from factcheck.database import DBSession, write_intent
from factcheck.domain import DomainError, NotFound
from factcheck.extensions import db
from factcheck.models import SnapshotStatus, Source, SourceSnapshot
from factcheck.outlets.fetch import Fetched, fetch

SNAPSHOT_ACCEPT: tuple[str, ...] = ()  # any type: a cited PDF or image is kept as it came
MAX_TEXT = 200_000  # characters of extracted text kept beside the WARC file
_HOP_HEADERS = {"content-encoding", "transfer-encoding", "content-length", "connection"}


def snapshot_dir() -> Path:
    configured = settings().snapshot_dir
    return Path(configured) if configured else Path(current_app.instance_path) / "snapshots"


def request_snapshot(session: DBSession, source: Source) -> SourceSnapshot:
    """Queue a capture of ``source.url`` (the worker fetches it later, outside the request)."""
    snapshot = SourceSnapshot(source=source, url=source.url, status=SnapshotStatus.PENDING)
    session.add(snapshot)
    session.flush()
    return snapshot


def latest(source: Source) -> SourceSnapshot | None:
    """The source's newest snapshot that is captured, else its newest one of any state."""
    captured = [s for s in source.snapshots if s.status is SnapshotStatus.CAPTURED]
    if captured:
        return captured[-1]
    return source.snapshots[-1] if source.snapshots else None


def pending_ids(session: DBSession) -> list[int]:
    return list(
        session.scalars(
            sa.select(SourceSnapshot.id)
            .where(SourceSnapshot.status == SnapshotStatus.PENDING)
            .order_by(SourceSnapshot.id)
        )
    )


def capture_pending() -> list[SourceSnapshot]:
    """Capture every pending snapshot, one after the other."""
    ids = pending_ids(db.session)
    db.session.rollback()
    return [s for s in (capture_snapshot(i) for i in ids) if s is not None]


def stored_bytes(session: DBSession) -> int:
    """Bytes the snapshot folder holds (files are shared by identical captures)."""
    sizes = (
        sa.select(SourceSnapshot.sha256, sa.func.max(SourceSnapshot.size).label("size"))
        .where(SourceSnapshot.status == SnapshotStatus.CAPTURED)
        .group_by(SourceSnapshot.sha256)
        .subquery()
    )
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(sizes.c.size), 0))) or 0)


def capture_snapshot(snapshot_id: int, *, retry_temporary: bool = False) -> SourceSnapshot | None:
    """Fetch and store one pending snapshot; a failure is stored with its reason. Commits.

    With ``retry_temporary``, a temporary failure (unreachable, deadline, 5xx) is raised instead,
    the snapshot staying pending, so that the job running it tries again later.
    """
    with write_intent():
        snapshot = db.session.get(SourceSnapshot, snapshot_id)
        if snapshot is None or snapshot.status is not SnapshotStatus.PENDING:
            db.session.rollback()
            return snapshot
        url = snapshot.url
        db.session.rollback()  # no transaction stays open while the page is fetched
    limit = settings().snapshot_max_bytes
    try:
        answer = fetch(url, accept=SNAPSHOT_ACCEPT, max_bytes=limit)
        warc = warc_bytes(answer)
    except DomainError as exc:
        if retry_temporary and getattr(exc, "temporary", False):
            raise
        return _store(snapshot_id, error=exc.message)
    return _store(snapshot_id, answer=answer, warc=warc)


def warc_bytes(answer: Fetched) -> bytes:
    """One gzipped WARC ``response`` record of ``answer`` as it was received."""
    # The body was decoded (gzip, chunks) on the way in: headers that described the encoding
    # on the wire would misdescribe the stored payload, so they are left out.
    headers = [(k, v) for k, v in answer.headers if k.lower() not in _HOP_HEADERS]
    headers.append(("Content-Length", str(len(answer.body))))
    http_headers = StatusAndHeaders(
        f"{answer.status} {answer.reason}".strip(), headers, protocol=answer.http_version
    )
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(
        writer.create_warc_record(
            answer.url,
            "response",
            payload=io.BytesIO(answer.body),
            length=len(answer.body),  # known: no spooled temporary copy is made
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": answer.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
    )
    return buffer.getvalue()


def _extract_text(answer: Fetched) -> str | None:
    if answer.content_type in ("text/html", "application/xhtml+xml"):
        text = trafilatura.extract(answer.text(), url=answer.url, favor_precision=True)
    elif answer.content_type.startswith("text/"):
        text = answer.text()
    else:
        text = None
    return text[:MAX_TEXT] if text else None


def _store(
    snapshot_id: int,
    *,
    answer: Fetched | None = None,
    warc: bytes | None = None,
    error: str | None = None,
) -> SourceSnapshot | None:
    with write_intent():
        try:
            snapshot = db.session.get(SourceSnapshot, snapshot_id, populate_existing=True)
            if snapshot is None or snapshot.status is not SnapshotStatus.PENDING:
                db.session.rollback()
                return snapshot  # removed with its source, or captured by another worker
            if answer is not None and warc is not None:
                error = _keep(snapshot, answer, warc)
            if error is not None:
                snapshot.status = SnapshotStatus.FAILED
                snapshot.error = error[:1000]
                db.session.flush()
                record(
                    db.session,
                    actor=None,
                    action=AuditAction.SNAPSHOT_FAIL,
                    entity_type="snapshot",
                    entity_id=snapshot.id,
                    changes={"status": ("pending", "failed")},
                    data={"source_id": snapshot.source_id, "url": snapshot.url, "error": error},
                )
            db.session.commit()
            return snapshot
        except Exception:
            db.session.rollback()
            raise


def _keep(snapshot: SourceSnapshot, answer: Fetched, warc: bytes) -> str | None:
    """Write the WARC file and complete the row; the reason when the bound does not allow it."""
    limit = settings().snapshot_max_total_bytes
    digest = hashlib.sha256(warc).hexdigest()
    relative = f"{digest[:2]}/{digest}.warc.gz"
    path = snapshot_dir() / relative
    if not path.exists():
        used = stored_bytes(db.session)
        if used + len(warc) > limit:
            return (
                f"snapshot storage is full ({used:,} of {limit:,} bytes used; this page needs "
                f"{len(warc):,}): raise SNAPSHOT_MAX_TOTAL_BYTES or free space"
            )
        _write_atomically(path, warc)
    snapshot.status = SnapshotStatus.CAPTURED
    snapshot.sha256 = digest
    snapshot.fetched_at = answer.fetched_at
    snapshot.path = relative
    snapshot.size = len(warc)
    snapshot.http_status = answer.status
    snapshot.content_type = answer.content_type[:200] or None
    snapshot.text = _extract_text(answer)
    db.session.flush()
    record(
        db.session,
        actor=None,
        action=AuditAction.SNAPSHOT_CAPTURE,
        entity_type="snapshot",
        entity_id=snapshot.id,
        changes={"status": ("pending", "captured")},
        data={
            "source_id": snapshot.source_id,
            "url": snapshot.url,
            "fetched_from": answer.url,
            "sha256": digest,
            "size": len(warc),
            "fetched_at": answer.fetched_at,
            "http_status": answer.status,
        },
    )
    return None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class StoredCopy:
    url: str
    status_line: str
    headers: list[tuple[str, str]]
    body: bytes
    warc: bytes


def read_copy(snapshot: SourceSnapshot) -> StoredCopy:
    """The stored WARC file and the response in it, checked against the recorded SHA-256."""
    if snapshot.status is not SnapshotStatus.CAPTURED or not snapshot.path:
        raise NotFound(_("snapshot #%(id)s has no stored copy", id=snapshot.id))
    path = snapshot_dir() / snapshot.path
    try:
        warc = path.read_bytes()
    except OSError:
        raise NotFound(
            _("the stored copy of snapshot #%(id)s is missing", id=snapshot.id)
        ) from None
    if hashlib.sha256(warc).hexdigest() != snapshot.sha256:
        raise NotFound(
            _("the stored copy of snapshot #%(id)s does not match its SHA-256", id=snapshot.id)
        )
    for rec in ArchiveIterator(io.BytesIO(warc)):
        if rec.rec_type == "response":
            http = rec.http_headers
            return StoredCopy(
                url=rec.rec_headers.get_header("WARC-Target-URI") or snapshot.url,
                status_line=http.statusline if http else "",
                headers=list(http.headers) if http else [],
                body=rec.content_stream().read(),
                warc=warc,
            )
    raise NotFound(_("the stored copy of snapshot #%(id)s holds no response", id=snapshot.id))


def get_snapshot(session: DBSession, snapshot_id: int) -> SourceSnapshot:
    snapshot = session.get(SourceSnapshot, snapshot_id)
    if snapshot is None:
        raise NotFound(_("no snapshot #%(id)s", id=snapshot_id))
    return snapshot
