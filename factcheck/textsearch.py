"""The words claims are searched by: folded, French-aware, the same on SQLite and PostgreSQL.

A library module (no Flask, no database): the claim model, the queue's queries and migration
0020 import it.

A claim's *search words* (``claims.search_words``) are worked out here, once, when the claim is
written: every word of its text and claimant, **folded** (case, accents and ligatures dropped:
« Défense » and "defense" are ``defense``, « cœur » is ``coeur``), and the Snowball **stems** of
those words in the claim's language, marked with it (« soldats » in a French claim adds
``§fr§soldat``, "soldiers" in an English one ``§en§soldier``; ``§`` is never part of a folded
word, so a stem is never mistaken for a word). French elided articles are cut off (« l'armée » is
``armee``). The databases never split or stem anything themselves: each stores this
space-separated list and looks its tokens up, so both find exactly the same claims (migration
0020 has the indexes).

A search term matches a claim when one of the claim's words **starts with** the folded term
(typing "sold" finds « soldats »), or when the term's French stem is one of a French claim's
stems, or its English stem one of an English claim's (the language a person types in is not
known, the claim's is): « soldats » finds « soldat », "defenses" finds « défense », « envoyer »
finds « envoyés », "soldiers" finds "soldier". A claim matches a search when it matches every
term. :func:`matches` is that rule in Python, for the tests.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import Stemmer  # PyStemmer: the Snowball stemmers, in C

from factcheck.languages import SUPPORTED_LANGUAGES

# The Snowball stemmer of each language the desk reads (PyStemmer, the stemmers PostgreSQL's
# text search also uses). A claim in any other language is searched by its folded words alone.
STEMMERS: dict[str, str] = {"fr": "french", "en": "english"}
# Longer tokens are cut (both in claims and in searches, so they still match): a PostgreSQL
# lexeme holds at most 2,047 bytes, and no real word is this long.
MAX_TOKEN = 64
# How many words of a search box are used.
MAX_TERMS = 8

_WORD = re.compile(r"[^\W_]+")
# « l'armée », « d'Estaing », « qu'il »: the elided French word before an apostrophe is no word
# of its own (every claim would match "l" as a prefix). "don't", "O'Brien" keep their words.
_ELISION = re.compile(
    r"(?<![^\W_])(?:jusqu|lorsqu|puisqu|quoiqu|qu|[cdjlmnst])['\u2019\u2018\u02bc\uff07](?=[^\W_])",
    re.IGNORECASE,
)
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ħ": "h", "ı": "i"}
)

_local = threading.local()  # PyStemmer's stemmers must not be shared between threads


def _stemmer(language: str) -> Any:
    stemmers: dict[str, Any] | None = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = {lang: Stemmer.Stemmer(name) for lang, name in STEMMERS.items()}
        _local.stemmers = stemmers
    return stemmers[language]


def _without_format_characters(text: str) -> str:
    """``text`` without invisible format characters (bidi controls, zero-width spaces, soft
    hyphens): « dé\\u00adfense » is one word, and a bidi override hides nothing."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def words(text: str | None) -> list[str]:
    """The words of ``text`` as written but case-folded (accents kept), elisions cut off."""
    if not text:
        return []
    cleaned = _ELISION.sub(" ", unicodedata.normalize("NFC", _without_format_characters(text)))
    return [unicodedata.normalize("NFC", w.casefold()) for w in _WORD.findall(cleaned)]


def fold(word: str) -> str:
    """``word`` lower-cased, without accents or ligatures, letters and digits only, cut to
    :data:`MAX_TOKEN`: « Défense » → ``defense``, « Œuvre » → ``oeuvre``, "ﬁn" → ``fin``."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return "".join(_WORD.findall(bare.translate(_LETTERS)))[:MAX_TOKEN]


# Marks a stem and its language (``§fr§soldat``): ``§`` is no letter or digit, so no folded word
# holds it, and both databases keep it inside a token (SQLite's ``ascii`` tokenizer splits at
# ASCII punctuation only; PostgreSQL is handed the lexemes as they are).
STEM_MARK = "§"


def stems(word: str, language: str) -> set[str]:
    """The stem tokens of ``word`` in ``language`` (one of :data:`STEMMERS`): its Snowball stems,
    folded and marked with the language (``§fr§soldat``).

    The stem of the accented word and the stem of the folded one can differ (« envoyés » gives
    ``envoi``, "envoyes" ``envoy``): both are kept, so a search typed with or without its
    accents reaches the same claims.
    """
    stemmer = _stemmer(language)
    found = {fold(stemmer.stemWord(word)), fold(stemmer.stemWord(fold(word)))}
    return {f"{STEM_MARK}{language}{STEM_MARK}{stem}" for stem in found if stem}


def _has_letters(folded: str) -> bool:
    """Whether a folded word has a letter: a number has no stem ("10", "2025")."""
    return not folded.isdigit()


def language_stemmer(language: str | None) -> str | None:
    """The key in :data:`STEMMERS` for a language tag (``fr``, ``fr-CA``, ``EN``), if any."""
    primary = (language or "").split("-")[0].lower()
    return primary if primary in STEMMERS else None


def document(text: str | None, claimant: str | None, language: str | None) -> str:
    """A claim's search words: its folded words, then their stems in its language, each once,
    separated by single spaces (what ``claims.search_words`` holds)."""
    stem_in = language_stemmer(language)
    folded: dict[str, None] = {}
    stemmed: dict[str, None] = {}
    for word in [*words(text), *words(claimant)]:
        plain = fold(word)
        if not plain:
            continue
        folded[plain] = None
        if stem_in is not None and _has_letters(plain):
            stemmed.update(dict.fromkeys(sorted(stems(word, stem_in))))
    return " ".join([*folded, *stemmed])


@dataclass(frozen=True)
class Term:
    """One word of a search: claims with a token starting with ``prefix`` (the folded word), or
    equal to one of ``exact`` (its stem tokens in each of the desk's languages), match it."""

    word: str
    prefix: str
    exact: tuple[str, ...]

    @property
    def alternatives(self) -> tuple[tuple[str, bool], ...]:
        """``(token, is_prefix)`` pairs, any of which matches."""
        return ((self.prefix, True), *((token, False) for token in self.exact))


def term(word: str) -> Term:
    """The search term for one word of a search box (as :func:`words` gives it)."""
    prefix = fold(word)
    found: set[str] = set()
    for language in SUPPORTED_LANGUAGES:
        if language in STEMMERS and _has_letters(prefix):
            found |= stems(word, language)
    return Term(word=word, prefix=prefix, exact=tuple(sorted(found)))


def search_terms(query: str | None) -> list[Term]:
    """The terms of a search box: its first :data:`MAX_TERMS` words, each once. A query with no
    letter or digit (punctuation, invisible characters only) has none: it searches nothing."""
    found: dict[str, Term] = {}
    for word in words(query):
        made = term(word)
        if made.prefix and made.prefix not in found:
            found[made.prefix] = made
    return list(found.values())[:MAX_TERMS]


def matches(search_words: str, terms: Iterable[Term]) -> bool:
    """Whether a claim with these search words matches every term (the rule the SQL follows)."""
    tokens = set(search_words.split())
    return all(
        any(
            any(t.startswith(token) for t in tokens) if is_prefix else token in tokens
            for token, is_prefix in made.alternatives
        )
        for made in terms
    )


def fts5_query(terms: Sequence[Term]) -> str:
    """The SQLite FTS5 MATCH expression of ``terms`` (tokens hold no quote: letters, digits and
    the stem mark only)."""
    return " AND ".join(
        "(" + " OR ".join(f'"{token}"' + ("*" if p else "") for token, p in t.alternatives) + ")"
        for t in terms
    )


def tsquery(terms: Sequence[Term]) -> str:
    """The PostgreSQL ``tsquery`` text of ``terms``, with every lexeme quoted as it is."""

    def lexeme(token: str, is_prefix: bool) -> str:
        quoted = "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if is_prefix else "")

    return " & ".join(
        "(" + " | ".join(lexeme(token, p) for token, p in t.alternatives) + ")" for t in terms
    )
