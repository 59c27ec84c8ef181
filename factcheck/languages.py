"""Languages, in one place: the ones the desk reads, and the shape of a language tag.

A library module (no Flask): extraction imports it too.
"""

from __future__ import annotations

import re

# The languages articles are read and claims extracted in (a spaCy pipeline and weights each).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("fr", "en")
# What a person may choose where the language is asked for: one of them, or detect it.
LANGUAGE_CHOICES: tuple[str, ...] = ("auto", *SUPPORTED_LANGUAGES)
# A BCP 47 tag as schema.org's inLanguage and rating scales take it: a 2–3 letter language,
# then subtags of 1–8 letters or digits (``fr``, ``en-GB``, ``zh-Hant-TW``, ``de-CH-1996``).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def is_language_tag(value: str) -> bool:
    """Whether ``value`` has the shape of a BCP 47 language tag."""
    return LANGUAGE_TAG.match(value) is not None


# The languages the interface speaks (a Babel catalogue each under factcheck/translations, English
# being the source text), and the one it falls back to.
INTERFACE_LANGUAGES: tuple[str, ...] = ("en", "fr")
DEFAULT_INTERFACE_LANGUAGE = "en"
INTERFACE_LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fr": "Français"}  # each in itself


def interface_language(value: str | None) -> str | None:
    """The interface language a tag asks for (``fr-FR`` → ``fr``); None if it is none of ours."""
    if not value or not is_language_tag(value.strip()):
        return None
    primary = value.strip().split("-", 1)[0].lower()
    return primary if primary in INTERFACE_LANGUAGES else None


def N_(text: str) -> str:
    """Mark an English text for the catalogue without translating it here (``pybabel extract``
    knows ``N_``): a table that stays English where machines or the audit trail read it, and is
    translated with ``gettext`` where a person reads it."""
    return text
