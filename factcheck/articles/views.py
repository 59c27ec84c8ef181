"""Article list, adding an article, and the article page with its extracted claims."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user

from factcheck import web
from factcheck.articles.display import ClaimView, paragraph_segments
from factcheck.articles.forms import ActionForm, AddArticleForm, DismissForm, ManualClaimForm
from factcheck.articles.parsing import ParsedArticle, parse_article
from factcheck.articles.reading import read_document
from factcheck.articles.services import (
    extract_candidates,
    ingest_article,
    ingestion_jobs,
    list_articles,
    request_url_ingest,
)
from factcheck.audit.history import history_for
from factcheck.auth import wants_json
from factcheck.claims import policy, workflow
from factcheck.claims.serialize import claim_json
from factcheck.claims.services import add_selected_claim
from factcheck.domain import DomainError
from factcheck.errors import error_response, note_refusal
from factcheck.extensions import db
from factcheck.extraction.clauses import MIN_CLAUSE_CHARS, MIN_CLAUSE_WORDS
from factcheck.fetching import check_url
from factcheck.jobs import dispatch, job_json, recent_jobs
from factcheck.models import Article, Claim, Job, JobState

bp = Blueprint("articles", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template(
        "articles/index.html",
        rows=list_articles(db.session),
        jobs=recent_jobs(db.session, limit=10, unfinished_only=True),
    )


@bp.route("/articles/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = AddArticleForm()
    if not form.validate_on_submit():
        if form.errors and wants_json():
            return _form_invalid(form)
        return render_template("articles/new.html", form=form), 422 if form.errors else 200
    language = None if form.language.data == "auto" else form.language.data
    publisher = (form.publisher.data or "").strip() or None

    def refused(exc: DomainError, _status: int) -> ResponseReturnValue:
        _field_error(form, exc)
        return render_template("articles/new.html", form=form), 422

    web.refuse_with(refused)
    kind = _submission_kind(form)
    # Nothing slow runs in a transaction: end the one signing-in opened (a writer's, on
    # SQLite) before resolving host names, parsing or extracting; the writes come after.
    web.release()
    if kind == "url":
        return _request_url(form, language, publisher)
    parsed = _read_text_or_file(form, kind, language)
    candidates = extract_candidates(parsed)
    result = web.run(
        lambda: ingest_article(
            db.session,
            parsed,
            actor=current_user,
            publisher=publisher,
            candidates=candidates,
        )
    )
    if wants_json():
        return jsonify(article=_article_json(result.article), created=result.created), (
            201 if result.created else 200
        )
    if result.created:
        flash(
            ngettext(
                "Article added; %(num)d check-worthy claim found.",
                "Article added; %(num)d check-worthy claims found.",
                len(result.claims),
            ),
            "success",
        )
    else:
        flash(gettext("This article is already on the desk; nothing was added."), "info")
    return redirect(url_for("articles.show", article_id=result.article.id))


def _submission_kind(form: AddArticleForm) -> str:
    upload = form.file.data
    given = {
        "text": bool((form.text.data or "").strip()),
        "url": bool((form.url.data or "").strip()),
        "file": bool(upload and upload.filename),
    }
    if sum(given.values()) != 1:
        raise DomainError(
            "give exactly one of: pasted text, a web address, or a file", field="text"
        )
    return next(kind for kind, present in given.items() if present)


def _read_text_or_file(form: AddArticleForm, kind: str, language: str | None) -> ParsedArticle:
    if kind == "text":
        return parse_article(form.text.data or "", language=language)
    upload = form.file.data
    return read_document(upload.read(), upload.filename, language=language)


def _request_url(
    form: AddArticleForm, language: str | None, publisher: str | None
) -> ResponseReturnValue:
    """A web page is fetched by a job: answer at once with the job (or the known article)."""
    url, *_ = check_url((form.url.data or "").strip())  # refuses private addresses now
    request_ = web.run(
        lambda: request_url_ingest(
            db.session, url, actor=current_user, language=language, publisher=publisher
        )
    )
    if request_.article is not None:
        if wants_json():
            return jsonify(article=_article_json(request_.article), created=False)
        flash(gettext("This page is already on the desk; nothing was added."), "info")
        return redirect(url_for("articles.show", article_id=request_.article.id))
    queued = request_.job
    assert queued is not None
    job_id = queued.id
    if request_.dispatch:
        dispatch(queued)
    if wants_json():
        return jsonify(job=job_json(db.session.get(Job, job_id) or queued)), 202
    return redirect(url_for("articles.ingest_job", job_id=job_id), code=303)


@bp.get("/articles/jobs/<int:job_id>")
def ingest_job(job_id: int) -> ResponseReturnValue:
    """Where a fetched article stands: queued, running, done (→ the article) or failed, why."""
    found = db.session.get(Job, job_id) or abort(404)
    if wants_json():
        return jsonify(job=job_json(found))
    if found.state == JobState.DONE and found.article_id is not None:
        outcome = (found.payload or {}).get("outcome")
        if outcome == "already known":
            flash(gettext("This page is already on the desk; nothing was added."), "info")
        else:
            flash(gettext("Article added from the web page."), "success")
        return redirect(url_for("articles.show", article_id=found.article_id))
    return render_template("articles/job.html", job=found)


def _article_json(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "language": article.language,
        "claims": len(article.claims),
    }


def _form_invalid(form: Any) -> ResponseReturnValue:
    field = next(iter(form.errors), None)
    message = "; ".join(
        f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
    )
    return error_response(422, message, field)


def _field_error(form: Any, exc: DomainError) -> None:
    note_refusal(exc.english, exc.field)
    field = getattr(form, exc.field or "", None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), exc.message]
    else:
        flash(exc.message, "error")


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> ResponseReturnValue:
    return _render_article(_article(article_id))


def _article(article_id: int) -> Article:
    return db.session.get(Article, article_id) or abort(404)


def _render_article(article: Article, status: int = 200, **forms: Any) -> ResponseReturnValue:
    view = ClaimView.from_args(request.args)
    return render_template(
        "articles/show.html",
        article=article,
        paragraphs=paragraph_segments(article.body, article.claims),
        claim_view=view,
        claims_by_score=view.apply(article.claims),
        claim_form=forms.get("claim_form") or ManualClaimForm(),
        dismiss_form=DismissForm(),
        action_form=ActionForm(),
        can_triage=lambda claim: policy.can_triage(current_user, claim),
        timeline=history_for("article", article.id),
        jobs=ingestion_jobs(db.session, article),
        min_clause_words=MIN_CLAUSE_WORDS,
        min_clause_chars=MIN_CLAUSE_CHARS,
    ), status


@bp.post("/articles/<int:article_id>/claims")
def add_claim(article_id: int) -> ResponseReturnValue:
    article = _article(article_id)
    form = ManualClaimForm()
    if not form.validate_on_submit():
        if wants_json():
            return _invalid(article, form)
        return _render_article(article, 422, claim_form=form)

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        form.text.errors = [exc.message]
        flash(exc.message, "error")
        return _render_article(article, status, claim_form=form)

    web.refuse_with(refused, field="text")
    claim = web.run(
        lambda: add_selected_claim(db.session, article, form.text.data or "", actor=current_user)
    )
    if wants_json():
        return jsonify(claim=claim_json(claim)), 201
    flash(gettext("Claim #%(id)s added.", id=claim.id), "success")
    return redirect(url_for("articles.show", article_id=article.id, _anchor=f"claim-{claim.id}"))


def _claim_of(article: Article, claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None or claim.article_id != article.id:
        abort(404)
    return claim


@bp.post("/articles/<int:article_id>/claims/<int:claim_id>/accept")
def accept(article_id: int, claim_id: int) -> ResponseReturnValue:
    article = _article(article_id)
    claim = _claim_of(article, claim_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _apply(
        article,
        claim,
        lambda: workflow.accept(db.session, claim, actor=current_user),
        gettext("Claim #%(id)s accepted into the queue.", id=claim.id),
    )


@bp.post("/articles/<int:article_id>/claims/<int:claim_id>/dismiss")
def dismiss(article_id: int, claim_id: int) -> ResponseReturnValue:
    article = _article(article_id)
    claim = _claim_of(article, claim_id)
    form = DismissForm()
    if not form.validate_on_submit():
        return _invalid(article, form)
    return _apply(
        article,
        claim,
        lambda: workflow.dismiss(db.session, claim, form.reason.data or "", actor=current_user),
        gettext("Claim #%(id)s dismissed.", id=claim.id),
    )


def _invalid(article: Article, form: Any) -> ResponseReturnValue:
    """A form whose fields are wrong: 422 with a message naming each field (the CSRF check ran)."""
    field = next(iter(form.errors), None)
    message = "; ".join(
        f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
    )
    note_refusal(message, field)
    if wants_json():
        return error_response(422, message, field)
    flash(message, "error")
    return _render_article(article, 422)


def _apply(article: Article, claim: Claim, action: Any, done: str) -> ResponseReturnValue:
    """A triage action on the request spine: one service, one commit; a refusal shows the page."""

    def refused(exc: DomainError, status: int) -> ResponseReturnValue:
        flash(exc.message, "error")
        return _render_article(article, status)

    web.refuse_with(refused)
    web.run(action)
    if wants_json():
        return jsonify(claim=claim_json(claim))
    flash(done, "success")
    return redirect(url_for("articles.show", article_id=article.id, _anchor=f"claim-{claim.id}"))
