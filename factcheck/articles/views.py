"""Article list and article page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from factcheck.articles.display import paragraph_segments
from factcheck.articles.services import list_articles
from factcheck.extensions import db
from factcheck.models import Article

bp = Blueprint("articles", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("articles/index.html", rows=list_articles(db.session))


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> ResponseReturnValue:
    article = db.session.get(Article, article_id) or abort(404)
    return render_template(
        "articles/show.html",
        article=article,
        paragraphs=paragraph_segments(article.body, article.claims),
    )
