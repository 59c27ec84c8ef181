"""Who makes a claim: the speaker of an attribution verb, the source after "selon", the speaker
of the quotation a sentence sits in, or the organisation behind a cited report."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from factcheck.extraction.lexicons import DAYS, LEXICONS, MONTHS, RELATIVE_DAYS
from factcheck.extraction.types import Claimant, ClaimantType

# A sentence with no attribution of its own continues the last one named this many sentences
# before (chosen on fr-checkworthy train; see README).
CARRY_WINDOW = 3
OLD_FR_VERBS = False

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
        "water",
        "group",
        "groupe",
        "ltd",
        "plc",
        "llc",
        "authority",
        "autorité",
        "autorités",
        "trust",
        "service",
        "services",
        "company",
        "compagnie",
        "société",
        "board",
        "union",
        "society",
        "institution",
        "préfecture",
        "parquet",
        "mairie",
        "région",
        "gouvernement",
        "government",
        "assemblée",
        "délégation",
        "fédération",
        "federation",
        "syndicat",
        "observatory",
        "statistics",
        "santé",
        "health",
        "news",
        "times",
        "post",
        "press",
        "presse",
        "forces",
        "pompiers",
        "gendarmerie",
        "hôpital",
        "hospital",
        "école",
        "school",
        "airlines",
        "motors",
        "energy",
        "énergie",
        "telecom",
        "media",
        "médias",
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
    r"(?<![\w])[A-Z][\w’'.-]*[a-zA-Z](?:(?:\s+(?:(?:de|van|von|der|bin|al|of the|of|for|"
    r"and|&)\s+)?|,\s+(?=[A-Z][\w’'.-]*[a-zA-Z],?\s+(?:and|&)\s+[A-Z]))"
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
        "eux",
        "lui",
        "celle-ci",
        "celles-ci",
        "celui-ci",
        "ceux-ci",
        "cela",
        "one",
        "two",
        "three",
        "four",
        "five",
        "deux",
        "trois",
        "m",
        "s",
        "ndlr",
    ]
)
_POSTPOSED = re.compile(r"[,»”\"]\s*$")
_QUOTE_OPEN = "«“"
_QUOTE_CLOSE = "»”"
_QUOTE_CHAR = re.compile('[«“»”"]')


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


_TIME_WORDS = DAYS | MONTHS | RELATIVE_DAYS


def could_claim(mention: Mention, people: dict[str, str]) -> bool:
    """A plausible mention that can make a claim: not a place or a thing (spaCy's LOC, MISC),
    unless it is the surname of a person named in the article ("Rutte" tagged LOC)."""
    if not is_plausible(mention):
        return False
    if mention.label in ("LOC", "GPE", "MISC"):
        return clean_name(mention.text).lower() in people
    return True


def is_plausible(mention: Mention) -> bool:
    """Drop NER noise such as "qu’" or "pays n’", days and months, and places (a place is not
    a claimant; well-known bodies named after one, such as "Kremlin", are ORG mentions)."""
    text = mention.text.strip()
    if not text or not text[0].isupper() or text[-1] in "'’":
        return False
    name = clean_name(text)
    if any(word in _TIME_WORDS for word in name.lower().split()):
        return False
    if any(ch.isdigit() for ch in name):
        return False  # "Covid-19", "G7": identifiers, never a speaker
    if mention.label != "PER" and re.fullmatch(r"[A-ZÉ][a-zà-ÿ]+(?:é|ée|és|ées)", name):
        return False  # "Réalisée par…": a participle the NER took for a name
    return name.lower() not in _NOT_NAMES and len(name) > 1


@cache
def _territories() -> frozenset[str]:
    """Country and region names in French and English (Babel's CLDR data: "Allemagne",
    "États-Unis", "Europe"), lower-cased, apostrophes straightened."""
    from babel import Locale

    names: set[str] = set()
    for language in ("fr", "en"):
        names.update(plain(n) for n in Locale(language).territories.values())
    return frozenset(names)


@cache
def plain(name: str) -> str:
    """Lower case, no accents, straight apostrophes: "États-Unis" and "Etats-Unis" alike."""
    decomposed = unicodedata.normalize("NFKD", name.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BEFORE_BODY = re.compile(r"(?:\b(?:[Ll]a|[Ll]e|[Ll]es|du|des|au|aux)\s+|\b[LlDd]['’]\s*)$")


_TITLE_BEFORE = re.compile(r"\b(?:M|MM|Mme|Mmes|Mlle|Dr|Pr|Me)\.?\s+$")


def retag(mention: Mention, sentence: str) -> Mention:
    """A French mention as what it names where the NER misread it: a person after a title
    ("M. Vizcarra" tagged a place), or a body the NER took for a place: an acronym ("FHF"), a
    name headed by a body noun ("institut Ipsos"), or a name under an article ("la Drees",
    "l'Insee") that no country or region bears ("la France", "l'Allemagne" stay places;
    cities take no article)."""
    if mention.label == "PER":
        return mention
    if _TITLE_BEFORE.search(sentence[: mention.start]) and mention.text[:1].isupper():
        return Mention(mention.start, mention.end, mention.text, "PER")
    if mention.label not in ("LOC", "GPE"):
        return mention
    name = clean_name(mention.text)
    words = name.split()
    if not words or plain(name) in _territories():
        return mention
    acronym = re.fullmatch(r"[A-Z]{2,6}", name) is not None
    headed = words[0].lower() in _ORG_HEADS
    under_article = (
        len(words) == 1
        and name[:1].isupper()
        and _BEFORE_BODY.search(sentence[: mention.start]) is not None
    )
    if acronym or headed or under_article:
        return Mention(mention.start, mention.end, mention.text, "ORG")
    return mention


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


# Words that, as the head of a source phrase, point back to a body or person named earlier.
ANAPHORS: dict[str, ClaimantType | None] = {
    "institution": "Organization", "organisation": "Organization", "ministère": "Organization",
    "observatoire": "Organization", "agence": "Organization", "office": "Organization",
    "commission": "Organization", "institut": "Organization", "rapport": None, "étude": None,
    "enquête": None, "source": None, "document": None, "organisme": "Organization",
    "il": "Person", "elle": "Person", "ministre": "Person", "président": "Person",
    "présidente": "Person", "responsable": "Person",
    "ministry": "Organization", "department": "Organization", "agency": "Organization",
    "report": None, "study": None, "he": "Person", "she": "Person", "it": "Organization",
    "minister": "Person", "spokesman": "Person", "spokeswoman": "Person", "they": None,
    "company": "Organization", "council": "Organization", "regulator": "Organization",
}  # fmt: skip
_GENERIC_ANAPHORS = frozenset(
    [
        "institution",
        "organisation",
        "organisme",
        "source",
        "document",
        "il",
        "elle",
        "he",
        "she",
        "it",
        "they",
        "ministre",
        "président",
        "présidente",
        "responsable",
        "minister",
        "spokesman",
        "spokeswoman",
    ]
)
_SOURCE_INTRO = {
    "fr": re.compile(
        r"(?<![\w])(?:selon|d['’]après|auprès\s+(?=d)|de\s+source|"
        r"(?:recensé|enregistré|publié|compté|relevé|annoncé|constaté|chiffré|estimé|"
        r"rapporté|révélé|dévoilé|diffusé|communiqué|fourni|établi|cité|réalisé|mené|conduit|"
        r"commandé|rédigé|signé|commandité|coordonné|dirigé|piloté)(?:e|s|es)?"
        r"(?:\s+[\w'’-]+){0,5}?\s+par(?!\s+(?:jour|an|mois|semaine|heure|habitant|tête|personne|"
        r"rapport|ailleurs|exemple|la\s+suite|le\s+passé)))\s+",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"(?<![\w])(?:according\s+to|cited\s+by|quoted\s+by|as\s+reported\s+by|"
        r"(?:published|reported|recorded|released|estimated|announced|compiled|counted)"
        r"(?:\s+\w+){0,2}?\s+by)\s+",
        re.IGNORECASE,
    ),
}
_PHRASE_STOP = re.compile(
    r"(?<!\bM)(?<!\bMM)(?<!\bMr)(?<!\bDr)(?<!\bPr)\.|[,;:!?()«»\"“”]"
    r"|\s(?:qui|que|qu['’]|dont|où|a|ont|est|sont|avait|publiée?s?|parue?s?|"
    r"selon|mais|et\s+(?:le|la|les|a)|et\s+[a-zà-ÿ]+(?:é|ée|és|ées)|pour|en\s+\d|who|which|that|"
    r"has|have|is|was|were|"
    r"published|on|in\s+\d)(?=\s|$)"
)
_LEAD = re.compile(
    r"^(?:(?:l['’]|d['’])\s*|(?:le|la|les|un|une|des|du|de\s+la|de|ses|son|sa|leurs?|"
    r"cette|ce|cet|ces|même|mêmes|dernières?|derniers?|premiers?|premières?|nouvelles?|"
    r"nouveaux?|the|a|an|its|their|this|these|that|same|latest|new|first)\s+)+",
    re.IGNORECASE,
)
# Heads of phrases that name a document rather than its author: "une étude de l'Inserm" gives
# the Inserm; "ses calculs", "les derniers chiffres" point back to the body named before.
_DOCUMENTS = frozenset(
    [
        "rapport",
        "rapports",
        "étude",
        "études",
        "enquête",
        "enquêtes",
        "évaluation",
        "évaluations",
        "calculs",
        "calcul",
        "chiffres",
        "chiffre",
        "données",
        "résultats",
        "bilan",
        "bilans",
        "estimations",
        "estimation",
        "décompte",
        "comptage",
        "sondage",
        "sondages",
        "document",
        "documents",
        "travaux",
        "analyse",
        "analyses",
        "projections",
        "prévisions",
        "modélisation",
        "publication",
        "note",
        "report",
        "reports",
        "study",
        "studies",
        "survey",
        "figures",
        "data",
        "estimates",
        "analysis",
        "findings",
    ]
)
_OF = re.compile(
    r"\s(?:de\s+la\s+|de\s+l['’]\s*|de\s+|du\s+|des\s+|d['’]\s*|of\s+the\s+|of\s+|by\s+)",
    re.IGNORECASE,
)
_BY = re.compile(r"\s(?:par|by)\s+", re.IGNORECASE)
_PUBLISHED_IN = re.compile(
    r"\s+(?:paru|publié)(?:e|s|es)?(?:\s+[\w'’-]+){0,3}?\s+dans\s+"
    r"(?:le\s+|la\s+|les\s+|l['’]\s*)?(?=[A-ZÀ-Þ])"
)


def source_phrase(sentence: str, start: int) -> tuple[str, int] | None:
    """The noun phrase a source cue introduces ("selon la préfecture maritime de la Manche,"),
    without its determiners, and where it starts; None if it is too long to be a name."""
    rest = sentence[start:]
    stop = _PHRASE_STOP.search(rest)
    phrase = rest[: stop.start()] if stop else rest
    lead = _LEAD.match(phrase)
    offset = lead.end() if lead else 0
    phrase = phrase[offset:].strip()
    words = phrase.split()
    if not words or len(words) > 9:
        return None
    return phrase, start + offset


def anaphor_of(phrase: str) -> tuple[str, ClaimantType | None] | None:
    """("ministère", "Organization") for "le ministère"; None if the phrase names something."""
    words = phrase.lower().split()
    if not words:
        return None
    if any(w[:1].isupper() for w in phrase.split()[1:]):
        return None  # "l'institut Ipsos", "le ministère de l'Intérieur": a name
    if words[0] in ("source", "sources") and 2 <= len(words) <= 3:
        return None  # "source policière": a named kind of source, kept as written
    if words[0] in _DOCUMENTS:
        return words[0], "Organization"
    if len(words) <= 2 and words[0] in ANAPHORS:
        return words[0], ANAPHORS[words[0]]
    if words[0] in ("source", "sources") and len(words) <= 3:
        return None  # "source policière": a named kind of source, kept as written
    return None


def _phrase_claimant(
    phrase: str, at: int, candidates: list[Mention], people: dict[str, str]
) -> Claimant:
    inside = [m for m in candidates if at <= m.start < at + len(phrase) + 2]
    for mention in inside:
        if mention.start == at or mention.label in ("PER", "ORG"):
            return classify(mention, people)
    lowered = phrase.lower()
    kind: ClaimantType = "Organization"
    if lowered in people:
        return Claimant(people[lowered], "Person")
    return Claimant(name=phrase, type=kind)


def find_claimant(
    sentence: str,
    mentions: list[Mention],
    language: str,
    people: dict[str, str],
) -> tuple[Claimant | None, str | None]:
    """Return (claimant, reason) for one sentence, or (None, None). A source phrase that points
    back ("selon le ministère", "l'institution") gives (None, "anaphor:<head>:<type>") for the
    pipeline to resolve against the claimants named earlier in the article."""
    if language == "fr":
        mentions = [retag(m, sentence) for m in mentions]
    candidates = sorted(
        {(m.start, m.end): m for m in mentions if could_claim(m, people)}.values(),
        key=lambda m: m.start,
    )
    if language == "fr":
        places = [m for m in mentions if m.label in ("LOC", "GPE")]
        own = french_claimant(sentence, candidates, people, places)
        if own is not None:
            return own
    lowered = sentence.lower()
    lexicon = LEXICONS[language]
    source = lexicon.patterns["according_to"].search(lowered)
    if source:
        after = [m for m in candidates if 0 <= m.start - source.end() <= 25]
        if after:
            kind = sentence[source.end() : after[0].start]
            if any(w in _ORG_HEADS for w in re.findall(r"[\w-]+", kind.lower())):
                # "selon l'agence officielle Andina": a body's name, whatever the NER says.
                name = _LEAD.sub("", sentence[source.end() : after[0].end].strip())
                return Claimant(name, "Organization"), f"source: {source.group(0)}"
            return classify(after[0], people), f"source: {source.group(0)}"
    for intro in _SOURCE_INTRO[language].finditer(sentence):
        found = source_phrase(sentence, intro.end())
        if found is None:
            continue
        phrase, at = found
        head = phrase.split()[0].lower()
        of = _OF.search(phrase)
        by = _BY.search(sentence, at, at + len(phrase) + 60)
        published = _PUBLISHED_IN.match(sentence, at + len(phrase))
        if head in _DOCUMENTS and not of and published:
            # "des résultats parus dans le Bulletin épidémiologique hebdomadaire": the
            # publication speaks for its figures (a journal's articles keep their authors).
            venue = source_phrase(sentence, published.end())
            if venue is None or venue[0].split()[0].lower() in ("revue", "journal"):
                continue
            phrase, at = venue
        elif head in _DOCUMENTS and not of and by:
            # "une évaluation publiée mercredi par l'OFCE": the author, not the document.
            author = source_phrase(sentence, by.end())
            if author:
                phrase, at = author
        elif head in _DOCUMENTS and of:
            # "une étude de l'Observatoire …": the author, not the document.
            phrase, at = phrase[of.end() :], at + of.end()
            lead = _LEAD.match(phrase)
            if lead:
                phrase, at = phrase[lead.end() :], at + lead.end()
            if not phrase:
                continue
        pointer = anaphor_of(phrase)
        if pointer:
            new = pointer[0] in _DOCUMENTS and _NEW_DOCUMENT.match(sentence, intro.end())
            way = "forward" if new else "anaphor"
            return None, f"{way}:{pointer[0]}:{pointer[1] or ''}"
        if phrase[:1].isdigit():
            continue
        if language == "fr" and not _plausible_source(phrase, at, candidates):
            continue
        return _phrase_claimant(phrase, at, candidates, people), f"source: {phrase}"
    subject = _anaphoric_subject(sentence, lexicon)
    if subject and not any(m.start < subject[1] for m in candidates):
        return None, subject[0]
    for verb in lexicon.patterns["attribution"].finditer(lowered):
        if language == "fr" and not OLD_FR_VERBS:
            break  # ``french_claimant`` read the attribution verbs already
        verb_text = sentence[verb.start() : verb.end()]
        if "-t-" in verb_text:
            continue  # "a-t-il dit": a pronoun, resolved by the quotation step if at all
        before = [m for m in candidates if 0 <= verb.start() - m.end <= 90]
        opening = _capitalised_subject(sentence[: verb.start()])
        if opening and not before:
            # "L'Assurance maladie a publié…": a name the NER missed, as the subject.
            return opening, f"subject of: {verb_text}"
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
    quoted = _QUOTED_SPEAKER.search(sentence)
    if quoted:
        after = [m for m in candidates if m.start >= quoted.end() and m.label in ("PER", "PROPN")]
        if after:
            return classify(after[0], people), "speaker after the quotation"
    report = lexicon.patterns["report"].search(lowered)
    if report:
        orgs = [
            m
            for m in candidates
            if m.label in ("ORG", "PROPN") and classify(m, people).type == "Organization"
        ]
        if orgs:
            return classify(orgs[0], people), f"report by: {clean_name(orgs[0].text)}"
    if language == "fr" and _AGENTLESS_TALLY.search(sentence) and _DIGIT.search(sentence):
        return None, "forward:tally"
    return None, None


# "une étude", "un nouveau rapport", "une autre enquête": a document not named before.
_NEW_DOCUMENT = re.compile(r"(?i)\s*(?:une?|des)\s+(?:(?:autre|nouvelle|nouveau|récente?)\s+)?")
# "15.797 nouveaux cas ont été enregistrés en 24 heures": a tally in the passive, no agent.
_AGENTLESS_TALLY = re.compile(
    r"(?i)\b(?:ont|a|avaient|avait)\s+été\s+(?:\w+\s+)?(?:recensé|enregistré|comptabilisé|"
    r"dénombré|relevé|signalé|constaté|diagnostiqué|répertorié|déclaré)(?:e|s|es)?\b"
    r"(?![^.]*\bpar\s)"
)
_DIGIT = re.compile(r"\d")


def _plausible_source(phrase: str, at: int, candidates: list[Mention]) -> bool:
    """A French source phrase that can name a source: a named entity in it, a capitalised
    name, or a head noun for a body or a kind of source ("variations selon les pays": no)."""
    head = _head_word(phrase)
    if any(at <= m.start <= at + 2 for m in candidates):
        return True
    if any(at <= m.start < at + len(phrase) and m.label == "PER" for m in candidates):
        return True  # "le Premier ministre Edouard Philippe": a role and its holder
    return head in _FR_SOURCE_HEADS or head in _ORG_LIKE or phrase[:1].isupper()


def _capitalised_subject(head: str) -> Claimant | None:
    """The capitalised noun phrase a sentence opens with, when it runs up to the verb."""
    lead = _LEAD.match(head)
    phrase = head[lead.end() if lead else 0 :].strip()
    words = phrase.split()
    if (
        not words
        or len(words) > 5
        or not phrase[0].isupper()
        or any(ch in phrase for ch in ',;«»"')
    ):
        return None
    if words[0].lower() in _NOT_NAMES or words[0].lower() in ANAPHORS:
        return None
    return Claimant(name=phrase, type="Organization")


_QUOTED_SPEAKER = re.compile(r"[»”\"]\s*,\s*(?:[a-zà-ÿ’'-]+\s+){1,4}")
_SUBJECT_ANAPHOR = {
    "fr": re.compile(
        r"^(?:[«\"]?\s*)?(?:(?:mais|et|or|ainsi|toutefois|par ailleurs|en outre)\s*,?\s+)?"
        r"(?:(?:l['’]|le |la )(?P<noun>institution|organisation|ministère|observatoire|agence|"
        r"office|commission|institut|organisme|rapport|étude|enquête|ministre|président|"
        r"présidente)|(?P<pronoun>il|elle))\s"
    ),
    "en": re.compile(
        r"^(?:(?:but|and|however)\s*,?\s+)?(?:the\s+(?P<noun>ministry|department|agency|"
        r"company|council|regulator|report|study|minister)|(?P<pronoun>he|she|it))\s"
    ),
}


def _anaphoric_subject(sentence: str, lexicon: Any) -> tuple[str, int] | None:
    """ "L'institution abaisse…", "Elle prédit…": a sentence whose subject points back; gives
    the reason and where the subject ends (a name there, "La Commission européenne", is no
    anaphor)."""
    match = _SUBJECT_ANAPHOR[lexicon.language].match(sentence.lower())
    if not match:
        return None
    word = match["noun"] or match["pronoun"]
    kind = ANAPHORS.get(word)
    return f"anaphor:{word}:{kind or ''}", match.end()


def resolve(
    found: list[tuple[Claimant | None, str | None]],
    window: int = CARRY_WINDOW,
    seed: Sequence[Claimant] = (),
    subjects: Sequence[Claimant | None] = (),
) -> list[tuple[Claimant | None, str | None]]:
    """See ``resolve_claimants``; ``window`` 0 resolves anaphors only."""
    return resolve_claimants(found, window, seed, subjects)


def _explicit_next(found: list[tuple[Claimant | None, str | None]], index: int) -> Claimant | None:
    """The claimant the next sentence names itself, if any."""
    if index + 1 < len(found):
        return found[index + 1][0]
    return None


@cache
def _name_words(name: str) -> frozenset[str]:
    """The lower-cased words of a name ("ministère des Comptes publics")."""
    return frozenset(re.findall(r"[\w-]+", name.lower()))


def _may_be_called(name: str, noun: str, just_before: bool = False) -> bool:
    """Whether a body's name leaves room for a noun that describes it: a one-word name or an
    acronym ("Insee" for "l'institut", "CGT" for "le syndicat"), a name headed by that noun or
    by a noun that says nothing ("Organisation météorologique mondiale" for "l'agence"), or,
    in the sentence just before, any name not headed by another kind of body ("Santé publique
    France… L'agence sanitaire note")."""
    words = name.split()
    if len(words) == 1:
        return True
    first = words[0].lower()
    if first == noun or first in ("organisation", "organization", "organisme", "union"):
        return True
    return just_before and first not in _KIND_NOUNS


# Bodies that go by the bare noun ("le gouvernement", "le parquet", "la police"): no
# acronym named before is meant by it.
_SELF_NAMED = frozenset(
    (
        "gouvernement", "government", "parquet", "police", "préfecture", "mairie", "armée",
        "army", "gendarmerie", "tribunal", "cour", "court", "hôpital", "hospital", "école",
        "school", "juridiction",
    )
)  # fmt: skip
# Nouns that say what kind of body a name is ("l'agence" is no "ministère …"; an
# "Organisation …" may be "l'agence").
_KIND_NOUNS = frozenset(
    (
        "ministère", "ministry", "department", "agence", "agency", "institut", "institute",
        "université", "university", "banque", "bank", "commission", "conseil", "council",
        "parti", "party", "office", "comité", "committee", "bureau", "fondation", "foundation",
        "association", "armée", "army", "police", "cour", "court", "tribunal", "observatoire",
        "centre", "center", "préfecture", "parquet", "mairie", "gouvernement", "government",
        "assemblée", "délégation", "fédération", "federation", "syndicat", "hôpital", "hospital",
        "école", "school", "service", "autorité", "authority", "gendarmerie", "juridiction",
    )
)  # fmt: skip


def resolve_claimants(
    found: list[tuple[Claimant | None, str | None]],
    window: int,
    seed: Sequence[Claimant] = (),
    subjects: Sequence[Claimant | None] = (),
) -> list[tuple[Claimant | None, str | None]]:
    """Give each sentence without a claimant of its own the nearest earlier attribution it
    continues: an anaphor ("l'institution", "elle", "selon le ministère") resolves to the last
    claimant of its kind (an organisation whose name holds the noun first, else the last one
    whose name says nothing of its kind, such as an acronym); a sentence with no attribution
    at all continues the last one named within ``window`` sentences. ``seed`` (the headline's
    source) is what an anaphor points to when nothing in the body was named before it, and
    what "l'avionneur", "le groupe" name; it is never carried over. ``subjects`` (the person
    each sentence opens on, if any) are what "il" and "elle" may point to as well.

    Some attributions come after: a new document with no author ("une étude publiée lundi")
    and a tally in the passive with no agent ("15.797 cas ont été enregistrés") are the next
    sentence's source when it names one ("forward:" reasons)."""
    result: list[tuple[Claimant | None, str | None]] = []
    # Explicit or resolved attributions, in order; the seed sits outside any carry window.
    history: list[tuple[int, Claimant]] = [(-(10**6), c) for c in seed]
    for index, (claimant, reason) in enumerate(found):
        if claimant is not None:
            history.append((index, claimant))
            result.append((claimant, reason))
            continue
        if reason and reason.startswith("forward:"):
            ahead = _explicit_next(found, index)
            if ahead is not None:
                history.append((index, ahead))
                result.append((ahead, f"{reason.split(':', 2)[1]} → {ahead.name} (named next)"))
                continue
            # "forward:étude:Organization": else as an anaphor; "forward:tally": else a carry.
            reason = "anaphor:" + reason.split(":", 1)[1] if reason.count(":") == 2 else None
        if reason and reason.startswith("anaphor:"):
            _, word, kind = reason.split(":", 2)
            kind, _, written = kind.partition(":")
            # Whole words only: "il" is no part of "Thierry Baril".
            named = [
                c
                for _, c in reversed(history)
                if word not in _PRONOUN_WORDS and word in _name_words(c.name)
            ]
            typed = [c for _, c in reversed(history) if not kind or c.type == kind]
            if word in _PRONOUN_WORDS and kind == "Person":
                # "Le maire de Lyon, Grégory Doucet, s'est rendu sur place. Il a annoncé…":
                # the person (or body: "Le ministère conteste… Il rappelle…") the last
                # sentences opened on, if named after the last speaker.
                last_speaker = max((at for at, c in history if c.type == "Person"), default=-1)
                opened = [
                    (at, c)
                    for at, c in enumerate(subjects[max(0, index - 2) : index], max(0, index - 2))
                    if c is not None and at > last_speaker
                ]
                if opened:
                    typed = [opened[-1][1], *typed]
            # "l'institution", "elle", "le rapport" take the last claimant of their kind; a
            # specific noun ("le ministère", "the council") only one whose name holds it.
            generic = (
                word in _GENERIC_ANAPHORS
                or word in _DOCUMENTS
                or word in _FR_ROLES
                or word in _FR_COMPANY_WORDS
                or word in _FR_PRONOUNS
            )
            if not named and not generic and kind == "Organization" and word not in _SELF_NAMED:
                # "L'institut prévoit…" after "selon l'Insee", "l'agence onusienne" after
                # "l'Organisation météorologique mondiale", "Le syndicat réclame" after "Pour
                # la CGT": a name that tells nothing of its kind may be meant ("ministère des
                # Armées" is no "institut"); for a bare noun, only just before.
                named = [
                    c
                    for at, c in reversed(history)
                    if c.type == kind
                    and _may_be_called(c.name, word, just_before=index - at <= 1)
                    and (not written or index - at <= 2)
                ][:1]
            if word in _COMPANIES:
                # "l'avionneur européen", "le groupe": the company the headline names.
                topic = [c for at, c in history if at < 0 and c.type == "Organization"]
                if topic:
                    named = topic
            # Before anything in the body, the headline's source is what is meant.
            opening = [c for at, c in history if at < 0 and (not kind or c.type == kind)]
            if len(opening) == len(history):
                generic = True
                typed = opening
            chosen = next(iter(named or (typed if generic else [])), None)
            if chosen is None and word in _DOCUMENTS:
                chosen = _explicit_next(found, index)
            if chosen is None and written:
                chosen = Claimant(written, "Organization")
            if chosen is not None:
                history.append((index, chosen))
                result.append((chosen, f"{word} → {chosen.name}"))
                continue
            result.append((None, None))
            continue
        if window and history and index - history[-1][0] <= window:
            last = history[-1][1]
            result.append((last, f"continues the attribution to {last.name}"))
            continue
        result.append((None, None))
    return result


def _quote_marks(chunk: str) -> list[int]:
    """The quotation marks of a sentence in order, +1 opening and -1 closing. Straight double
    quotes (the usual ones in agency copy) open or close by what stands around them: one after
    a space or a bracket and before a word opens, one after a word closes."""
    marks: list[int] = []
    depth = 0
    for found in _QUOTE_CHAR.finditer(chunk):
        i, ch = found.start(), found.group(0)
        if ch in _QUOTE_OPEN:
            marks.append(1)
        elif ch in _QUOTE_CLOSE:
            marks.append(-1)
        elif ch == '"':
            before = chunk[i - 1] if i else " "
            after = chunk[i + 1] if i + 1 < len(chunk) else " "
            if (before.isspace() or before in "([{'’-–—") and not after.isspace():
                marks.append(1)
            elif not before.isspace():
                marks.append(-1)
            else:
                marks.append(-1 if depth else 1)
        depth = max(0, depth + marks[-1])
    return marks


def quote_depths(text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, bool]]:
    """For each sentence span: (starts inside or opens a quotation, closes a quotation). A
    paragraph break ends any quotation left open."""
    result = []
    depth = 0
    previous_end = 0
    for start, end in spans:
        if "\n" in text[previous_end:start]:
            depth = 0
        previous_end = end
        chunk = text[start:end]
        marks = _quote_marks(chunk)
        opens_or_inside = depth > 0 or (
            bool(marks) and marks[0] == 1 and chunk.lstrip()[:1] in _QUOTE_OPEN + '"'
        )
        closes = False
        for mark in marks:
            if mark == -1 and depth:
                closes = True
            depth = max(0, depth + mark)
        result.append((opens_or_inside, closes))
    return result


# -- French attributions: who speaks, before or after the verb ------------------------------

_FR_AUX = (
    r"(?:a|ont|avait|avaient|aurait|auraient|avait-il|avait-elle|a-t-il|a-t-elle|a-t-on|"
    r"ont-ils|ont-elles)"
)
_FR_PARTICIPLES = (
    r"déclaré|affirmé|estimé|indiqué|annoncé|dit|précisé|expliqué|assuré|rappelé|ajouté|"
    r"averti|reconnu|confirmé|dénoncé|évoqué|révélé|souligné|avancé|détaillé|calculé|chiffré|"
    r"recensé|constaté|jugé|insisté|martelé|répondu|poursuivi|conclu|commenté|observé|écrit|"
    r"fait\s+savoir|prévenu|relevé|noté|signalé|démenti|admis|déploré|regretté|réclamé|"
    r"demandé|souhaité|plaidé|lancé|appris|affiché|décidé|mis\s+en\s+garde|publié|dévoilé|"
    r"justifié|prédit|prévu|recommandé|proposé|mentionné|exprimé|promis|cité|appelé|"
    r"condamné|salué|accusé|critiqué|fustigé|nié|ordonné|"
    r"annoncée?s?"
)
_FR_FINITE = (
    r"(?:déclar|affirm|estim|indiqu|annonc|précis|expliqu|assur|rappel|ajout|confirm|dénonc|"
    r"évoqu|révél|soulign|avanc|détaill|calcul|chiffr|recens|constat|jug|insist|martel|comment|"
    r"observ|relev|signal|déplor|regrett|réclam|demand|souhait|plaid|dévoil|rapport|recommand|"
    r"préconis|condamn|salu|accus|critiqu|fustig|montr)"
    r"(?:e|ent|ait|aient)|rappelle|rappellent|appelle|appellent|dit|disent|disait|disaient|écrit|écrivent|avertit|reconnaît|"
    r"conclut|concluent|prévient|préviennent|répond|répondent|fait\s+savoir|ajoutant|"
    r"affirmant|estimant|précisant|soulignant|expliquant|indiquant|assurant|rappelant"
)
# Pronominal verbs of speech: "s'est félicitée", "se sont dits inquiets", "s'est voulu rassurant".
_FR_REFLEXIVE = (
    r"(?:s['’](?:est|était)|se\s+sont|s['’]étaient)(?:\s+[\w’'-]+){0,2}?\s+"
    r"(?:félicité|dit|inquiété|alarmé|réjoui|montré|voulu|engagé|prononcé|exprimé|indigné|"
    r"étonné|opposé|défendu|interrogé|agacé|emporté|targué|vanté|plaint|excusé|fendu)"
    r"(?:e|s|es)?"
)
_FR_NOTE = r"(?<!la )(?<!une )(?<!sa )(?<!leur )(?<!cette )(?<!une )(?:note|notent|notait)"
FR_SPEECH = re.compile(
    r"(?<![\w-])(?:"
    + _FR_REFLEXIVE
    + "|"
    + _FR_NOTE
    + "|"
    + _FR_AUX
    + r"(?:\s+(?!été\b)[\w’'-]+){0,4}?\s+(?:"
    + _FR_PARTICIPLES
    + r")"
    r"|(?:" + _FR_FINITE + r")(?:-(?:t-)?(?:il|elle|ils|elles|on))?)(?![\w])",
    re.IGNORECASE,
)
_FR_TIME = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
)
# What may sit between an attribution verb and the speaker after it: "a indiqué mercredi à
# l'AFP", "a pour sa part avancé", "indiquait en janvier dernier".
_FR_FILLER = re.compile(
    r"^\s*(?:(?:(?:ce|le|en|au|dès|fin|début|mi-?|courant)\s+)?"
    + _FR_TIME
    + r"(?:\s+(?:dernier|dernière|prochain|soir|matin|midi|après-midi|\d{1,4}))*"
    r"|le\s+\d{1,2}(?:er)?\s+" + _FR_TIME + r"|au\s+début\s+du\s+mois\s+d['’]\s*\w+"
    r"|\d{1,2}(?:er)?\s+" + _FR_TIME + r"(?:\s+\d{4})?"
    r"|(?:à|au|aux)\s+(?:l['’]\s*)?(?:AFP|presse|journalistes|agence\s+[A-Z][\w-]+|"
    r"France\s+(?:Info|Inter|Bleu)|[A-Z][\w-]+)"
    r"|pour\s+sa\s+part|de\s+son\s+côté|de\s+leur\s+côté|également|aussi|encore|ainsi|"
    r"en\s+outre|toutefois|quant\s+à\s+(?:lui|elle)|lui-même|elle-même|lundi|de\s+source)"
    r"\s*,?",
    re.IGNORECASE,
)
_FR_NP_STOP = re.compile(
    r"(?<!\bM)(?<!\bMM)(?<!\bDr)(?<!\bPr)(?<!\bMe)\.|[,;:()!?«»\"“”]"
    r"|\s(?:qui|que|qu['’]|dont|où|dans|lors|devant|au\s+cours|avant|après|à|au|aux|"
    r"en|selon|mais|et\s+(?:que|a|ont)|a|ont|est|sont|confirmant|évoquant|ajoutant|"
    r"précisant|citant|rappelant|soulignant)(?=[\s'’]|$)",
    re.IGNORECASE,
)
_FR_DET = re.compile(
    r"^(?:(?:l['’]\s*|le\s+|la\s+|les\s+|un\s+|une\s+|des\s+|du\s+|de\s+la\s+|ce\s+|cet\s+|"
    r"cette\s+|ces\s+|son\s+|sa\s+|ses\s+|leur\s+|leurs\s+|même\s+|mêmes\s+|"
    r"(?:M|MM|Mme|Mmes|Dr|Pr|Me)\.?\s+(?=[A-ZÀ-Þ])))+",
    re.IGNORECASE,
)
# Heads that describe a person by role: resolved to the person named before when no name follows.
_FR_ROLES = frozenset(
    (
        "ministre", "porte-parole", "procureur", "procureure", "président", "présidente",
        "secrétaire", "directeur", "directrice", "maire", "préfet", "préfète", "patron",
        "patronne", "dirigeant", "dirigeante", "chef", "cheffe", "responsable", "avocat",
        "avocate", "conseiller", "conseillère", "député", "députée", "sénateur", "sénatrice",
        "commissaire", "gouverneur", "gouverneure", "chancelière", "chancelier", "premier",
        "dernier", "dernière", "juge", "magistrat", "enquêteur", "chercheur", "chercheuse",
        "auteur", "auteure", "expert", "experte", "médecin", "professeur", "professeure",
        "épidémiologiste", "économiste", "syndicaliste", "élu", "élue", "rapporteur",
        "rapporteure", "co-rapporteure", "délégué", "déléguée", "ambassadeur", "ambassadrice",
        "général",
    )
)  # fmt: skip
# Heads that describe a group of people speaking for the body named before ("les chercheurs",
# "ses auteurs").
_FR_GROUP_ANAPHORS = frozenset(
    ["chercheurs", "auteurs", "scientifiques", "experts", "enquêteurs", "analystes", "économistes"]
)
_FR_PRONOUNS = {"il": "Person", "elle": "Person", "ils": "", "elles": "", "on": None}
_PRONOUN_WORDS = frozenset([*_FR_PRONOUNS, "he", "she", "it", "they"])
# Nouns that head a source phrase naming a kind of source ("une source policière", "les
# pompiers", "le parquet de Rennes"); any organisation head counts too.
_FR_SOURCE_HEADS = frozenset(
    (
        "source", "sources", "pompiers", "secours", "autorités", "enquêteurs", "médias",
        "journal", "quotidien", "hebdomadaire", "radio", "chaîne", "agence", "parquet",
        "préfecture", "gendarmerie", "police", "syndicat", "syndicats", "associations",
        "association", "ong", "organisateurs", "habitants", "témoins", "experts", "chercheurs",
        "scientifiques", "spécialistes", "élus", "opposition", "majorité", "services",
        "ministère", "ministres", "gouvernement", "ville", "région", "municipalité",
        "département", "état", "armée", "marine", "douanes", "justice", "tribunal", "groupe",
        "entreprise", "compagnie", "opérateur", "constructeur", "avionneur", "laboratoire",
        "hôpital", "hôpitaux", "observatoire", "institut", "fédération", "collectif", "comité",
    )
)  # fmt: skip
_ORG_LIKE = _ORG_HEADS | frozenset(
    (
        "ville", "région", "municipalité", "département", "état", "parquet", "préfecture",
        "gendarmerie", "douanes", "avionneur", "constructeur", "groupe", "laboratoire",
        "opérateur", "syndicat", "ong", "collectif",
    )
)  # fmt: skip


# Heads that describe the body named before rather than name one ("l'avionneur européen").
# The first ten are companies: the one a headline names ("Airbus : …") is what they mean.
_COMPANIES = frozenset(
    (
        "avionneur", "constructeur", "groupe", "laboratoire", "opérateur", "entreprise",
        "compagnie", "société", "firme", "enseigne",
    )
)  # fmt: skip
_FR_COMPANY_WORDS = frozenset(
    (
        "avionneur", "constructeur", "groupe", "laboratoire", "opérateur", "entreprise",
        "compagnie", "institution", "organisation", "organisme", "société", "firme", "enseigne",
        "ong",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Speaker:
    """A noun phrase read as a speaker: a claimant, or a pointer back ("anaphor:<word>:<kind>")."""

    claimant: Claimant | None
    reason: str


_FR_FUNCTION = frozenset(
    (
        "en", "au", "aux", "à", "a", "de", "dans", "pour", "par", "sur", "avec", "sans", "si",
        "mais", "et", "or", "depuis", "lors", "après", "avant", "selon", "entre", "vers", "chez",
        "contre", "comme", "quand", "lorsque", "puisque", "parmi", "outre", "concernant",
        "malgré", "soit", "celle-ci", "celles-ci", "celui-ci", "ceux-ci", "cela", "ça", "ce",
        "c'est", "il", "elle", "ils", "elles", "on", "nous", "vous", "je", "tout", "tous",
        "toute", "toutes", "chacun", "chacune", "aucun", "aucune", "plusieurs", "certains",
        "certaines",
    )
)  # fmt: skip


def _head_word(phrase: str) -> str:
    """The first word of a phrase without its determiners, lower-cased ("la porte-parole"
    gives "porte-parole")."""
    rest = _FR_DET.sub("", phrase.strip())
    words = rest.split()
    return words[0].lower().strip(",.") if words else ""


def french_noun_phrase(
    phrase: str,
    at: int,
    sentence: str,
    candidates: list[Mention],
    people: dict[str, str],
    places: Sequence[Mention] = (),
) -> Speaker | None:
    """Who a noun phrase in speaker position names: a person or organisation mentioned in it
    (or in an apposition right after it: "la procureure adjointe, Anne-Laure Sandretto"), the
    phrase itself when it names a body ("le parquet de Rennes"), or a pointer back for a role
    or pronoun ("la porte-parole", "il", "ce dernier")."""
    phrase = phrase.strip()
    if not phrase:
        return None
    end = at + len(phrase)
    inside = [m for m in candidates if at <= m.start and m.end <= end + 1]
    apposition = re.match(r"\s*,\s*", sentence[end:])
    if apposition:
        after = end + apposition.end()
        inside += [m for m in candidates if m.start == after and m.label in ("PER", "PROPN")]
    head = _head_word(phrase)
    if not head or (head in _FR_FUNCTION and head not in _FR_PRONOUNS):
        return None
    if head in _FR_ROLES:
        # "le secrétaire général pour l'administration des Armées, Jean-Paul Bodin": the name
        # a role description leads to, before the clause ends.
        window = sentence[at : at + len(phrase) + 100]
        limit = re.search(r"[.;:«»\"“”]\s|\s(?:qui|a|ont|est)\s", window[len(phrase) :])
        reach = at + len(phrase) + (limit.start() if limit else len(window) - len(phrase))
        inside += [m for m in candidates if at <= m.start < reach and m.label == "PER"]
    persons = [m for m in inside if m.label == "PER" and could_claim(m, people)]
    if persons:
        return Speaker(classify(persons[0], people), f"speaker: {clean_name(persons[0].text)}")
    lowered = phrase.lower()
    if head in _FR_PRONOUNS and len(phrase.split()) == 1:
        pointed = _FR_PRONOUNS[head]
        if pointed is None:
            return None
        return Speaker(None, f"anaphor:{head}:{pointed}")
    if head in ("dernier", "dernière") or lowered.startswith(("ce dernier", "cette dernière")):
        return Speaker(None, "anaphor:il:Person")
    orgs = [m for m in inside if m.label in ("ORG", "PROPN") and could_claim(m, people)]
    if head in _FR_GROUP_ANAPHORS:
        if orgs:  # "les économistes de l'Institut Montaigne"
            return Speaker(classify(orgs[0], people), f"speaker: {clean_name(orgs[0].text)}")
        return Speaker(None, "anaphor:institution:Organization")
    stripped = _FR_DET.sub("", phrase)
    if head in ("source", "sources", "même"):
        if re.match(r"(?i)(?:cette|la\s+même|même|ces|les\s+mêmes)\b", phrase) or head == "même":
            return Speaker(None, "anaphor:source:")
        return Speaker(Claimant(stripped, "Organization"), f"source: {stripped}")
    if orgs and head not in _ORG_LIKE and head not in _FR_ROLES:
        claimant = classify(orgs[0], people)
        extra = stripped[len(claimant.name) :].split()
        if (
            stripped.startswith(claimant.name)
            and 0 < len(extra) <= 2
            and all(w.isalpha() and w.islower() for w in extra)
            and not any(w in _TIME_WORDS or w in _FR_FUNCTION for w in extra)
        ):
            # "L'Assurance maladie": the NER kept only "Assurance".
            claimant = Claimant(stripped, claimant.type)
        return Speaker(claimant, f"speaker: {claimant.name}")
    if head in _FR_ROLES:
        return Speaker(None, f"anaphor:{head}:Person")
    if head in _DOCUMENTS and not orgs:
        # "une étude publiée lundi": a new document, whose author the next sentence may name.
        new = _NEW_DOCUMENT.match(phrase) is not None
        bodies = [m for m in candidates if m.label == "ORG" and could_claim(m, people)]
        if new and bodies:
            # "Un rapport publié en juin montre que 23 des 32 membres de l'OTAN…": the body
            # the sentence names.
            return Speaker(classify(bodies[0], people), f"report by: {clean_name(bodies[0].text)}")
        return Speaker(None, f"{'forward' if new else 'anaphor'}:{head}:Organization")
    named = any(w[:1].isupper() for w in stripped.split())
    if head in ANAPHORS and len(stripped.split()) <= 2 and not named:
        return Speaker(None, f"anaphor:{head}:{ANAPHORS[head] or ''}")
    if head in _ORG_LIKE or head in _FR_SOURCE_HEADS or stripped[:1].isupper():
        if len(stripped.split()) > 9 or any(ch.isdigit() for ch in stripped):
            return None
        if (
            head in _KIND_NOUNS
            and stripped.lower() == head
            and re.match(r"(?i)(?:le|la|l['’])\s*\S", phrase)
        ):
            # "Le syndicat réclame", "dit-on au parquet": the body whose name holds the noun,
            # else the noun as written.
            return Speaker(None, f"anaphor:{head}:Organization:{stripped}")
        if (
            head not in _ORG_LIKE
            and stripped.lower() not in people
            and _only_places(stripped, at + phrase.find(stripped), places)
        ):
            return None  # "Moscou", "le Pays de Galles ou encore Israël": places
        if head in _NOT_NAMES or head in _TIME_WORDS:
            return None
        if head in _FR_COMPANY_WORDS and not any(
            w[:1].isupper() and w.lower() not in _FR_COMPANY_WORDS for w in stripped.split()
        ):
            # "l'avionneur", "le groupe": the body named before.
            return Speaker(None, f"anaphor:{head}:Organization")
        people_name = people.get(stripped.lower())
        if people_name:
            return Speaker(Claimant(people_name, "Person"), f"speaker: {people_name}")
        clause = _NAME_THEN_VERB.search(stripped)
        if clause:
            # "Le ministère du Logement conteste ces chiffres": the name, not the clause.
            name = stripped[: clause.end()]
            return Speaker(Claimant(name, "Organization"), f"speaker: {name}")
        # "France Inter", "Calédonie ensemble": a capitalised name the NER missed is a body
        # unless every word is capitalised and none names a body ("Vaughan Getting").
        guessed: ClaimantType = "Organization"
        if (
            len(stripped.split()) in (2, 3)
            and not orgs
            and all(w[:1].isupper() for w in stripped.split())
            and not any(w in _ORG_LIKE for w in stripped.lower().split())
        ):
            guessed = "Person"
        return Speaker(Claimant(stripped, guessed), f"speaker: {stripped}")
    return None


# A word and a determiner after a name: a verb and its object ("… conteste ces chiffres"),
# not the rest of the name ("… d'orientation des retraites", "… européenne de l'environnement").
_NAME_THEN_VERB = re.compile(
    r"[A-ZÀ-Þ][\w'’-]*(?=\s+(?!(?:de|du|des|et|à|au|aux|en|pour|sur|la|le|les)\s)[a-zà-ÿ]+\s+"
    r"(?:le|la|les|l['’]|un|une|des|ces|ce|cet|cette|son|sa|ses|leur|leurs|que|qu['’]))"
)


def _only_places(text: str, at: int, places: Sequence[Mention]) -> bool:
    """Whether ``text`` (at ``at`` in the sentence) is nothing but places tagged by the NER,
    with their articles and coordinators ("le Pays de Galles ou encore Israël")."""
    rest = list(text)
    blanked = False
    for place in places:
        for i in range(max(place.start - at, 0), min(place.end - at, len(text))):
            rest[i] = " "
            blanked = True
    left = re.sub(r"(?i)\b(?:le|la|les|l['’]|de|du|des|et|ou|encore|aussi)\b", " ", "".join(rest))
    return blanked and not left.strip(" ,")


def _np_after(sentence: str, start: int) -> tuple[str, int] | None:
    """The noun phrase starting at ``start`` (after any time or addressee filler)."""
    pos = start
    while True:
        filler = _FR_FILLER.match(sentence[pos:])
        if not filler or filler.end() == 0:
            break
        pos += filler.end()
    while pos < len(sentence) and sentence[pos] == " ":
        pos += 1
    rest = sentence[pos:]
    stop = _FR_NP_STOP.search(rest)
    phrase = rest[: stop.start()] if stop else rest
    phrase = phrase.rstrip()
    if not phrase or len(phrase.split()) > 12:
        return None
    return phrase, pos


_FR_CONJUNCTION = re.compile(
    r"^(?:(?:si|mais|et|or|ainsi|enfin|en\s+outre|par\s+ailleurs|de\s+son\s+côté)\s*,?\s+)+",
    re.IGNORECASE,
)


# What stands between a subject and its verb: "Le ministère n'a pas souhaité", "il s'est dit".
_CLITICS = re.compile(r"(?:\s+(?:ne|n['’]|se|s['’]|l['’]|y|en|lui|leur))+\s*$", re.IGNORECASE)


def _nps_before(sentence: str, verb_start: int) -> list[tuple[str, int]]:
    """Candidate subject noun phrases of a verb at ``verb_start``, nearest first: each
    comma-separated piece of the clause before it ("En Russie, la ville de Moscou, confrontée
    à…, a demandé" gives "confrontée à…", "la ville de Moscou", "En Russie")."""
    # Brackets are asides ("l'université de Berkeley (Etats-Unis)"), blanked to keep offsets.
    head = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), sentence[:verb_start])
    quote = max(head.rfind(ch) for ch in '«»"“”:;')
    found = []
    for piece in re.finditer(r"[^,()]+", head[quote + 1 :]):
        start = quote + 1 + piece.start()
        conjunction = _FR_CONJUNCTION.match(piece.group(0).lstrip())
        lead = len(piece.group(0)) - len(piece.group(0).lstrip())
        if conjunction:  # "mais Donald Trump a justifié…"
            lead += conjunction.end()
        phrase = _CLITICS.sub("", piece.group(0)[lead:].strip())
        if not phrase or len(phrase.split()) > 10:
            continue
        found.append((phrase, start + lead))
    return found[::-1]


_FR_LEARNED = re.compile(
    r"a-t-on\s+appris(?:\s+\w+){0,3}?\s+(?:de|d['’]|auprès\s+d(?:e|u|es|['’]))\s*",
    re.IGNORECASE,
)
_FR_POUR = re.compile(
    r"^(?:Mais\s+|Et\s+)?(?:Pour|D['’]après|Selon)\s+(?=(?:M\.|Mme|Me|Dr|Pr|le|la|les|l['’])?\s*\S)",
)


_FR_DOCUMENT_OF = re.compile(
    r"(?<![\w])(?:étude|rapport|enquête|sondage|note|évaluation|bilan|baromètre|rapports|études)"
    r"(?:\s+[a-zà-ÿ-]+){0,2}?\s+(?:de\s+la\s+|de\s+l['’]\s*|du\s+|des\s+|de\s+|d['’]\s*)"
    r"(?=[A-ZÀ-Þ])",
)
_FR_SELON = re.compile(
    r"(?<![\w])(?:selon|d['’]après)\s(?!(?:lui|elle|eux|elles|moi|nous|vous|laquelle|lequel|"
    r"lesquels|lesquelles|les\s+cas|les\s+pays|les\s+régions)\b)",
    re.IGNORECASE,
)
_FR_SUBJECT_STOP = re.compile(
    r"\s(?:qui|que|qu['’]|dont|a|ont|est|sont|était|avait|avaient|aurait|va|vont|doit|"
    r"peut|ne|se|y|recommande|préconise|prévoit)(?=[\s'’]|$)|\s(?:n|s|qu)['’]|[,;:(«\"]",
    re.IGNORECASE,
)


_OPENING_STOP = re.compile(
    r"\s(?:a|ont|est|sont|avait|avaient|était|sera|va|doit|ne|se|qui|que)\s|\s[nsl]['’]|[;:«»\"“”]",
    re.IGNORECASE,
)


def opening_subject(
    sentence: str, mentions: list[Mention], people: dict[str, str]
) -> Claimant | None:
    """The person (else the body) a French sentence opens on as its subject, named before its
    verb ("Le maire de Lyon, Grégory Doucet, s'est rendu…", "Le ministère du Logement
    conteste…"); None when it opens on a preposition ("Après le refus de Mme Merkel, il…") or
    on no name. "Il" in the next sentence may be that person or body, claimant or not."""
    lead = _FR_CONJUNCTION.match(sentence)
    at = lead.end() if lead else 0
    first = sentence[at:].split(maxsplit=1)
    if not first or first[0].lower().strip(",") in _FR_FUNCTION:
        return None
    stop = _OPENING_STOP.search(sentence, at)
    end = stop.start() if stop else len(sentence)
    opening = [
        m
        for m in (retag(m, sentence) for m in mentions if at <= m.start and m.end <= end)
        if could_claim(m, people)
    ]
    persons = [m for m in opening if m.label == "PER"]
    bodies = [m for m in opening if m.label == "ORG"]
    chosen = persons or bodies
    return classify(chosen[0], people) if chosen else None


def _organisation_subject(
    sentence: str, candidates: list[Mention], people: dict[str, str], places: Sequence[Mention]
) -> Speaker | None:
    """A sentence that opens on a body as its subject ("La région de Madrid, épicentre…,
    s'apprête à…", "Si le ministère des Armées a réussi…"): that body speaks for its acts."""
    lead = _FR_CONJUNCTION.match(sentence)
    at = lead.end() if lead else 0
    rest = sentence[at:]
    stop = _FR_SUBJECT_STOP.search(rest)
    phrase = rest[: stop.start()] if stop else rest
    head = _head_word(phrase)
    if not re.match(r"(?i)(?:l['’]|le\s|la\s|les\s)", phrase) or head not in _ORG_LIKE:
        return None
    if head in _FR_COMPANY_WORDS or len(phrase.split()) > 8:
        return None
    speaker = french_noun_phrase(phrase, at, sentence, candidates, people, places)
    return speaker if speaker and speaker.claimant else None


def french_claimant(
    sentence: str,
    candidates: list[Mention],
    people: dict[str, str],
    places: Sequence[Mention] = (),
) -> tuple[Claimant | None, str | None] | None:
    """The speaker of a French sentence's attribution, or None to fall back to the shared rules.
    Returns (None, "anaphor:...") for a speaker that points back. An attribution closing the
    sentence ("…, selon cette source policière") is the outer one and wins over a verb before
    it; the author of a study named in the sentence wins over the outlet that reports it."""
    document = _FR_DOCUMENT_OF.search(sentence)
    if document:
        found = _np_after(sentence, document.end())
        if found:
            speaker = french_noun_phrase(found[0], found[1], sentence, candidates, people, places)
            if speaker and speaker.claimant and speaker.claimant.type == "Organization":
                return speaker.claimant, f"author of the {document.group(0).split()[0]}"
    selon = [m.start() for m in _FR_SELON.finditer(sentence)]
    verbs = list(FR_SPEECH.finditer(sentence))
    if selon and not any(v.start() > selon[-1] for v in verbs):
        return None  # the shared "selon" rules read it
    learned = _FR_LEARNED.search(sentence)
    if learned:
        found = _np_after(sentence, learned.end())
        if found:
            phrase = found[0]
            if re.match(r"(?i)sources?\b", phrase):
                return Claimant(phrase, "Organization"), f"source: {phrase}"
            speaker = french_noun_phrase(found[0], found[1], sentence, candidates, people, places)
            if speaker:
                return speaker.claimant, speaker.reason
    pour = _FR_POUR.match(sentence)
    if pour:
        found = _np_after(sentence, pour.end())
        if found:
            speaker = french_noun_phrase(found[0], found[1], sentence, candidates, people, places)
            if speaker:
                return speaker.claimant, speaker.reason
    for verb in verbs:
        text = verb.group(0).lower()
        pronoun = re.search(r"-(?:t-)?(il|elle|ils|elles|on)\b", text)
        if pronoun:
            if pronoun.group(1) == "on":
                continue
            kind = _FR_PRONOUNS[pronoun.group(1)]
            return None, f"anaphor:{pronoun.group(1)}:{kind or ''}"
        before = sentence[max(0, verb.start() - 3) : verb.start()]
        postposed = bool(re.search(r"[,»”\"]\s*$", before)) and not re.match(
            r"\s*(?:que|qu['’]|:)", sentence[verb.end() :], re.IGNORECASE
        )
        if postposed:
            found = _np_after(sentence, verb.end())
            if found:
                speaker = french_noun_phrase(
                    found[0], found[1], sentence, candidates, people, places
                )
                if speaker:
                    return speaker.claimant, speaker.reason
        pieces = _nps_before(sentence, verb.start())
        for number, (phrase, at) in enumerate(pieces):
            speaker = french_noun_phrase(phrase, at, sentence, candidates, people, places)
            if not speaker:
                continue
            if speaker.claimant is None and speaker.reason.endswith(":Person"):
                # "Thierry Baril, le directeur des ressources humaines d'Airbus, a annoncé".
                for earlier, earlier_at in pieces[number + 1 : number + 2]:
                    named = french_noun_phrase(
                        earlier, earlier_at, sentence, candidates, people, places
                    )
                    if named and named.claimant and named.claimant.type == "Person":
                        return named.claimant, named.reason
            return speaker.claimant, speaker.reason
        # A verb with its subject after it ("estime l'Imperial College de Londres").
        found = _np_after(sentence, verb.end())
        if found and not re.match(r"(?i)(?:que|qu['’]|à|de|d['’])\b", found[0]):
            speaker = french_noun_phrase(found[0], found[1], sentence, candidates, people, places)
            opening = _FR_DET.sub("", found[0])
            if speaker and speaker.claimant and opening.startswith(speaker.claimant.name):
                return speaker.claimant, speaker.reason
    if not verbs and not selon:
        body = _organisation_subject(sentence, candidates, people, places)
        if body:
            return body.claimant, f"subject: {body.reason.split(': ', 1)[-1]}"
    return None
