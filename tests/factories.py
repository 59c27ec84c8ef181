"""Test data made through the real services, so every row has its audit event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Flask

from factcheck.auth.services import create_user
from factcheck.extensions import db
from factcheck.models import Claim, Role, User
from tests.helpers import PASSWORD


def make_user(email: str, role: Role, name: str | None = None) -> User:
    return create_user(
        db.session, email=email, password=PASSWORD, role=role, display_name=name, actor=None
    )


def make_users(app: Flask) -> dict[str, Any]:
    with app.app_context():
        made = {
            "admin": make_user("admin@example.org", Role.ADMIN, "Ada Admin"),
            "editor": make_user("editor@example.org", Role.EDITOR, "Eddie Editor"),
            "editor2": make_user("editor2@example.org", Role.EDITOR, "Edna Editor"),
            "reviewer": make_user("reviewer@example.org", Role.REVIEWER, "Rita Reviewer"),
            "reviewer2": make_user("reviewer2@example.org", Role.REVIEWER, "Rob Reviewer"),
        }
        db.session.commit()
        for user in made.values():
            db.session.refresh(user)
            db.session.expunge(user)
        return made


def make_article(
    body: str = "Le Pentagone estime que 10 000 soldats ont été envoyés. "
    "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB.",
    title: str = "Test article",
    language: str = "fr",
) -> Any:
    """An article with no extracted claims (extraction is tested on its own)."""
    from factcheck.articles.parsing import ParsedArticle
    from factcheck.articles.services import ingest_article

    parsed = ParsedArticle(
        title=title, byline=None, headline=None, body=body, language=language, raw=body
    )
    return ingest_article(db.session, parsed, actor=None, extract_claims=False).article


def make_claim(article: Any = None, text: str | None = None, actor: User | None = None) -> Any:
    """A claim in state ``new`` on a passage of ``article`` (default: its first sentence)."""
    from factcheck.claims.services import add_manual_claim

    article = article or make_article()
    passage = text or article.body.split(". ")[0] + "."
    creator = actor or db.session.scalar(db.select(User).order_by(User.id))
    return add_manual_claim(db.session, article, passage, actor=creator)


def default_rating(label: str = "Faux") -> Any:
    from factcheck.models import RatingValue
    from factcheck.ratings.services import ensure_default_scales

    ensure_default_scales(db.session, actor=None)
    return db.session.scalar(db.select(RatingValue).where(RatingValue.label == label))


NATO_SOURCE = {
    "url": "https://www.nato.int/report.pdf",
    "title": "Defence expenditure report",
    "publisher": "NATO",
    "date_published": date(2024, 6, 17),
    "excerpt": "23 Allies meet the 2% guideline.",
    "stance": "supports",
}
# The workflow as a path a claim is walked along; "sourced" = sources and a draft verdict.
STATES = ("new", "queued", "in_review", "sourced", "proposed", "published")


def walk_claim(
    people: dict[str, User],
    claim: Any,
    to: str,
    *,
    sources: Sequence[dict[str, Any]] = (NATO_SOURCE,),
    rating: str = "Vrai",
    summary: str = "Le Pentagone l'a bien estimé.",
    explanation: str = "Détails.",
) -> Any:
    """Move a new claim through the services up to state ``to``; the reviewer is its assignee.

    The editor accepts it, the reviewer takes it, adds ``sources`` and a draft verdict, and
    proposes; the second editor approves. Nothing is committed.
    """
    from factcheck.claims import workflow
    from factcheck.review import services as review

    editor, reviewer = people["editor"], people["reviewer"]
    for step in STATES[1 : STATES.index(to) + 1]:
        if step == "queued":
            workflow.accept(db.session, claim, actor=editor)
        elif step == "in_review":
            workflow.take(db.session, claim, actor=reviewer)
        elif step == "sourced":
            for source in sources:
                review.add_source(db.session, claim, source, actor=reviewer)
            review.save_verdict(
                db.session,
                claim,
                actor=reviewer,
                rating_value_id=default_rating(rating).id,
                summary=summary,
                explanation=explanation,
            )
        elif step == "proposed":
            review.propose(db.session, claim, actor=reviewer)
        elif step == "published":
            review.approve(db.session, claim, actor=people["editor2"])
    return claim


def people_of(users: dict[str, Any]) -> dict[str, User]:
    """The ``users`` fixture's users, loaded in the current session."""
    return {k: db.session.get(User, u.id) for k, u in users.items()}


def published_claim(users: dict[str, Any]) -> Any:
    """One claim walked through the whole workflow to published (not committed)."""
    people = people_of(users)
    return walk_claim(people, make_claim(actor=people["reviewer"]), "published")


def published_english(users: dict[str, Any], summary: str = "The Pentagon said so.") -> str:
    """An English fact-check (English article, English scale), published and committed; its slug.
    Call it in an application context."""
    people = people_of(users)
    article = make_article(
        body="The Pentagon estimates that 10,000 soldiers were sent to Kursk. It said so.",
        title="An English article",
        language="en",
    )
    claim = make_claim(article, actor=people["reviewer"])
    walk_claim(people, claim, "published", rating="True", summary=summary)
    db.session.commit()
    return str(db.session.get(Claim, claim.id).slug)
