"""Find numbers in a sentence and parse them: "10 000 soldats", "2 % de leur PIB", "23 des 32".

Thousands separators: spaces (incl. U+00A0 and U+202F) in both languages, "." in French and ","
in English when exactly three digits follow; the decimal mark is "," in French and "." in
English. Scale words ("milliard", "million", "thousand"…) are folded into ``value``. A
part-of-whole phrase gives one Quantity for the part with ``of`` set to the whole.
Ordinals (47e, 1er, 3rd), day-of-month dates (20 janvier) and bare years are not quantities.
"""

from __future__ import annotations

import re

from factcheck.extraction.types import Quantity

_SPACE = "[ \u00a0\u202f\u2009]"
_NUMBER = {
    "fr": rf"\d{{1,3}}(?:(?:{_SPACE}|\.)\d{{3}})+(?:,\d+)?(?!\d)|\d+(?:,\d+)?",
    "en": rf"\d{{1,3}}(?:(?:{_SPACE}|,)\d{{3}})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?",
}
_SCALES = {
    "fr": {"mille": 1e3, "millier": 1e3, "milliers": 1e3, "million": 1e6, "millions": 1e6,
           "milliard": 1e9, "milliards": 1e9, "billion": 1e12, "billions": 1e12},
    "en": {"thousand": 1e3, "thousands": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9,
           "billions": 1e9, "trillion": 1e12, "trillions": 1e12},
}  # fmt: skip
_PERCENT = r"%|pour\s?cent|percent|per\s+cent"
_CURRENCY_SYMBOL = {"€": "euros", "$": "dollars", "£": "pounds"}
_PART_OF = {"fr": r"(?:des|de|sur)", "en": r"(?:of|out\s+of)"}
_DETERMINERS = {
    "fr": r"la|le|les|l['’]|leur|leurs|son|sa|ses|notre|nos|ce|cette|ces",
    "en": r"the|their|its|our|his|her|this|these|those|a|an",
}
_STOP_UNITS = frozenset(
    [
        "de",
        "des",
        "du",
        "d",
        "la",
        "le",
        "les",
        "l",
        "et",
        "ou",
        "à",
        "au",
        "aux",
        "en",
        "dans",
        "pour",
        "par",
        "sur",
        "avec",
        "que",
        "qui",
        "ans",
        "an",
        "of",
        "the",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "than",
        "that",
        "which",
        "a",
        "an",
    ]
)
_MONTHS = frozenset(
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
_ORDINAL = re.compile(r"(?:e|er|ère|eme|ème|st|nd|rd|th)(?![\w])", re.IGNORECASE)
_UNIT_WORD = r"[^\W\d_][\w’'-]*"
_LOWER_WORD = r"[a-zà-öø-ÿœæ][\w’'-]*"


def _pattern(language: str) -> re.Pattern[str]:
    number = _NUMBER[language]
    scales = "|".join(sorted(_SCALES[language], key=len, reverse=True))
    det = _DETERMINERS[language]
    of = r"(?:(?:de|du|des)\s+|d['’]\s*)" if language == "fr" else r"(?:of\s+)"
    det = rf"(?:(?:{det})(?:\s+|(?<=['’])))"
    return re.compile(
        rf"(?P<cur>[€$£]\s?)?(?P<num>{number})"
        rf"(?:\s?(?P<scale>(?i:{scales}))(?![\w]))?"
        rf"(?:{_SPACE}?(?P<pct>(?i:{_PERCENT}))(?:\s+(?P<pctof>{of}{det}?{_UNIT_WORD}))?"
        rf"|(?:\s+{_PART_OF[language]}\s+{det}?(?P<whole>{number}))?"
        rf"(?:\s+{of}?(?:[A-ZÀ-Þ][\w’'-]*\s+){{0,2}}(?P<unit>{_LOWER_WORD}))?)"
    )


_PATTERNS = {language: _pattern(language) for language in _NUMBER}


def parse_number(text: str, language: str) -> float:
    """Parse one number as written in ``language`` ("10 000", "1,5", "3.5", "10,000")."""
    cleaned = re.sub(_SPACE, "", text)
    if language == "fr":
        cleaned = re.sub(r"\.(?=\d{3}(?!\d))", "", cleaned).replace(",", ".")
    else:
        cleaned = re.sub(r",(?=\d{3}(?!\d))", "", cleaned)
    return float(cleaned)


def find_quantities(sentence: str, language: str) -> list[Quantity]:
    """Return the quantities of ``sentence`` in order of appearance."""
    found: list[Quantity] = []
    for match in _PATTERNS[language].finditer(sentence):
        start = match.start()
        if start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] in "-/:"):
            continue  # part of an identifier, a time or a range we do not model
        number = match["num"]
        tail = sentence[match.end("num") :]
        if _ORDINAL.match(tail):
            continue
        value = parse_number(number, language)
        if match["scale"]:
            value *= _SCALES[language][match["scale"].lower()]
        unit: str | None = None
        end = match.end("scale") if match["scale"] else match.end("num")
        if match["cur"]:
            unit = _CURRENCY_SYMBOL[match["cur"].strip()]
        if match["pct"]:
            unit = "%"
            end = match.end("pctof") if match["pctof"] else match.end("pct")
        else:
            if match["whole"]:
                end = match.end("whole")
            word = match["unit"]
            if word and word.lower() not in _STOP_UNITS:
                if word.lower() in _MONTHS:
                    continue  # "20 janvier": a date
                unit = unit or word
                end = match.end("unit")
        if unit is None and not match["whole"] and re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a bare year
        whole = parse_number(match["whole"], language) if match["whole"] else None
        found.append(Quantity(text=sentence[start:end], value=value, unit=unit, of=whole))
    return found
