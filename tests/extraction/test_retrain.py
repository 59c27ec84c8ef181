"""The desk teaches the model: labels from accept/dismiss, model versions on claims, and
`factcheck model retrain` switching only when the new model is better (or forced)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.extraction.model import MODEL_PATH, default_models, use_model
from factcheck.models import AuditEvent, ClaimStatus
from tests.factories import make_article, make_claim

from .seed import SHARED

FR_DATA = SHARED / "data" / "fr-checkworthy"


@pytest.fixture(autouse=True)
def _committed_model() -> Iterator[None]:
    yield
    use_model(None)


def test_extracted_claims_record_the_model_version(app) -> None:
    from factcheck.articles.parsing import ParsedArticle
    from factcheck.articles.services import ingest_article

    body = "Le Pentagone estime qu'environ 10 000 soldats ont été envoyés en Russie."
    parsed = ParsedArticle(title="T", byline=None, headline=None, body=body, language="fr",
                           raw=body)  # fmt: skip
    with app.app_context():
        result = ingest_article(db.session, parsed, actor=None)
        db.session.commit()
        assert result.claims
        assert {c.model_version for c in result.claims} == {default_models().version}
        assert make_claim(result.article, "Le Pentagone estime").model_version is None  # by hand


def test_desk_decisions_are_labels(app) -> None:
    from factcheck.claims.retrain import desk_rows

    with app.app_context():
        article = make_article(
            body="Un premier fait: 10 000 soldats. Un avis: il faut agir. Le même fait: 10 000. "
            "Un autre fait: 3 %."
        )
        kept = make_claim(article, "Un premier fait: 10 000 soldats.")
        opinion = make_claim(article, "Un avis: il faut agir.")
        duplicate = make_claim(article, "Le même fait: 10 000.")
        make_claim(article, "Un autre fait: 3 %.")  # still new: no label yet
        kept.status = ClaimStatus.QUEUED
        opinion.status, opinion.dismiss_reason = ClaimStatus.DISMISSED, "Opinion, not a fact"
        duplicate.status, duplicate.dismiss_reason = ClaimStatus.DISMISSED, "Duplicate of #1"
        db.session.commit()
        rows = desk_rows(db.session)
    assert [(r.text, r.label) for r in rows] == [
        ("Un premier fait: 10 000 soldats.", True),
        ("Un avis: il faut agir.", False),
    ]


def test_use_model_refuses_a_bad_file_and_keeps_the_current(tmp_path: Path) -> None:
    from factcheck.extraction.model import ModelFileError

    before = default_models().version
    with pytest.raises(ModelFileError, match="missing"):
        use_model(tmp_path / "none.json")
    assert default_models().version == before
    assert use_model(MODEL_PATH).version == before


@pytest.mark.shared
@pytest.mark.skipif(not FR_DATA.is_dir(), reason=f"fr-checkworthy not found at {FR_DATA}")
def test_retrain_from_desk_decisions(app, tmp_path: Path) -> None:
    """fr-checkworthy train as the desk's decisions on a fresh database: retrain, compare on
    dev, switch (forced when not better), audit the switch, and score new claims with it."""
    from factcheck.extraction.frdata import read_articles

    train = [a for a in read_articles(FR_DATA) if a.split == "train"]
    with app.app_context():
        for source in train:
            article = make_article(body=source.body, title=source.headline)
            seen: set[str] = set()
            for sentence in source.sentences:
                if sentence.text in seen:
                    continue  # a standfirst restating a body sentence: one claim
                seen.add(sentence.text)
                claim = make_claim(article, sentence.text)
                if sentence.label == "not":
                    claim.status, claim.dismiss_reason = ClaimStatus.DISMISSED, "Not check-worthy"
                else:
                    claim.status = ClaimStatus.QUEUED
        db.session.commit()
    app.instance_path = str(tmp_path)
    before = default_models().version
    result = app.test_cli_runner().invoke(
        args=["model", "retrain", "--fr-data", str(FR_DATA), "--force"]
    )
    assert result.exit_code == 0, result.output
    print(result.output)
    labels = int(result.output.split("desk labels: ")[1].split()[0])
    assert 300 <= labels <= 315
    assert "current " in result.output and "new " in result.output and "MCC" in result.output
    assert "switched to" in result.output
    after = default_models().version
    assert after != before and (tmp_path / "checkworthy.json").is_file()
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "model.switch"))
        assert event is not None and event.entity_id == after
        body = json.loads(event.body)
        assert before in event.body and f'"desk_labels": {labels}' in json.dumps(body)
        # A new app on this instance starts with the newsroom model.
        from factcheck.extraction.model import model_path

        assert model_path() == tmp_path / "checkworthy.json"
