"""Rating scales page: edit a scale, add / edit / reorder / delete values; every refusal."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, RatingScale, RatingValue
from tests.admin.conftest import audit_actions, in_db, text
from tests.helpers import submit


def _scale(app, scale_id: int) -> dict[str, Any]:
    with in_db(app) as session:
        scale = session.get(RatingScale, scale_id)
        return {
            "name": scale.name,
            "language": scale.language,
            "is_default": scale.is_default,
            "values": [(v.label, v.value, v.definition, v.position) for v in scale.values],
        }


def _value_id(app, scale_id: int, label: str) -> int:
    with in_db(app) as session:
        return session.scalar(
            sa.select(RatingValue.id).where(
                RatingValue.scale_id == scale_id, RatingValue.label == label
            )
        )


def _labels(app, scale_id: int) -> list[str]:
    return [label for label, *_ in _scale(app, scale_id)["values"]]


def _last_event(app) -> AuditEvent:
    with in_db(app) as session:
        event = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        session.expunge(event)
        return event


def test_list_shows_the_shipped_scales_with_their_values(admin_client, scales):
    page = text(admin_client.get("/admin/scales"))
    assert "Échelle par défaut (français)" in page and "Default scale (English)" in page
    for label in ("Faux", "Plutôt faux", "Trompeur", "Plutôt vrai", "Vrai", "Mostly true"):
        assert label in page
    assert "L'affirmation est inexacte." in page


def test_seeding_again_keeps_the_defaults_and_adds_nothing(app, scales):
    from factcheck.ratings.services import ensure_default_scales

    with in_db(app) as session:
        assert ensure_default_scales(session, actor=None) == []
        assert session.scalar(sa.select(sa.func.count()).select_from(RatingScale)) == 2


def test_the_shipped_scales_carry_their_keys(app, scales):
    with in_db(app) as session:
        keys = {s.language: s.shipped_key for s in session.scalars(sa.select(RatingScale))}
        created = session.scalars(
            sa.select(AuditEvent.body).where(AuditEvent.action == "rating_scale.create")
        ).all()
    assert keys == {"fr": "fr", "en": "en"}
    for key in keys.values():  # the creation event records the key
        assert sum(f'"shipped_key":{{"after":"{key}","before":null}}' in b for b in created) == 1


@pytest.mark.slow
def test_renamed_shipped_scales_are_not_seeded_again(app, admin_client, runner, scales):
    for language, name in (("fr", "Échelle maison"), ("en", "House scale")):
        page = f"/admin/scales/{scales[language]}"
        response = submit(
            admin_client, page, {"name": name, "language": language, "is_default": "y"}
        )
        assert response.status_code == 302
    from factcheck.ratings.services import ensure_default_scales

    with in_db(app) as session:
        assert ensure_default_scales(session, actor=None) == []
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with in_db(app) as session:
        rows = session.execute(
            sa.select(RatingScale.id, RatingScale.name, RatingScale.shipped_key).order_by(
                RatingScale.id
            )
        ).all()
        creations = session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "rating_scale.create")
        )
    assert creations == 2
    assert [tuple(r) for r in rows] == [
        (scales["fr"], "Échelle maison", "fr"),
        (scales["en"], "House scale", "en"),
    ]


def test_a_keyless_scale_with_a_shipped_name_gets_the_key_instead_of_a_copy(app, scales):
    """A scale from before keys existed, renamed back to its shipped name, is the shipped one."""
    from factcheck.ratings.services import ensure_default_scales

    with in_db(app) as session:
        session.execute(
            sa.update(RatingScale).where(RatingScale.id == scales["fr"]).values(shipped_key=None)
        )
        session.commit()
    with in_db(app) as session:
        assert ensure_default_scales(session, actor=None) == []
        session.commit()
    with in_db(app) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RatingScale)) == 2
        assert session.get(RatingScale, scales["fr"]).shipped_key == "fr"
    event = _last_event(app)
    assert (event.action, event.entity_id) == ("rating_scale.edit", str(scales["fr"]))
    assert '"shipped_key":{"after":"fr","before":null}' in event.body


def test_edit_scale_settings(app, admin_client, scales):
    page = f"/admin/scales/{scales['fr']}"
    response = submit(
        admin_client, page, {"name": "Échelle maison", "language": "FR", "is_default": "y"}
    )
    assert response.status_code == 302
    saved = _scale(app, scales["fr"])
    assert (saved["name"], saved["language"], saved["is_default"]) == ("Échelle maison", "fr", True)
    event = _last_event(app)
    assert event.action == "rating_scale.edit"
    assert (
        '"name":{"after":"Échelle maison","before":"Échelle par défaut (français)"}' in event.body
    )


def test_making_a_scale_default_clears_the_other_default_of_its_language(app, admin_client, scales):
    en = f"/admin/scales/{scales['en']}"
    response = submit(
        admin_client, en, {"name": "English, now French", "language": "fr", "is_default": "y"}
    )
    assert response.status_code == 302
    assert _scale(app, scales["en"])["is_default"] is True
    assert _scale(app, scales["fr"])["is_default"] is False
    assert audit_actions(app)[-2:] == ["rating_scale.edit", "rating_scale.edit"]


def test_the_last_default_scale_keeps_its_flag(app, admin_client, scales):
    fr, en = f"/admin/scales/{scales['fr']}", f"/admin/scales/{scales['en']}"
    assert submit(admin_client, fr, {"name": "FR", "language": "fr"}).status_code == 302
    events = audit_actions(app)
    response = submit(admin_client, en, {"name": "EN", "language": "en"})
    assert response.status_code == 422
    assert "this is the only default scale" in text(response)
    assert _scale(app, scales["en"])["is_default"] is True
    assert _scale(app, scales["en"])["name"] == "Default scale (English)"
    assert audit_actions(app) == events


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "default SCALE (english)"}, "name", "a scale named"),
        ({"name": ""}, "name", "name is required"),
        ({"name": "Bad\x00name"}, "name", "name contains a control character (U+0000)"),
        ({"name": "Tab\tname"}, "name", "name contains a control character (U+0009)"),
        ({"name": "x" * 121}, "name", "name is too long"),
        ({"language": "français"}, "language", "is not a language code"),
        ({"language": "fr\x1b"}, "language", "language contains a control character"),
        ({"language": ""}, "language", "language is required"),
    ],
)
def test_edit_scale_refusals_change_nothing(app, admin_client, scales, data, field, message):
    page = f"/admin/scales/{scales['fr']}"
    before, events = _scale(app, scales["fr"]), audit_actions(app)
    response = submit(
        admin_client, page, {"name": "Nouveau nom", "language": "fr", "is_default": "y", **data}
    )
    assert response.status_code == 422
    body = text(response)
    assert message in body and f'id="{field}-error"' in body
    assert _scale(app, scales["fr"]) == before
    assert audit_actions(app) == events


def test_add_a_value(app, admin_client, scales):
    page = f"/admin/scales/{scales['fr']}"
    response = submit(
        admin_client,
        page,
        {"label": "Invérifiable", "value": "6", "definition": "Rien ne permet\r\nde trancher."},
        action=f"{page}/values",
    )
    assert response.status_code == 302
    assert _scale(app, scales["fr"])["values"][-1] == (
        "Invérifiable",
        6,
        "Rien ne permet\nde trancher.",
        5,
    )
    event = _last_event(app)
    assert event.action == "rating_value.add"
    assert event.entity_id == str(_value_id(app, scales["fr"], "Invérifiable"))
    assert "Invérifiable" in text(admin_client.get(page))


VALUE_REFUSALS = [
    ({"label": "Faux"}, "label", "label 'Faux' is already on this scale"),
    ({"label": "  plutôt FAUX "}, "label", "is already on this scale"),
    ({"value": "3"}, "value", "value 3 is already on this scale (label 'Trompeur')"),
    ({"value": "0"}, "value", "value must be from 1 to 1000 (got 0)"),
    ({"value": "-2"}, "value", "value must be from 1 to 1000"),
    ({"value": "2.5"}, "value", "value must be a whole number"),
    ({"value": "six"}, "value", "value must be a whole number"),
    ({"value": ""}, "value", "value is required"),
    ({"value": "99999999999"}, "value", "value must be from 1 to 1000"),
    ({"label": ""}, "label", "label is required"),
    ({"label": "x" * 81}, "label", "label is too long"),
    ({"label": "Nu\x00l"}, "label", "label contains a control character (U+0000)"),
    ({"label": "Bell\x07"}, "label", "label contains a control character (U+0007)"),
    ({"definition": "line\x00"}, "definition", "definition contains a control character"),
    ({"definition": "del\x7f"}, "definition", "definition contains a control character (U+007F)"),
    ({"definition": "x" * 2001}, "definition", "definition is too long"),
]


@pytest.mark.parametrize(("data", "field", "message"), VALUE_REFUSALS)
def test_add_value_refusals_change_nothing(app, admin_client, scales, data, field, message):
    page = f"/admin/scales/{scales['fr']}"
    before, events = _scale(app, scales["fr"]), audit_actions(app)
    form = {"label": "Invérifiable", "value": "6", "definition": "", **data}
    response = submit(admin_client, page, form, action=f"{page}/values")
    assert response.status_code == 422
    body = text(response)
    assert message in body and f'id="{field}-error"' in body
    assert _scale(app, scales["fr"]) == before
    assert audit_actions(app) == events


def test_edit_a_value(app, admin_client, scales):
    value_id = _value_id(app, scales["en"], "Misleading")
    page = f"/admin/scales/{scales['en']}/values/{value_id}"
    response = submit(
        admin_client,
        page,
        {"label": "Missing context", "value": "7", "definition": "Lacks context."},
    )
    assert response.status_code == 302
    assert ("Missing context", 7, "Lacks context.", 2) in _scale(app, scales["en"])["values"]
    assert _last_event(app).action == "rating_value.edit"


@pytest.mark.parametrize(("data", "field", "message"), VALUE_REFUSALS[:1] + VALUE_REFUSALS[2:])
def test_edit_value_refusals_change_nothing(app, admin_client, scales, data, field, message):
    value_id = _value_id(app, scales["fr"], "Vrai")
    page = f"/admin/scales/{scales['fr']}/values/{value_id}"
    before, events = _scale(app, scales["fr"]), audit_actions(app)
    response = submit(admin_client, page, {"label": "Vrai", "value": "5", "definition": "", **data})
    assert response.status_code == 422
    body = text(response)
    assert message in body and f'id="{field}-error"' in body
    assert _scale(app, scales["fr"]) == before
    assert audit_actions(app) == events


def test_a_value_may_keep_its_own_label_and_number(app, admin_client, scales):
    value_id = _value_id(app, scales["fr"], "Vrai")
    page = f"/admin/scales/{scales['fr']}/values/{value_id}"
    response = submit(admin_client, page, {"label": "Vrai", "value": "5", "definition": "Exact."})
    assert response.status_code == 302
    assert ("Vrai", 5, "Exact.", 4) in _scale(app, scales["fr"])["values"]


def test_move_values_up_and_down_without_javascript(app, admin_client, scales):
    fr = scales["fr"]
    page = f"/admin/scales/{fr}"
    html = admin_client.get(page).get_data(as_text=True)
    assert 'name="direction" value="up"' in html and "<script" not in html
    trompeur = _value_id(app, fr, "Trompeur")
    response = submit(
        admin_client, page, {"direction": "up"}, action=f"{page}/values/{trompeur}/move"
    )
    assert response.status_code == 302
    assert _labels(app, fr) == ["Faux", "Trompeur", "Plutôt faux", "Plutôt vrai", "Vrai"]
    event = _last_event(app)
    assert event.action == "rating_value.move" and '"before":2' in event.body
    faux = _value_id(app, fr, "Faux")
    response = submit(
        admin_client, page, {"direction": "down"}, action=f"{page}/values/{faux}/move"
    )
    assert response.status_code == 302
    assert _labels(app, fr) == ["Trompeur", "Faux", "Plutôt faux", "Plutôt vrai", "Vrai"]
    assert [p for *_, p in _scale(app, fr)["values"]] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("label", "direction", "message"),
    [
        ("Faux", "up", "'Faux' is already first"),
        ("Vrai", "down", "'Vrai' is already last"),
        ("Vrai", "sideways", "direction must be up or down"),
    ],
)
def test_move_refusals_change_nothing(app, admin_client, scales, label, direction, message):
    fr = scales["fr"]
    page = f"/admin/scales/{fr}"
    before, events = _scale(app, fr), audit_actions(app)
    value_id = _value_id(app, fr, label)
    response = submit(
        admin_client, page, {"direction": direction}, action=f"{page}/values/{value_id}/move"
    )
    assert response.status_code == 422
    assert message in text(response)
    assert _scale(app, fr) == before
    assert audit_actions(app) == events


def test_json_clients_get_form_refusals_as_json(app, admin_client, scales):
    fr = scales["fr"]
    page = f"/admin/scales/{fr}"
    value_id = _value_id(app, fr, "Vrai")
    response = submit(
        admin_client,
        page,
        {"direction": "sideways"},
        action=f"{page}/values/{value_id}/move",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 422 and response.is_json
    body = response.get_json()
    assert body["field"] == "direction" and "direction must be up or down" in body["message"]


def test_delete_an_unused_value(app, admin_client, scales):
    fr = scales["fr"]
    value_id = _value_id(app, fr, "Trompeur")
    page = f"/admin/scales/{fr}/values/{value_id}"
    response = submit(admin_client, page, {}, action=f"{page}/delete")
    assert response.status_code == 302
    assert _labels(app, fr) == ["Faux", "Plutôt faux", "Plutôt vrai", "Vrai"]
    assert [p for *_, p in _scale(app, fr)["values"]] == [0, 1, 2, 3]
    event = _last_event(app)
    assert event.action == "rating_value.delete" and event.entity_id == str(value_id)
    assert '"label":{"after":null,"before":"Trompeur"}' in event.body
    assert admin_client.get(page).status_code == 404


def test_a_value_of_another_scale_is_404(app, admin_client, scales):
    faux = _value_id(app, scales["fr"], "Faux")
    assert admin_client.get(f"/admin/scales/{scales['en']}/values/{faux}").status_code == 404


def _publish(app, users) -> None:
    from tests.factories import published_claim

    with app.app_context():
        published_claim(users)  # rated "Vrai" on the French scale
        db.session.commit()
        db.session.remove()


def _refused_and_unchanged(app, admin_client, page, data, action, message, scale_id) -> None:
    before, events = _scale(app, scale_id), audit_actions(app)
    response = submit(admin_client, page, data, action=action)
    assert response.status_code == 422
    assert message in text(response)
    assert _scale(app, scale_id) == before
    assert audit_actions(app) == events


def test_a_value_published_verdicts_use_cannot_be_deleted(app, admin_client, users, scales):
    _publish(app, users)
    fr = scales["fr"]
    value_id = _value_id(app, fr, "Vrai")
    page = f"/admin/scales/{fr}/values/{value_id}"
    html = text(admin_client.get(page))
    assert "This value cannot be deleted: 1 published verdict use it." in html
    _refused_and_unchanged(
        app,
        admin_client,
        page,
        {},
        f"{page}/delete",
        "'Vrai' cannot be deleted: 1 published verdict(s) use it",
        fr,
    )


def test_a_published_values_label_and_number_are_locked(app, admin_client, users, scales):
    _publish(app, users)
    fr = scales["fr"]
    page = f"/admin/scales/{fr}/values/{_value_id(app, fr, 'Vrai')}"
    for data, message in (
        ({"label": "Exact", "value": "5"}, "its label cannot change"),
        ({"label": "Vrai", "value": "9"}, "its value cannot change"),
    ):
        _refused_and_unchanged(app, admin_client, page, data, page, message, fr)
    # The definition is not part of the published rating and can still be improved.
    response = submit(admin_client, page, {"label": "Vrai", "value": "5", "definition": "Exact."})
    assert response.status_code == 302


def test_a_superseded_verdict_also_counts_as_published(app, admin_client, users, scales):
    from factcheck.models import Verdict, VerdictState

    _publish(app, users)
    with in_db(app) as session:
        verdict = session.scalars(sa.select(Verdict)).one()
        session.execute(
            sa.update(Verdict).where(Verdict.id == verdict.id).values(state=VerdictState.SUPERSEDED)
        )
        session.commit()
    fr = scales["fr"]
    page = f"/admin/scales/{fr}/values/{_value_id(app, fr, 'Vrai')}"
    _refused_and_unchanged(
        app, admin_client, page, {}, f"{page}/delete", "1 published verdict(s) use it", fr
    )


def test_a_value_a_draft_verdict_uses_cannot_be_deleted(app, admin_client, users, scales):
    from factcheck.claims import workflow
    from factcheck.models import User
    from factcheck.review import services as review
    from tests.factories import make_claim

    fr = scales["fr"]
    faux = _value_id(app, fr, "Faux")
    with app.app_context():
        reviewer = db.session.get(User, users["reviewer"].id)
        editor = db.session.get(User, users["editor"].id)
        claim = make_claim(actor=reviewer)
        workflow.accept(db.session, claim, actor=editor)
        workflow.take(db.session, claim, actor=reviewer)
        review.save_verdict(
            db.session, claim, actor=reviewer, rating_value_id=faux, summary="", explanation=""
        )
        db.session.commit()
        db.session.remove()
    page = f"/admin/scales/{fr}/values/{faux}"
    _refused_and_unchanged(
        app,
        admin_client,
        page,
        {},
        f"{page}/delete",
        "1 verdict(s) in review use it; change their rating first",
        fr,
    )


def test_a_scale_keeps_at_least_two_values(app, admin_client, scales):
    fr = scales["fr"]
    for label in ("Faux", "Plutôt faux", "Trompeur"):
        value_id = _value_id(app, fr, label)
        page = f"/admin/scales/{fr}/values/{value_id}"
        assert submit(admin_client, page, {}, action=f"{page}/delete").status_code == 302
    page = f"/admin/scales/{fr}/values/{_value_id(app, fr, 'Vrai')}"
    _refused_and_unchanged(
        app, admin_client, page, {}, f"{page}/delete", "a scale needs at least 2 values", fr
    )


def _published_output(app) -> tuple[bytes, bytes, str]:
    """The public record, byte for byte: the page's JSON-LD, the feed, and the page's verdict."""
    import re

    from factcheck.models import Claim

    with in_db(app) as session:
        slug = session.scalar(sa.select(Claim.slug).where(Claim.slug.is_not(None)))
    reader = app.test_client()  # anonymous, like the public
    page = reader.get(f"/fact-checks/{slug}").get_data()
    (script,) = re.findall(rb'<script type="application/ld\+json">.*?</script>', page, re.S)
    verdict = re.search(rb'<section class="fc-verdict.*?</section>', page, re.S)
    assert verdict is not None
    feed = reader.get("/claimreview.json")
    assert feed.status_code == 200
    return script, feed.get_data(), verdict.group(0).decode()


def test_scale_edits_leave_published_fact_checks_byte_for_byte(app, admin_client, users, scales):
    """Add a value, delete an unused one, renumber, redefine, reorder, rename: nothing published
    moves (it used to: “Vrai 5/5” became worst 2, then best 10, then best 20)."""
    import json

    _publish(app, users)  # "Vrai", 5 of 1..5
    fr = scales["fr"]
    before = _published_output(app)
    rating = json.loads(before[0].split(b">", 1)[1].rsplit(b"<", 1)[0])["reviewRating"]
    assert (rating["ratingValue"], rating["worstRating"], rating["bestRating"]) == (5, 1, 5)
    assert rating["alternateName"] == "Vrai"

    def value_page(label: str) -> str:
        return f"/admin/scales/{fr}/values/{_value_id(app, fr, label)}"

    edits = [
        (f"/admin/scales/{fr}/values", {"label": "Archi vrai", "value": "10"}, None),
        (value_page("Faux"), {}, value_page("Faux") + "/delete"),
        (value_page("Plutôt faux"), {"label": "Plutôt faux", "value": "20"}, None),
        (value_page("Vrai"), {"label": "Vrai", "value": "5", "definition": "Autre sens."}, None),
        (value_page("Vrai"), {"direction": "up"}, value_page("Vrai") + "/move"),
        (
            f"/admin/scales/{fr}",
            {"name": "Échelle maison", "language": "fr", "is_default": "y"},
            None,
        ),
    ]
    for page, data, action in edits:
        response = submit(admin_client, page, data, action=action)
        assert response.status_code == 302, (page, text(response)[:300])
        assert _published_output(app) == before, (page, data)
    scale = _scale(app, fr)
    assert scale["name"] == "Échelle maison"
    assert ("Plutôt faux", 20) in [(label, value) for label, value, *_ in scale["values"]]
    assert "Faux" not in _labels(app, fr)


def test_the_scale_page_shows_which_published_fact_checks_use_each_value(
    app, admin_client, users, scales
):
    from factcheck.models import Claim

    _publish(app, users)
    with in_db(app) as session:
        claim = session.scalars(sa.select(Claim)).one()
        slug, wording = claim.slug, claim.claim_reviewed
    fr = scales["fr"]
    page = admin_client.get(f"/admin/scales/{fr}").get_data(as_text=True)
    row = page.split(f'id="value-{_value_id(app, fr, "Vrai")}"')[1].split("</tr>")[0]
    assert f'href="/fact-checks/{slug}"' in row and "published as “Vrai”" in text_of(row)
    assert wording in text_of(row)
    other = page.split(f'id="value-{_value_id(app, fr, "Faux")}"')[1].split("</tr>")[0]
    assert "/fact-checks/" not in other
    value = text(admin_client.get(f"/admin/scales/{fr}/values/{_value_id(app, fr, 'Vrai')}"))
    assert "published as “Vrai”" in value and wording in value


def text_of(fragment: str) -> str:
    import html

    return html.unescape(fragment)
