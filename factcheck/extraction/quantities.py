"""Find numbers in a sentence and parse them: "10 000 soldats", "2 % de leur PIB", "23 des 32".

Thousands separators: spaces (incl. U+00A0 and U+202F) in both languages, "." in French and ","
in English when exactly three digits follow; the decimal mark is "," in French and "." in
English. Scale words ("milliard", "million", "thousand"…) are folded into ``value``. A
part-of-whole phrase gives one Quantity for the part with ``of`` set to the whole.
Ordinals (47e, 1er, 3rd), day-of-month dates (20 janvier) and bare years are not quantities.
"""

from __future__ import annotations

import re

from factcheck.extraction.lexicons import MONTHS
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
# Prepositions, adverbs and verbs are never units ("£48 million from", "2023 selon",
# "710.000 Allemands auraient").
_NOT_UNITS = frozenset(
    [
        "selon",
        "depuis",
        "lors",
        "après",
        "avant",
        "surtout",
        "contre",
        "entre",
        "environ",
        "soit",
        "dont",
        "plus",
        "moins",
        "sa",
        "son",
        "ses",
        "leur",
        "leurs",
        "ont",
        "a",
        "est",
        "sont",
        "été",
        "serait",
        "seraient",
        "aurait",
        "auraient",
        "était",
        "étaient",
        "sera",
        "seront",
        "compte",
        "résultant",
        "liés",
        "liées",
        "lié",
        "liée",
        "vers",
        "chez",
        "sans",
        "sous",
        "jusqu",
        "jusque",
        "près",
        "fin",
        "début",
        "mi",
        "quand",
        "comme",
        "mais",
        "ni",
        "non",
        "pas",
        "ne",
        "se",
        "s",
        "y",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "ce",
        "cela",
        "ça",
        "ceci",
        "from",
        "into",
        "per",
        "over",
        "under",
        "after",
        "before",
        "since",
        "between",
        "about",
        "up",
        "down",
        "were",
        "was",
        "is",
        "are",
        "have",
        "has",
        "had",
        "will",
        "would",
        "said",
        "says",
        "told",
        "according",
        "against",
        "more",
        "less",
        "than",
        "while",
        "as",
        "when",
        "if",
        "it",
        "they",
        "he",
        "she",
        "we",
        "you",
        "this",
        "these",
        "those",
        "there",
        "here",
        "so",
        "but",
        "not",
        "no",
        "also",
        "only",
        "just",
        "some",
        "each",
        "every",
        "all",
        "most",
        "many",
        "such",
    ]
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "dix": 10, "huit": 8, "neuf": 9, "sept": 7,
}  # fmt: skip
_ONE_IN = {
    "en": re.compile(r"(?<![\w])(?P<part>one|two|three|\d+)\s+(?:in|out\s+of)\s+"
                     r"(?P<whole>two|three|four|five|six|seven|eight|nine|ten|\d+)(?![\w])",
                     re.IGNORECASE),
    "fr": re.compile(r"(?<![\w])(?P<part>une?|deux|trois)\s+(?:\w+\s+)?sur\s+"
                     r"(?P<whole>deux|trois|quatre|cinq|six|sept|huit|neuf|dix|\d+)(?![\w])",
                     re.IGNORECASE),
}  # fmt: skip
_GLUED_UNIT = re.compile(
    r"(?:km/h|km²|km2|km|kg|mg|cm|mm|m²|m2|m3|ha|kWh|MWh|GWh|MW|GW|kW)(?![\w])"
)
_PER = re.compile(r"^\s*(?:pour|per|for\s+every)\s*$", re.IGNORECASE)
_TIME = re.compile(r"\s?[hH](?:\d\d)?(?![\w])|:\d\d")
_RANGE_GAP = re.compile(r"^\s*(?:à|et|ou|-|–|to|and|or)\s*$")
_PART_GAP = re.compile(r"^\s*(?:sur|des|out\s+of|of)\s*$")

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
    found: list[tuple[int, int, Quantity, bool]] = []  # start, end, quantity, has scale
    for match in _PATTERNS[language].finditer(sentence):
        start = match.start()
        sign = 1.0
        if (
            start > 0
            and sentence[start - 1] in "-−"
            and (start == 1 or sentence[start - 2] in ' («"')
        ):
            sign = -1.0  # "-2,2%": a sign, not an identifier
        elif (
            start > 1
            and sentence[start - 1] in "-–"
            and sentence[start - 2].isdigit()
            and match["unit"]
            and match["unit"].lower() not in _STOP_UNITS | _NOT_UNITS
        ):
            pass  # "18-75 ans": the top of a range with its unit
        elif start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] in "-/:–"):
            continue  # part of an identifier, a time or a range we do not model
        number = match["num"]
        tail = sentence[match.end("num") :]
        if _ORDINAL.match(tail) or _TIME.match(tail):
            continue
        value = sign * parse_number(number, language)
        if match["scale"]:
            value *= _SCALES[language][match["scale"].lower()]
        unit: str | None = None
        end = match.end("scale") if match["scale"] else match.end("num")
        if match["cur"]:
            unit = _CURRENCY_SYMBOL[match["cur"].strip()]
        glued = _GLUED_UNIT.match(tail)
        if glued and not match["scale"] and not match["pct"]:
            # "80km/h": a unit symbol written against the number.
            unit = glued.group(0)
            text = sentence[start : match.end("num") + glued.end()]
            value_here = sign * parse_number(number, language)
            found.append((start, start + len(text), Quantity(text, value_here, unit), False))
            continue
        if match["pct"]:
            unit = "%"
            end = match.end("pctof") if match["pctof"] else match.end("pct")
        else:
            if match["whole"]:
                end = match.end("whole")
            word = match["unit"]
            if word and re.match(r"[ldLD]['’]", word):
                word = None  # "100.000 l'an dernier": an article and its noun, not a unit
            if word and word.lower() not in _STOP_UNITS and word.lower() not in _NOT_UNITS:
                if word.lower() in MONTHS:
                    continue  # "20 janvier": a date
                unit = unit or word
                end = match.end("unit")
        if unit is None and not match["whole"] and re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a bare year
        whole = parse_number(match["whole"], language) if match["whole"] else None
        text = sentence[start:end].rstrip()
        found.append(
            (start, start + len(text), Quantity(text, value, unit, whole), bool(match["scale"]))
        )
    return _one_in(sentence, language, _join(sentence, found, language))


def _join(
    sentence: str, found: list[tuple[int, int, Quantity, bool]], language: str
) -> list[tuple[int, int, Quantity, bool]]:
    """Ranges share their unit and scale ("6 à 12 millions d'euros" -> 6e6 euros and 12e6
    euros); a count followed by "sur 54" is a part of a whole ("19 voix sur 54")."""
    result: list[tuple[int, int, Quantity, bool]] = []
    for i, (start, end, q, scaled) in enumerate(found):
        if result:
            p_start, p_end, prev, p_scaled = result[-1]
            gap = sentence[p_end:start]
            if (
                _PER.match(gap)
                and prev.of is None
                and q.unit is None
                and q.value in (100.0, 1000.0, 10_000.0, 100_000.0, 1_000_000.0)
            ):
                # "3,1 pour 100.000": a rate; the base is its whole, not a count of its own.
                result[-1] = (
                    p_start,
                    end,
                    Quantity(sentence[p_start:end], prev.value, prev.unit, q.value),
                    p_scaled,
                )
                continue
            if (
                _PART_GAP.match(gap)
                and prev.unit not in (None, "%")
                and prev.of is None
                and q.unit is None
            ):
                result[-1] = (
                    p_start,
                    end,
                    Quantity(sentence[p_start:end], prev.value, prev.unit, q.value),
                    p_scaled,
                )
                continue
        if i + 1 < len(found) and q.unit is None and q.of is None:
            n_start, _, following, n_scaled = found[i + 1]
            if _RANGE_GAP.match(sentence[end:n_start]) and following.unit:
                value = q.value
                if n_scaled and not scaled:
                    raw = parse_number(sentence[start:end].lstrip("-−"), language)
                    head = _PATTERNS[language].match(following.text)
                    number = parse_number(head["num"], language) if head else 0.0
                    scale = abs(following.value) / number if number else 1.0
                    value = (-1 if q.value < 0 else 1) * raw * scale
                q = Quantity(q.text, value, following.unit, None)
        result.append((start, end, q, scaled))
    return result


def _one_in(
    sentence: str, language: str, found: list[tuple[int, int, Quantity, bool]]
) -> list[Quantity]:
    """Add "one in four" / "une personne sur trois" as 1 of 4, unless a digit form covers it."""
    extra = []
    for match in _ONE_IN[language].finditer(sentence):
        if any(s <= match.start() < e for s, e, _, _ in found):
            continue
        part, whole = match["part"].lower(), match["whole"].lower()
        part_value = float(_NUMBER_WORDS.get(part, 0) or (float(part) if part.isdigit() else 0))
        whole_value = float(_NUMBER_WORDS.get(whole, 0) or (float(whole) if whole.isdigit() else 0))
        if part_value and whole_value:
            extra.append(
                (
                    match.start(),
                    match.end(),
                    Quantity(match.group(0), part_value, None, whole_value),
                    False,
                )
            )
    return [q for _, _, q, _ in sorted(found + extra, key=lambda item: item[0])]
