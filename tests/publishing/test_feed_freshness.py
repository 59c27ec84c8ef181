"""The feed's validators move with its bytes (issue 11, item 5).

Every input that shapes the JSON-LD — a publication, a correction, the organisation settings, a
rating scale's definitions and bounds, a published claim's fields — is changed through the real
services (or the ORM, for changes no service offers yet), and the feed is fetched over HTTP
after each commit: new bytes ⇒ new ETag (over the whole history), same bytes ⇒ same ETag (from
one state to the next), and Last-Modified never goes back.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus, FeedRevision, RatingScale, RatingValue, User
from factcheck.organisation.services import save_settings
from factcheck.ratings import services as ratings
from factcheck.review import services as review
from tests.factories import default_rating
from tests.publishing.test_public_pages import correct, publish

FEED = "/claimreview.json"
EXAMPLES = int(os.environ.get("FACTCHECK_FUZZ_EXAMPLES", "8"))


def fetch(app: Flask) -> tuple[bytes, str, str]:
    response = app.test_client().get(FEED, buffered=True)
    assert response.status_code == 200
    return response.get_data(), response.headers["ETag"], response.headers.get("Last-Modified", "")


def _user(users: dict[str, Any], who: str) -> User:
    user = db.session.get(User, users[who].id)
    assert user is not None
    return user


def _published() -> list[Claim]:
    return list(
        db.session.scalars(
            sa.select(Claim).where(Claim.status == ClaimStatus.PUBLISHED).order_by(Claim.id)
        )
    )


def _french_values() -> list[RatingValue]:
    default_rating()
    scale = db.session.scalar(sa.select(RatingScale).where(RatingScale.language == "fr"))
    assert scale is not None
    return sorted(scale.values, key=lambda v: v.id)


# --- the operations: (name, argument) -------------------------------------------------------


def op_publish(users: dict[str, Any], _: int) -> None:
    publish(users)


def op_correct(users: dict[str, Any], n: int) -> None:
    claims = _published()
    if claims:
        claim = claims[n % len(claims)]
        label = "Trompeur" if claim.published_verdict.rating.label != "Trompeur" else "Vrai"
        correct(users, claim.slug or "", rating=label, summary=f"Résumé {n}.")


def op_organisation(users: dict[str, Any], n: int) -> None:
    save_settings(
        db.session,
        {
            "name": ["Le Desk", "Vérif Hebdo"][n % 2],
            "url": "https://factcheck.example.org/",
            "logo_url": ["", "https://factcheck.example.org/logo.png"][n // 2 % 2],
            "same_as": "",
        },
        expected_version=None,
        actor=_user(users, "admin"),
        config=current_app.config,
    )


def op_definition(users: dict[str, Any], n: int) -> None:
    values = _french_values()
    value = values[n % len(values)]
    ratings.edit_value(
        db.session,
        value,
        label=value.label,
        value=value.value,
        definition=["Définition A.", "Définition B."][n // 8 % 2],
        actor=_user(users, "admin"),
    )


def op_add_value(users: dict[str, Any], n: int) -> None:
    number = 6 + n % 3
    scale = _french_values()[0].scale
    ratings.add_value(
        db.session,
        scale,
        label=f"Niveau {number}",
        value=number,
        definition="",
        actor=_user(users, "admin"),
    )


def op_delete_value(users: dict[str, Any], n: int) -> None:
    extra = [v for v in _french_values() if v.label.startswith("Niveau")]
    if extra:
        ratings.delete_value(db.session, extra[n % len(extra)], actor=_user(users, "admin"))


def op_move_value(users: dict[str, Any], n: int) -> None:
    values = _french_values()
    direction = "up" if n % 2 else "down"
    ratings.move_value(db.session, values[n % len(values)], direction, actor=_user(users, "admin"))


def op_note(users: dict[str, Any], n: int) -> None:
    claims = _published()
    if claims:
        review.add_note(
            db.session, claims[n % len(claims)], f"Note {n}", actor=_user(users, "editor")
        )


def op_claimant(users: dict[str, Any], n: int) -> None:
    """A published claim's field changed with no service (a data fix by hand): still tracked."""
    claims = _published()
    if claims:
        claims[n % len(claims)].claimant_name = ["Le Pentagone", "L'OTAN"][n // 4 % 2]


def op_nothing(users: dict[str, Any], n: int) -> None:
    pass


OPS: dict[str, Callable[[dict[str, Any], int], None]] = {
    "publish": op_publish,
    "correct": op_correct,
    "organisation": op_organisation,
    "definition": op_definition,
    "add_value": op_add_value,
    "delete_value": op_delete_value,
    "move_value": op_move_value,
    "note": op_note,
    "claimant": op_claimant,
    "nothing": op_nothing,
}
steps = st.lists(
    st.tuples(st.sampled_from(sorted(OPS)), st.integers(min_value=0, max_value=15)),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def world(app: Flask, users: dict[str, Any]) -> dict[str, Any]:
    with app.app_context():
        publish(users)  # something published, so that scale and claim edits have an audience
    return users


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(ops=[("definition", 4), ("definition", 12)])  # the published "Vrai", twice
@example(ops=[("add_value", 0), ("delete_value", 0)])  # bestRating 5 → 6 → 5
@example(ops=[("organisation", 0), ("organisation", 0), ("organisation", 1)])
@example(ops=[("note", 0), ("move_value", 1), ("definition", 1), ("nothing", 0)])
@example(ops=[("publish", 0), ("correct", 0), ("claimant", 0), ("claimant", 4)])
@given(ops=steps)
def test_new_bytes_new_etag_same_bytes_same_etag(
    app: Flask, world: dict[str, Any], ops: list[tuple[str, int]]
) -> None:
    seen: dict[str, bytes] = {}  # every ETag of this history → the bytes it stood for
    body, etag, modified = fetch(app)
    seen[etag] = body
    for name, n in ops:
        with app.app_context():
            try:
                OPS[name](world, n)
                db.session.commit()
            except DomainError:
                db.session.rollback()  # refused (a duplicate number, the end of a scale…)
        new_body, new_etag, new_modified = fetch(app)
        if new_body == body:
            assert new_etag == etag, f"{name}({n}) changed the ETag but not the bytes"
        else:
            assert new_etag != etag, f"{name}({n}) changed the bytes under the same ETag"
        assert seen.setdefault(new_etag, new_body) == new_body, "one ETag, two contents"
        if modified and new_modified:
            assert parsedate_to_datetime(new_modified) >= parsedate_to_datetime(modified)
        body, etag, modified = new_body, new_etag, new_modified


def test_a_scale_edit_keeps_the_published_version_and_a_correction_moves_it(app, world):
    """The issue's case, now that verdicts keep their snapshot: a definition edit changes no
    published byte, so conditional requests rightly stay 304; a correction is a new version."""
    client = app.test_client()
    with app.app_context():  # everything published an hour ago: the change is a later second
        for claim in _published():
            claim.published_at -= timedelta(hours=1)
            claim.published_verdict.approved_at -= timedelta(hours=1)
        db.session.flush()
        revision = db.session.get(FeedRevision, 1)
        assert revision is not None
        revision.changed_at -= timedelta(hours=1)
        db.session.commit()
    first = client.get(FEED, buffered=True)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        vrai = next(v for v in _french_values() if v.label == "Vrai")
        ratings.edit_value(
            db.session,
            vrai,
            label="Vrai",
            value=vrai.value,
            definition="Exact, et rien d'important ne manque.",
            actor=_user(world, "admin"),
        )
        db.session.commit()
    after_edit = client.get(FEED, buffered=True)
    assert after_edit.get_data() == first.get_data()
    assert client.get(FEED, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        op_correct(world, 0)
        db.session.commit()
    again = client.get(FEED, buffered=True, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert again.get_data() != first.get_data()
    assert client.get(FEED, headers={"If-Modified-Since": modified}).status_code == 200


def test_changes_nobody_reads_keep_the_etag(app, world):
    etag = fetch(app)[1]
    with app.app_context():
        english = db.session.scalar(sa.select(RatingScale).where(RatingScale.language == "en"))
        assert english is not None
        value = english.values[0]
        ratings.edit_value(  # a scale no published verdict uses
            db.session,
            value,
            label=value.label,
            value=value.value,
            definition="Not accurate at all.",
            actor=_user(world, "admin"),
        )
        op_move_value(world, 1)  # positions are not part of the markup
        op_note(world, 0)
        db.session.commit()
    assert fetch(app)[1] == etag
