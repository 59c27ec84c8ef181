"""Reading pages like a browser would: did any input become markup, and does the text show it?"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import lxml.etree
import lxml.html

from tests.hardening.naughty import FOREIGN_TAGS

_JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def squash(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=32)
def read(html: str) -> str:
    """Check that no input became markup; return the page's visible text, whitespace squashed.

    libxml2's HTML parser (lxml, which trafilatura already brings) reads the page the way a
    browser builds its DOM closely enough for this: elements, attributes and text. Control
    characters become U+FFFD first, as a browser's tokenizer does with NUL.
    """
    doc = lxml.html.document_fromstring(_CONTROLS.sub("\ufffd", html))
    problems = []
    bodies = 0
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions of the page itself
        tag = el.tag.lower()
        if tag in FOREIGN_TAGS:
            problems.append(f"<{tag}> element")
        bodies += tag == "body"
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        if tag == "script":
            src = attrs.get("src") or ""
            ld = attrs.get("type") == "application/ld+json"
            if not ld and not (src.startswith("/") and not src.startswith("//")):
                problems.append(f"<script {attrs}>")
        if tag == "meta" and "http-equiv" in attrs:
            problems.append("<meta http-equiv>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=...> event handler")
            if name in _URL_ATTRS and value:
                squeezed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if squeezed.startswith(_BAD_SCHEMES):
                    problems.append(f"<{tag} {name}={value!r}>")
    assert not problems, f"input became markup: {problems}"
    assert bodies == 1, "a second <body> element"
    lxml.etree.strip_elements(doc, "script", with_tail=False)
    return squash(doc.text_content())


def shows(html: str, value: str) -> bool:
    """The page's text contains ``value`` (whitespace squashed), and no input became markup."""
    return squash(_CONTROLS.sub("\ufffd", value)) in read(html)


def jsonld(html: str) -> Any:
    """The page's one JSON-LD block, parsed; its raw text never closes the element early."""
    blocks = _JSONLD.findall(html)
    assert len(blocks) == 1, f"expected exactly one JSON-LD block, found {len(blocks)}"
    raw = blocks[0]
    assert "</" not in raw and "<!--" not in raw and "<" not in raw, raw[:200]
    return json.loads(raw)


def strings(node: Any) -> list[str]:
    """Every string anywhere in a parsed JSON document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []
