"""The matcher: features, cross-language matches on numbers and names, metrics, `match`."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.memory import evaluate
from factcheck.memory.index import counts
from factcheck.memory.matching import (
    BM25_ONLY,
    MatchDoc,
    Matcher,
    Weights,
    clean_query,
    names,
    numbers,
)

NATO_EN = MatchDoc(
    "nato",
    "23 of NATO's 32 members meet the 2% defence spending target, Stoltenberg says in June",
)
DISTRACTORS = [
    MatchDoc("troops", "The Pentagon says 10,000 North Korean soldiers were sent to Kursk"),
    MatchDoc("budget", "France will spend 2% of GDP on defence by 2025, says Macron"),
    MatchDoc("members", "The European Union has 27 members and 24 official languages"),
    MatchDoc("vaccine", "A vaccine changes your DNA, a viral post claims"),
    MatchDoc("nato-old", "Only three NATO members met the target in 2014"),
]


def test_numbers_are_values_whatever_their_spelling():
    assert numbers("10 000 soldats, 10,000 soldiers, 10\u00a0000") == {"10000"}
    assert numbers("2 % du PIB, 2.5 percent, 1,30 %") == {"2", "2.5", "1.3"}


def test_names_skip_sentence_starters_and_keep_handles():
    found = names("The report by Jens Stoltenberg says NATO grew. @realDonaldTrump agrees")
    assert {"jens", "stoltenberg", "nato", "realdonaldtrump"} <= found
    assert "the" not in found


def test_clean_query_drops_links_and_splits_handles():
    text = clean_query("Fake! https://t.co/abc pic.twitter.com/xyz — Jo (@realDonaldTrump)")
    assert "t.co" not in text and "pic.twitter" not in text
    assert "real Donald Trump" in text


def test_a_french_claim_finds_the_english_fact_check_through_numbers_and_names():
    matcher = Matcher([*DISTRACTORS, NATO_EN])
    claim = (
        "Un rapport publié en juin montre que 23 des 32 membres de l'OTAN consacrent au moins "
        "2 % de leur PIB à la défense, selon Jens Stoltenberg."
    )
    [best, *_] = matcher.rank(claim, top=3)
    assert best.id == "nato"
    assert any(r.startswith("same numbers: 2, 23, 32") for r in best.reasons), best.reasons
    assert any("stoltenberg" in r for r in best.reasons)
    assert best.coverage > 0


def test_bm25_alone_and_empty_memory():
    matcher = Matcher([*DISTRACTORS, NATO_EN])
    assert [m.id for m in matcher.rank("Kursk soldiers", weights=BM25_ONLY)] == ["troops"]
    assert Matcher([]).rank("anything") == []
    assert matcher.rank("zzzz qqqq", weights=BM25_ONLY) == []
    # No shared word: only the nearest by meaning, far off, and no desk would show them.
    far = matcher.rank("zzzz qqqq")
    assert far and all(m.coverage == 0 and m.features["meaning"] < 0.3 for m in far)
    assert not any(counts(m) for m in far)


def test_weights_file_is_what_cross_validation_chose():
    weights = Weights.load()
    assert weights.values["bm25"] == 1.0 and weights.candidates >= 5
    assert set(weights.values) <= {"bm25", "meaning", "numbers", "names", "dates"}


TOY = [
    "Vaccines alter your DNA",
    "The moon landing was faked in a studio",
    "Drinking bleach cures covid",
    "The Eiffel Tower will be sold",
    "Trump built the whole border wall",
    "5G towers spread the virus",
    "Bill Gates wants to microchip people",
    "The earth is flat",
]
TOY_QUERIES = [
    "vaccines change DNA!!",
    "no one went to the moon, it was a studio",
    "bleach kills covid",
    "Eiffel tower for sale",
    "the border wall is built",
    "5G causes the virus",
    "Gates microchips",
    "flat earth is real",
    "jabs modify genes",
    "lunar hoax",
]


def test_fitting_chooses_inside_the_folds_and_reports_held_out_figures():
    matcher = Matcher([MatchDoc(str(i), text) for i, text in enumerate(TOY)])
    queries = [evaluate.Query(f"q{i}", text) for i, text in enumerate(TOY_QUERIES)]
    qrels = {f"q{i}": {str(i % 8)} for i in range(10)} | {"q9": {"1"}}
    chosen: list[str] = []
    weights, cv = evaluate.fit(matcher, queries, qrels, folds=2, log=chosen.append)
    assert len(chosen) == 3 and chosen[0].startswith("  fold 1: ")
    assert weights.values["bm25"] == 1.0 and weights.candidates in (30, 100)
    assert 0.5 <= cv["MAP@5"] <= 1.0
    # q8 shares no word with its fact-check: only the nearest by meaning can find it.
    runs = evaluate.run(matcher, queries[8:9], Weights({"bm25": 1.0, "meaning": 1.0}, nearest=3))
    assert runs["q8"][0] == "0"


def test_metrics_follow_the_task_definition():
    qrels = {"q1": {"a"}, "q2": {"b", "c"}, "q3": {"z"}}
    runs = {"q1": ["x", "a"], "q2": ["b", "y", "c"], "q3": ["x"] * 5 + ["z"]}
    figures = evaluate.scores(runs, qrels)
    assert figures["MAP@5"] == pytest.approx((0.5 + (1 + 2 / 3) / 2 + 0) / 3)
    assert figures["MRR"] == pytest.approx((0.5 + 1 + 1 / 6) / 3)
    assert figures["Recall@5"] == pytest.approx((1 + 1 + 0) / 3)


def _tsv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_match_command_prints_a_trec_run(runner, tmp_path):
    docs = _tsv(
        tmp_path / "docs.tsv",
        "\tvclaim\ttitle",
        [
            '0\t"A claim with ""quotes"" and a\nnewline about Kursk soldiers"\tKursk',
            "1\t23 of 32 NATO members spend 2%\tNATO spending",
            "2\tVaccines change DNA\tVaccines",
        ],
    )
    queries = _tsv(tmp_path / "q.tsv", "\ttweet_content", ["7\tNATO: 23 of 32 allies at 2%"])
    result = runner.invoke(
        args=["match", "--collection", str(docs), "--queries", str(queries), "--top", "2"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["7", "Q0", "1", "1"] and lines[0].endswith(" factcheck")
    assert len(lines) <= 2
    missing = runner.invoke(
        args=["match", "--collection", str(tmp_path / "no.tsv"), "--queries", str(queries)]
    )
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_collection_is_embedded_once_per_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path / "cache"))
    assert evaluate.cache_folder() == tmp_path / "cache"
    docs = [NATO_EN, *DISTRACTORS[:2]]
    first = evaluate.cached_vectors(docs)
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".npy"]  # no part left over
    assert first.shape == (3, 384)

    def embed_again(_docs):
        raise AssertionError("the kept vectors should have been read")

    monkeypatch.setattr(evaluate, "embed_docs", embed_again)
    assert (evaluate.cached_vectors(docs) == first).all()
    with pytest.raises(AssertionError, match="kept vectors"):  # other texts, another key
        evaluate.cached_vectors([NATO_EN, DISTRACTORS[2]])
    monkeypatch.delenv("FACTCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert evaluate.cache_folder() == tmp_path / "xdg" / "factcheck"


@pytest.mark.shared
@pytest.mark.slow  # embeds 10,375 fact-checks on a machine's first run (≈ 4 min of a core)
def test_dev_figures_with_the_committed_weights(shared_dir):
    data = shared_dir / "data" / "claim-retrieval-en"
    docs = evaluate.read_docs(data / "verified_claims.docs.tsv")
    matcher = Matcher(docs, vectors=evaluate.cached_vectors(docs))  # a machine's first: minutes
    assert len(matcher) == 10_375
    dev = evaluate.read_queries(data / "dev" / "tweets.queries.tsv")
    qrels = evaluate.read_qrels(data / "dev" / "tweet-vclaim-pairs.qrels")
    assert (len(dev), sum(len(v) for v in qrels.values())) == (197, 198)
    bm25 = evaluate.scores(evaluate.run(matcher, dev, BM25_ONLY), qrels)
    combined = evaluate.scores(evaluate.run(matcher, dev, Weights.load()), qrels)
    assert bm25["MAP@5"] >= 0.78
    assert combined["MAP@5"] >= 0.85  # issue 15's goal; 0.858 when the weights were chosen


@pytest.mark.parametrize(
    ("weights", "pool"),
    [
        (Weights({"bm25": 1.0, "meaning": 1.0, "names": 0.005}, fusion="rrf"), (100, 0)),
        (Weights({"bm25": 1.0, "meaning": 2.0, "numbers": 0.1}, nearest=3), (100, 3)),
    ],
)
def test_cross_validation_ranks_as_the_matcher_does(weights, pool):
    matcher = Matcher([MatchDoc(str(i), text) for i, text in enumerate(TOY)])
    queries = [evaluate.Query(f"q{i}", text) for i, text in enumerate(TOY_QUERIES)]
    cache = evaluate.pools(matcher, queries)
    scorer = (
        evaluate.rrf(weights.values) if weights.fusion == "rrf" else evaluate.linear(weights.values)
    )
    qids = [q.id for q in queries]
    assert evaluate.ranked(matcher, cache, qids, scorer, pool) == evaluate.run(
        matcher, queries, weights
    )
