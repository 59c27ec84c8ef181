"""The desk teaches the model: every accept or dismiss is a label for a newsroom model.

``retrain`` fits the French check-worthiness model on the shipped data (fr-checkworthy train)
plus the desk's decisions on French claims, scores it and the model in use on fr-checkworthy dev
(held out from both), and switches to it only when its MCC there is higher, or when forced. The
switch writes ``<instance>/checkworthy.json`` (read at start-up) and an audit event ``model.switch``
in the caller's transaction. Accepted claims (any state past ``new`` but ``dismissed``) are
positive; dismissed ones negative, except "Duplicate…" dismissals, which say nothing about
check-worthiness.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.extraction.frdata import read_articles
from factcheck.extraction.model import default_models, load_models, model_path, use_model
from factcheck.extraction.pipeline import sentence_cues
from factcheck.extraction.quantities import find_quantities
from factcheck.extraction.types import Claimant
from factcheck.models import Claim, ClaimStatus, User

NEWSROOM_MODEL = "checkworthy.json"


@dataclass(frozen=True)
class RetrainResult:
    """What a retrain found: both models' held-out figures and whether it switched."""

    current_version: str
    new_version: str
    current: Any  # evaluate.FrFigures
    new: Any
    desk_labels: int
    switched: bool
    path: Path | None


def desk_rows(session: DBSession) -> list[Any]:
    """Training rows from the desk's decisions on French claims."""
    # Training only (numpy, scipy, scikit-learn): the app starts and serves without them.
    from factcheck.extraction.train import Row

    claims = session.scalars(
        sa.select(Claim)
        .where(Claim.language == "fr", Claim.status != ClaimStatus.NEW)
        .order_by(Claim.id)
    )
    rows = []
    for claim in claims:
        dismissed = claim.status is ClaimStatus.DISMISSED
        if dismissed and (claim.dismiss_reason or "").lower().startswith("duplicate"):
            continue
        claimant = Claimant(claim.claimant_name, "Organization") if claim.claimant_name else None
        quantities = find_quantities(claim.text, "fr")
        cues, _ = sentence_cues(claim.text, "fr", claimant, quantities)
        rows.append(Row(f"desk-{claim.article_id}", claim.text, cues, not dismissed))
    return rows


def _dev_figures(models: Any, dev: list[Any]) -> Any:
    # Training only: evaluate imports the trainer (scikit-learn), which the app never needs.
    from factcheck.extraction.evaluate import fr_figures, score_article

    labels, flagged = [], []
    for article in dev:
        for sentence, candidate in zip(
            article.sentences, score_article(article, models), strict=True
        ):
            labels.append(sentence.label)
            flagged.append(candidate.checkworthy)
    return fr_figures(labels, flagged)


def retrain(
    session: DBSession,
    *,
    fr_data: Path,
    instance_path: Path,
    actor: User | None,
    force: bool = False,
) -> RetrainResult:
    """Fit, compare on held-out dev, and switch when better (or ``force``); see the module."""
    # Training only (numpy, scipy, scikit-learn): loaded when a retrain runs, not at start-up.
    import numpy as np

    from factcheck.extraction.train import FORMAT_VERSION, fit_french, french_rows, write_weights

    if not (Path(fr_data) / "labels.tsv").is_file():
        raise ValidationError(
            f"fr-data: no fr-checkworthy labels.tsv in {fr_data}", field="fr-data"
        )
    articles = read_articles(fr_data)
    train = [a for a in articles if a.split == "train"]
    dev = [a for a in articles if a.split == "dev"]
    desk = desk_rows(session)
    rows = french_rows(train, desk=desk)
    must = np.array([False] * len(desk) + [s.label == "must" for a in train for s in a.sentences])
    block, figures = fit_french(rows, must, quiet=True, folds=4)

    current = default_models()
    current_json = json.loads(model_path().read_text(encoding="utf-8"))
    weights = {
        "format": FORMAT_VERSION,
        "models": {**current_json["models"], "fr": block},
        "meta": {
            **current_json.get("meta", {}),
            "fr": {
                "data": "fr-checkworthy train + the desk's decisions",
                "desk_labels": len(desk),
                **figures,
            },
        },
    }
    instance_path.mkdir(parents=True, exist_ok=True)
    candidate_path = instance_path / "checkworthy.candidate.json"
    write_weights(weights, candidate_path)
    candidate = load_models(candidate_path)
    before, after = _dev_figures(current, dev), _dev_figures(candidate, dev)
    switched = force or after.mcc > before.mcc
    target: Path | None = None
    if switched:
        target = instance_path / NEWSROOM_MODEL
        os.replace(candidate_path, target)
        use_model(target)
        record(
            session,
            actor=actor,
            action=AuditAction.MODEL_SWITCH,
            entity_type="model",
            entity_id=candidate.version,
            data={
                "from": current.version,
                "to": candidate.version,
                "forced": force and not after.mcc > before.mcc,
                "desk_labels": len(desk),
                "dev_mcc_before": round(before.mcc, 4),
                "dev_mcc_after": round(after.mcc, 4),
            },
        )
    else:
        candidate_path.unlink()
    return RetrainResult(
        current.version, candidate.version, before, after, len(desk), switched, target
    )
