"""Who makes a claim: the speaker of an attribution verb, the source after "selon", the speaker
of the quotation a sentence sits in, or the organisation behind a cited report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factcheck.extraction.lexicons import LEXICONS
from factcheck.extraction.types import Claimant, ClaimantType

_KNOWN = frozenset(
    {
        "otan", "nato", "onu", "un", "nations unies", "united nations", "ue", "eu",
        "union européenne", "european union", "commission européenne", "european commission",
        "pentagone", "pentagon", "kremlin", "maison blanche", "maison-blanche", "white house",
        "élysée", "matignon", "congrès", "congress", "sénat", "senate", "assemblée nationale",
        "fmi", "imf", "banque mondiale", "world bank", "oms", "who", "insee", "eurostat", "ocde",
        "oecd", "bce", "ecb", "fed", "cia", "fbi", "bundestag", "gouvernement", "government",
        "parlement", "parliament", "conseil européen", "european council", "cour des comptes",
    }
)  # fmt: skip
# Written as they appear in text; matched case-sensitively (so "who", "eu", "fed" stay words).
_KNOWN_ORG_NAMES = (
    "OTAN", "NATO", "ONU", "UN", "UE", "EU", "Pentagone", "Pentagon", "Kremlin", "Élysée",
    "Matignon", "Congrès", "Congress", "Sénat", "Senate", "FMI", "IMF", "OMS", "WHO", "Insee",
    "INSEE", "Eurostat", "OCDE", "OECD", "BCE", "ECB", "CIA", "FBI", "Bundestag",
    "Maison Blanche", "Maison-Blanche", "White House", "Banque mondiale", "World Bank",
    "Union européenne", "European Union", "Nations unies", "United Nations",
    "Commission européenne", "European Commission", "Assemblée nationale", "Cour des comptes",
)  # fmt: skip
_KNOWN_ORG_WORDS = frozenset(name.lower() for name in _KNOWN_ORG_NAMES)
_ORG_HEADS = frozenset(
    [
        "ministère",
        "ministry",
        "department",
        "département",
        "agency",
        "agence",
        "institut",
        "institute",
        "université",
        "university",
        "banque",
        "bank",
        "commission",
        "conseil",
        "council",
        "parti",
        "party",
        "office",
        "organisation",
        "organization",
        "comité",
        "committee",
        "bureau",
        "inc",
        "corp",
        "fondation",
        "foundation",
        "association",
        "armée",
        "army",
        "police",
        "cour",
        "court",
        "tribunal",
        "observatoire",
        "centre",
        "center",
        "maison",
    ]
)
_DETERMINER = re.compile(
    r"^(?:(?:le|la|les|du|de la|des|the)\s+|l['’]\s*)"
    r"|^(?:m|mm|mme|mmes|mlle|dr|pr|me|mr|mrs|ms|prof)\.?\s+(?=[A-ZÀ-Þ])",
    re.IGNORECASE,
)
_KNOWN_ORG_PATTERN = re.compile(
    r"(?<![\w])(?:(?:[Ll]e|[Ll]a|[Ll]['’]|[Tt]he)\s*)?(?:"
    + "|".join(sorted((re.escape(w) for w in _KNOWN_ORG_NAMES), key=len, reverse=True))
    + r")(?![\w])"
)
_PROPN_EN = re.compile(
    r"(?<![\w])[A-Z][\w’'.-]*[a-zA-Z](?:\s+(?:(?:de|van|von|der|bin|al|of the|of)\s+)?"
    r"[A-Z][\w’'.-]*[a-zA-Z])*"
)
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "i",
        "we",
        "he",
        "she",
        "it",
        "they",
        "you",
        "this",
        "that",
        "these",
        "those",
        "but",
        "and",
        "so",
        "or",
        "in",
        "on",
        "at",
        "for",
        "of",
        "if",
        "when",
        "while",
        "as",
        "then",
        "there",
        "here",
        "what",
        "who",
        "why",
        "how",
        "my",
        "our",
        "his",
        "her",
        "their",
        "its",
        "yes",
        "no",
        "mr",
        "mrs",
        "ms",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "il",
        "elle",
        "ils",
        "elles",
        "nous",
        "vous",
        "je",
        "et",
        "mais",
        "ou",
        "donc",
        "car",
        "ce",
        "cette",
        "ces",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "pendant",
        "après",
        "avant",
        "depuis",
        "selon",
        "par",
        "pour",
        "dans",
    ]
)
_POSTPOSED = re.compile(r"[,»”\"]\s*$")
_QUOTE_OPEN = "«“"
_QUOTE_CLOSE = "»”"


@dataclass(frozen=True)
class Mention:
    """An entity span inside a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    text: str
    label: str  # PER, ORG, LOC, MISC (spaCy) or PROPN (capitalised span, no NER)


def clean_name(text: str) -> str:
    """Strip a leading article and stray punctuation: "Le Pentagone" -> "Pentagone"."""
    name = _DETERMINER.sub("", text.strip(' ,.;:«»"“”'))
    return name.strip()


def is_plausible(mention: Mention) -> bool:
    """Drop NER noise such as "qu’" or "pays n’"."""
    text = mention.text.strip()
    if not text or not text[0].isupper() or text[-1] in "'’":
        return False
    return clean_name(text).lower() not in _NOT_NAMES and len(clean_name(text)) > 1


def capitalised_mentions(sentence: str) -> list[Mention]:
    """Capitalised spans as mentions (used when the pipeline has no NER)."""
    mentions = []
    for match in _PROPN_EN.finditer(sentence):
        words = match.group(0).split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        text = " ".join(words)
        start = match.start() + match.group(0).find(words[0])
        mentions.append(Mention(start, start + len(text), text, "PROPN"))
    return mentions


def known_organization_mentions(sentence: str) -> list[Mention]:
    """Mentions of well-known organisations that NER often labels as places."""
    return [
        Mention(m.start(), m.end(), m.group(0), "ORG")
        for m in _KNOWN_ORG_PATTERN.finditer(sentence)
    ]


def classify(mention: Mention, people: dict[str, str]) -> Claimant:
    """Turn a mention into a Claimant, resolving surnames to full names seen in the article."""
    name = clean_name(mention.text)
    lowered = name.lower()
    if lowered in _KNOWN or lowered in _KNOWN_ORG_WORDS or mention.label == "ORG":
        return Claimant(name=name, type="Organization")
    if any(word in _ORG_HEADS for word in lowered.split()):
        return Claimant(name=name, type="Organization")
    if lowered in people:
        return Claimant(name=people[lowered], type="Person")
    kind: ClaimantType = "Organization" if mention.label == "LOC" else "Person"
    return Claimant(name=name, type=kind)


def people_index(mentions: list[Mention]) -> dict[str, str]:
    """Map "rutte" and "mark rutte" to "Mark Rutte" for every multi-word person mention."""
    index: dict[str, str] = {}
    for mention in mentions:
        if mention.label not in ("PER", "PROPN"):
            continue
        name = clean_name(mention.text)
        words = name.split()
        if len(words) < 2 or name.lower() in _KNOWN:
            continue
        index.setdefault(name.lower(), name)
        index.setdefault(words[-1].lower(), name)
    return index


def find_claimant(
    sentence: str,
    mentions: list[Mention],
    language: str,
    people: dict[str, str],
) -> tuple[Claimant | None, str | None]:
    """Return (claimant, reason) for one sentence, or (None, None)."""
    candidates = sorted(
        {(m.start, m.end): m for m in mentions if is_plausible(m)}.values(),
        key=lambda m: m.start,
    )
    if not candidates:
        return None, None
    lowered = sentence.lower()
    lexicon = LEXICONS[language]
    source = lexicon.patterns["according_to"].search(lowered)
    if source:
        after = [m for m in candidates if 0 <= m.start - source.end() <= 25]
        if after:
            return classify(after[0], people), f"source: {source.group(0)}"
    for verb in lexicon.patterns["attribution"].finditer(lowered):
        verb_text = sentence[verb.start() : verb.end()]
        if "-t-" in verb_text:
            continue  # "a-t-il dit": a pronoun, resolved by the quotation step if at all
        before = [m for m in candidates if 0 <= verb.start() - m.end <= 90]
        if before and verb.start() - before[-1].end <= 3:
            # "Mark Rutte, a déclaré": the name right before the verb is its subject.
            return classify(before[-1], people), f"subject of: {verb_text}"
        if _POSTPOSED.search(sentence, max(0, verb.start() - 8), verb.start()):
            # "…, a déclaré le secrétaire général de l’OTAN, Mark Rutte": speaker after the verb.
            after = [m for m in candidates if 0 <= m.start - verb.end() <= 80]
            persons = [m for m in after if m.label == "PER"] or after
            if persons:
                return classify(persons[0], people), f"speaker of: {verb_text}"
        if before:
            return classify(before[-1], people), f"subject of: {verb_text}"
    report = lexicon.patterns["report"].search(lowered)
    if report:
        orgs = [m for m in candidates if classify(m, people).type == "Organization"]
        if orgs:
            return classify(orgs[0], people), f"report by: {clean_name(orgs[0].text)}"
    return None, None


def quote_depths(text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, bool]]:
    """For each sentence span: (starts inside or opens a quotation, closes a quotation)."""
    result = []
    depth = 0
    for start, end in spans:
        chunk = text[start:end]
        opens_or_inside = depth > 0 or chunk.lstrip()[:1] in _QUOTE_OPEN
        for ch in chunk:
            if ch in _QUOTE_OPEN:
                depth += 1
            elif ch in _QUOTE_CLOSE and depth:
                depth -= 1
        closes = any(ch in _QUOTE_CLOSE for ch in chunk)
        result.append((opens_or_inside, closes))
    return result
