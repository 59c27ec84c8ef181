"""``factcheck validate`` on files, standard input, HTML pages and URLs (issue 11, item 7).

A page must hold exactly one ClaimReview and show its claim and rating; a document without a
ClaimReview, or whose ``@context`` is not schema.org, is an error (exit 1); terms pending in
schema.org 30.0 are notes. URLs go through the ingestion fetcher, served here by a real HTTP
server on 127.0.0.1.
"""

from __future__ import annotations

import copy
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factcheck.publishing.jsonld.build import script_tag
from tests.conftest import make_app
from tests.publishing.test_jsonld_validate import VALID
from tests.publishing.test_public_pages import ORG_URL, publish

VERIF = "https://verif.example.fr/"


def page(*reviews: dict[str, Any], body: str | None = None) -> str:
    """A web page embedding ``reviews``; its text shows the first one's claim and rating."""
    if body is None and reviews:
        review = reviews[0]
        body = (
            f"<h1>{review['claimReviewed']}</h1>"
            f"<p>Verdict : <strong>{review['reviewRating']['alternateName']}</strong></p>"
        )
    scripts = "".join(script_tag(r) for r in reviews)
    return f"<!doctype html><html><head><title>t</title>{scripts}</head><body>{body}</body></html>"


def validate(runner: Any, *args: str, **kwargs: Any) -> Any:
    return runner.invoke(args=["validate", *args], **kwargs)


def test_the_public_page_of_a_published_fact_check_passes(client, runner, users, ctx, tmp_path):
    slug = publish(users)
    html = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    path = tmp_path / "fact-check.html"
    path.write_text(html, encoding="utf-8")
    result = validate(runner, str(path), "--org-url", ORG_URL)
    assert result.exit_code == 0, result.output
    assert "1 ClaimReview(s), 0 error(s)" in result.output
    # Claim, appearance and ratingExplanation are pending in schema.org 30.0: notes only.
    assert "script[1].itemReviewed.@type: note: 'Claim' is pending in schema.org 30.0" in (
        result.output
    )
    assert "reviewRating.ratingExplanation: note:" in result.output
    quiet = validate(runner, str(path), "--org-url", ORG_URL, "--errors-only")
    assert "note:" not in quiet.output and quiet.exit_code == 0


@pytest.mark.parametrize(
    ("html", "where", "message"),
    [
        (page(), "@type", "the page has no ClaimReview (exactly one per page is required)"),
        (
            page(VALID, VALID),
            "script[2].@type",
            "the page has 2 ClaimReviews; exactly one per page is allowed",
        ),
        (
            page(VALID, body="<p>Verdict : <strong>Faux</strong></p>"),
            "script[1].claimReviewed",
            "the page does not show the claim",
        ),
        (
            page(VALID, body=f"<h1>{VALID['claimReviewed']}</h1><p>Verdict : vrai</p>"),
            "script[1].reviewRating.alternateName",
            "the page does not show the rating 'Plutôt vrai'",
        ),
        (
            # Shown only inside a script or a style is not shown.
            page(VALID, body=f"<style>/* {VALID['claimReviewed']} Faux */</style>"),
            "script[1].claimReviewed",
            "the page does not show the claim",
        ),
        (
            page(VALID).replace("</head>", '<script type="application/ld+json">{x</script></head>'),
            "script[2]",
            "not JSON",
        ),
    ],
    ids=["none", "two", "claim-not-shown", "rating-not-shown", "hidden-text", "bad-script"],
)
def test_page_rules(runner, tmp_path, html: str, where: str, message: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    result = validate(runner, str(path), "--org-url", VERIF)
    assert result.exit_code == 1, result.output
    assert f"{path}: {where}: error: {message}" in result.output


def test_two_reviews_of_one_page_are_still_each_validated(runner, tmp_path):
    broken = copy.deepcopy(VALID)
    del broken["reviewRating"]["alternateName"]
    path = tmp_path / "page.htm"
    path.write_text(page(VALID, broken), encoding="utf-8")
    result = validate(runner, str(path))
    assert "script[2].reviewRating.alternateName: error:" in result.output


def test_the_page_text_is_matched_by_words_not_markup(runner, tmp_path):
    body = (
        "<h1>Le Pentagone estime que <em>10&nbsp;000</em>\n soldats ont été envoyés</h1>"
        "<p>Notre verdict&nbsp;: PLUTÔT<br>vrai.</p>"
    )
    review = {**VALID, "claimReviewed": "Le Pentagone estime que 10 000 soldats ont été envoyés"}
    path = tmp_path / "page.html"
    path.write_text(page(review, body=body), encoding="utf-8")
    result = validate(runner, str(path), "--org-url", VERIF)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("document", "where", "message"),
    [
        (
            {"@context": "https://schema.org", "@type": "WebPage", "name": "x"},
            "@type",
            "error: no ClaimReview here",
        ),
        ([], "@type", "error: no ClaimReview here"),
        (
            {**VALID, "@context": "https://example.org/vocab"},
            "@context",
            "error: @context is not schema.org",
        ),
        (
            {
                "@context": {"@vocab": "https://example.org/"},
                "@type": "DataFeed",
                "dataFeedElement": [{k: v for k, v in VALID.items() if k != "@context"}],
            },
            "@context",
            "error: @context is not schema.org",
        ),
    ],
    ids=["webpage", "empty-array", "claimreview-context", "feed-context"],
)
def test_documents_without_a_claim_review_or_schema_org_are_errors(
    runner, tmp_path, document: Any, where: str, message: str
) -> None:
    path = tmp_path / "doc.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = validate(runner, str(path))
    assert result.exit_code == 1, result.output
    assert f"{path}: {where}: {message}" in result.output


@pytest.mark.parametrize("as_html", [False, True], ids=["json", "html"])
def test_standard_input_is_read_and_sniffed(runner, as_html: bool) -> None:
    text = page(VALID) if as_html else json.dumps(VALID)
    result = validate(runner, "-", "--org-url", VERIF, input=text)
    assert result.exit_code == 0, result.output
    assert "-: 1 ClaimReview(s), 0 error(s), 0 warning(s)" in result.output
    assert ("script[1]" in result.output) is as_html


# --- URLs ----------------------------------------------------------------------------------------

# The ingestion fetcher reads the page as an article first: give it some article text.
STORY = (
    "<p>"
    + "Le ministère a publié ses chiffres mardi, et notre équipe les a vérifiés. " * 6
    + "</p>"
)


class _Pages(http.server.BaseHTTPRequestHandler):
    pages: dict[str, tuple[int, str, str]] = {}

    def do_GET(self) -> None:
        status, kind, body = self.pages.get(self.path, (404, "text/html", "<p>missing</p>"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 (an ephemeral port), stopped after the test."""
    _Pages.pages = {
        "/fc/1": (
            200,
            "text/html; charset=utf-8",
            page(VALID).replace("</body>", STORY + "</body>"),
        ),
        "/fc/none": (200, "text/html; charset=utf-8", page(body=STORY)),
        "/feed.json": (200, "application/ld+json", json.dumps(VALID)),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_url_is_read_through_the_ingestion_fetcher(backend, site):
    runner = make_app(backend, FETCH_ALLOW_PRIVATE=True).test_cli_runner()
    result = validate(runner, f"{site}/fc/1", "--org-url", VERIF)
    assert result.exit_code == 0, result.output
    assert f"{site}/fc/1: 1 ClaimReview(s), 0 error(s)" in result.output
    none = validate(runner, f"{site}/fc/none")
    assert none.exit_code == 1 and "the page has no ClaimReview" in none.output
    missing = validate(runner, f"{site}/nope")
    assert missing.exit_code == 2 and "answered HTTP 404" in missing.output


def test_a_private_address_is_refused_as_ingestion_refuses_it(backend, site):
    runner = make_app(backend, FETCH_ALLOW_PRIVATE=False).test_cli_runner()
    result = validate(runner, f"{site}/fc/1")
    assert result.exit_code == 2
    assert "private or local address" in result.output and "FETCH_ALLOW_HOSTS" in result.output


def test_without_the_command_a_url_is_not_fetched(capsys, site):
    from factcheck.publishing.jsonld.validate import main

    assert main([f"{site}/fc/1"]) == 2
    assert "needs the factcheck command" in capsys.readouterr().err


def test_an_unreadable_file_is_exit_2(runner, tmp_path: Path) -> None:
    result = validate(runner, str(tmp_path / "absent.html"))
    assert result.exit_code == 2
