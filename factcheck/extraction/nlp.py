"""spaCy pipelines, loaded once per process.

French: ``fr_core_news_sm`` with only its tokenizer and NER (the NER has its own tok2vec, so the
shared tok2vec, morphologizer, parser, attribute ruler and lemmatizer are excluded: sentences are
cut by ``segment`` and no other annotation is used). English: no official English pipeline is on
PyPI, so ``spacy.blank("en")`` gives tokens only and claimants come from capitalised spans.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy itself is imported by the first load (≈ 80 MB of modules): the app and the commands
# that never extract (an export, audit verify) do not carry it.

FR_MODEL = "fr_core_news_sm"
FR_EXCLUDE = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer")


@cache
def load(language: str) -> Language:
    """Return the cached spaCy pipeline for ``language`` ("fr" or "en")."""
    import spacy

    if language == "fr":
        return spacy.load(FR_MODEL, exclude=list(FR_EXCLUDE))
    return spacy.blank(language)


# The part-of-speech tagger of the French pipeline (tok2vec + morphologizer), for telling a
# clause from a bare word or noun phrase when a user adds a claim by hand. Loaded on first use.
FR_TAGGER_EXCLUDE = ("parser", "lemmatizer", "ner")


@cache
def tagger(language: str) -> Language | None:
    """The cached spaCy pipeline that tags parts of speech in ``language``, if one ships."""
    import spacy

    if language == "fr":
        return spacy.load(FR_MODEL, exclude=list(FR_TAGGER_EXCLUDE))
    return None
