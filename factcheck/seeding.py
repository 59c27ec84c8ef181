"""Loading ``seeds/``: the shipped articles, the default rating scales and the demo users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from factcheck.articles.parsing import decode_text, parse_article
from factcheck.articles.services import IngestResult, ingest_article
from factcheck.auth.services import create_user
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import Role, User
from factcheck.ratings.services import ensure_default_scales

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
