"""The interface's language: English or French, chosen per person, and the catalogues behind it.

Every word the interface shows goes through Flask-Babel (``gettext``/``lazy_gettext`` in
Python, ``_()`` in templates); the French catalogue is
``factcheck/translations/fr/LC_MESSAGES/messages.po``, compiled to the ``.mo`` beside it
(``make translations``; the compiled file ships with the code).

Which language a request is answered in, first match wins:

1. a page that speaks its own content's language (a French fact-check's public page) forces it
   with :func:`flask_babel.force_locale`;
2. the signed-in user's preference (their account page, or the switcher on every page);
3. the switcher's cookie, for someone not signed in (and for a user with no preference yet);
4. the browser's ``Accept-Language``;
5. English.

The API (``/api/v1``, but its documentation page) has no cookie session: only
``Accept-Language`` (then English) decides the language of its refusals' ``message``, whoever
the token belongs to. Outside a request (the CLI, the job worker) everything is English.

An unknown language anywhere falls back down this list, never to an error; a message the
catalogue lacks is shown in English.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import flask_babel
from babel.numbers import get_decimal_symbol
from flask import Flask, has_request_context, request
from flask.globals import _cv_app
from flask_babel import Domain, LazyString, get_locale, get_translations
from flask_babel import format_decimal as babel_decimal
from flask_babel import format_percent as babel_percent
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from factcheck.extensions import babel
from factcheck.languages import (
    DEFAULT_INTERFACE_LANGUAGE,
    INTERFACE_LANGUAGE_NAMES,
    INTERFACE_LANGUAGES,
    interface_language,
)

LANGUAGE_COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


API_PREFIX = "/api/"
API_DOCS = "api_docs."  # the API's documentation page is a page for people: chosen as any page


def _accept_language() -> str | None:
    try:
        return request.accept_languages.best_match(INTERFACE_LANGUAGES)
    except ValueError:  # a malformed header is no choice at all
        return None


def select_language() -> str:
    """The interface language of this request (see the module's docstring); English outside a
    request (the CLI, workers), where a service's refusal is said in English."""
    if not has_request_context():
        return DEFAULT_INTERFACE_LANGUAGE
    if request.path.startswith(API_PREFIX) and not (request.endpoint or "").startswith(API_DOCS):
        return _accept_language() or DEFAULT_INTERFACE_LANGUAGE
    chosen = _preference()
    if chosen:
        return chosen
    chosen = interface_language(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    return _accept_language() or DEFAULT_INTERFACE_LANGUAGE


def _preference() -> str | None:
    """The signed-in user's choice; None when signed out, or when the database cannot say (an
    error page while it is away is still answered, in the cookie's or the browser's language)."""
    try:
        if current_user and current_user.is_authenticated:
            return interface_language(current_user.interface_language)
    except SQLAlchemyError:
        return None
    return None


def current_language() -> str:
    """The language this request is answered in (``fr``, ``en``): for ``<html lang>``."""
    return str(get_locale() or DEFAULT_INTERFACE_LANGUAGE)


# French typography wants a narrow no-break space (U+202F) before « % » and inside « »; the CLDR
# data Babel ships still writes a no-break space (U+00A0) there.
NARROW_NO_BREAK_SPACE = "\u202f"


def _french_spaces(text: str) -> str:
    if current_language().startswith("fr"):
        return text.replace("\u00a0", NARROW_NO_BREAK_SPACE)
    return text


def format_decimal(value: float | int, pattern: str | None = None) -> str:
    """A number as the interface's language writes it: ``0.87`` in English, ``0,87`` in French
    (``pattern`` is a CLDR pattern, e.g. ``"0.00"``); French groups thousands with U+202F."""
    return _french_spaces(babel_decimal(value, format=pattern))


def format_percent(value: float, pattern: str | None = None) -> str:
    """A share (``0.12``) as a percentage: ``12%`` in English, ``12 %`` (U+202F) in French."""
    return _french_spaces(babel_percent(value, format=pattern))


CENT = Decimal("0.01")


class Scores:
    """Check-worthiness scores with two decimals (``0.87``, ``0,87``); ``—`` for none.

    What ``format_decimal(value, "0.00")`` writes (Babel rounds ``Decimal(str(value))`` half to
    even, as here), with the language's decimal sign looked up once, when made: a page that
    shows many scores makes one.
    """

    def __init__(self) -> None:
        self.sign = get_decimal_symbol(get_locale() or DEFAULT_INTERFACE_LANGUAGE)

    def __call__(self, value: float | None) -> str:
        if value is None:
            return "—"
        text = str(Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN))
        return text if self.sign == "." else text.replace(".", self.sign)


def format_score(value: float | None) -> str:
    """A check-worthiness score with two decimals (see :class:`Scores`)."""
    return Scores()(value)


def _fill(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    """A translated text with its variables put in, as Jinja's newstyle gettext does it."""
    if not variables and "%" not in text:  # nothing to fill: what ``%`` would give back
        return Markup(text) if eval_ctx.autoescape else text  # noqa: S704
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue is ours, as Flask-Babel trusts it
    return text % variables  # Markup when autoescaping: the variables were escaped


def _template_gettext(translations: Any) -> Callable[..., str]:
    """``_()`` / ``gettext()`` of one template render, bound to the catalogue of its request.

    The same as the newstyle ``gettext`` Flask-Babel installs (translate, mark safe when
    autoescaping, then ``%`` the variables), but the catalogue is looked up once per page
    instead of through Flask-Babel's request globals on every call (hundreds per page). It is
    given the evaluation context (whether to autoescape), not the template's context: Jinja
    copies a whole context (every global and variable) for each call of a ``pass_context``
    function made where a block has set a variable, as the desk's content block has.
    """

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        return _fill(eval_ctx, translations.ugettext(string), variables)

    return gettext


def _template_ngettext(translations: Any) -> Callable[..., str]:
    """``ngettext()`` of one template render (see :func:`_template_gettext`)."""

    @pass_eval_context
    def ngettext(
        eval_ctx: EvalContext, singular: str, plural: str, count: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", count)  # a template may pass its own ``num`` (say, formatted)
        return _fill(eval_ctx, translations.ungettext(singular, plural, count), variables)

    return ngettext


def _render_translations() -> dict[str, Any]:
    """A context processor: each render gets ``_``, ``gettext`` and ``ngettext`` bound to the
    catalogue in force when it starts (under ``force_locale`` too, which wraps the render)."""
    translations = get_translations()
    gettext = _template_gettext(translations)
    return {"_": gettext, "gettext": gettext, "ngettext": _template_ngettext(translations)}


KEPT = "factcheck_catalogue"


def _kept_catalogue() -> Any:
    """The catalogue kept for the locale in force in this application context, or None.

    Flask-Babel keeps the request's locale object in ``g._flask_babel``; the catalogue is kept
    beside it (:class:`RequestCatalogue`) and used only while that object is still the one in
    force: :func:`flask_babel.force_locale` and :func:`flask_babel.refresh` replace or drop it,
    so they are followed as before. The application context is read once, not through
    ``has_app_context()`` and ``g`` (a proxy each).
    """
    ctx = _cv_app.get(None)
    if ctx is None:
        return None
    state = getattr(ctx.g, "_flask_babel", None)
    kept = getattr(state, KEPT, None)
    if kept is not None and kept[0] is getattr(state, "babel_locale", None):
        return kept[1]
    return None


class RequestCatalogue(Domain):
    """Flask-Babel's message domain, the request's catalogue kept with the locale it is for.

    Every lazy string (a form label, a status name: a hundred on the claim desk) is translated
    through :meth:`get_translations`, which in Flask-Babel looks up its request globals three
    times and names the locale again on every call. Here the catalogue is kept beside the
    locale object Flask-Babel keeps for the request (see :func:`_kept_catalogue`).
    """

    def get_translations(self) -> Any:
        kept = _kept_catalogue()
        if kept is not None:
            return kept
        translations = super().get_translations()
        ctx = _cv_app.get(None)
        state = getattr(ctx.g, "_flask_babel", None) if ctx is not None else None  # Flask-Babel's
        locale = getattr(state, "babel_locale", None)
        if locale is not None:
            setattr(state, KEPT, (locale, translations))
        return translations


class LazyText(LazyString):
    """Flask-Babel's lazy string (``lazy_gettext``), translated straight from the catalogue kept
    for the locale in force (:func:`_kept_catalogue`).

    Flask-Babel's goes through ``gettext``, its domain and its request globals every time it is
    shown (a few microseconds; the claim desk shows a hundred form labels, stances and statuses);
    this one asks for the catalogue only when none is kept yet (a new request, a forced or
    refreshed locale, outside a request), as Flask-Babel would. The text is the same: the
    message looked up, then ``%`` its variables if it has any. It keeps the same state as
    Flask-Babel's (``flask_babel.gettext`` and its arguments), so it pickles, compares, formats
    and is ``isinstance(…, LazyString)`` alike.
    """

    def __init__(self, string: str, **variables: Any) -> None:
        super().__init__(flask_babel.gettext, string, **variables)

    def __str__(self) -> str:
        translations = _kept_catalogue()
        if translations is None:
            translations = get_translations()
        text: str = translations.ugettext(self._args[0])
        return text % self._kwargs if self._kwargs else text

    def __html__(self) -> str:
        return self.__str__()


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """``flask_babel.lazy_gettext`` (a message translated when shown, in the language then in
    force), faster: see :class:`LazyText`. Import it as ``_l``: ``make translations`` extracts
    ``_l(...)`` and ``lazy_gettext(...)`` calls."""
    return LazyText(string, **variables)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_language,
        default_locale=DEFAULT_INTERFACE_LANGUAGE,
        default_domain="messages",
        default_translation_directories="translations",
    )
    babel.domain_instance = RequestCatalogue(domain="messages")
    app.jinja_env.globals.update(
        current_language=current_language,
        interface_languages=INTERFACE_LANGUAGES,
        interface_language_names=INTERFACE_LANGUAGE_NAMES,
        format_decimal=format_decimal,
        format_percent=format_percent,
        score=format_score,
    )
    app.context_processor(_render_translations)
