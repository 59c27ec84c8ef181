"""Reading articles from what people hand us: text, Markdown or HTML files, and web pages.

Web pages go through trafilatura, which finds the main text and drops navigation, comments and
other furniture; Markdown is rendered by markdown-it and read back as blocks of text.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path, PurePath

import trafilatura
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from factcheck.articles.parsing import ParsedArticle, decode_text, parse_article, parse_parts
from factcheck.domain import ValidationError
from factcheck.fetching import HTML_TYPES, FetchPolicy, fetch
from factcheck.i18n import lazy_gettext as _l

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # uploads, files and fetched pages
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES
MIN_PAGE_WORDS = 5  # fewer words than this is a menu or an error page, not an article
_BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre")


def read_local(source: str) -> bytes:
    """The bytes of the file ``source``, or of standard input for ``-``, at most
    ``MAX_DOCUMENT_BYTES`` (read no further than that from a pipe)."""
    if source == "-":
        where, data = "standard input", sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise ValidationError(_l("%(source)s: no such file", source=source))
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                _l(
                    "%(source)s is too large (%(size)s bytes; the limit is %(max_document_bytes)s)",
                    source=source,
                    size=f"{size:,}",
                    max_document_bytes=f"{MAX_DOCUMENT_BYTES:,}",
                )
            )
        where, data = source, path.read_bytes()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _l(
                "%(where)s is larger than %(max_document_bytes)s bytes",
                where=where,
                max_document_bytes=f"{MAX_DOCUMENT_BYTES:,}",
            )
        )
    return data


def read_document(data: bytes, filename: str, *, language: str | None = None) -> ParsedArticle:
    """Parse an uploaded or local file, choosing the reader by its extension."""
    name = PurePath(filename).name or "the file"
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _l(
                "%(name)s is too large (%(count)s bytes; the limit is %(max_document_bytes)s)",
                name=name,
                count=f"{len(data):,}",
                max_document_bytes=f"{MAX_DOCUMENT_BYTES:,}",
            ),
            field="file",
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            _l(
                "%(name)s: unsupported file type %(suffix)s (use .txt, .md or .html)",
                name=name,
                suffix=suffix,
            ),
            field="file",
        )
    text = decode_text(data, name=name)
    if suffix in HTML_SUFFIXES:
        return parse_html(text, language=language)
    if suffix in MARKDOWN_SUFFIXES:
        return parse_markdown(text, language=language)
    return parse_article(text, language=language)


def parse_markdown(text: str, *, language: str | None = None) -> ParsedArticle:
    """Markdown → blocks of plain text; a leading ``# heading`` becomes the title."""
    rendered = MarkdownIt("commonmark").render(text)
    blocks = _html_blocks(rendered)
    if not blocks:
        raise ValidationError(_l("article is empty"), field="text")
    if len(blocks) == 1:
        return parse_parts(title=None, byline=None, body=blocks[0], raw=text, language=language)
    return replace(parse_article("\n\n".join(blocks), language=language), raw=text)


def _html_blocks(markup: str) -> list[str]:
    if not markup.strip():
        return []
    root = lxml_html.fromstring(markup)
    blocks = [" ".join(el.text_content().split()) for el in root.iter(*_BLOCK_TAGS)]
    return [b for b in blocks if b]


def parse_html(
    markup: str, *, url: str | None = None, language: str | None = None
) -> ParsedArticle:
    """The main text of a web page with its title and author, without page furniture."""
    if not markup.strip():
        raise ValidationError(_l("the page is empty"), field="file")
    text = trafilatura.extract(
        markup,
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        output_format="txt",
    )
    if not text or len(text.split()) < MIN_PAGE_WORDS:
        raise ValidationError(
            _l("no article text was found in the page"), field="url" if url else "file"
        )
    meta = trafilatura.extract_metadata(markup, default_url=url)
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    return parse_parts(
        title=meta.title if meta else None,
        byline=meta.author if meta else None,
        body=body,
        raw=markup,
        language=language,
    )


def fetch_url(
    url: str,
    *,
    policy: FetchPolicy | None = None,
    allow_private: bool | None = None,
    language: str | None = None,
) -> ParsedArticle:
    """Download a web page through the safe fetcher (HTML only) and read its article.

    ``policy`` defaults to the app's ``FETCH_*`` settings; ``allow_private`` overrides its flag.
    Call it outside any write transaction: it may take up to the fetch deadline.
    """
    if policy is None:
        overrides = {} if allow_private is None else {"allow_private": allow_private}
        policy = FetchPolicy.current(**overrides)
    page = fetch(url, policy=policy, accept=HTML_TYPES)
    return parse_html(page.text(), url=page.url, language=language)
