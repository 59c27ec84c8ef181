"""The public pages' languages: the page's own, a passage's, and French typography.

A French fact-check's public page is entirely French whatever the visitor's browser says (the
view renders it under :func:`flask_babel.force_locale` of :func:`page_language`); a passage in
another language inside it (an English source quoted on a French page) carries its own ``lang``
(:func:`passage_language`); French text gets the narrow no-break space French typography puts
before ``; : ! ? %`` and inside « guillemets » (:func:`french_typography`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup

from factcheck.languages import DEFAULT_INTERFACE_LANGUAGE, SUPPORTED_LANGUAGES, interface_language

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE: the French space before ; : ! ? % and inside « »
# A passage's language is named only when the identifier is this sure of it; otherwise the
# passage inherits the page's (a proper noun or a two-word title is no evidence either way).
PASSAGE_CONFIDENCE = 0.9
PASSAGE_MIN_LETTERS = 12


def page_language(language: str | None) -> str:
    """The interface language a fact-check's page is shown in: its own if we speak it."""
    return interface_language(language) or DEFAULT_INTERFACE_LANGUAGE


def primary(language: str | None) -> str:
    """``fr-CA`` → ``fr``; empty for no language."""
    return (language or "").strip().split("-", 1)[0].lower()


@functools.cache
def _identifier() -> LanguageIdentifier:
    # A private identifier: restricting the shared one (py3langid.classify) to our languages
    # would change what article ingestion detects.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(SUPPORTED_LANGUAGES))
    return identifier


def passage_language(text: str | None, around: str | None) -> str | None:
    """The language of a passage with no language of its own (a source's title and excerpt),
    when it differs from the language ``around`` it; None when it is the same or unsure."""
    if not text or sum(ch.isalpha() for ch in text) < PASSAGE_MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(text[:2000])
    if confidence < PASSAGE_CONFIDENCE or language == primary(around):
        return None
    return str(language)


# --- French typography -----------------------------------------------------------------------

# What is never touched: markup (tags, comments, character references, script and style
# elements) and addresses written in the text.
_MARKUP = re.compile(
    r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>|&#?[A-Za-z0-9]+;",
    re.S | re.I,
)
# (An address ends before the sentence's own punctuation: "voir https://x.org/a?b=1 ; ici".)
_ADDRESS = re.compile(
    r"\b(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)(?:[^\s<>«»\"]*[^\s<>«»\".,;:!?)])?", re.I
)
_SPACE = "[ \u00a0\u202f]"
# A space (or none) between a word (or a closing bracket, quote, ellipsis or %) and ; ! ? or : —
# not between two digits (10:30, 3:2), nor after other signs ("<!--", "?!", ":-)").
_HIGH_SIGN = re.compile(rf"(?<=[\w)\]»”’\"'…%]){_SPACE}?([;!?]|:(?!\d)|(?<!\d):)")
_PERCENT = re.compile(rf"(?<=\d){_SPACE}?%")
_OPEN_QUOTE = re.compile(rf"«{_SPACE}?(?=\S)")
_CLOSE_QUOTE = re.compile(rf"(?<=\S){_SPACE}?»")


def _typeset_text(text: str) -> str:
    """Typeset plain text, leaving any address in it as it is."""
    addresses = [match.span() for match in _ADDRESS.finditer(text)]

    def outside(replacement: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            inside = any(a <= match.start() < b or a < match.end() <= b for a, b in addresses)
            return match.group() if inside else match.expand(replacement)

        return replace

    # Each substitution keeps the length of what it replaces or adds one character before the
    # sign: recompute the spans after each so they stay right.
    for pattern, replacement in (
        (_HIGH_SIGN, NNBSP + r"\1"),
        (_PERCENT, NNBSP + "%"),
        (_OPEN_QUOTE, "«" + NNBSP),
        (_CLOSE_QUOTE, NNBSP + "»"),
    ):
        text = pattern.sub(outside(replacement), text)
        addresses = [match.span() for match in _ADDRESS.finditer(text)]
    return text


def french_typography(value: object, language: str | None = "fr") -> object:
    """French text with a narrow no-break space before ``; : ! ? %`` and inside « ».

    Plain text comes back plain (the template escapes it); markup (``Markup``) comes back
    markup with only its text nodes changed. Text in another ``language`` is left alone, and so
    are addresses, times and ratios (``10:30``), tags, attributes and character references.
    """
    if value is None or primary(language) != "fr":
        return value
    if isinstance(value, Markup):
        parts, last = [], 0
        for match in _MARKUP.finditer(value):
            parts += [_typeset_text(value[last : match.start()]), match.group()]
            last = match.end()
        parts.append(_typeset_text(value[last:]))
        return Markup("".join(parts))  # noqa: S704 (only text between the tags changed)
    return _typeset_text(str(value))
