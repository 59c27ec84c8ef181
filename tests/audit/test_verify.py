"""verify_rows and verify_events as pure functions: good chains pass, tampering fails."""

from __future__ import annotations

import json

import pytest

from factcheck.audit.log import canonical_json, chain_hash
from factcheck.audit.verify import (
    GENESIS_HASH,
    ExportFormatError,
    read_jsonl_rows,
    verify_events,
    verify_rows,
)
from tests.audit.chains import make_events, rows_of


def rehash(events, start=0):
    """Recompute hashes from ``start`` on, as an attacker who rewrites the chain would."""
    prev = events[start - 1]["hash"] if start else GENESIS_HASH
    for e in events[start:]:
        e["prev_hash"] = prev
        e["hash"] = prev = chain_hash(prev, e["body"])


def test_a_good_chain_verifies_as_dicts_tuples_and_bytes():
    events = make_events(30)
    for given in (events, rows_of(events)):
        result = verify_events(given) if given is events else verify_rows(given)
        assert result.ok and result.count == 30
        assert (result.first_seq, result.last_seq, result.head_hash) == (1, 30, events[-1]["hash"])
    as_bytes = [(*r[:9], r[9].encode(), *r[10:]) for r in rows_of(events)]
    assert verify_rows(as_bytes).ok
    assert "30 events verified" in verify_events(events).summary()


def test_empty_log_is_fine():
    result = verify_rows([])
    assert result.ok and result.count == 0 and result.head_hash == GENESIS_HASH
    assert result.summary() == "OK: the audit trail is empty"


def test_an_edited_body_is_found():
    events = make_events(10)
    events[4]["body"] = events[4]["body"].replace('"after":1', '"after":3')
    result = verify_events(events)
    assert not result.ok and result.bad_seq == 5 and "edited" in result.reason
    assert result.count == 4 and result.head_hash == events[3]["hash"]


def test_an_edited_body_with_its_hash_recomputed_breaks_the_next_link():
    events = make_events(10)
    events[4]["body"] = events[4]["body"].replace('"after":1', '"after":3')
    events[4]["hash"] = chain_hash(events[4]["prev_hash"], events[4]["body"])
    result = verify_events(events)
    assert result.bad_seq == 6 and "prev_hash" in result.reason


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "someone-else@example.org"),
        ("actor_id", 99),
        ("action", "claim.status"),
        ("entity_type", "source"),
        ("entity_id", "12345"),
        ("request_id", "forged-request"),
        ("client_addr", "192.0.2.66"),
        ("occurred_at", "2026-11-29T08:00:05.000035Z"),
    ],
)
def test_a_copied_column_that_disagrees_with_the_body_is_named(column, value):
    events = make_events(8)
    events[6][column] = value
    result = verify_events(events)
    assert not result.ok and result.bad_seq == 7
    assert f"column {column}" in result.reason


def test_a_column_set_to_null_is_found():
    events = make_events(8)
    events[0]["entity_id"] = None
    assert verify_events(events).bad_seq == 1


def test_the_seq_column_and_the_body_must_agree():
    events = make_events(6)
    events[2]["seq"], events[3]["seq"] = 4, 3  # swap the numbers, keep the order
    result = verify_events(events)
    assert not result.ok and result.bad_seq == 3


def test_a_deleted_middle_row_is_a_gap():
    events = make_events(10)
    del events[4]
    result = verify_events(events)
    assert result.bad_seq == 5 and "missing" in result.reason and "seq 6" in result.reason


def test_several_deleted_rows_are_named_as_a_range():
    events = make_events(10)
    del events[3:6]
    assert "event 4–6 is missing" in verify_events(events).reason


def test_reordered_rows_are_found():
    events = make_events(10)
    events[3], events[4] = events[4], events[3]
    result = verify_events(events)
    assert result.bad_seq == 4 and "missing" in result.reason
    events = make_events(10)
    events.insert(5, events[2])  # a duplicate
    assert "out of order or duplicated" in verify_events(events).reason


def test_a_rewritten_chain_passes_alone_but_not_against_a_pin():
    events = make_events(10)
    pin = {7: events[6]["hash"]}
    events[2]["body"] = events[2]["body"].replace("café", "thé")
    rehash(events, 2)
    assert verify_events(events).ok
    result = verify_events(events, pins=pin)
    assert result.bad_seq == 7 and "checkpoint" in result.reason


def test_a_truncated_tail_passes_alone_but_not_against_a_pin():
    events = make_events(10)
    pin = {10: events[-1]["hash"]}
    assert verify_events(events, pins=pin).ok
    result = verify_events(events[:8], pins=pin)
    assert not result.ok and result.bad_seq is None
    assert "ends at seq 8" in result.reason and "covers event 10" in result.reason


def test_a_partial_stream_verifies_from_its_first_row():
    events = make_events(10)
    assert not verify_events(events[4:]).ok  # a full log must start at 1
    result = verify_events(
        events[4:], from_first_row=True, pins={1: events[0]["hash"], 8: events[7]["hash"]}
    )
    assert result.ok and (result.first_seq, result.count) == (5, 6)
    broken = events[4:]
    del broken[2]
    assert verify_events(broken, from_first_row=True).bad_seq == 7


def test_a_nested_client_addr_key_does_not_fool_the_fast_check():
    # changes holding a dict with the same keys as the top level: the parser must decide
    tricky = {"meta": {"before": None, "after": {"client_addr": "192.0.2.66", "data": {}}}}
    events = make_events(4, client_addr="10.0.0.1", changes=tricky)
    assert verify_events(events).ok
    events[1]["client_addr"] = "192.0.2.66"
    result = verify_events(events)
    assert result.bad_seq == 2 and "column client_addr" in result.reason


def test_values_needing_escapes_take_the_exact_path():
    events = make_events(6, client_addr=None, data={"q": 'say "hi"\\'})
    events[1]["actor"] = 'Rita \\"R\\" <r@example.org>'  # the JSON-escaped spelling is not equal
    result = verify_events(events)
    assert result.bad_seq == 2 and "column actor" in result.reason


def test_a_body_that_is_not_json_is_reported():
    events = make_events(3)
    events[1]["body"] = "not json"
    events[1]["hash"] = chain_hash(events[1]["prev_hash"], "not json")
    events[2]["prev_hash"] = events[1]["hash"]
    events[2]["hash"] = chain_hash(events[1]["hash"], events[2]["body"])
    result = verify_events(events)
    assert result.bad_seq == 2 and "not valid JSON" in result.reason


def test_jsonl_rows_and_their_errors():
    events = make_events(3)
    lines = [canonical_json(e).encode() + b"\n" for e in events]
    assert verify_rows(read_jsonl_rows(lines)).ok
    with pytest.raises(ExportFormatError, match="line 2 is not JSON"):
        list(read_jsonl_rows([lines[0], b"{oops\n"]))
    with pytest.raises(ExportFormatError, match="line 1 lacks hash"):
        list(
            read_jsonl_rows(
                [json.dumps({k: v for k, v in events[0].items() if k != "hash"}).encode()]
            )
        )
    with pytest.raises(ExportFormatError, match="not a JSON object"):
        list(read_jsonl_rows([b"[1, 2]"]))


def test_a_nested_client_addr_in_data_does_not_fool_the_fast_check():
    nested = {"n": {"a": 1, "client_addr": "192.0.2.66", "data": {}}}
    events = make_events(4, client_addr="10.0.0.1", data=nested)
    assert verify_events(events).ok
    events[2]["client_addr"] = "192.0.2.66"
    result = verify_events(events)
    assert result.bad_seq == 3 and "column client_addr" in result.reason


def test_a_nested_matching_client_addr_in_changes_does_not_fool_the_fast_check():
    tricky = {"meta": {"before": None, "after": {"a": 1, "client_addr": "192.0.2.66", "data": {}}}}
    events = make_events(4, client_addr="10.0.0.1", changes=tricky, data={})
    events[3]["client_addr"] = "192.0.2.66"
    assert "column client_addr" in verify_events(events).reason
    events = make_events(4, client_addr=None, data={})
    events[0]["client_addr"] = "{"
    assert verify_events(events).bad_seq == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_id", "null"),  # text where the body says null: SQLite lets the column hold it
        ("actor", b"editor@example.org"),  # bytes (a BLOB on SQLite) with the body's letters
        ("action", b"claim.edit"),
        ("entity_type", b"claim"),
        ("entity_id", b"1"),
        ("request_id", b"req00000003"),
        ("client_addr", b"10.0.0.1"),
        ("occurred_at", b"2026-11-29T08:00:03.000021Z"),
    ],
)
def test_a_value_of_another_type_is_named_not_taken_or_a_crash(column, value):
    events = make_events(4)
    assert str(events[2][column]).encode() == value or events[2][column] is None
    events[2][column] = value
    result = verify_events(events)
    assert not result.ok and result.bad_seq == 3 and f"column {column} says" in result.reason


@pytest.mark.parametrize("value", [True, 1.0])
def test_an_equal_value_of_another_type_is_named_after_the_integer_was_seen(value):
    # seq 1 and seq 7 have the same action, actor and actor_id 1: the first fills the rebuilt
    # prefix kept for the second, and True == 1.0 == 1 as a dict key (an edited export file).
    events = make_events(8)
    assert (events[0]["actor"], events[0]["actor_id"]) == (events[6]["actor"], 1)
    events[6]["actor_id"] = value
    result = verify_events(events)
    assert not result.ok and result.bad_seq == 7 and "column actor_id says" in result.reason
    lines = [json.dumps(e).encode() for e in events]
    assert verify_rows(read_jsonl_rows(lines)).bad_seq == 7


def sqlite_stored(rows):
    """The rows with occurred_at as SQLAlchemy stores it on SQLite (naive UTC, 6 digits)."""
    return [(r[0], f"{r[1][:10]} {r[1][11:19]}.{(r[1][20:26] or '0'):0<6}", *r[2:]) for r in rows]


def test_stored_sqlite_times_are_spelled_as_the_body_does():
    whole = make_events(4, changes={})  # seq 1–4 at 08:00:01.000007 …; a whole second below
    whole[1]["occurred_at"] = whole[1]["occurred_at"][:19] + "Z"
    whole[1]["body"] = whole[1]["body"].replace(".000014Z", "Z")
    rehash(whole)
    rows = sqlite_stored(rows_of(whole))
    assert rows[1][1] == "2026-11-29 08:00:02.000000" and rows[0][1].endswith(":01.000007")
    assert verify_rows(rows, stored_times=True).ok
    assert not verify_rows(rows).ok  # unspelled, the times are not the body's
    nested = {"n": {"a": 1, "client_addr": "192.0.2.66", "data": {}}}  # parsed: the slow path
    assert verify_rows(sqlite_stored(rows_of(make_events(3, data=nested))), stored_times=True).ok
    rows[2] = (3, "2026-11-29 08:00:03.000022", *rows[2][2:])
    result = verify_rows(rows, stored_times=True)
    assert result.bad_seq == 3 and "column occurred_at says '2026-11-29T08:00:03.000022Z'" in (
        result.reason
    )
