"""``factcheck export claimreview``, ``factcheck validate`` and ``factcheck import claimreview``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from factcheck.extensions import db
from factcheck.models import AuditEvent
from factcheck.publishing import services
from tests.publishing.test_public_pages import ORG_URL, correct, publish

OTHER = "Le rapport de juin montre que 23 des 32 membres dépensent assez."


def export_events() -> list[dict[str, Any]]:
    db.session.rollback()  # see what the command committed
    bodies = db.session.scalars(
        db.select(AuditEvent.body).where(AuditEvent.action == "export.claimreview")
    )
    return [json.loads(body) for body in bodies]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def two_published(users, ctx) -> list[str]:
    slugs = [publish(users), publish(users, OTHER)]
    correct(users, slugs[0])
    return slugs


def test_export_json_is_the_feed(client, runner, two_published, tmp_path):
    target = tmp_path / "feed.json"
    result = runner.invoke(args=["export", "claimreview", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"exported 2 ClaimReview(s) to {target} (json)" in result.output
    assert "exporting" not in result.output  # no progress bar when stderr is not a terminal
    assert target.read_text(encoding="utf-8") == client.get("/claimreview.json").get_data(
        as_text=True
    )
    assert leftovers(tmp_path) == ["feed.json"]


def test_progress_bar_only_on_a_terminal(runner, two_published, tmp_path, monkeypatch):
    from factcheck.publishing import cli

    monkeypatch.setattr(cli, "_stderr_is_terminal", lambda: True)
    result = runner.invoke(args=["export", "claimreview", "-o", str(tmp_path / "f.json")])
    assert result.exit_code == 0, result.output
    assert "exporting" in result.stderr and "exporting" not in result.stdout


def test_export_jsonl_has_one_review_per_line_matching_the_feed(
    client, runner, two_published, tmp_path
):
    target = tmp_path / "feed.jsonl"
    result = runner.invoke(args=["export", "claimreview", "-o", str(target), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    reviews = [json.loads(line) for line in lines]
    feed = client.get("/claimreview.json").get_json(force=True)
    expected = [
        {"@context": "https://schema.org", **element["item"][0]}
        for element in feed["dataFeedElement"]
    ]
    assert reviews == expected and len(reviews) == 2


def test_exported_files_pass_the_validator_command(runner, two_published, tmp_path):
    target = tmp_path / "feed.json"
    assert runner.invoke(args=["export", "claimreview", "-o", str(target)]).exit_code == 0
    result = runner.invoke(args=["validate", str(target), "--org-url", ORG_URL, "--errors-only"])
    assert result.exit_code == 0, result.output
    assert "2 ClaimReview(s), 0 error(s)" in result.output


def test_exported_json_lines_pass_the_validator_command(runner, two_published, tmp_path):
    target = tmp_path / "feed.jsonl"
    args = ["export", "claimreview", "-o", str(target), "--format", "jsonl"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=["validate", str(target), "--org-url", ORG_URL, "--errors-only"])
    assert result.exit_code == 0, result.output
    assert "2 ClaimReview(s), 0 error(s)" in result.output
    # The same lines under another name are recognised as JSON Lines too.
    renamed = tmp_path / "feed.json"
    renamed.write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(args=["validate", str(renamed), "--org-url", ORG_URL])
    assert result.exit_code == 0 and "2 ClaimReview(s), 0 error(s)" in result.output


def test_validate_names_the_line_of_each_problem_in_json_lines(runner, two_published, tmp_path):
    good = tmp_path / "feed.jsonl"
    args = ["export", "claimreview", "-o", str(good), "--format", "jsonl"]
    assert runner.invoke(args=args).exit_code == 0
    first, second = good.read_text(encoding="utf-8").splitlines()
    broken = dict(json.loads(second))
    del broken["claimReviewed"]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        "\n".join([first, "{not json", "", json.dumps(broken)]) + "\n", encoding="utf-8"
    )
    args = ["validate", str(mixed), "--org-url", ORG_URL, "--errors-only"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert f"{mixed}: line 2: error: not JSON: Expecting property name" in result.output
    assert "(column 2)" in result.output
    assert f"{mixed}: line 4.claimReviewed: error:" in result.output
    assert ": line 1" not in result.output
    assert "2 ClaimReview(s), 2 error(s)" in result.output


def test_validate_command_reports_errors_and_unreadable_files(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"@context": "https://schema.org", "@type": "ClaimReview"}), encoding="utf-8"
    )
    result = runner.invoke(args=["validate", str(bad)])
    assert result.exit_code == 1 and "claimReviewed" in result.output
    missing = runner.invoke(args=["validate", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2


def test_export_records_an_audit_event_with_count_and_path(runner, two_published, tmp_path):
    target = tmp_path / "feed.jsonl"
    args = ["export", "claimreview", "-o", str(target), "--format", "jsonl"]
    assert runner.invoke(args=args).exit_code == 0
    (event,) = export_events()
    assert event["data"] == {
        "count": 2,
        "path": str(target),
        "format": "jsonl",
        "since": None,
    }
    assert event["actor"] == "cli" and event["entity_type"] == "claimreview_feed"


def test_since_limits_the_export(runner, two_published, tmp_path):
    target = tmp_path / "feed.json"
    args = ["export", "claimreview", "-o", str(target), "--since", "2999-01-01"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["dataFeedElement"] == []
    assert export_events()[0]["data"]["since"] == "2999-01-01"
    bad = runner.invoke(args=["export", "claimreview", "-o", str(target), "--since", "tomorrow"])
    assert bad.exit_code == 2 and "--since" in bad.output


@pytest.mark.parametrize(
    "where",
    ["missing-folder/feed.json", "a-file/feed.json"],
    ids=["missing folder", "parent is a file"],
)
def test_unwritable_path_is_a_clear_error_and_leaves_nothing(
    runner, two_published, tmp_path, where
):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    before = leftovers(tmp_path)
    result = runner.invoke(args=["export", "claimreview", "-o", str(tmp_path / where)])
    assert result.exit_code == 1
    assert f"cannot write {tmp_path / where}" in result.output
    assert "Traceback" not in result.output
    assert leftovers(tmp_path) == before
    assert export_events() == []


def test_failure_half_way_keeps_the_old_file_and_leaves_no_partial(
    runner, two_published, tmp_path, monkeypatch
):
    target = tmp_path / "feed.json"
    target.write_text("previous export", encoding="utf-8")
    real = services.iter_claim_reviews

    def breaks_after_one(*args: Any, **kwargs: Any) -> Any:
        for n, review in enumerate(real(*args, **kwargs)):
            if n == 1:
                raise OSError(28, "No space left on device")
            yield review

    monkeypatch.setattr(services, "iter_claim_reviews", breaks_after_one)
    result = runner.invoke(args=["export", "claimreview", "-o", str(target)])
    assert result.exit_code == 1
    assert f"cannot write {target}: No space left on device" in result.output
    assert target.read_text(encoding="utf-8") == "previous export"
    assert leftovers(tmp_path) == ["feed.json"]
    assert export_events() == []


def test_export_replaces_an_existing_file_atomically(runner, two_published, tmp_path):
    target = tmp_path / "feed.json"
    target.write_text("previous export", encoding="utf-8")
    inode = target.stat().st_ino
    assert runner.invoke(args=["export", "claimreview", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["@type"] == "DataFeed"
    assert target.stat().st_ino != inode  # a new file renamed over the old one
    assert oct(target.stat().st_mode & 0o777) == oct(0o644 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- import (stored since issue 15; the dry run is --dry-run) ------------------------------------
# These tests asserted the old behaviour (import was always a dry run and stored nothing); they
# now check --dry-run for the preview, and tests/memory/ covers what a real import stores.


def _stored() -> int:
    from factcheck.models import ImportedFactCheck

    db.session.rollback()
    return db.session.scalar(db.select(db.func.count(ImportedFactCheck.id))) or 0


def test_import_dry_run_reports_what_it_would_import_and_stores_nothing(
    runner, two_published, tmp_path
):
    target = tmp_path / "feed.json"
    assert runner.invoke(args=["export", "claimreview", "-o", str(target)]).exit_code == 0
    result = runner.invoke(args=["import", "claimreview", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.count("would import") == 3  # two lines and the summary
    assert "“Le rapport de juin montre que 23 des 32 membres dépensent assez.”" in result.output
    assert "2 would import, 0 would update, 0 unchanged, 0 refused" in result.output
    assert "nothing was stored (dry run)" in result.output
    assert _stored() == 0
    help_text = runner.invoke(args=["import", "claimreview", "--help"]).output
    assert "--dry-run" in help_text and "store nothing" in help_text


def test_import_lists_problems_per_item(runner, ctx, tmp_path):
    source = tmp_path / "mixed.json"
    source.write_text(
        json.dumps(
            [
                {
                    "@context": "https://schema.org",
                    "@type": "ClaimReview",
                    "claimReviewed": "Une affirmation",
                    "reviewRating": {"@type": "Rating", "alternateName": "Faux"},
                },
                {"@context": "https://schema.org", "@type": "ClaimReview"},
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", "claimreview", str(source)])
    assert result.exit_code == 1
    assert "[0] refused ([0]): url is missing" in result.output
    assert "    warning: no url" in result.output
    assert "[1] refused ([1]): claimReviewed is missing" in result.output
    assert "0 imported, 0 updated, 0 unchanged, 2 refused; nothing was stored" in result.output
    assert _stored() == 0


def test_import_refuses_files_that_are_not_json(runner, tmp_path):
    source = tmp_path / "x.json"
    source.write_bytes(b"\xff\xfe not json")
    result = runner.invoke(args=["import", "claimreview", str(source)])
    assert result.exit_code == 1 and "not UTF-8" in result.output
    assert "nothing was stored" in result.output


def test_import_reads_a_real_world_sample(runner, ctx, shared_dir):
    sample = (
        shared_dir
        / "data"
        / "claimreview-samples"
        / "google-search-central-factcheck-example.jsonld"
    )
    result = runner.invoke(args=["import", "claimreview", str(sample)])
    assert "[0] imported #" in result.output, result.output
    assert _stored() == 1
