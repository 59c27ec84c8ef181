"""Why an earlier fact-check matched, in the interface's language, for the desk that shows it.

The matcher writes its reasons in English (``"shared words: 87% of the claim's information"``,
``"same numbers: 10000, 2024"``, ``"same names: Rutte"``, ``"similar meaning (0.73)"``): they are
data, kept with the match and returned by the API. :func:`shown` says one in the reader's
language at display time; a reason it does not know is shown unchanged.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from factcheck.i18n import format_decimal, format_percent

_SHARED = re.compile(r"^shared words: (?P<pct>\d+)% of the claim's information$")
_SAME = re.compile(r"^same (?P<kind>numbers|names): (?P<items>.+)$", re.DOTALL)
_MEANING = re.compile(r"^similar meaning \((?P<cos>-?\d+(?:\.\d+)?)\)$")


def shown(reason: str) -> str:
    """One stored reason as the reader's language says it."""
    if reason == "shared words":
        return gettext("shared words")
    if found := _SHARED.match(reason):
        share = format_percent(int(found["pct"]) / 100)
        return gettext("shared words: %(share)s of the claim’s information", share=share)
    if found := _SAME.match(reason):
        if found["kind"] == "numbers":
            return gettext("same numbers: %(items)s", items=found["items"])
        return gettext("same names: %(items)s", items=found["items"])
    if found := _MEANING.match(reason):
        cosine = format_decimal(float(found["cos"]), "0.00")
        return gettext("similar meaning (%(cosine)s)", cosine=cosine)
    return reason
