"""DataFeed building and streaming: the same document, in bounded memory, for 100,000 reviews."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from factcheck.publishing.jsonld.build import (
    Organisation,
    ReviewData,
    build_claim_review,
    data_feed,
    iter_feed,
    write_feed,
)
from factcheck.publishing.jsonld.validate import validate_document

ORG = Organisation(name="Le Desk", url="https://verif.example.fr/")
START = datetime(2025, 1, 1, tzinfo=UTC)
TOTAL = 100_000


def reviews(count: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` distinct ClaimReviews, one at a time (never a list)."""
    template = build_claim_review(
        ReviewData(
            url="/fc/0",
            claim_reviewed="23 des 32 membres de l'OTAN atteignent 2 % du PIB",
            date_published=START,
            in_language="fr",
            rating_label="Vrai",
            rating_value=5,
            best_rating=5,
            worst_rating=1,
            summary="Le rapport de juin le confirme.",
            claimant_name="Mark Rutte",
            claimant_type="Person",
        ),
        ORG,
    )
    for n in range(count):
        yield {
            **template,
            "url": f"https://verif.example.fr/fc/{n}",
            "claimReviewed": f"Affirmation n° {n} : \u2028 </script> « défense »",
            "datePublished": (START + timedelta(minutes=n)).isoformat(),
        }


def test_data_feed_wraps_each_review_in_a_data_feed_item() -> None:
    items = list(reviews(3))
    feed = data_feed(items, ORG)
    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    assert feed["publisher"] == {"@type": "Organization", "name": "Le Desk", "url": ORG.url}
    assert feed["dateModified"] == items[-1]["datePublished"]
    first = feed["dataFeedElement"][0]
    assert first["@type"] == "DataFeedItem"
    assert first["dateCreated"] == items[0]["datePublished"]
    assert first["url"] == items[0]["url"]
    assert "@context" not in first["item"][0]
    assert first["item"][0]["claimReviewed"] == items[0]["claimReviewed"]
    assert [p for _, p in validate_document(feed) if p.severity == "error"] == []


def test_streamed_json_equals_the_built_feed() -> None:
    items = list(reviews(600))  # more than one batch of 256
    out = io.StringIO()
    assert write_feed(iter(items), out, org=ORG) == 600
    assert json.loads(out.getvalue()) == data_feed(items, ORG)


def test_empty_feed_is_valid_json() -> None:
    out = io.StringIO()
    assert write_feed(iter(()), out, org=ORG) == 0
    assert json.loads(out.getvalue())["dataFeedElement"] == []
    out = io.StringIO()
    write_feed([], out, format="jsonl")
    assert out.getvalue() == ""


def test_jsonl_lines_are_standalone_claim_reviews() -> None:
    out = io.StringIO()
    body = {k: v for k, v in next(reviews(1)).items() if k != "@context"}
    write_feed([body, body], out, format="jsonl")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["@context"] == "https://schema.org" for line in lines)
    assert "\u2028" not in out.getvalue()  # escaped, so no line reader splits a record
    assert json.loads(lines[0])["claimReviewed"] == body["claimReviewed"]


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        list(iter_feed([], ORG, format="xml"))  # type: ignore[arg-type]


def test_feed_date_modified_compares_instants_not_strings() -> None:
    early_utc = {"datePublished": "2025-01-01T10:00:00+00:00"}
    later_in_paris = {"datePublished": "2025-01-01T10:30:00+01:00"}  # 09:30 UTC: earlier
    assert data_feed([early_utc, later_in_paris], ORG)["dateModified"] == early_utc["datePublished"]


def peak_memory(count: int, fmt: str) -> int:
    tracemalloc.start()
    try:
        with open(os.devnull, "w", encoding="utf-8") as fp:
            write_feed(reviews(count), fp, format=fmt, org=ORG)  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_streaming_memory_does_not_grow_with_the_number_of_reviews(fmt: str) -> None:
    small, large = peak_memory(1_000, fmt), peak_memory(10_000, fmt)
    # Ten times the reviews, the same peak (one batch of 256): nothing collects them all.
    assert large < small + 256 * 1024, f"{small=} {large=}"
    assert large < 4 * 1024 * 1024


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_streaming_100k_reviews_gives_valid_output(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"feed.{fmt}"
    with path.open("w", encoding="utf-8") as fp:
        count = write_feed(reviews(TOTAL), fp, format=fmt, org=ORG)  # type: ignore[arg-type]
    assert count == TOTAL
    text = path.read_text(encoding="utf-8")
    if fmt == "json":
        feed = json.loads(text)
        assert len(feed["dataFeedElement"]) == TOTAL
        assert feed["dataFeedElement"][-1]["url"] == f"https://verif.example.fr/fc/{TOTAL - 1}"
        assert feed["dateModified"] == (START + timedelta(minutes=TOTAL - 1)).isoformat()
    else:
        lines = text.splitlines()
        records = [json.loads(line) for line in lines]
        assert len(records) == TOTAL
        assert records[12_345]["url"] == "https://verif.example.fr/fc/12345"
        assert records[12_345]["claimReviewed"].startswith("Affirmation n° 12345 : \u2028")
