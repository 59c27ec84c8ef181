"""Reading articles from what people hand us: text, Markdown or HTML files, and web pages.

Web pages go through trafilatura, which finds the main text and drops navigation, comments and
other furniture; Markdown is rendered by markdown-it and read back as blocks of text.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from dataclasses import replace
from pathlib import Path, PurePath
from urllib.parse import urlsplit

import trafilatura
import urllib3
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from factcheck.articles.parsing import ParsedArticle, decode_text, parse_article, parse_parts
from factcheck.domain import ValidationError
from factcheck.validation import clean_url

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # uploads, files and fetched pages
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES
HTML_TYPES = ("text/html", "application/xhtml+xml")
FETCH_TIMEOUT = urllib3.Timeout(connect=5.0, read=15.0)
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
            raise ValidationError(f"{source}: no such file")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                f"{source} is too large ({size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,})"
            )
        where, data = source, path.read_bytes()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(f"{where} is larger than {MAX_DOCUMENT_BYTES:,} bytes")
    return data


def read_document(data: bytes, filename: str, *, language: str | None = None) -> ParsedArticle:
    """Parse an uploaded or local file, choosing the reader by its extension."""
    name = PurePath(filename).name or "the file"
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"{name} is too large ({len(data):,} bytes; the limit is {MAX_DOCUMENT_BYTES:,})",
            field="file",
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            f"{name}: unsupported file type {suffix} (use .txt, .md or .html)", field="file"
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
        raise ValidationError("article is empty", field="text")
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
        raise ValidationError("the page is empty", field="file")
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
            "no article text was found in the page", field="url" if url else "file"
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
    url: str, *, allow_private: bool = False, language: str | None = None
) -> ParsedArticle:
    """Download a web page (HTML only, size-limited, with timeouts) and read its article."""
    address = clean_url(url, "url", required=True)
    host = urlsplit(address).hostname or ""
    if not allow_private:
        _refuse_private_host(host)
    http = urllib3.PoolManager(timeout=FETCH_TIMEOUT, retries=urllib3.Retry(total=2, redirect=5))
    try:
        response = http.request(
            "GET",
            address,
            preload_content=False,
            headers={
                "User-Agent": "factcheck/0.1 (+newsroom fact-check desk)",
                "Accept": "text/html,application/xhtml+xml",
            },
        )
    except urllib3.exceptions.HTTPError as exc:
        raise ValidationError(f"could not reach {address}: {_reason(exc)}", field="url") from None
    try:
        if response.status != 200:
            raise ValidationError(f"{address} answered HTTP {response.status}", field="url")
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type not in HTML_TYPES:
            raise ValidationError(
                f"{address} is not a web page (Content-Type: {content_type or 'none'})",
                field="url",
            )
        data = response.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                f"{address} is larger than {MAX_DOCUMENT_BYTES:,} bytes", field="url"
            )
        charset = (
            response.headers.get_content_charset()
            if hasattr(response.headers, "get_content_charset")
            else None
        )
        markup = data.decode(charset or "utf-8", errors="replace")
    finally:
        response.release_conn()
    return parse_html(markup, url=address, language=language)


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc).split(": ", 1)[-1]


def _refuse_private_host(host: str) -> None:
    """Refuse hosts that resolve to loopback, private or link-local addresses (SSRF guard)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise ValidationError(f"cannot resolve host {host!r}", field="url") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            raise ValidationError(
                f"{host} is a private or local address; fetching it is not allowed "
                "(set FACTCHECK_FETCH_ALLOW_PRIVATE=true to allow it)",
                field="url",
            )
