"""ClaimReview validator: one broken variant per rule, the official examples, the CLI."""

from __future__ import annotations

import copy
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factcheck.publishing.jsonld.build import write_feed
from factcheck.publishing.jsonld.validate import (
    Problem,
    check_iso8601,
    check_vocabulary,
    load_vocabulary,
    main,
    validate_claim_review,
    validate_document,
)
from tools import make_vocab

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "data" / "claimreview-samples"
SCHEMAORG = SHARED / "data" / "schemaorg-30.0"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent"
)
ORG_URL = "https://verif.example.fr/"

VALID: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://verif.example.fr/fact-checks/koursk",
    "claimReviewed": "Environ 10 000 soldats nord-coréens ont été envoyés à Koursk",
    "datePublished": "2025-06-20T09:30:00+00:00",
    "inLanguage": "fr",
    "author": {"@type": "Organization", "name": "Le Desk", "url": "https://verif.example.fr/"},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Plutôt vrai",
    },
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Pentagone"},
        "datePublished": "2025-06-18",
        "appearance": {"@type": "CreativeWork", "url": "https://news.example.com/a"},
    },
}


def test_the_valid_baseline_has_no_problems() -> None:
    assert validate_claim_review(VALID, org_url=ORG_URL) == []


def setter(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Return a mutation that sets (or, for value ``...``, deletes) a dotted path."""

    def mutate(obj: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = obj
        for part in parents:
            node = node[part]
        if value is ...:
            del node[last]
        else:
            node[last] = value

    return mutate


# (case id, mutation, org_url, problem path, severity, message fragment)
BROKEN: list[tuple[str, Callable[[dict[str, Any]], None], str | None, str, str, str]] = [
    ("no-claim", setter("claimReviewed", ...), None, "claimReviewed", "error", "required"),
    ("empty-claim", setter("claimReviewed", "  "), None, "claimReviewed", "error", "required"),
    ("claim-list", setter("claimReviewed", ["a"]), None, "claimReviewed", "error", "text"),
    ("long-claim", setter("claimReviewed", "x" * 76), None, "claimReviewed", "warning", "75"),
    (
        "claim-has-label",
        setter("claimReviewed", "PLUTÔT VRAI : 10 000 soldats à Koursk"),
        None,
        "claimReviewed",
        "error",
        "must not contain the rating label",
    ),
    ("no-rating", setter("reviewRating", ...), None, "reviewRating", "error", "required"),
    (
        "no-label",
        setter("reviewRating.alternateName", ...),
        None,
        "reviewRating.alternateName",
        "error",
        "required",
    ),
    (
        "rating-not-rating",
        setter("reviewRating.@type", "Review"),
        None,
        "reviewRating.@type",
        "error",
        "must be a Rating",
    ),
    ("no-url", setter("url", ...), None, "url", "error", "required"),
    ("relative-url", setter("url", "/fact-checks/koursk"), None, "url", "error", "absolute"),
    ("js-url", setter("url", "javascript:alert(1)"), None, "url", "error", "absolute"),
    (
        "off-domain-url",
        setter("url", "https://evil.example.com/fc"),
        ORG_URL,
        "url",
        "error",
        "not on the organisation's domain",
    ),
    ("no-author", setter("author", ...), None, "author", "warning", "recommended"),
    (
        "author-person",
        setter("author", {"@type": "Person", "name": "Camille"}),
        None,
        "author",
        "warning",
        "found Person",
    ),
    (
        "author-no-name",
        setter("author.name", ...),
        None,
        "author.name",
        "warning",
        "no name",
    ),
    ("no-item", setter("itemReviewed", ...), None, "itemReviewed", "warning", "recommended"),
    (
        "item-creativework",
        setter("itemReviewed.@type", "CreativeWork"),
        None,
        "itemReviewed.@type",
        "warning",
        "should be a Claim",
    ),
    (
        "claimant-no-name",
        setter("itemReviewed.author.name", ...),
        None,
        "itemReviewed.author.name",
        "warning",
        "no name",
    ),
    (
        "no-claimant",
        setter("itemReviewed.author", ...),
        None,
        "itemReviewed.author",
        "warning",
        "claimant",
    ),
    (
        "no-claim-date",
        setter("itemReviewed.datePublished", ...),
        None,
        "itemReviewed.datePublished",
        "warning",
        "recommended",
    ),
    (
        "no-appearance",
        setter("itemReviewed.appearance", ...),
        None,
        "itemReviewed.appearance",
        "warning",
        "firstAppearance",
    ),
    (
        "rating-string",
        setter("reviewRating.ratingValue", "4"),
        None,
        "reviewRating.ratingValue",
        "warning",
        "JSON number",
    ),
    (
        "rating-not-number",
        setter("reviewRating.ratingValue", "quatre"),
        None,
        "reviewRating.ratingValue",
        "error",
        "must be a number",
    ),
    (
        "rating-empty",
        setter("reviewRating.bestRating", ""),
        None,
        "reviewRating.bestRating",
        "error",
        "must be a number",
    ),
    (
        "no-rating-value",
        setter("reviewRating.ratingValue", ...),
        None,
        "reviewRating.ratingValue",
        "warning",
        "recommended",
    ),
    (
        "no-best",
        setter("reviewRating.bestRating", ...),
        None,
        "reviewRating.bestRating",
        "warning",
        "assumes 5",
    ),
    (
        "worst-zero",
        setter("reviewRating.worstRating", 0),
        None,
        "reviewRating.worstRating",
        "error",
        "≥ 1",
    ),
    (
        "best-not-above-worst",
        setter("reviewRating.bestRating", 1),
        None,
        "reviewRating.bestRating",
        "error",
        "greater than worstRating",
    ),
    (
        "value-above-best",
        setter("reviewRating.ratingValue", 7),
        None,
        "reviewRating.ratingValue",
        "error",
        "outside",
    ),
    (
        "date-space",
        setter("datePublished", "2020-06-23 20:02"),
        None,
        "datePublished",
        "error",
        "use 'T'",
    ),
    (
        "date-impossible",
        setter("datePublished", "2025-02-30"),
        None,
        "datePublished",
        "error",
        "not a real calendar date",
    ),
    (
        "date-words",
        setter("itemReviewed.datePublished", "18 juin 2025"),
        None,
        "itemReviewed.datePublished",
        "error",
        "ISO 8601",
    ),
    (
        "date-no-offset",
        setter("datePublished", "2025-06-20T09:30"),
        None,
        "datePublished",
        "warning",
        "no time zone",
    ),
    ("no-language", setter("inLanguage", ...), None, "inLanguage", "warning", "recommended"),
    ("bad-language", setter("inLanguage", "French!"), None, "inLanguage", "error", "BCP 47"),
    ("no-context", setter("@context", ...), None, "@context", "error", "missing"),
    # Issue 11: a @context that is not schema.org is an error (its terms mean nothing).
    ("odd-context", setter("@context", "https://example.org"), None, "@context", "error", ""),
    ("wrong-type", setter("@type", "Review"), None, "@type", "error", "must be ClaimReview"),
    (
        "lowercase-type",
        setter("itemReviewed.appearance.@type", "creativeWork"),
        None,
        "itemReviewed.appearance.@type",
        "error",
        "case-sensitive: did you mean 'CreativeWork'",
    ),
    (
        "unknown-type",
        setter("itemReviewed.@type", "Claime"),
        None,
        "itemReviewed.@type",
        "error",
        "unknown type 'Claime'",
    ),
    (
        "unknown-property",
        setter("claimReview", "x"),
        None,
        "claimReview",
        "error",
        "did you mean 'claimReviewed'",
    ),
    (
        "property-case",
        setter("DatePublished", "2025-06-20"),
        None,
        "DatePublished",
        "error",
        "did you mean 'datePublished'",
    ),
    (
        "property-off-domain",
        setter("reviewRating.color", "#f00"),
        None,
        "reviewRating.color",
        "warning",
        "not expected on Rating",
    ),
    (
        "superseded-property",
        setter("author.awards", "Prix"),
        None,
        "author.awards",
        "warning",
        "superseded by 'award'",
    ),
    (
        "relative-same-as",
        setter("itemReviewed.author.sameAs", "Réseaux sociaux"),
        None,
        "itemReviewed.author.sameAs",
        "warning",
        "not an absolute",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "org_url", "path", "severity", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_each_rule_is_caught(
    mutate: Callable[[dict[str, Any]], None],
    org_url: str | None,
    path: str,
    severity: str,
    fragment: str,
) -> None:
    obj = copy.deepcopy(VALID)
    mutate(obj)
    problems = validate_claim_review(obj, org_url=org_url)
    matching = [p for p in problems if p.path == path and fragment in p.message]
    assert matching, f"no {severity} at {path!r} containing {fragment!r}; got {problems}"
    assert {p.severity for p in matching} == {severity}


def test_label_matches_whole_words_only() -> None:
    obj = copy.deepcopy(VALID)
    obj["reviewRating"]["alternateName"] = "Vrai"
    obj["claimReviewed"] = "Un chiffre invraisemblable : 10 000 soldats"
    assert validate_claim_review(obj) == []


def test_non_object_and_inherited_context() -> None:
    assert validate_claim_review(["x"])[0].message.startswith("expected a JSON object")
    obj = copy.deepcopy(VALID)
    del obj["@context"]
    assert validate_claim_review(obj, context_inherited=True) == []


def test_subdomain_and_www_count_as_the_organisation_domain() -> None:
    obj = copy.deepcopy(VALID)
    obj["url"] = "https://www.verif.example.fr/fc/1"
    assert validate_claim_review(obj, org_url="https://verif.example.fr") == []
    obj["url"] = "https://fr.verif.example.fr/fc/1"
    assert validate_claim_review(obj, org_url="https://www.verif.example.fr") == []
    obj["url"] = "https://notverif.example.fr/fc/1"
    assert validate_claim_review(obj, org_url="https://verif.example.fr") != []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2025-06-20", True),
        ("2025-06-20T09:30:00Z", True),
        ("2025-06-20T09:30:00.838Z", True),
        ("2020-03-27T10:46:13+0200", True),
        ("2025-06-20T09:30+02:00", True),
        ("2025-06-20 09:30", False),
        ("20/06/2025", False),
        ("2025-6-20", False),
        ("2025-06-20T25:00", False),
        ("", False),
        (20250620, False),
    ],
)
def test_iso_8601(value: Any, ok: bool) -> None:
    assert (check_iso8601(value) is None) is ok


def test_problem_renders_for_humans() -> None:
    assert str(Problem("url", "bad")) == "url: error: bad"
    assert str(Problem("", "bad", "warning")) == "(root): warning: bad"


# --- vocabulary ----------------------------------------------------------------------------------


def test_vocabulary_knows_the_pending_fact_check_terms() -> None:
    vocab = load_vocabulary()
    assert vocab.version == "30.0"
    for cls in ("ClaimReview", "Claim", "MediaReview", "Rating", "DataFeed", "DataFeedItem"):
        assert cls in vocab.classes
    for prop in ("claimReviewed", "appearance", "firstAppearance", "ratingExplanation"):
        assert prop in vocab.properties
    assert "correctionsPolicy" in vocab.properties
    assert vocab.is_a("ClaimReview", "CreativeWork")
    assert vocab.is_a("NewsMediaOrganization", "Organization")
    assert "creativeWork" not in vocab.classes


def test_vocabulary_file_is_small_and_attributed() -> None:
    path = Path(make_vocab.DEFAULT_OUTPUT)
    assert path.stat().st_size < 150_000
    comment = json.loads(path.read_text(encoding="utf-8"))["_comment"]
    assert "Apache License 2.0" in comment
    assert "schemaorg/schemaorg" in comment


@pytest.mark.shared
@needs_shared
def test_committed_vocabulary_matches_the_release(tmp_path: Path) -> None:
    out = tmp_path / "vocab.json"
    source = SCHEMAORG / "schemaorg-current-https.jsonld"
    assert make_vocab.main(["--source", str(source), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == make_vocab.DEFAULT_OUTPUT.read_text(encoding="utf-8")


def official_examples() -> list[tuple[str, Any]]:
    """Every JSON-LD example of the schema.org ClaimReview/MediaReview example texts and files."""
    found: list[tuple[str, Any]] = []
    for path in sorted(SCHEMAORG.glob("*examples.txt")):
        blocks = re.findall(
            r'<script type="application/ld\+json">(.*?)</script>',
            path.read_text(encoding="utf-8"),
            flags=re.DOTALL,
        )
        found += [(f"{path.name}#{n}", json.loads(block)) for n, block in enumerate(blocks)]
    for path in sorted(SAMPLES.glob("schemaorg-eg-*.jsonld")):
        found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    found.append(
        (
            "google",
            json.loads((SAMPLES / "google-search-central-factcheck-example.jsonld").read_text()),
        )
    )
    return found


@pytest.mark.shared
@needs_shared
def test_official_examples_use_only_schema_org_terms() -> None:
    examples = official_examples()
    assert len(examples) == 7  # 3 in the example texts, 3 files, Google's documentation sample
    for name, example in examples:
        unknown = [
            p
            for p in check_vocabulary(example) + validate_claim_review(example)
            if p.message.startswith(("unknown type", "unknown property"))
        ]
        assert unknown == [], name
        domain = [p for p in check_vocabulary(example) if "not expected" in p.message]
        assert domain == [], name


@pytest.mark.shared
@needs_shared
def test_google_example_passes_with_only_recommendations() -> None:
    example = json.loads((SAMPLES / "google-search-central-factcheck-example.jsonld").read_text())
    problems = validate_claim_review(example)
    assert {p.severity for p in problems} == {"warning"}
    assert {p.path for p in problems} == {"datePublished", "inLanguage"}


@pytest.mark.shared
@needs_shared
def test_real_world_sample_problems_match_the_documented_quirks() -> None:
    data = json.loads((SAMPLES / "meedan-fetch-fixtures-claimreviews.json").read_text())
    results = validate_document(data)
    per_rule = Counter(
        (path.split(".", 1)[1] if "." in path else "", p.path, p.severity) for path, p in results
    )
    messages = Counter(p.message for _, p in results)
    assert per_rule[("claimreview", "@context", "error")] == 40
    assert per_rule[("claimreview", "url", "error")] == 2
    assert per_rule[("claimreview", "inLanguage", "warning")] == 63
    assert per_rule[("claimreview", "itemReviewed.@type", "warning")] == 18  # 17 + 1 lowercase
    assert per_rule[("claimreview", "itemReviewed.@type", "error")] == 1  # 'creativeWork'
    assert per_rule[("claimreview", "author", "warning")] == 5  # 4 Person + 1 array of Persons
    assert per_rule[("claimreview", "reviewRating.worstRating", "error")] == 3  # 0, -1, ''
    assert messages["bestRating (-1) must be greater than worstRating (-1)"] == 1
    long_claims = per_rule[("claimreview", "claimReviewed", "warning")]
    # README: 23 keep claimReviewed within 75 characters (one of them is a one-item array)
    assert long_claims == 63 - 23
    assert messages["claimReviewed must be a text, not list"] == 1


# --- command line --------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_cli_accepts_a_valid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.jsonld"
    path.write_text(json.dumps(VALID), encoding="utf-8")
    code, out = run_cli(capsys, str(path), "--org-url", ORG_URL)
    assert code == 0
    # Claim and appearance are pending in schema.org 30.0: notes, which fail nothing.
    assert out.strip().endswith("1 ClaimReview(s), 0 error(s), 0 warning(s), 2 note(s)")
    assert "itemReviewed.@type: note: 'Claim' is pending in schema.org 30.0" in out


def test_cli_reports_errors_with_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = copy.deepcopy(VALID)
    del broken["reviewRating"]["alternateName"]
    path = tmp_path / "list.json"
    path.write_text(json.dumps([VALID, broken]), encoding="utf-8")
    code, out = run_cli(capsys, str(path))
    assert code == 1
    assert "[1].reviewRating.alternateName: error:" in out
    assert "2 ClaimReview(s), 1 error(s)" in out


def test_cli_reads_a_streamed_feed_and_a_graph(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    buffer = io.StringIO()
    write_feed([VALID, VALID], buffer)
    feed = tmp_path / "feed.json"
    feed.write_text(buffer.getvalue(), encoding="utf-8")
    code, out = run_cli(capsys, str(feed))
    assert (code, out.splitlines()[-1].split(": ", 1)[1]) == (
        0,
        "2 ClaimReview(s), 0 error(s), 0 warning(s), 4 note(s)",
    )
    body = {k: v for k, v in VALID.items() if k != "@context"}
    graph = tmp_path / "graph.jsonld"
    page = {"@type": "WebPage", "url": "https://verif.example.fr/fc"}
    graph.write_text(json.dumps({"@context": "https://schema.org", "@graph": [page, body]}))
    code, out = run_cli(capsys, str(graph))
    assert code == 0
    assert "1 ClaimReview(s), 0 error(s), 0 warning(s)" in out


def test_cli_errors_only_and_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_lang = {k: v for k, v in VALID.items() if k != "inLanguage"}
    path = tmp_path / "warn.json"
    path.write_text(json.dumps(no_lang), encoding="utf-8")
    code, out = run_cli(capsys, str(path), "--errors-only")
    assert code == 0
    assert "inLanguage" not in out
    assert "1 warning(s)" in out
    bad = tmp_path / "bad.json"
    bad.write_text("<html>not json</html>", encoding="utf-8")
    code, out = run_cli(capsys, str(bad))
    assert code == 2
    assert "cannot read JSON" in out
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"claimReviewed": "défense"}'.encode("latin-1"))
    assert run_cli(capsys, str(latin))[0] == 2
    assert run_cli(capsys, str(tmp_path / "missing.json"))[0] == 2
