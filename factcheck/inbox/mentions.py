"""``@name`` in a note: which users it names.

A mention is ``@`` at the start of the text or after a character that is not a letter, digit or
``@`` (so ``rita@example.org`` mentions nobody), followed by letters, digits, ``.``, ``_`` or
``-`` (trailing punctuation is not part of it). It names an active user when, ignoring case, it
equals

- the local part of the user's e-mail address (``@rita`` for ``rita@example.org``), or
- the user's display name with its spaces removed, or written with ``.``, ``_`` or ``-`` between
  the words (``@RitaReviewer``, ``@rita.reviewer``, ``@rita_reviewer`` for "Rita Reviewer").

A mention that fits more than one user is ambiguous and names nobody; so is one that fits none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from factcheck.models import User

MENTION = re.compile(r"(?<![\w@])@([^\W_](?:[\w.\-]*[^\W_])?)")
MAX_MENTIONS = 20  # one note cannot notify the whole newsroom by listing it


def mentions(text: str) -> list[str]:
    """The mention tokens in ``text``, case-folded, in order, without repeats."""
    seen: list[str] = []
    for match in MENTION.finditer(text or ""):
        token = match.group(1).casefold()
        if token not in seen:
            seen.append(token)
    return seen[:MAX_MENTIONS]


def handles(user: User) -> set[str]:
    """Every token that names ``user`` (case-folded)."""
    names = {user.email.split("@", 1)[0].casefold()}
    words = [w for w in re.split(r"\s+", user.display_name.casefold()) if w]
    if words:
        names.add("".join(words))
        for sep in (".", "_", "-"):
            names.add(sep.join(words))
    return names


def resolve(tokens: Iterable[str], users: Iterable[User]) -> dict[str, User]:
    """Each token that names exactly one of ``users`` (active ones only), with that user."""
    by_handle: dict[str, list[User]] = {}
    for user in users:
        if not user.active:
            continue
        for handle in handles(user):
            by_handle.setdefault(handle, []).append(user)
    found: dict[str, User] = {}
    for token in tokens:
        matches = {u.id: u for u in by_handle.get(token, [])}
        if len(matches) == 1:
            found[token] = next(iter(matches.values()))
    return found
