"""Stored imports: what `import claimreview` keeps, updates and refuses, on both databases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from factcheck.audit.log import canonical_json
from factcheck.extensions import db
from factcheck.memory.services import claim_review_of, import_reviews
from factcheck.models import AuditEvent, ImportedFactCheck
from factcheck.publishing.jsonld.importer import parse_claim_reviews
from tests.publishing.test_public_pages import correct, publish

DPA: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://dpa-factchecking.com/germany/240617-99-01/",
    "claimReviewed": "Only five NATO members spend 2 percent of GDP on defence.",
    "datePublished": "2024-06-18",
    "author": {"@type": "Organization", "name": "dpa", "url": "https://dpa-factchecking.com/"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "A blogger"},
        "datePublished": "2024-06-16",
    },
}


def stored() -> list[ImportedFactCheck]:
    db.session.rollback()
    return list(db.session.scalars(db.select(ImportedFactCheck).order_by(ImportedFactCheck.id)))


def run_import(runner: Any, path: Path, *extra: str) -> Any:
    return runner.invoke(args=["import", "claimreview", str(path), *extra])


def write(tmp_path: Path, name: str, data: Any) -> Path:
    target = tmp_path / name
    target.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return target


def test_import_stores_every_field_and_infers_the_language(runner, ctx, tmp_path):
    result = run_import(runner, write(tmp_path, "dpa.json", DPA))
    assert result.exit_code == 0, result.output
    assert (
        "[0] imported #" in result.output
        and "1 imported, 0 updated, 0 unchanged, 0 refused; all stored" in result.output
    )
    [row] = stored()
    assert (row.publisher_name, row.publisher_url) == ("dpa", "https://dpa-factchecking.com/")
    assert (row.rating_label, row.rating_value, row.best_rating, row.worst_rating) == (
        "False",
        1,
        5,
        1,
    )
    assert row.review_url == DPA["url"] and row.claim_reviewed == DPA["claimReviewed"]
    assert (row.claimant_name, row.claimant_type) == ("A blogger", "Person")
    assert str(row.date_published) == "2024-06-18" and str(row.claim_date) == "2024-06-16"
    assert (row.language, row.language_inferred) == ("en", True)
    assert row.original == DPA and row.source == str(tmp_path / "dpa.json")
    [event] = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "fact_check.import")
    ).all()
    assert event.entity_id == str(row.id)


def test_the_same_review_twice_is_one_row_updated(runner, ctx, tmp_path):
    twice = write(tmp_path, "twice.json", [DPA, DPA])
    result = run_import(runner, twice)
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 updated, 1 unchanged" in result.output
    # Same publisher + claim + day under another url: the same review, updated.
    moved = {**DPA, "url": "https://dpa-factchecking.com/moved/", "headline": "Faktencheck"}
    assert run_import(runner, write(tmp_path, "moved.json", moved)).exit_code == 0
    # Same url, corrected rating: updated too.
    fixed = {**moved, "reviewRating": {**DPA["reviewRating"], "ratingValue": 2}}
    result = run_import(runner, write(tmp_path, "fixed.json", fixed))
    assert "[0] updated #" in result.output
    [row] = stored()
    assert (row.review_url, row.headline, row.rating_value) == (moved["url"], "Faktencheck", 2)
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.entity_type == "fact_check")
    ).all()
    assert sorted(actions) == ["fact_check.import", "fact_check.reimport", "fact_check.reimport"]


def test_dry_run_previews_and_stores_nothing(runner, ctx, tmp_path):
    result = run_import(runner, write(tmp_path, "twice.json", [DPA, DPA]), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "[0] would import" in result.output and "[1] would update" in result.output
    assert stored() == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"url": None}, "url is missing or unusable"),
        ({"url": "javascript:alert(1)"}, "url is missing or unusable"),
        ({"author": None}, "no publisher"),
        (
            {"reviewRating": {**DPA["reviewRating"], "ratingValue": 9}},
            "reviewRating: ratingValue 9 is outside its scale 1..5",
        ),
    ],
)
def test_bad_records_are_refused_with_their_reason_and_the_rest_stored(
    runner, ctx, tmp_path, change, reason
):
    bad = {k: v for k, v in {**DPA, **change}.items() if v is not None}
    bad["claimReviewed"] = "Another claim entirely."
    good = {**DPA}
    result = run_import(runner, write(tmp_path, "mixed.json", [good, bad]))
    assert result.exit_code == 1
    assert f"[1] refused ([1]): {reason}" in result.output, result.output
    assert "1 imported, 0 updated, 0 unchanged, 1 refused; the others were stored" in result.output
    assert [row.review_url for row in stored()] == [DPA["url"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not json {", "not JSON"),
        ("<html><body><p>No markup here</p></body></html>", "no <script"),
        ('{"a": 1}\n{"b": ', "not JSON Lines: line 2"),
    ],
)
def test_input_that_cannot_be_read_stores_nothing(runner, ctx, tmp_path, content, message):
    result = run_import(runner, write(tmp_path, "bad.txt", content))
    assert result.exit_code == 1
    assert message in result.output and "nothing was stored" in result.output
    assert stored() == []


def _page(*reviews: dict[str, Any]) -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(r)}</script>' for r in reviews
    )
    return f"<!doctype html><html><head>{scripts}</head><body><p>Fact-check</p></body></html>"


def test_html_page_with_one_review_is_imported_and_with_two_refused(runner, ctx, tmp_path):
    org = {"@type": "WebSite", "name": "dpa"}
    result = run_import(runner, write(tmp_path, "one.html", _page(org, DPA)))
    assert result.exit_code == 0, result.output
    assert len(stored()) == 1
    other = {**DPA, "url": "https://dpa-factchecking.com/other/", "claimReviewed": "Other."}
    result = run_import(runner, write(tmp_path, "two.html", _page(DPA, other)))
    assert result.exit_code == 1
    assert result.output.count("the page holds 2 ClaimReviews") == 2
    assert [row.review_url for row in stored()] == [DPA["url"]]


def test_stdin_and_json_lines(runner, ctx):
    lines = "\n".join(
        json.dumps({**DPA, "url": f"{DPA['url']}{n}", "datePublished": f"2024-06-1{n}"})
        for n in range(3)
    )
    result = runner.invoke(args=["import", "claimreview", "-"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    assert len(stored()) == 3


# --- round trip ---------------------------------------------------------------------------------

TRICKY = (
    '« 23 des 32 »  membres   dépensent 2 % — </script><!-- & "plus" 🇫🇷 ligne '
    + "très longue " * 30
).strip()


def test_export_import_export_is_byte_for_byte_the_same(runner, users, ctx, tmp_path):
    slugs = [
        publish(
            users,
            "Le rapport de juin montre que 23 des 32 membres dépensent 2 % du PIB.",
            edits={
                "claim_reviewed": TRICKY[:480],
                "claimant_name": "Mark Rutte",
                "claimant_type": "Person",
                "claimant_same_as": "https://www.wikidata.org/wiki/Q57792",
                "appearance_url": "https://news.example.com/otan",
                "appearance_headline": "L'OTAN  et les « 2 % »",
                "claim_date": date(2024, 6, 17),
            },
            summary="Vingt-trois alliés atteignent l'objectif.\nSelon l'OTAN.",
        ),
        publish(users, "Le Pentagone estime que 10 000 soldats ont été envoyés."),
    ]
    correct(users, slugs[0])
    first = tmp_path / "first.jsonl"
    assert (
        runner.invoke(
            args=["export", "claimreview", "-o", str(first), "--format", "jsonl"]
        ).exit_code
        == 0
    )
    result = run_import(runner, first)
    assert result.exit_code == 0, result.output
    rows = stored()
    assert len(rows) == 2
    exported = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    by_url = {row.review_url: row for row in rows}
    for review in exported:
        again = claim_review_of(by_url[review["url"]])
        assert canonical_json(again) == canonical_json(review)
    assert any(r.modified_at for r in rows) and all(r.rating_explanation for r in rows)
    assert any(r.claimant_same_as for r in rows) and any(r.appearance_headline for r in rows)
    assert any(r.rating_description for r in rows)
    # And the feed (a DataFeed) imports to the same rows: nothing new, nothing changed.
    feed = tmp_path / "feed.json"
    assert runner.invoke(args=["export", "claimreview", "-o", str(feed)]).exit_code == 0
    result = run_import(runner, feed)
    assert "0 imported, 0 updated, 2 unchanged" in result.output, result.output


@pytest.mark.shared
def test_real_samples_import_and_refuse_what_they_lack(ctx, shared_dir):
    raw = (
        shared_dir / "data/claimreview-samples/meedan-fetch-fixtures-claimreviews.json"
    ).read_bytes()
    outcomes = import_reviews(db.session, parse_claim_reviews(raw), source="meedan", actor=None)
    refused = [o for o in outcomes if o.action == "refused"]
    assert [o.index for o in refused] == [18] and "no publisher" in refused[0].message
    rows = db.session.scalars(db.select(ImportedFactCheck)).all()
    assert len(rows) == len(outcomes) - 1 - sum(o.action == "unchanged" for o in outcomes)
    assert all(row.language_inferred and row.language for row in rows)
