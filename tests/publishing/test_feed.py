"""The public ClaimReview feed: a streamed DataFeed, conditional requests, and ``since``."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.publishing.jsonld.validate import validate_document
from tests.factories import make_claim
from tests.publishing.test_public_pages import ORG_URL, correct, jsonld_of, publish

FEED = "/claimreview.json"


def get(client: Any, url: str = FEED, **kwargs: Any) -> Any:
    """GET and read the whole streamed body at once, inside the request, as a server would."""
    return client.get(url, buffered=True, **kwargs)


def feed_items(response: Any) -> list[dict[str, Any]]:
    data = json.loads(response.get_data(as_text=True))
    assert data["@type"] == "DataFeed"
    items = []
    for element in data["dataFeedElement"]:
        assert element["@type"] == "DataFeedItem"
        (review,) = element["item"]
        items.append(review)
    return items


def assert_feed_valid(response: Any) -> None:
    problems = [
        f"{where}: {p}"
        for where, p in validate_document(response.get_json(force=True), org_url=ORG_URL)
        if p.severity == "error"
    ]
    assert problems == []


def test_empty_feed_is_a_valid_data_feed(client):
    response = client.get(FEED)
    assert response.is_streamed  # a generator, not a body built in memory
    response.get_data()  # drain it while its request context is still the current one
    assert response.status_code == 200
    assert response.content_type == "application/ld+json; charset=utf-8"
    data = response.get_json(force=True)
    assert data["dataFeedElement"] == [] and data["@context"] == "https://schema.org"
    assert response.headers["ETag"]
    assert "Last-Modified" not in response.headers


def test_feed_lists_every_published_review_as_its_page_shows_it(client, users, ctx):
    slugs = [
        publish(users),
        publish(users, "Le rapport de juin montre que 23 des 32 membres dépensent assez."),
    ]
    correct(users, slugs[0])
    make_claim(actor=db.session.get(User, users["reviewer"].id))  # in progress: not listed
    db.session.commit()

    response = get(client)
    assert response.status_code == 200
    assert_feed_valid(response)
    items = feed_items(response)
    assert [item["url"] for item in items] == [
        f"{ORG_URL}fact-checks/{slug}" for slug in reversed(slugs)
    ]
    for slug, item in zip(reversed(slugs), items, strict=True):
        page = jsonld_of(client.get(f"/fact-checks/{slug}").get_data(as_text=True))
        page.pop("@context")
        assert item == page
    assert "dateModified" in items[1] and "dateModified" not in items[0]
    data = response.get_json(force=True)
    assert data["dateModified"] == items[1]["dateModified"]
    assert data["publisher"]["name"] == "Factcheck Newsroom"


def test_feed_is_public_even_for_json_clients(client, users, ctx):
    publish(users)
    response = get(client, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert len(feed_items(response)) == 1


# --- conditional requests ------------------------------------------------------------------------


def test_etag_and_last_modified_give_304(client, users, ctx):
    publish(users)
    first = get(client)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")

    same = get(client, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""
    assert same.headers["ETag"] == etag and same.headers["Cache-Control"]
    assert get(client, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert get(client, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert get(client, headers={"If-Modified-Since": modified}).status_code == 304
    assert get(client, headers={"If-None-Match": '"stale"'}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    both = get(client, headers={"If-None-Match": '"stale"', "If-Modified-Since": modified})
    assert both.status_code == 200


def test_if_modified_since_before_the_latest_change_gives_200(client, users, ctx):
    publish(users)
    latest = db.session.scalar(db.select(Claim.published_at))
    earlier = (latest - timedelta(seconds=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert get(client, headers={"If-Modified-Since": earlier}).status_code == 200


def test_publishing_or_correcting_changes_the_etag(client, users, ctx):
    slug = publish(users)
    etag = get(client).headers["ETag"]
    correct(users, slug)
    after_correction = get(client, headers={"If-None-Match": etag})
    assert after_correction.status_code == 200
    assert after_correction.headers["ETag"] != etag
    assert feed_items(after_correction)[0]["reviewRating"]["alternateName"] == "Plutôt vrai"

    etag = after_correction.headers["ETag"]
    publish(users, "Le rapport de juin montre que 23 des 32 membres dépensent assez.")
    after_publishing = get(client, headers={"If-None-Match": etag})
    assert after_publishing.status_code == 200 and len(feed_items(after_publishing)) == 2


def test_organisation_settings_are_part_of_the_etag(app, client, users, ctx):
    publish(users)
    etag = get(client).headers["ETag"]
    app.config["ORG_NAME"] = "Le Desk"
    assert get(client, headers={"If-None-Match": etag}).status_code == 200


# --- since ---------------------------------------------------------------------------------------


def test_since_keeps_reviews_published_or_corrected_from_that_day(client, users, ctx):
    publish(users)
    today = db.session.scalar(db.select(Claim.published_at)).date()
    assert len(feed_items(get(client, f"{FEED}?since={today.isoformat()}"))) == 1
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = get(client, f"{FEED}?since={tomorrow}")
    assert feed_items(response) == []
    assert response.headers["ETag"] != get(client).headers["ETag"]


@pytest.mark.parametrize("value", ["", "yesterday", "2024-13-01", "2024-02-30", "20240101", "1"])
def test_bad_since_is_a_400_naming_the_parameter(client, value):
    response = get(client, query_string={"since": value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request" and body["field"] == "since"
    assert body["message"].startswith("since: ") and "date" in body["message"]


# --- a row that cannot become a ClaimReview ------------------------------------------------------


def test_a_review_that_cannot_be_built_is_left_out_not_half_written(client, users, ctx, caplog):
    from factcheck.models import RatingScale, RatingValue, Verdict

    kept = publish(users, "Le rapport de juin montre que 23 des 32 membres dépensent assez.")
    broken = publish(users)
    # A verdict approved on an admin's one-value scale: bestRating could not exceed worstRating.
    # (Published rows read the rating snapshot taken at approval, so that is what is broken.)
    scale = RatingScale(name="Une seule valeur", language="fr")
    scale.values.append(RatingValue(label="Vérifié", value=1, definition="", position=0))
    db.session.add(scale)
    db.session.flush()
    claim = db.session.scalar(db.select(Claim).where(Claim.slug == broken))
    db.session.execute(
        db.update(Verdict)
        .where(Verdict.id == claim.published_verdict_id)
        .values(
            rating_value_id=scale.values[0].id,
            snapshot_label="Vérifié",
            snapshot_value=1,
            snapshot_best=1,
            snapshot_worst=1,
            snapshot_scale=scale.name,
        )
    )
    db.session.commit()

    response = get(client)
    assert response.status_code == 200
    assert [item["url"] for item in feed_items(response)] == [f"{ORG_URL}fact-checks/{kept}"]
    assert f"claim #{claim.id} left out of the ClaimReview feed" in caplog.text

    page = client.get(f"/fact-checks/{broken}")  # still readable, without JSON-LD
    assert page.status_code == 200
    assert "<script" not in page.get_data(as_text=True)
    assert "Vérifié" in page.get_data(as_text=True)
