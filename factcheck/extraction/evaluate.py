"""Evaluate a weights file the way the app runs it, on data it was not tuned on.

    python -m factcheck.extraction.evaluate --data ../shared/data/ct24-checkworthy-en \\
        --fr-data ../shared/data/fr-checkworthy

Prints, for French (fr-checkworthy): on dev (8 articles, read once here) and by
leave-one-article-out over all 24 articles, must-recall, precision and recall of must|should,
the share of ``not`` sentences flagged and the MCC; the claimant accuracy and the precision and
recall of (value, unit) quantity pairs on dev. For English (CheckThat! 2024): the grouped-CV F1
recorded when the weights were fitted, and the dev-test F1.

Every French sentence is scored through ``extract`` on the whole article body (the same code the
app runs, claimants resolved across sentences), then matched to its labelled row.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.extraction.claimants import plain
from factcheck.extraction.data import Example, read_split
from factcheck.extraction.frdata import FrArticle, FrSentence, read_articles
from factcheck.extraction.lexicons import MONTHS_FR
from factcheck.extraction.model import MODEL_PATH, LinearModel, Models, load_models
from factcheck.extraction.pipeline import extract, score_lines
from factcheck.extraction.quantities import parse_number
from factcheck.extraction.types import Candidate


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of the positive class."""

    precision: float
    recall: float
    f1: float
    n: int

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} (n={self.n})"


def prf(gold: Sequence[bool], predicted: Sequence[bool]) -> Scores:
    """Precision/recall/F1 of ``True``."""
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, len(gold))


def evaluate(models: Models, examples: list[Example], language: str = "en") -> Scores:
    """Score English ``examples`` line by line and return P/R/F1 of ``Yes``."""
    candidates = score_lines([e.text for e in examples], language, models=models)
    return prf([e.label for e in examples], [c.checkworthy for c in candidates])


# -- French check-worthiness -----------------------------------------------------------------


@dataclass(frozen=True)
class FrFigures:
    """The French figures of item 1."""

    must_recall: float
    precision: float
    recall: float
    not_flagged: float
    mcc: float
    n: int

    def __str__(self) -> str:
        return (
            f"must-recall {self.must_recall:.3f}  must|should P={self.precision:.3f} "
            f"R={self.recall:.3f}  not flagged {self.not_flagged:.3f}  MCC {self.mcc:.3f} "
            f"(n={self.n})"
        )


def fr_figures(labels: Sequence[str], flagged: Sequence[bool]) -> FrFigures:
    """Figures of flagged sentences against must/should/not labels."""
    gold = [label != "not" for label in labels]
    scores = prf(gold, flagged)
    must = [f for label, f in zip(labels, flagged, strict=True) if label == "must"]
    nots = [f for label, f in zip(labels, flagged, strict=True) if label == "not"]
    tp = sum(g and p for g, p in zip(gold, flagged, strict=True))
    tn = sum(not g and not p for g, p in zip(gold, flagged, strict=True))
    fp = sum(p and not g for g, p in zip(gold, flagged, strict=True))
    fn = sum(g and not p for g, p in zip(gold, flagged, strict=True))
    denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return FrFigures(
        must_recall=sum(must) / len(must) if must else 0.0,
        precision=scores.precision,
        recall=scores.recall,
        not_flagged=sum(nots) / len(nots) if nots else 0.0,
        mcc=(tp * tn - fp * fn) / denominator if denominator else 0.0,
        n=len(labels),
    )


def score_article(article: FrArticle, models: Models) -> list[Candidate]:
    """The candidate of each labelled sentence, from ``extract`` over the whole body."""
    found = extract(
        article.body, "fr", models=models, split_compound=False, headline=article.headline
    )
    by_text = {c.text: c for c in found}
    missing = [s.text for s in article.sentences if s.text not in by_text]
    if missing:
        raise ValueError(f"article {article.article_id}: sentence not found: {missing[0]!r}")
    return [by_text[s.text] for s in article.sentences]


def leave_one_article_out(articles: list[FrArticle], c: float) -> FrFigures:
    """Refit the French model 24 times, each time without one article (C fixed to the committed
    model's; calibration and threshold refitted inside each fold on 4 article-grouped inner
    folds), and score the left-out one."""
    # Training only: numpy, scipy and scikit-learn (through train) are not needed to score.
    import numpy as np

    from factcheck.extraction.train import fit_french, french_rows

    rows = french_rows(articles)
    by_article = [a.article_id for a in articles for _ in a.sentences]
    must = np.array([s.label == "must" for a in articles for s in a.sentences])
    labels: list[str] = []
    flagged: list[bool] = []
    for article in articles:
        keep = [i for i, a in enumerate(by_article) if a != article.article_id]
        block, _ = fit_french([rows[i] for i in keep], must[keep], c_grid=(c,), quiet=True, folds=4)
        model = LinearModel.from_dict(block)
        held = [i for i, a in enumerate(by_article) if a == article.article_id]
        for i in held:
            labels.append(article.sentences[i - held[0]].label)
            score = model.probability(model.logit(rows[i].text, rows[i].cues))
            flagged.append(score >= model.threshold)
    return fr_figures(labels, flagged)


# -- Claimants -------------------------------------------------------------------------------

_PAREN = re.compile(r"\s*\(([^)]*)\)")
_DET = re.compile(r"^(?:l['’]\s*|le |la |les |du |de la |des |the )", re.IGNORECASE)


def _norm(name: str) -> str:
    name = _DET.sub("", plain(name).strip())
    return re.sub(r"[^\w ]+", " ", name).strip()


def _variants(gold: str) -> list[str]:
    """The names a gold claimant field allows: each "; "-separated name, and for
    "Jean-Paul Bodin (ministère des Armées)" both the person and the body."""
    names = []
    for part in gold.split(";"):
        inner = _PAREN.findall(part)
        names.append(_norm(_PAREN.sub("", part)))
        names.extend(_norm(i) for i in inner)
    return [n for n in names if n]


_SMALL = frozenset(
    ["de", "des", "du", "la", "le", "les", "d", "l", "et", "of", "the", "and", "for"]
)


def _acronym(name: str) -> str:
    return "".join(w[0] for w in _norm(name).split() if w not in _SMALL)


def same_entity(predicted: str, gold: str) -> bool:
    """Whether a predicted claimant names the gold one: equal after normalising, one contained
    in the other (word-wise), the same surname, or an acronym of the other's name ("OFCE" for
    "Observatoire français des conjonctures économiques")."""
    p = _norm(predicted)
    if not p:
        return False
    p_words = p.split()
    for g in _variants(gold):
        g_words = g.split()
        if len(g_words) == 1 and len(p_words) >= 3 and _acronym(predicted) == g:
            return True
        if len(p_words) == 1 and len(g_words) >= 3 and _acronym(g) == p:
            return True
        if p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} ":
            return True
        if len(p_words) >= 2 and len(g_words) >= 2 and p_words[-1] == g_words[-1]:
            return True
    return False


def claimant_accuracy(pairs: Sequence[tuple[FrSentence, Candidate]]) -> tuple[int, int]:
    """(right, total) over must|should sentences whose gold claimant is filled."""
    total = right = 0
    for sentence, candidate in pairs:
        if sentence.label == "not" or not sentence.claimant:
            continue
        total += 1
        if candidate.claimant and same_entity(candidate.claimant.name, sentence.claimant):
            right += 1
    return right, total


# -- Quantities ------------------------------------------------------------------------------

_SCALE = {"mille": 1e3, "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9}
_GOLD_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?")
_SKIP_WORDS = frozenset(
    [
        "de",
        "d",
        "des",
        "du",
        "à",
        "a",
        "au",
        "aux",
        "en",
        "par",
        "sur",
        "et",
        "plus",
        "moins",
        "l",
        "la",
        "le",
        "les",
    ]
)


def _unit_key(unit: str | None) -> str:
    if not unit:
        return ""
    word = _norm(unit).split()
    if not word:
        return unit.strip()
    key = word[0]
    return key[:-1] if len(key) > 3 and key[-1] in "sx" else key


def gold_pairs(expression: str) -> list[tuple[float, str]]:
    """(value, unit key) pairs of one gold quantity expression with a digit, or [] for dates,
    times, ordinals and expressions without a digit (outside what is measured)."""
    text = expression.strip()
    numbers = list(_GOLD_NUMBER.finditer(text))
    if not numbers:
        return []
    lowered = text.lower()
    if any(m in lowered.split() for m in MONTHS_FR) or re.search(r"\d+h\d*", lowered):
        return []
    if re.fullmatch(r"(?:19|20)\d\d", text) or re.match(r"\d+(?:e|er|ème)\b", lowered):
        return []
    part_of = len(numbers) == 2 and re.search(
        r"\bsur\b|\bdes\b", text[numbers[0].end() : numbers[1].start()]
    )
    # "19 voix sur 54": the unit follows the part ("23 des 32 membres": the whole);
    # "6,8 à 8,4 milliards d'euros": the last number.
    after = text[numbers[-1].end() :].strip()
    if part_of:
        between = re.split(r"\bsur\b|\bdes\b", text[numbers[0].end() : numbers[1].start()])
        after = between[0].strip() or after
    words = re.findall(r"%|[^\W\d_]+", after.replace("’", "'").replace("'", " "))
    scale = 1.0
    if words and words[0].lower() in _SCALE:
        scale = _SCALE[words[0].lower()]
        words = words[1:]
    unit = ""
    for word in words:
        if word.lower() in _SKIP_WORDS:
            continue
        unit = word
        break
    if unit == "%" or unit.lower() in ("pour", "pourcent"):
        unit = "%"
    key = _unit_key(unit) if unit != "%" else "%"
    values = [parse_number(m.group(0), "fr") * scale for m in numbers]
    if part_of:
        values = values[:1]  # "19 voix sur 54": the part is the quantity, the whole is its "of"
    gap = text[numbers[0].end() : numbers[1].start()] if len(values) == 2 else ""
    if len(values) == 2 and not re.fullmatch(r"\s*%?\s*(?:à|et|ou|-|–)\s*", gap):
        values = values[:1]  # "3,1 pour 100.000": a rate, its base is no count of its own
    return [(v, key) for v in values]


def claimant_over(pairs: Sequence[tuple[FrSentence, Candidate]]) -> tuple[int, int]:
    """(given, total) over must|should sentences whose gold claimant is empty (the outlet says
    it itself): how often a claimant is attributed where there is none."""
    empty = [c for s, c in pairs if s.label != "not" and not s.claimant]
    return sum(1 for c in empty if c.claimant is not None), len(empty)


def quantity_pairs(pairs: Sequence[tuple[FrSentence, Candidate]]) -> tuple[int, int, int]:
    """(true positives, predicted, gold) over (value, unit) pairs, a multiset match per
    sentence; predictions that are dates are left out like the gold dates."""
    tp = n_pred = n_gold = 0
    for sentence, candidate in pairs:
        gold: Counter[tuple[float, str]] = Counter()
        for expression in sentence.quantities:
            gold.update((round(v, 6), u) for v, u in gold_pairs(expression))
        # Like the gold side: only expressions with a digit ("un cas sur quatre" is out).
        predicted: Counter[tuple[float, str]] = Counter(
            (round(abs(q.value), 6), "%" if q.unit == "%" else _unit_key(q.unit))
            for q in candidate.quantities
            if q.unit != "date" and any(ch.isdigit() for ch in q.text)
        )
        tp += sum((gold & predicted).values())
        n_pred += sum(predicted.values())
        n_gold += sum(gold.values())
    return tp, n_pred, n_gold


# -- Report ----------------------------------------------------------------------------------


def report_french(models: Models, folder: Path, loao: bool = True) -> dict[str, Any]:
    """Print and return the French figures (items 1, 4 and 5)."""
    articles = read_articles(folder)
    dev = [a for a in articles if a.split == "dev"]
    pairs = [
        (s, c) for a in dev for s, c in zip(a.sentences, score_article(a, models), strict=True)
    ]
    figures = fr_figures([s.label for s, _ in pairs], [c.checkworthy for _, c in pairs])
    print(f"fr dev (8 articles)              {figures}")
    result: dict[str, Any] = {"dev": figures}
    if loao:
        c = float(models.meta.get("fr", {}).get("C", 1.0))
        loao_figures = leave_one_article_out(articles, c)
        print(f"fr leave-one-article-out (24)    {loao_figures}")
        result["loao"] = loao_figures
    train = [a for a in articles if a.split == "train"]
    train_pairs = [
        (s, c) for a in train for s, c in zip(a.sentences, score_article(a, models), strict=True)
    ]
    # The claimant and quantity rules were tuned on train: its figures are in-sample.
    for name, chosen in (("train (tuned on)", train_pairs), ("dev (held out)", pairs)):
        right, total = claimant_accuracy(chosen)
        over, empty = claimant_over(chosen)
        print(
            f"fr {name} claimant right (same entity), must|should with a claimant: "
            f"{right}/{total} = {right / total:.3f}; claimant given where the outlet speaks: "
            f"{over}/{empty}"
        )
    for name, chosen in (("train (tuned on)", train_pairs), ("dev (held out)", pairs)):
        tp, n_pred, n_gold = quantity_pairs(chosen)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        print(
            f"fr {name} quantities (value, unit): P={precision:.3f} ({tp}/{n_pred}) "
            f"R={recall:.3f} ({tp}/{n_gold})  [with a digit; dates, times, ordinals out]"
        )
    right, total = claimant_accuracy(pairs)
    tp, n_pred, n_gold = quantity_pairs(pairs)
    result.update(
        claimant=right / total,
        quantity_precision=tp / n_pred if n_pred else 0.0,
        quantity_recall=tp / n_gold if n_gold else 0.0,
    )
    return result


def report_english(models: Models, folder: Path) -> dict[str, Any]:
    """Print and return the English figures (item 2)."""
    meta = models.meta.get("en", {})
    if "cv_f1" in meta:
        print(
            f"en grouped-CV F1 (train+dev, {meta.get('folds')} debate-block folds, "
            f"recorded at fitting): {meta['cv_f1']:.3f}"
        )
    scores = evaluate(models, read_split(folder, "dev-test"))
    print(f"en dev-test (held out, read once) {scores}")
    return {"cv_f1": meta.get("cv_f1"), "dev_test": scores}


def report_claimants(models: Models, folder: Path, split: str, errors: bool = False) -> float:
    """Print the claimant figure on one split only (``train`` while tuning the rules, so dev
    stays unread), with each miss when ``errors``; return the accuracy."""
    pairs = [
        (s, c)
        for a in read_articles(folder)
        if a.split == split
        for s, c in zip(a.sentences, score_article(a, models), strict=True)
    ]
    right, total = claimant_accuracy(pairs)
    over, empty = claimant_over(pairs)
    if errors:
        for sentence, candidate in pairs:
            if sentence.label == "not" or not sentence.claimant:
                continue
            if candidate.claimant and same_entity(candidate.claimant.name, sentence.claimant):
                continue
            given = candidate.claimant.name if candidate.claimant else "-"
            where = f"{sentence.article_id}/{sentence.index}"
            print(f"{where} gold {sentence.claimant!r} given {given!r}")
            print(f"    {sentence.text}")
    print(
        f"fr {split} claimant right (same entity), must|should with a claimant: "
        f"{right}/{total} = {right / total:.3f}; claimant given where the outlet speaks: "
        f"{over}/{empty}"
    )
    return right / total if total else 0.0


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="folder of the CT24 .tsv files")
    parser.add_argument("--fr-data", type=Path, help="fr-checkworthy folder")
    parser.add_argument("--model", type=Path, default=MODEL_PATH, help="weights JSON")
    parser.add_argument("--no-loao", action="store_true", help="skip leave-one-article-out")
    parser.add_argument(
        "--claimants",
        metavar="SPLIT",
        help="only the French claimant figure on SPLIT (train while tuning), with --fr-data",
    )
    parser.add_argument("--errors", action="store_true", help="with --claimants: list misses")
    args = parser.parse_args(argv)
    models = load_models(args.model)
    print(f"weights {args.model} (version {models.version})")
    if args.claimants:
        if not args.fr_data:
            parser.error("--claimants needs --fr-data")
        report_claimants(models, args.fr_data, args.claimants, errors=args.errors)
        return
    if args.fr_data:
        report_french(models, args.fr_data, loao=not args.no_loao)
    if args.data:
        report_english(models, args.data)


if __name__ == "__main__":
    main()
