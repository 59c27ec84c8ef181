"""The queue's row cells, worked out in Python (``claims.rows``), are what the template's calls
wrote: the links, the truncated texts, the score, the status's name, the dates and the age, in
English and in French (issue 19: the calls were a third of the rows' rendering)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale
from markupsafe import escape

from factcheck.claims.rows import queue_rows
from factcheck.claims.views import STATUS_LABELS, Ages
from factcheck.extensions import db
from factcheck.i18n import Scores
from factcheck.models import Claim
from tests.factories import make_article, make_claim, people_of

# What the row's template wrote, cell by cell, before the cells were worked out in Python.
TEMPLATE_CELLS = {
    "url": "{{ url_for('claims.show', claim_id=claim.id, back=back or None) }}",
    "text": "{{ claim.claim_reviewed|truncate(140) }}",
    "status": "{{ status_names[claim.status] }}",
    "score": "{{ scores(claim.score) }}",
    "article_url": "{{ url_for('articles.show', article_id=claim.article.id) }}",
    "article_title": "{{ claim.article.title|truncate(48) }}",
    "created": "{{ claim.created_at.isoformat() }}",
    "created_utc": "{{ claim.created_at.strftime('%Y-%m-%d %H:%M') }}",
    "age": "{{ ages(claim.created_at) }}",
}
LONG = "Le Pentagone estime que " + "dix mille soldats nord-coréens " * 8 + "ont été envoyés."


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("back", ["", "q=rutte&status=new"])
def test_each_cell_is_what_the_template_wrote(
    app: Flask, users: dict[str, Any], language: str, back: str
) -> None:
    with app.app_context():
        editor = people_of(users)["editor"]
        long_title = make_article(LONG, title="Un titre d’article bien trop long " * 3)
        short = make_article(title="Court & <net>")
        claims = [
            make_claim(long_title, LONG, actor=editor),  # truncated text and title
            make_claim(short, actor=editor),
        ]
        claims[0].score, claims[1].score = 0.875, None
        claims[1].created_at = datetime.now(UTC) - timedelta(hours=5)
        db.session.flush()
        other = make_article("Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. Fin.")
        orphan = make_claim(other, actor=editor)
        # A claim typed in without an article:
        orphan.article_id = orphan.start_offset = orphan.end_offset = None
        db.session.flush()
        claims = [db.session.get(Claim, c.id) for c in (*claims, orphan)]
        with app.test_request_context("/queue"), force_locale(language):
            names = {s: str(label) for s, label in STATUS_LABELS.items()}
            scores, ages = Scores(), Ages()
            rows = queue_rows(claims, back=back, status_names=names, scores=scores, ages=ages)
            for claim, row in zip(claims, rows, strict=True):
                assert row.claim is claim
                for cell, template in TEMPLATE_CELLS.items():
                    value = getattr(row, cell)
                    if claim.article is None and cell.startswith("article"):
                        assert value is None
                        continue
                    wrote = render_template_string(
                        template,
                        claim=claim,
                        back=back,
                        status_names=names,
                        scores=scores,
                        ages=ages,
                    )
                    assert str(escape(value)) == wrote, cell
        assert rows[0].text.endswith("...") and len(rows[0].text) <= 140
        assert rows[0].article_title is not None and rows[0].article_title.endswith("...")
        assert rows[0].score == ("0,88" if language == "fr" else "0.88")
        assert rows[1].score == "—"
        assert rows[1].age == "5 h"  # the same in French
