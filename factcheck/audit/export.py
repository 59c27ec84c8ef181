"""Exporting the audit trail as JSON Lines that verify offline, and atomic file writing.

One event per line: canonical JSON (sorted keys) of the stored columns, with ``occurred_at`` as
the body spells it and ``body`` as the exact hashed text. Each line carries its ``prev_hash``, so
an export that starts mid-chain verifies from its first line. The same rows give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from factcheck.audit.log import canonical_json
from factcheck.audit.verify import COLUMNS, iso_time


class ExportError(RuntimeError):
    """The export could not be written; nothing was left behind."""


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    target = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".",
            prefix=f".{target.name}.",
            suffix=".tmp",
        )
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_line(row: Any) -> bytes:
    """One event row (tuple in ``COLUMNS`` order) as its export line."""
    event = dict(zip(COLUMNS, row, strict=True))
    event["occurred_at"] = iso_time(event["occurred_at"])
    if isinstance(event["body"], bytes):
        event["body"] = event["body"].decode()
    return (canonical_json(event) + "\n").encode()


@dataclass(frozen=True)
class ExportSummary:
    count: int
    first_seq: int | None
    last_seq: int | None
    sha256: str
    bytes: int


def write_export(
    path: str | os.PathLike[str], rows: Iterable[Any], line: Callable[[Any], bytes] = export_line
) -> ExportSummary:
    """Write ``rows`` to ``path`` atomically; return what was written."""
    digest = hashlib.sha256()
    count, size = 0, 0
    first = last = None
    with atomic_writer(path) as fh:
        for row in rows:
            data = line(row)
            fh.write(data)
            digest.update(data)
            size += len(data)
            count += 1
            last = row[0]
            if first is None:
                first = row[0]
    return ExportSummary(count, first, last, digest.hexdigest(), size)
