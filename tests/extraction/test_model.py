"""The committed weights: small, portable, one calibrated model per language, honest figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factcheck.extraction import extract
from factcheck.extraction.model import (
    FORMAT_VERSION,
    MODEL_PATH,
    ModelFileError,
    default_models,
    load_models,
)

from .seed import CT24, SHARED, seed_body

FR_DATA = SHARED / "data" / "fr-checkworthy"


def test_weights_are_small_portable_json() -> None:
    assert MODEL_PATH.stat().st_size <= 5_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT_VERSION
    assert set(data["models"]) == {"en", "fr"}
    for block in data["models"].values():
        assert len(block["word_vocab"]) == len(block["word_coef"])
        assert len(block["char_vocab"]) == len(block["char_coef"])
        assert len(block["cue_names"]) == len(block["cue_coef"])
        assert 0.0 < block["threshold"] < 1.0
        assert len(block["calibration"]) == 2


def test_loaded_once() -> None:
    assert default_models() is default_models()


def test_version_names_the_file() -> None:
    models = default_models()
    assert len(models.version) == 12
    assert load_models(MODEL_PATH).version == models.version


def test_opinion_cues_weigh_down_in_french() -> None:
    fr = default_models().for_language("fr")
    for name in ("question", "first_person_plural"):
        assert fr.cue_weight(name) < 0, name
    assert fr.cue_weight("sourced_figure") > 0


def test_missing_model_file_says_which(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(ModelFileError, match=r"nope\.json is missing"):
        load_models(missing)


def test_other_format_version_says_which(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": 1, "ngram": {}, "cue": {}}), encoding="utf-8")
    with pytest.raises(ModelFileError) as info:
        load_models(old)
    message = str(info.value)
    assert "old.json" in message and "format 1" in message and f"format {FORMAT_VERSION}" in message
    assert "\n" not in message


def test_garbage_model_file_says_which(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\xff not json")
    with pytest.raises(ModelFileError, match=r"bad\.json is unreadable"):
        load_models(bad)


def test_scores_are_calibrated_and_do_not_saturate() -> None:
    """Different sentences never tie at 1.00: Platt scaling keeps scores inside (0, 1)."""
    candidates = extract(seed_body(), "fr")
    scores = [c.score for c in candidates]
    assert all(0.0 < s < 1.0 for s in scores)
    # As stored (4 decimals) no two different sentences share a top score, and at most one
    # shows as 1.00 on the page.
    top = [round(s, 4) for s in scores if s >= 0.9]
    assert len(top) == len(set(top)), top
    assert sum(1 for s in scores if round(s, 2) == 1.0) <= 1


@pytest.mark.shared
@pytest.mark.skipif(not CT24.is_dir(), reason=f"CheckThat! 2024 data not found at {CT24}")
def test_dev_test_f1_is_the_honest_figure() -> None:
    """Dev-test is read once, for the report: nothing was tuned on it (see train.py)."""
    from factcheck.extraction.data import read_split
    from factcheck.extraction.evaluate import evaluate

    models = default_models()
    scores = evaluate(models, read_split(CT24, "dev-test"))
    # Figure reported in the README (make eval); the floor only guards against a regression.
    assert scores.f1 >= 0.70, scores
    assert models.meta["en"]["cv_f1"] >= 0.65


@pytest.mark.shared
@pytest.mark.skipif(not FR_DATA.is_dir(), reason=f"fr-checkworthy not found at {FR_DATA}")
def test_french_dev_figures() -> None:
    from factcheck.extraction.evaluate import fr_figures, score_article
    from factcheck.extraction.frdata import read_articles

    models = default_models()
    dev = [a for a in read_articles(FR_DATA) if a.split == "dev"]
    labels, flagged = [], []
    for article in dev:
        for sentence, candidate in zip(
            article.sentences, score_article(article, models), strict=True
        ):
            labels.append(sentence.label)
            flagged.append(candidate.checkworthy)
    figures = fr_figures(labels, flagged)
    # Reported in the README; floors guard against regressions, not goals.
    assert figures.must_recall >= 0.9, figures
    assert figures.not_flagged <= 0.25, figures
    assert figures.mcc >= 0.5, figures


@pytest.mark.shared
@pytest.mark.skipif(not CT24.is_dir(), reason=f"CheckThat! 2024 data not found at {CT24}")
def test_train_reader_repairs_glued_line() -> None:
    from factcheck.extraction.data import read_split

    rows = read_split(CT24, "train")
    assert len(rows) == 22_501
    assert sum(r.label for r in rows) == 5_413
    by_id = {r.sentence_id: r for r in rows}
    assert by_id["24098"].text == "We've got to invest and grow." and not by_id["24098"].label
    assert by_id["29286"].text == "You can't bring back jobs." and not by_id["29286"].label


def test_app_start_up_stops_on_a_missing_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factcheck import create_app

    monkeypatch.setenv("FACTCHECK_MODEL_PATH", str(tmp_path / "gone.json"))
    default_models.cache_clear()
    try:
        with pytest.raises(SystemExit) as info:
            create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        assert str(info.value).startswith("factcheck: check-worthiness model file")
        assert "gone.json is missing" in str(info.value)
    finally:
        monkeypatch.delenv("FACTCHECK_MODEL_PATH")
        default_models.cache_clear()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_scorer_computes_what_training_fitted(language: str) -> None:
    """The run-time decision value (n-gram columns kept per token, numpy sums) is the training
    features' value: ``features.tfidf`` of each block dotted with its coefficients."""
    from factcheck.extraction import features

    model = default_models().for_language(language)
    sentences = [
        "Le Pentagone estime que 10 000 soldats nord-coréens ont été envoyés à Koursk.",
        "23 des 32 membres de l'OTAN, 23 des 32 : le rapport de juin le dit, le dit encore.",
        "The ministry said 1.8 million households paid £48 million more in 2023.",
        "zzqx wvvk",  # no known n-gram
        "",
    ]
    for text in sentences * 2:  # the second pass reads the kept columns
        expected = model.intercept
        for grams, vocab, idf, coef in (
            (features.word_ngrams(text), model.word_vocab, model.word_idf, model.word_coef),
            (features.char_ngrams(text), model.char_vocab, model.char_idf, model.char_coef),
        ):
            if vocab:
                vector = features.tfidf(grams, vocab, idf)
                expected += sum(value * coef[column] for column, value in vector.items())
        assert model.logit(text, {}) == pytest.approx(expected, abs=1e-12), text


def test_the_french_threshold_keeps_both_goals_when_one_can() -> None:
    """The French threshold rule (train folds only): the best MCC among thresholds keeping
    must-recall >= 0.95 *and* at most 20 % of the negatives flagged; the must-recall floor alone
    only when no threshold keeps both."""
    import numpy as np

    from factcheck.extraction.train import must_threshold

    # 20 must (scores 0.9), 10 should (0.6), 20 negatives: 4 at 0.75, 16 at 0.2. Flagging from
    # 0.61 up to 0.75 keeps every must and flags 4/20 = 0.20 negatives; the best MCC overall
    # (with the shoulds, up to 0.60) would flag 0.20 too, so the rule takes it.
    must = np.array([True] * 20 + [False] * 30)
    gold = np.array([True] * 30 + [False] * 20)
    scores = np.array([0.9] * 20 + [0.6] * 10 + [0.75] * 4 + [0.2] * 16)
    threshold, both = must_threshold(scores, gold, must)
    assert both and threshold <= 0.60
    # Six negatives at 0.75: below 0.76 every threshold flags 0.30 of them, so a threshold that
    # keeps both goals must lie in (0.75, 0.90] where must-recall holds too.
    scores = np.array([0.9] * 20 + [0.6] * 10 + [0.75] * 6 + [0.2] * 14)
    threshold, both = must_threshold(scores, gold, must)
    assert both and 0.75 < threshold <= 0.90
    # Negatives scored above every must: no threshold keeps both; must-recall still holds.
    scores = np.array([0.5] * 20 + [0.4] * 10 + [0.95] * 10 + [0.1] * 10)
    threshold, both = must_threshold(scores, gold, must)
    assert not both and (scores[must] >= threshold).mean() >= 0.95


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not FR_DATA.is_dir(), reason=f"fr-checkworthy not found at {FR_DATA}")
def test_make_train_reproduces_the_committed_french_weights() -> None:
    """The committed French block is what ``make train KEEP_EN=1`` fits from fr-checkworthy
    train with today's features (claimants and quantities feed the model): a change to those
    rules fails here until the weights are refitted, instead of leaving the model reading
    features it was not fitted on."""
    from factcheck.extraction.train import train_french

    block, figures = train_french(FR_DATA)
    committed = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(block)) == committed["models"]["fr"]
    assert figures == {k: committed["meta"]["fr"][k] for k in figures}
