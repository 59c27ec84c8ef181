"""Turn raw article text into title, byline, headline, language and a clean body.

The body is what claim offsets point into, so it is produced once, here, and stored verbatim.
Plain text articles arrive as blocks separated by blank lines: a title line, optionally a byline
(a short name) and a headline, then the paragraphs, often followed by scraped page furniture
(comment prompts, share buttons, captchas), which is dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import py3langid

from factcheck.domain import ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import SUPPORTED_LANGUAGES
from factcheck.validation import MAX_TITLE_LENGTH

MAX_ARTICLE_CHARS = 500_000

# Page furniture: whole lines that are never article text.
_FURNITURE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^(laisser|laissez|poster|ajouter) un commentaire\.?$",
        r"^(leave|post|add) a (comment|reply)\.?$",
        r"^(partager|share)( (sur|on) \w+| this( article)?)?\s*:?$",
        r"^(lire aussi|read more|related articles?|articles? similaires?)\s*:?$",
        r"^(s'abonner|subscribe)( à la newsletter| to our newsletter)?\.?$",
        r"^(publicité|advertisement)$",
        # captchas such as "vingt + dix =" or "3 × 4 = ?"
        r"^[\w\u00c0-\u017f]+\s*[-+×x*/÷]\s*[\w\u00c0-\u017f]+\s*=\s*\??$",
    )
]
_BYLINE_WORD = re.compile(r"^[A-ZÀ-Ý][\w'’.-]+$")


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    byline: str | None
    headline: str | None
    body: str
    language: str
    raw: str

    @property
    def content_hash(self) -> str:
        return content_hash(self.body)


def content_hash(body: str) -> str:
    """SHA-256 of the cleaned body: the same article twice is the same hash."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def is_furniture(line: str) -> bool:
    text = line.strip()
    return any(p.match(text) for p in _FURNITURE)


def _looks_like_byline(block: str) -> bool:
    words = block.replace("Par ", "").replace("By ", "").split()
    return (
        "\n" not in block
        and 1 < len(words) <= 5
        and not block.rstrip().endswith((".", "!", "?", ":"))
        and all(
            _BYLINE_WORD.match(w) or w.lower() in {"de", "van", "von", "et", "and", "le", "la"}
            for w in words
        )
    )


def _looks_like_headline(block: str) -> bool:
    return "\n" not in block and len(block) <= 300 and not block.rstrip().endswith((".", "!"))


def _ends_sentence(block: str) -> bool:
    return block.rstrip().endswith((".", "!", "?", "»", '"', "”", "…"))


def detect_language(text: str) -> str:
    lang, _score = py3langid.classify(text[:20_000])
    return str(lang)


def decode_text(data: bytes, *, name: str = "the file") -> str:
    """Decode UTF-8 text, refusing binary data with a message that says so."""
    if b"\x00" in data[:8192]:
        raise ValidationError(_l("%(name)s is binary, not text", name=name), field="file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _l(
                "%(name)s is not UTF-8 text (bad byte at position %(start)s)",
                name=name,
                start=exc.start,
            ),
            field="file",
        ) from None


def _check_raw(raw: str) -> None:
    if len(raw) > MAX_ARTICLE_CHARS:
        raise ValidationError(
            _l(
                "article is too long (%(count)s characters; the limit is %(max_article_chars)s)",
                count=f"{len(raw):,}",
                max_article_chars=f"{MAX_ARTICLE_CHARS:,}",
            ),
            field="text",
        )
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in raw):
        raise ValidationError(
            _l("article contains control characters (binary data?)"), field="text"
        )


def clean_blocks(text: str) -> list[str]:
    """Blank-line separated blocks of ``text``, NFC-normalised, with page furniture removed."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks = [
        "\n".join(line.rstrip() for line in b.split("\n") if not is_furniture(line)).strip()
        for b in blocks
    ]
    return [b for b in blocks if b]


def parse_article(raw: str, *, language: str | None = None) -> ParsedArticle:
    """Split ``raw`` plain text into title, byline, headline and body; refuse unusable articles."""
    _check_raw(raw)
    blocks = clean_blocks(raw)
    if not blocks:
        raise ValidationError(_l("article is empty"), field="text")
    if len(blocks) == 1 and _looks_like_headline(blocks[0]) and not _ends_sentence(blocks[0]):
        raise ValidationError(_l("article has a title but no body text"), field="text")

    title = blocks.pop(0) if len(blocks) > 1 and "\n" not in blocks[0] else blocks[0][:200]
    byline = blocks.pop(0) if len(blocks) > 1 and _looks_like_byline(blocks[0]) else None
    headline = blocks.pop(0) if len(blocks) > 1 and _looks_like_headline(blocks[0]) else None
    return _finish(title, byline, headline, blocks, raw, language)


def parse_parts(
    *, title: str | None, byline: str | None, body: str, raw: str, language: str | None = None
) -> ParsedArticle:
    """Build an article whose title and byline are already known (HTML metadata, a form)."""
    _check_raw(raw)
    blocks = clean_blocks(body)
    if not blocks:
        raise ValidationError(_l("article is empty"), field="text")
    if not title:
        title = blocks.pop(0) if len(blocks) > 1 else blocks[0][:200]
    elif len(blocks) > 1 and blocks[0].strip() == title.strip():
        blocks.pop(0)  # pages repeat their title as the first heading
    return _finish(title.strip(), (byline or "").strip() or None, None, blocks, raw, language)


def _finish(
    title: str,
    byline: str | None,
    headline: str | None,
    blocks: list[str],
    raw: str,
    language: str | None,
) -> ParsedArticle:
    body = "\n\n".join(blocks)
    if not body.strip():
        raise ValidationError(_l("article has a title but no body text"), field="text")
    lang = language or detect_language(body)
    if lang not in SUPPORTED_LANGUAGES:
        raise ValidationError(
            _l(
                "article language %(lang)s is not supported (supported: %(supported_languages)s)",
                lang=repr(lang),
                supported_languages=", ".join(SUPPORTED_LANGUAGES),
            ),
            field="language",
        )
    return ParsedArticle(
        title=title[:MAX_TITLE_LENGTH],
        byline=byline[:300] if byline else None,
        headline=headline,
        body=body,
        language=lang,
        raw=raw,
    )
