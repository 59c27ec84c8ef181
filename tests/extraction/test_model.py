"""The committed weights: small, portable, and (with ../shared) scoring as reported."""

from __future__ import annotations

import json

import pytest

from factcheck.extraction.model import FORMAT_VERSION, MODEL_PATH, default_models

from .seed import CT24


def test_weights_are_small_portable_json() -> None:
    assert MODEL_PATH.stat().st_size <= 5_000_000
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT_VERSION
    assert len(data["ngram"]["word_vocab"]) == len(data["ngram"]["word_coef"])
    assert len(data["ngram"]["char_vocab"]) == len(data["ngram"]["char_coef"])


def test_loaded_once() -> None:
    assert default_models() is default_models()


def test_opinion_cues_weigh_down() -> None:
    cue = default_models().cue
    for name in ("obligation", "hope_fear", "question", "courtesy"):
        assert cue.cue_weight(name) < 0, name
    for name in ("number", "percent", "according_to"):
        assert cue.cue_weight(name) > 0, name


@pytest.mark.shared
@pytest.mark.skipif(not CT24.is_dir(), reason=f"CheckThat! 2024 data not found at {CT24}")
def test_dev_test_f1() -> None:
    from factcheck.extraction.data import read_split
    from factcheck.extraction.evaluate import evaluate

    scores = evaluate(default_models(), read_split(CT24, "dev-test"))
    # The committed weights score 0.804 (n-gram model refitted on train+dev, threshold 0.47 from
    # forward-chained validation; see train.py). The floor leaves a small margin below that.
    assert scores.f1 >= 0.79, scores


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
