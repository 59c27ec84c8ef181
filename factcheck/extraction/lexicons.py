"""Cue lexicons, one table per language, with the same cue names in every language.

Each cue is a regular expression searched in a sentence (case-insensitive). The same cue names
are used for French and English so that the learned weights (fitted on English debate data) carry
over to French through the cues. ``CUE_LABELS`` gives the words shown in ``Candidate.reasons``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Calendar words, once for every module that must tell a date from a name or a count.
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS_EN = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
MONTHS = frozenset(MONTHS_FR + MONTHS_EN)
DAYS = frozenset(
    (
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    )
)  # fmt: skip
RELATIVE_DAYS = frozenset(
    ("today", "yesterday", "tomorrow", "tonight", "aujourd'hui", "hier", "demain")
)

_APOS = "['’]"
_DIGITS = r"\d[\d\s\u00a0\u202f.,]*(?:[^\W\d_]+)?|"


def _words(*alternatives: str) -> str:
    """Any of ``alternatives`` as whole words. When every alternative starts with a plain
    letter, a look-ahead for those letters comes first: the search then skips, in C, the
    positions where no alternative can start (the same matches, a quarter faster)."""
    body = "|".join(alternatives)
    starts = _first_letters(body)
    lead = f"(?=[{re.escape(''.join(sorted(starts)))}])" if starts else ""
    return lead + r"(?<![\w])(?:" + body + r")(?![\w])"


def _first_letters(alternation: str) -> set[str] | None:
    """The first letters of the top-level alternatives of ``alternation``, or ``None`` when
    one of them does not start with a letter that must be there (a group, a class, an escape,
    a letter made optional or repeated by what follows it)."""
    firsts: set[str] = set()
    depth, start, escaped = 0, 0, False
    for index, char in enumerate(alternation + "|"):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            alternative = alternation[start:index]
            if (
                not alternative
                or not alternative[0].isalpha()
                or alternative[1:2] in ("?", "*", "{")
            ):
                return None
            firsts.add(alternative[0])
            start = index + 1
    return firsts


# Cue name -> (French pattern, English pattern). Patterns are written for the lower-cased text.
_CUES: dict[str, tuple[str, str]] = {
    "attribution": (
        _words(
            r"(?:a|ont|avait|avaient|aurait)\s+(?:(?:également|aussi|encore|déjà|notamment|ainsi)\s+)?"
            r"(?:déclaré|affirmé|estimé|indiqué|annoncé|dit|mentionné|souligné|précisé|expliqué|"
            r"assuré|rappelé|ajouté|averti|reconnu|confirmé|dénoncé|accusé|évoqué|révélé|"
            r"montré|signalé|démenti|admis|répondu|poursuivi|martelé|insisté|"
            r"soutenu|jugé|constaté|noté|relevé|calculé|chiffré|recensé|publié)",
            r"déclare|affirme|estime|estiment|indique|annonce|montre|montrent|révèle|révèlent|"
            r"souligne|précise|explique|assure|rappelle|ajoute|avertit|reconnaît|confirme|"
            r"dénonce|accuse|signale|dément|constate|note|relève|chiffre|recense|"
            r"déclarant|affirmant|estimant|soulignant|a-t-il dit|a-t-elle dit|a-t-il déclaré|"
            r"a-t-elle déclaré|a-t-il ajouté|a-t-elle ajouté|avoir déclaré|avoir affirmé",
        ),
        _words(
            r"said|says|say|stated|states|claimed|claims|claim|estimated|estimates|estimate|"
            r"reported|reports|announced|announces|told|tells|warned|warns|testified|admitted|"
            r"acknowledged|confirmed|revealed|reveals|found|finds|showed|shows|show|noted|notes|"
            r"declared|declares|insisted|argued|argues|voted|vote|votes|wrote|writes|"
            r"denied|denies|accused|accuses"
        ),
    ),
    "according_to": (
        _words(r"selon|d" + _APOS + r"après|de source|cité par|citant"),
        _words(r"according to|quoted by|citing|cited by|as reported by"),
    ),
    "report": (
        _words(
            r"rapport|rapports|étude|études|enquête|enquêtes|sondage|sondages|données|"
            r"statistiques|chiffres|recensement|bilan|analyse|baromètre|classement|"
            r"document|documents|publié|publiée|publiés|publiées"
        ),
        _words(
            r"report|reports|study|studies|survey|surveys|poll|polls|data|statistics|figures|"
            r"census|analysis|research|record|records|published|findings|estimates|audit"
        ),
    ),
    "number": (
        _DIGITS + _words(r"mille|millions?|milliards?|centaines?|milliers?|dizaines?|"
        r"deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|"
        r"quarante|cinquante|soixante|cent|cents|moitié|tiers|quart|double|triple"),
        _DIGITS + _words(r"hundreds?|thousands?|millions?|billions?|trillions?|"
        r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
        r"forty|fifty|sixty|seventy|eighty|ninety|half|third|quarter|twice|double|triple|"
        r"dozens?"),
    ),
    "percent": (r"%|" + _words(r"pour ?cent|pourcent|points? de pourcentage"),
                r"%|" + _words(r"percent|per cent|percentage|points?")),
    "money": (
        r"[€$£]|" + _words(r"euros?|dollars?|livres sterling|francs?|budget|pib|milliard de|"
        r"dépenses?|impôts?|taxes?|salaires?|dette|déficit"),
        r"[€$£]|" + _words(r"dollars?|euros?|pounds?|budget|gdp|taxes?|tax|deficit|debt|"
        r"spending|spend|spent|wages?|salary|salaries|cost|costs|paid|pay|income"),
    ),
    "scale": (_words(r"millions?|milliards?|billions?|mille|milliers?"),
              _words(r"millions?|billions?|trillions?|thousands?")),
    "year_date": (
        r"(?<!\d)(?:19|20)\d\d(?!\d)|" + _words(r"janvier|février|mars|avril|mai|juin|juillet|"
        r"août|septembre|octobre|novembre|décembre|l" + _APOS + r"an dernier|l" + _APOS +
        r"année dernière|depuis|en \d{4}"),
        r"(?<!\d)(?:19|20)\d\d(?!\d)|" + _words(r"january|february|march|april|june|july|"
        r"august|september|october|november|december|last year|since|ago|years? ago"),
    ),
    "part_of": (r"\d+\s+(?:des|de|sur)\s+(?:ses\s+|leurs\s+|nos\s+)?\d+",
                r"\d+\s+(?:of|out of)\s+(?:the\s+|its\s+|our\s+)?\d+"),
    "change": (
        _words(r"hausse|baisse|augment\w*|diminu\w*|doubl\w*|tripl\w*|recul\w*|progress\w*|"
        r"chute|chuté|grimpé|bondi|réduit|réduction|plus de|moins de|davantage|"
        r"atteint|atteignent|atteindre|dépass\w*|record"),
        _words(r"increase\w*|decrease\w*|rais\w*|cut|cuts|doubled|tripled|grew|grown|rose|"
        r"risen|fell|fallen|dropped|declin\w*|reduc\w*|more than|less than|fewer|higher|"
        r"lower|record|most|least|largest|biggest|highest|lowest|reached|exceed\w*|lost|"
        r"created|added"),
    ),
    "first_person_singular": (_words(r"je|j" + _APOS + r"|moi|mon|ma|mes"),
                              _words(r"i|i'm|i've|i'd|i'll|me|my|mine|myself")),
    "first_person_plural": (_words(r"nous|notre|nos|on"),
                            _words(r"we|we're|we've|we'd|we'll|us|our|ours|ourselves")),
    "second_person": (_words(r"vous|votre|vos|tu|ton|ta|tes"),
                      _words(r"you|you're|you've|your|yours")),
    "obligation": (
        _words(r"devons|doit|doivent|devez|devrons|devrez|devront|faut|faudra|faudrait|"
        r"il est temps|nécessaire|impératif"),
        _words(r"must|should|need to|needs to|have to|has to|ought|got to|gotta|it's time"),
    ),
    "conditional": (
        _words(r"pourrait|pourraient|devrait|devraient|serait|seraient|aurait pu|"
        r"peut-être|probablement|éventuellement|sans doute"),
        _words(r"would|could|might|may|maybe|perhaps|probably|possibly"),
    ),
    "future": (
        _words(r"sera|seront|serons|allons|va|vont|devrons|pourrons|ferons|aurons|prédit|"
        r"prédisent|prévoit que|prévoient que|promet|promis|"
        r"demain|à l" + _APOS + r"avenir"),
        _words(r"will|won't|going to|gonna|we'll|i'll|they'll|tomorrow|future|predicted|"
        r"predicts|predict|promised|promises|promise"),
    ),
    "hope_fear": (
        _words(r"espère|espérons|espèrent|souhaite|souhaitons|souhaitent|hâte|crains|"
        r"craindre|craint|craignent|crainte|craintes|rêve|inquiète|inquiétude|peur|"
        r"voulons|veux|voulez|voudrais|voudrions|aimerions|aimerais"),
        _words(r"hope|hopes|hoping|wish|wishes|fear|fears|afraid|worried|dream|look forward|"
        r"i want|we want|want to|wants to"),
    ),
    "belief": (
        _words(r"je pense|je crois|nous pensons|nous croyons|à mon avis|selon moi|"
        r"j" + _APOS + r"estime|je suis convaincu|il me semble|je trouve"),
        _words(r"i think|i believe|we believe|we think|i feel|in my opinion|i'm convinced|"
        r"i am convinced|it seems|i guess|i suppose"),
    ),
    "call_to_action": (
        r"^[«\"\s]*(?:ne\s+|n" + _APOS + r")?[a-zéèêàç]+ons\b(?!\s+(?:que|qu))|"
        + _words(r"travaillons|agissons|soyons|allons-y|ensemble|appel\w* à"),
        r"^[\"\s]*(?:let's|let us|don't|do not|join|imagine|think about|look at|"
        r"vote for|stop)\b|" + _words(r"together|let's|let us"),
    ),
    "question": (r"\?", r"\?"),
    "courtesy": (_words(r"merci|bonjour|bonsoir|bienvenue|félicit\w*"),
                 _words(r"thank you|thanks|thank|good evening|good morning|welcome|"
                 r"congratulations|applause|laughter|crosstalk")),
}  # fmt: skip

CUE_NAMES: tuple[str, ...] = tuple(_CUES)

CUE_LABELS: dict[str, str] = {
    "attribution": "attribution verb",
    "according_to": "source cited",
    "report": "report/study cited",
    "number": "number",
    "percent": "percentage",
    "money": "money/budget term",
    "scale": "large-number scale word",
    "year_date": "date or year",
    "part_of": "part of a whole",
    "change": "comparison/change",
    "first_person_singular": "first person (I)",
    "first_person_plural": "first person (we)",
    "second_person": "second person",
    "obligation": "opinion marker (obligation)",
    "conditional": "hedge/conditional",
    "future": "prediction/future",
    "hope_fear": "hope/fear marker",
    "belief": "belief marker",
    "call_to_action": "call to action",
    "question": "question",
    "courtesy": "courtesy/stage words",
}


@dataclass(frozen=True)
class Lexicon:
    """The compiled cue patterns for one language."""

    language: str
    patterns: dict[str, re.Pattern[str]]

    def find(self, text: str) -> dict[str, str]:
        """Return {cue name: first matched text} for every cue that fires in ``text``."""
        lowered = text.lower()
        hits: dict[str, str] = {}
        for name, pattern in self.patterns.items():
            match = pattern.search(lowered)
            if match:
                hits[name] = text[match.start() : match.end()].strip() or match.group(0)
        return hits


def _compile(index: int, language: str) -> Lexicon:
    return Lexicon(
        language=language,
        patterns={name: re.compile(pair[index]) for name, pair in _CUES.items()},
    )


LEXICONS: dict[str, Lexicon] = {"fr": _compile(0, "fr"), "en": _compile(1, "en")}
