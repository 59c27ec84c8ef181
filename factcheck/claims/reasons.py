"""Extraction's ``reasons`` in the interface's language, for the pages that show them.

A claim keeps its reasons as extraction wrote them, in English (``"attribution verb: a
déclaré"``, ``"claimant subject of: said"``): they are data, exported and compared by the
evaluation. :func:`shown` says one of them in the reader's language at display time: the label
before the colon is translated, the words quoted from the article after it are kept as they
are. A reason it does not know is shown unchanged.
"""

from __future__ import annotations

import re

from flask_babel import gettext

from factcheck.languages import N_

# Every label extraction writes (lexicons.CUE_LABELS, pipeline._REASON_LABELS, the claimant
# finder's reasons), in English as stored.
LABELS = frozenset(
    {
        N_("attribution verb"),
        N_("source cited"),
        N_("report/study cited"),
        N_("number"),
        N_("percentage"),
        N_("money/budget term"),
        N_("large-number scale word"),
        N_("date or year"),
        N_("part of a whole"),
        N_("comparison/change"),
        N_("first person (I)"),
        N_("first person (we)"),
        N_("second person"),
        N_("opinion marker (obligation)"),
        N_("hedge/conditional"),
        N_("prediction/future"),
        N_("hope/fear marker"),
        N_("belief marker"),
        N_("call to action"),
        N_("question"),
        N_("courtesy/stage words"),
        N_("opinion marker"),
        N_("prediction marker"),
        N_("hedge"),
        N_("source"),
        N_("subject of"),
        N_("speaker of"),
        N_("report by"),
        N_("speaker after the quotation"),
        N_("added by hand"),  # a claim a person selected in the article (claims.services)
    }
)

_CONTINUES = re.compile(r"^continues the attribution to (?P<name>.+)$", re.DOTALL)


def _label(reason: str) -> str:
    if reason in LABELS:
        return gettext(reason)
    continues = _CONTINUES.match(reason)
    if continues:
        return gettext("continues the attribution to %(name)s", name=continues["name"])
    head, colon, tail = reason.partition(": ")
    if colon and head in LABELS:
        return gettext("%(cue)s: %(text)s", cue=gettext(head), text=tail)
    return reason


def shown(reason: str) -> str:
    """One stored reason as the reader's language says it."""
    if reason.startswith("claimant "):
        return gettext("claimant %(reason)s", reason=_label(reason[len("claimant ") :]))
    return _label(reason)
