"""Rules with one home: every user of a rule gets it from the same place, so they agree."""

from __future__ import annotations

import pytest
from wtforms.validators import Length

from factcheck import languages, validation
from factcheck.articles.parsing import parse_article
from factcheck.claims import queries
from factcheck.domain import ValidationError
from factcheck.extraction import ExtractionError, extract
from factcheck.models import Article, Claim, Source
from factcheck.ratings.services import MAX_LANGUAGE_LENGTH, clean_language

TAGS = [
    ("fr", True),
    ("en-GB", True),
    ("zh-Hant-TW", True),
    ("de-CH-1996", True),
    ("en-x-a", True),
    ("français", False),
    ("e", False),
    ("english", False),
    ("en_", False),
    ("en--gb", False),
]


@pytest.mark.parametrize(("tag", "valid"), TAGS)
def test_every_reader_of_a_language_tag_agrees(tag, valid):
    """Rating scales (which lower-case it) and ClaimReview building and checking."""
    from factcheck.publishing.jsonld.validate import LANGUAGE_TAG

    assert languages.is_language_tag(tag) is valid
    assert (LANGUAGE_TAG.match(tag) is not None) is valid
    if valid and len(tag) <= MAX_LANGUAGE_LENGTH:
        assert clean_language(tag) == tag.lower()
    elif valid:  # a valid tag longer than the scales' column holds
        with pytest.raises(ValidationError, match="language is too long"):
            clean_language(tag)
    else:
        with pytest.raises(ValidationError, match="language"):
            clean_language(tag)


def test_the_supported_languages_are_the_same_everywhere():
    import factcheck.extraction as extraction
    from factcheck.articles import parsing
    from factcheck.outlets import feeds, services

    assert extraction.SUPPORTED_LANGUAGES is languages.SUPPORTED_LANGUAGES
    assert parsing.SUPPORTED_LANGUAGES is languages.SUPPORTED_LANGUAGES
    assert feeds.SUPPORTED_LANGUAGES is languages.SUPPORTED_LANGUAGES
    assert ("auto", *languages.SUPPORTED_LANGUAGES) == services.LANGUAGES
    with pytest.raises(ExtractionError, match="en, fr"):
        extract("Le chômage a baissé de 3 % en 2023.", "de")
    with pytest.raises(ValidationError, match="supported: fr, en"):
        parse_article("Der Text ist deutsch und lang genug.", language="de")


def _max_length(field) -> int:
    return next(v.max for v in field.kwargs.get("validators", ()) if isinstance(v, Length))


def test_columns_and_forms_share_the_text_lengths():
    from factcheck.articles.forms import AddArticleForm
    from factcheck.claims.forms import ClaimForm
    from factcheck.review.forms import SourceForm

    assert Article.__table__.c.title.type.length == validation.MAX_TITLE_LENGTH
    assert Article.__table__.c.publisher.type.length == validation.MAX_PUBLISHER_LENGTH
    assert Source.__table__.c.title.type.length == validation.MAX_TITLE_LENGTH
    assert _max_length(SourceForm.title) == validation.MAX_TITLE_LENGTH
    assert _max_length(SourceForm.publisher) == validation.MAX_PUBLISHER_LENGTH
    assert _max_length(SourceForm.excerpt) == validation.MAX_EXCERPT_LENGTH
    assert _max_length(AddArticleForm.publisher) == validation.MAX_PUBLISHER_LENGTH
    assert Claim.__table__.c.claim_reviewed.type.length == validation.MAX_CLAIM_REVIEWED_LENGTH
    assert _max_length(ClaimForm.claim_reviewed) == validation.MAX_CLAIM_REVIEWED_LENGTH
    assert Claim.__table__.c.appearance_headline.type.length == validation.MAX_TITLE_LENGTH
    assert _max_length(ClaimForm.appearance_headline) == validation.MAX_TITLE_LENGTH


def test_the_queue_default_is_the_take_next_order():
    _label, keys = queries.SORTS[queries.DEFAULT_SORT]
    assert keys is queries.TAKE_NEXT_ORDER
    assert [str(term) for term in queries.order_by(keys)] == [
        "claims.priority DESC",
        "claims.score DESC NULLS LAST",
        "claims.created_at ASC",
        "claims.id ASC",
    ]


def test_the_claim_reviewed_guide_has_one_home():
    from factcheck.models.claim import CLAIM_REVIEWED_RECOMMENDED_LENGTH
    from factcheck.publishing.jsonld import validate

    assert validate.MAX_CLAIM_LENGTH == CLAIM_REVIEWED_RECOMMENDED_LENGTH == 75
