"""Is a passage at least a clause? The rule for claims added by hand (a selection in the text).

A claim states something: it has a few words and a verb. A one-word selection ("repair") or a
noun phrase ("le rapport de juin") is refused with a message naming what is missing.

French passages are tagged by ``fr_core_news_sm``'s morphologizer (a VERB or AUX token, or one
of a few common verbs of claims the small model misreads). No
English tagger ships on PyPI (see ``nlp.py``), so English verbs are recognised from a lexicon of
auxiliaries, modals and common reporting and change verbs, plus regular past forms (``-ed``).
"""

from __future__ import annotations

import re

from factcheck.extraction.nlp import tagger

MIN_CLAUSE_CHARS = 20
MIN_CLAUSE_WORDS = 3


def _lexicon(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Forms that are rarely nouns: "report", "claims" or "estimates" are left out on purpose.
_EN_VERBS = _lexicon(
    """
    am is are was were be been being has have had having do does did done will would shall
    should can could may might must won't can't isn't aren't wasn't weren't
    say says said tell tells told claimed shows showed shown find finds found reported
    estimated announce announces announced make makes made take takes took taken give gives
    gave given get gets got send sends sent spends spent pays paid rose risen falls fell
    fallen grow grows grew grown lose loses lost won meets met reaches reached keep keeps kept
    go goes went gone come comes came become becomes became holds held leads led leaves
    put puts ran think thinks thought know knows knew known see sees saw seen mean means
    meant remain remains stood exceed exceeds doubled tripled increased decreased
    """
)
# The French tagger is small: it reads some verbs as adjectives ("montre"); these common verbs
# of claims count as verbs whatever it says.
_FR_VERBS = _lexicon(
    """
    est sont était étaient sera seront a ont avait avaient aura auront fait font
    montre montrent affirme affirment déclare déclarent estime estiment indique indiquent
    annonce annoncent révèle révèlent assure assurent dit disent explique expliquent
    compte comptent dépense dépensent atteint atteignent dépasse dépassent représente
    représentent coûte coûtent
    """
)
_EN_PAST = re.compile(r"^[a-z]{3,}ed$")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def has_verb(text: str, language: str) -> bool:
    """Whether ``text`` contains a verb, by the tagger of ``language`` or the English lexicon."""
    lowered = [w.lower() for w in words(text.replace("’", "'"))]
    nlp = tagger(language)
    if nlp is not None:
        return any(w in _FR_VERBS for w in lowered) or any(
            token.pos_ in ("VERB", "AUX") for token in nlp(text)
        )
    return any(w in _EN_VERBS or _EN_PAST.match(w) for w in lowered) or any(
        w.endswith(("'s", "'re", "'ve", "'d")) for w in lowered
    )


def clause_problem(text: str, language: str) -> str | None:
    """Why ``text`` is not a claim-sized clause, or ``None`` when it is one."""
    found = words(text)
    if len(text.strip()) < MIN_CLAUSE_CHARS or len(found) < MIN_CLAUSE_WORDS:
        return (
            f"select at least a clause: {MIN_CLAUSE_WORDS} words and {MIN_CLAUSE_CHARS} "
            f"characters (this selection has {len(found)} "
            f"word{'' if len(found) == 1 else 's'})"
        )
    if not has_verb(text, language):
        return "select at least a clause: this passage has no verb, so it states nothing to check"
    return None


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``body[start:end]`` to whole words (a selection cut inside a word takes all of it)
    and trim the spaces around it."""
    while start > 0 and body[start - 1].isalnum() and body[start].isalnum():
        start -= 1
    while end < len(body) and end > 0 and body[end - 1].isalnum() and body[end].isalnum():
        end += 1
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end
