"""Verifying the audit chain: pure functions over a stream of events, in constant memory.

An event is valid when its ``seq`` follows the previous one, its ``prev_hash`` is the previous
event's hash, its ``hash`` is ``sha256(prev_hash + "\\n" + body)`` over the stored body text, and
every column copied out of the body for queries (seq, time, actor, action, entity, request id,
client address) says what the body says.

The column check does not parse JSON. A body is canonical JSON with sorted keys, so it must start
with ``{"action":…,"actor":…,"actor_id":…,"changes":`` and end with
``,"entity_id":…,"entity_type":…,"occurred_at":…,"request_id":…,"seq":…}``; both are rebuilt
from the columns and compared as strings. That is exact: a JSON string token cannot contain an
unescaped quote, so no other values can produce the same prefix or suffix. ``client_addr`` sits
between two free-form objects (changes, data): its last occurrence is the top-level key when the
data object after it is flat, or when the key occurs once. Otherwise — and whenever the fast
check fails, to name the column — the body is parsed. A column value that is not a string (nor,
for ``actor_id``, an integer) never passes the fast check: SQLite lets a text column hold a BLOB,
or an integer column the text ``null``, and those are named, not read as the body's value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

GENESIS_HASH = "0" * 64

# The order of the fields in a row tuple, as :func:`verify_rows` reads them.
COLUMNS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor",
    "action",
    "entity_type",
    "entity_id",
    "request_id",
    "client_addr",
    "body",
    "prev_hash",
    "hash",
)
# Columns that repeat a value of the body, in the order the slow check names them.
COPIED_COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "request_id",
    "client_addr",
)
_CLIENT_KEY = b',"client_addr":'

Row = Sequence[Any]


@dataclass(frozen=True)
class VerifyResult:
    """The outcome: how many events were good, the last good hash, or the first bad event."""

    ok: bool
    count: int
    first_seq: int | None
    last_seq: int | None
    head_hash: str
    bad_seq: int | None = None
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        if self.ok:
            if self.count == 0:
                return "OK: the audit trail is empty"
            span = f"seq {self.first_seq}–{self.last_seq}" if self.first_seq != 1 else ""
            return (
                f"OK: {self.count} events verified{' (' + span + ')' if span else ''}; "
                f"head hash {self.head_hash}"
            )
        where = f"seq {self.bad_seq}" if self.bad_seq is not None else "the end of the log"
        return f"FAILED at {where}: {self.reason}"


def iso_time(value: datetime | str) -> str:
    """The body's spelling of a timestamp (ISO 8601, ``Z`` for UTC); anything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value


# Stands for a value no body holds (bytes, a float…): the fast check fails, the body is parsed.
_NOT_JSON = "\x00"


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if type(value) is str:
        return str(encode_basestring(value))
    if type(value) is int:
        return str(value)
    return _NOT_JSON


def _prefix(action: Any, actor: Any, actor_id: Any) -> bytes:
    """``{"action":…,"actor":…,"actor_id":…,"changes":`` as the body starts, from the columns."""
    if type(action) is not str or type(actor) is not str:
        return _NOT_JSON.encode()
    return (
        f'{{"action":{encode_basestring(action)},"actor":{encode_basestring(actor)}'
        f',"actor_id":{_json_value(actor_id)},"changes":'
    ).encode()


def as_row(event: Any) -> tuple[Any, ...]:
    """A row tuple in :data:`COLUMNS` order from a mapping or an object with those attributes."""
    if isinstance(event, Mapping):
        return tuple(event[c] for c in COLUMNS)
    return tuple(getattr(event, c) for c in COLUMNS)


def verify_events(events: Iterable[Any], **kwargs: Any) -> VerifyResult:
    """Verify ``events`` given as mappings or objects (ORM rows); see :func:`verify_rows`."""
    return verify_rows(map(as_row, events), **kwargs)


def verify_rows(
    rows: Iterable[Row],
    *,
    start_seq: int = 1,
    start_hash: str = GENESIS_HASH,
    from_first_row: bool = False,
    pins: Mapping[int, str] | None = None,
    stored_times: bool = False,
) -> VerifyResult:
    """Verify a stream of row tuples (in :data:`COLUMNS` order), in seq order.

    By default the chain must start at seq 1 from the genesis hash. ``from_first_row`` starts it
    wherever the first row says instead (a partial export). ``pins`` maps seqs to the hash they
    must have (a signed checkpoint); a pinned seq past the end of the stream is a failure.
    ``stored_times``: ``occurred_at`` is text as SQLAlchemy stores it on SQLite (``YYYY-MM-DD
    HH:MM:SS.ffffff``, UTC), spelled here as the body spells it, exactly as
    ``audit/store.py:_time_text`` does in SQL (which costs SQLite more than this).
    """
    sha256 = hashlib.sha256
    # Rebuilt column parts, kept by value *and type*: 1, 1.0 and True are one dict key, but only
    # the integer is the body's 1 (a float or a boolean column must take the exact path).
    prefixes: dict[tuple[Any, ...], bytes] = {}  # (action, actor, actor_id) repeat a lot
    clients: dict[tuple[Any, type], bytes] = {}
    pending = sorted((pins or {}).items())
    next_pin, pin_hash = pending.pop(0) if pending else (0, "")
    expected = start_seq
    prev = start_hash
    link = (prev + "\n").encode()  # what the next hash starts with
    first_seq: int | None = None
    count = 0

    for row in rows:
        seq, occurred, actor_id, actor, action, etype, eid, rid, caddr, body, prev_hash, digest = (
            row
        )
        if first_seq is None:
            if from_first_row:
                expected, prev = seq, prev_hash
                link = (prev + "\n").encode()
            first_seq = expected
            while next_pin and next_pin < expected:  # before this stream: cannot be checked
                next_pin, pin_hash = pending.pop(0) if pending else (0, "")
        if seq != expected:
            if isinstance(seq, int) and seq > expected:
                missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
                return _failed(
                    (count, first_seq, expected, prev),
                    expected,
                    f"event {missing} is missing (the next row is seq {seq}): rows were deleted",
                )
            return _failed(
                (count, first_seq, expected, prev),
                expected,
                f"expected seq {expected} but found seq {seq}: rows are out of order or duplicated",
            )
        if prev_hash != prev:
            return _failed(
                (count, first_seq, expected, prev),
                seq,
                f"prev_hash does not match the hash of event {seq - 1}: an event "
                "before it was changed, removed or reordered",
            )
        data = body if type(body) is bytes else body.encode()
        h = sha256(link)
        h.update(data)
        if h.hexdigest() != digest:
            return _failed(
                (count, first_seq, expected, prev),
                seq,
                "the stored hash does not match the body: the event was edited",
            )

        # Copied columns, compared without parsing (see the module docstring).
        key = (action, actor, actor_id, type(actor_id))
        prefix = prefixes.get(key)
        if prefix is None:
            if len(prefixes) > 4096:
                prefixes.clear()
            prefix = prefixes[key] = _prefix(action, actor, actor_id)
        if type(occurred) is not str:
            occurred = iso_time(occurred)
        elif stored_times:
            occurred = (occurred.replace(" ", "T") + "Z").replace(".000000Z", "Z")
        # Values without quotes, backslashes or apostrophes read the same escaped or not (a
        # value that is not a string, say bytes, is written with apostrophes); 18 quotes are
        # the keys' and the four strings' own.
        tail = (
            f',"entity_id":"{eid}","entity_type":"{etype}","occurred_at":"{occurred}"'
            f',"request_id":"{rid}","seq":{seq}}}'
        )
        if eid is None or rid is None or tail.count('"') != 18 or "\\" in tail or "'" in tail:
            tail = _escaped_tail(eid, etype, occurred, rid, seq)
        tail_b = tail.encode()
        client = clients.get((caddr, type(caddr))) or _client_part(clients, caddr)
        at = data.rfind(client)  # the top-level key and value, unless nested ones match
        rest = at + len(client)  # where the data object should start
        if not (
            data.startswith(prefix)
            and data.endswith(tail_b)
            and at > 0
            and (
                # A flat data object (one "{" (123), one "}") proves ``at`` is the top-level
                # key: a key nested in data would leave its enclosing object's "}" after it too.
                (data[rest] == 123 and data.count(b"}", rest, len(data) - len(tail_b)) == 1)
                or data.count(_CLIENT_KEY) == 1
            )
        ):
            problem = column_mismatch((seq, occurred, *row[2:]))
            if problem:
                return _failed((count, first_seq, expected, prev), seq, problem)
        if seq == next_pin:
            if digest != pin_hash:
                return _failed(
                    (count, first_seq, expected, prev),
                    seq,
                    f"event {seq} has hash {digest} but the checkpoint says "
                    f"{pin_hash}: history was rewritten, or the checkpoint belongs "
                    "to another log",
                )
            next_pin, pin_hash = pending.pop(0) if pending else (0, "")
        prev = digest
        link = (digest + "\n").encode()
        expected += 1
        count += 1

    if next_pin and next_pin >= expected:
        return _failed(
            (count, first_seq, expected, prev),
            None,
            f"the log ends at seq {expected - 1} but the checkpoint covers event "
            f"{next_pin}: events were removed from the end, or the checkpoint "
            "belongs to another log",
        )
    return VerifyResult(True, count, first_seq, expected - 1 if count else None, prev)


def _escaped_tail(eid: Any, etype: Any, occurred: Any, rid: Any, seq: Any) -> str:
    return (
        f',"entity_id":{_json_value(eid)},"entity_type":{_json_value(etype)}'
        f',"occurred_at":{_json_value(occurred)},"request_id":{_json_value(rid)}'
        f',"seq":{seq}}}'
    )


def _client_part(cache: dict[tuple[Any, type], bytes], client_addr: Any) -> bytes:
    if len(cache) > 4096:
        cache.clear()
    part = f',"client_addr":{_json_value(client_addr)},"data":'.encode()
    cache[client_addr, type(client_addr)] = part
    return part


def _failed(state: tuple[int, int | None, int, str], seq: int | None, reason: str) -> VerifyResult:
    count, first_seq, expected, prev = state
    return VerifyResult(False, count, first_seq, expected - 1 if count else None, prev, seq, reason)


def column_mismatch(row: Row) -> str | None:
    """Parse the body and name the first copied column that differs from it, if any."""
    values = dict(zip(COLUMNS, row, strict=True))
    try:
        data = json.loads(values["body"])
    except ValueError as exc:
        return f"the body is not valid JSON ({exc})"
    if not isinstance(data, dict):
        return "the body is not a JSON object"
    for column in COPIED_COLUMNS:
        stored = values[column]
        if column not in data:
            return f"the body has no {column!r}"
        said = data[column]
        if column == "occurred_at":
            if _instant(stored) is None or _instant(stored) != _instant(said):
                return (
                    f"column occurred_at says {iso_time(stored)!r} but the hashed body says "
                    f"{said!r}: the row was edited"
                )
            continue
        if stored != said or type(stored) is not type(said):
            return (
                f"column {column} says {stored!r} but the hashed body says {said!r}: "
                "the row was edited"
            )
    return None


def _instant(value: Any) -> datetime | None:
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


def read_jsonl_rows(lines: Iterable[bytes]) -> Iterator[tuple[Any, ...]]:
    """Row tuples from the lines of an export; raises ``ExportFormatError`` on a bad line."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise ExportFormatError(f"line {lineno} is not JSON: {exc}") from None
        if not isinstance(event, dict):
            raise ExportFormatError(f"line {lineno} is not a JSON object")
        missing = [c for c in COLUMNS if c not in event]
        if missing:
            raise ExportFormatError(f"line {lineno} lacks {', '.join(missing)}")
        if not all(isinstance(event[c], str) for c in ("body", "prev_hash", "hash")) or not (
            isinstance(event["seq"], int)
        ):
            raise ExportFormatError(
                f"line {lineno}: seq must be a number and body, prev_hash and hash strings"
            )
        yield tuple(event[c] for c in COLUMNS)


class ExportFormatError(ValueError):
    """An export file that is not a sequence of event lines."""
