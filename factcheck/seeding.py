"""Loading ``seeds/``: the shipped articles, the default rating scales and the demo users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from factcheck.articles.parsing import decode_text, parse_article
from factcheck.articles.services import IngestResult, ingest_article
from factcheck.audit.actions import AuditAction
from factcheck.audit.log import change_and_record
from factcheck.auth.services import create_user
from factcheck.claims import workflow
from factcheck.claims.services import add_manual_claim, edit_claim
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import (
    Article,
    Claim,
    ClaimantType,
    ClaimStatus,
    RatingScale,
    RatingValue,
    Role,
    User,
)
from factcheck.ratings.services import ensure_default_scales
from factcheck.review import services as review

SEED_ACTOR = "seed"
DEMO_USERS = (
    ("admin@newsroom.example.org", "Ada Admin", Role.ADMIN),
    ("editor@newsroom.example.org", "Eddie Editor", Role.EDITOR),
    ("reviewer@newsroom.example.org", "Rita Reviewer", Role.REVIEWER),
)


@dataclass
class SeedReport:
    articles: list[IngestResult] = field(default_factory=list)
    scales_created: int = 0
    demo_credentials: list[tuple[str, str, Role]] = field(default_factory=list)


def default_seeds_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "seeds"


def seed_files(seeds_dir: Path) -> list[Path]:
    if not seeds_dir.is_dir():
        raise ValidationError(f"seed folder {seeds_dir} does not exist", field="seeds")
    files = sorted(
        p
        for p in seeds_dir.iterdir()
        if p.suffix in {".txt", ".md"} and p.is_file() and p.name.lower() != "readme.md"
    )
    if not files:
        raise ValidationError(f"seed folder {seeds_dir} holds no .txt article", field="seeds")
    return files


def load_seeds(session: DBSession, seeds_dir: Path, *, demo_users: bool = False) -> SeedReport:
    """Load every seed article, the default scales and (optionally) demo users; idempotent."""
    report = SeedReport()
    report.scales_created = len(ensure_default_scales(session, actor=None))
    for path in seed_files(seeds_dir):
        parsed = parse_article(decode_text(path.read_bytes(), name=str(path)))
        report.articles.append(ingest_article(session, parsed, actor=None))
    if demo_users:
        report.demo_credentials = create_demo_users(session)
    return report


def create_demo_users(session: DBSession) -> list[tuple[str, str, Role]]:
    """Create the three demo users that do not exist yet; return their one-time passwords."""
    created = []
    for email, name, role in DEMO_USERS:
        if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            continue
        password = secrets.token_urlsafe(12)
        create_user(
            session, email=email, password=password, role=role, display_name=name, actor=None
        )
        created.append((email, password, role))
    return created


# --- the worked example ------------------------------------------------------------------------

EXAMPLE_PASSAGE = "23 des 32 membres de l’OTAN atteignent désormais l’objectif"
EXAMPLE_WORDING = "23 des 32 membres de l'OTAN atteignent l'objectif de 2 % du PIB"
# Real, public sources only; never invent one. (Reuters' report, as republished by Devdiscourse,
# and the Sweden Herald's table of NATO's 2024 estimates.)
EXAMPLE_SOURCES: tuple[dict[str, Any], ...] = (
    {
        "url": "https://www.devdiscourse.com/article/headlines/2985964-nato-achieves-defense-spending-milestone",
        "title": "NATO achieves defense spending milestone (Reuters, republished by Devdiscourse)",
        "publisher": "Reuters, via Devdiscourse",
        "date_published": date(2024, 6, 17),
        "excerpt": "Our summary: on 17 June 2024 NATO Secretary General Jens Stoltenberg "
        "announced that more than 20 of the 32 members would meet the 2 % of GDP target "
        "that year.",
        "stance": "supports",
    },
    {
        "url": "https://swedenherald.com/article/record-number-of-nato-countries-expected-to-reach-spending-target",
        "title": "Record number of NATO countries expected to reach spending target",
        "publisher": "Sweden Herald",
        "excerpt": "Our summary: NATO's 2024 estimates by country; 23 of the 32 members are at "
        "or above 2 % of GDP, Belgium at 1.30 %.",
        "stance": "supports",
    },
)
EXAMPLE_SUMMARY = (
    "Exact : selon les estimations publiées par l'OTAN le 17 juin 2024, 23 des 32 alliés "
    "consacrent au moins 2 % de leur PIB à la défense cette année."
)
EXAMPLE_EXPLANATION = (
    "Le 17 juin 2024, le secrétaire général de l'OTAN, Jens Stoltenberg, a annoncé que plus de "
    "20 membres atteindraient l'objectif de 2 % du PIB cette année (dépêche Reuters, reprise par "
    "Devdiscourse). Le tableau des estimations 2024 par pays, publié par l'OTAN et repris par le "
    "Sweden Herald, compte 23 pays à 2 % ou plus ; la Belgique, par exemple, en est à 1,30 %.\n\n"
    "Ceci est un exemple complet livré avec l'application : relu par un vérificateur, approuvé "
    "par un second éditeur, avec de vraies sources publiques."
)


@dataclass
class ExampleReport:
    claim_id: int | None
    published: bool
    message: str


def _demo_user(session: DBSession, role: Role) -> User:
    email = next(e for e, _, r in DEMO_USERS if r is role)
    found = session.scalar(sa.select(User).where(User.email == email))
    if found is None:
        raise ValidationError(
            f"the worked example needs the demo {role.value} {email}: run "
            "`factcheck seed --demo-users --worked-example`",
            field="worked_example",
        )
    return found


def publish_worked_example(session: DBSession, seeds_dir: Path) -> ExampleReport:
    """Publish M2 of the seed article through the real services, once (idempotent).

    The demo editor accepts it, the demo reviewer takes it, adds the two real sources and a
    verdict and proposes it, and the editor approves: every step leaves its audit event.
    """

    done = session.scalar(sa.select(Claim).where(Claim.is_example.is_(True)))
    if done is not None:
        return ExampleReport(done.id, False, f"worked example already published (claim #{done.id})")
    article = session.scalar(
        sa.select(Article).where(Article.body.contains(EXAMPLE_PASSAGE)).order_by(Article.id)
    )
    if article is None:
        raise ValidationError(
            f"the worked example needs the seed article of {seeds_dir}", field="worked_example"
        )
    editor, reviewer = _demo_user(session, Role.EDITOR), _demo_user(session, Role.REVIEWER)
    claim = session.scalar(
        sa.select(Claim)
        .where(Claim.article_id == article.id, Claim.text.contains(EXAMPLE_PASSAGE))
        .order_by(Claim.id)
    )
    if claim is None:
        sentence = next(s for s in article.body.split("\n") if EXAMPLE_PASSAGE in s)
        start = sentence.index("Un rapport") if "Un rapport" in sentence else 0
        end = sentence.index(".", sentence.index(EXAMPLE_PASSAGE)) + 1
        claim = add_manual_claim(session, article, sentence[start:end], actor=reviewer)
    if claim.status is not ClaimStatus.NEW:
        return ExampleReport(
            claim.id, False, f"claim #{claim.id} is {claim.status.value}: worked example left as is"
        )
    edit_claim(
        session,
        claim,
        {
            "claim_reviewed": EXAMPLE_WORDING,
            "claimant_name": "OTAN",
            "claimant_type": ClaimantType.ORGANIZATION.value,
        },
        actor=editor,
        expected_version=None,
    )
    best = session.scalar(
        sa.select(RatingValue)
        .join(RatingScale, RatingScale.id == RatingValue.scale_id)
        .where(RatingScale.shipped_key == "fr")
        .order_by(RatingValue.value.desc())
    )
    if best is None:
        raise ValidationError("the French default rating scale is missing", field="worked_example")
    workflow.accept(session, claim, actor=editor)
    workflow.take(session, claim, actor=reviewer)
    for source in EXAMPLE_SOURCES:
        review.add_source(session, claim, dict(source), actor=reviewer)
    review.save_verdict(
        session,
        claim,
        actor=reviewer,
        rating_value_id=best.id,
        summary=EXAMPLE_SUMMARY,
        explanation=EXAMPLE_EXPLANATION,
    )
    review.propose(session, claim, actor=reviewer)
    review.approve(session, claim, actor=editor)
    change_and_record(
        session,
        claim,
        {"is_example": True},
        actor=None,
        action=AuditAction.CLAIM_MARK_EXAMPLE,
        entity_type="claim",
    )
    return ExampleReport(claim.id, True, f"worked example published: claim #{claim.id}")
