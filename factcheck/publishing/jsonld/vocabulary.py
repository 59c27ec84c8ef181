"""The schema.org 30.0 vocabulary the validator checks terms against, packaged as a small JSON
subset (``schemaorg-30.0-vocab.json``, rebuilt by ``make vocab`` from ``tools/make_vocab.py``):
class and property names, superclasses, property domains, superseded and pending terms.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from factcheck.publishing.jsonld._walk import local_name, type_names
from factcheck.publishing.jsonld.problems import Problem, join_path


@dataclass(frozen=True)
class Vocabulary:
    """schema.org class and property names, superclasses and property domains."""

    version: str
    classes: dict[str, tuple[str, ...]]
    properties: dict[str, tuple[str, ...]]
    superseded: dict[str, str]
    pending: frozenset[str] = frozenset()

    @functools.cached_property
    def _class_keys(self) -> dict[str, str]:
        return {name.lower(): name for name in self.classes}

    @functools.cached_property
    def _property_keys(self) -> dict[str, str]:
        return {name.lower(): name for name in self.properties}

    def ancestors(self, name: str) -> frozenset[str]:
        """Return the class and all its superclasses."""
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.classes.get(current, ()))
        return frozenset(seen)

    def is_a(self, name: str, ancestor: str) -> bool:
        """Whether class ``name`` is ``ancestor`` or one of its subclasses."""
        return ancestor in self.ancestors(name)

    def suggest_class(self, name: str) -> str | None:
        """Suggest the intended class for a misspelt or wrongly cased name."""
        return self._suggest(name, self._class_keys)

    def suggest_property(self, name: str) -> str | None:
        """Suggest the intended property for a misspelt or wrongly cased name."""
        return self._suggest(name, self._property_keys)

    @staticmethod
    def _suggest(name: str, keys: dict[str, str]) -> str | None:
        exact = keys.get(name.lower())
        if exact:
            return exact
        close = difflib.get_close_matches(name.lower(), list(keys), n=1, cutoff=0.85)
        return keys[close[0]] if close else None


@functools.cache
def load_vocabulary() -> Vocabulary:
    """Load the packaged schema.org 30.0 subset (``schemaorg-30.0-vocab.json``)."""
    text = (
        resources.files("factcheck.publishing.jsonld")
        .joinpath("schemaorg-30.0-vocab.json")
        .read_text(encoding="utf-8")
    )
    raw = json.loads(text)
    return Vocabulary(
        version=raw["version"],
        classes={k: tuple(v) for k, v in raw["classes"].items()},
        properties={k: tuple(v) for k, v in raw["properties"].items()},
        superseded=dict(raw["superseded"]),
        pending=frozenset(raw.get("pending", ())),
    )


def check_vocabulary(obj: Any, path: str = "", *, vocab: Vocabulary | None = None) -> list[Problem]:
    """Check that every ``@type`` and property in ``obj`` (recursively) exists in schema.org."""
    problems: list[Problem] = []
    _check_terms(obj, path, vocab or load_vocabulary(), problems)
    return problems


def _check_terms(obj: Any, path: str, vocab: Vocabulary, problems: list[Problem]) -> None:
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            _check_terms(item, join_path(path, index), vocab, problems)
        return
    if not isinstance(obj, dict):
        return
    raw_type = obj.get("@type")
    if raw_type is not None:
        raw_types = raw_type if isinstance(raw_type, list) else [raw_type]
        for value in raw_types:
            if not isinstance(value, str):
                problems.append(Problem(join_path(path, "@type"), "@type must be a string"))
    known_types = []
    for name in type_names(obj):
        if name in vocab.classes:
            known_types.append(name)
            continue
        hint = vocab.suggest_class(name)
        message = f"unknown type {name!r} (not in schema.org {vocab.version})"
        if hint and hint.lower() == name.lower():
            message += f"; types are case-sensitive: did you mean {hint!r}?"
        elif hint:
            message += f"; did you mean {hint!r}?"
        problems.append(Problem(join_path(path, "@type"), message))
    node_classes: frozenset[str] = frozenset().union(*(vocab.ancestors(t) for t in known_types))
    for key, value in obj.items():
        if not isinstance(key, str) or key.startswith("@"):
            continue
        name = local_name(key)
        where = join_path(path, key)
        if ":" in name or "/" in name:
            problems.append(Problem(where, "not a schema.org term; not checked", "warning"))
            continue
        if name not in vocab.properties:
            hint = vocab.suggest_property(name)
            message = f"unknown property {name!r} (not in schema.org {vocab.version})"
            if hint:
                message += f"; did you mean {hint!r}?"
            problems.append(Problem(where, message))
            continue  # its value is not schema.org data: one error, not one per nested key
        else:
            if name in vocab.superseded:
                problems.append(
                    Problem(
                        where,
                        f"{name!r} is superseded by {vocab.superseded[name]!r}",
                        "warning",
                    )
                )
            domains = vocab.properties[name]
            if known_types and domains and node_classes.isdisjoint(domains):
                problems.append(
                    Problem(
                        where,
                        f"{name!r} is not expected on {'/'.join(known_types)} "
                        f"(schema.org domain: {', '.join(domains)})",
                        "warning",
                    )
                )
        _check_terms(value, where, vocab, problems)


def pending_notes(obj: Any, path: str = "", *, vocab: Vocabulary | None = None) -> list[Problem]:
    """A note for every type and property in ``obj`` that is pending in schema.org 30.0.

    Pending terms (``Claim``, ``appearance``, ``ratingExplanation``…) are part of the release
    and read by fact-check consumers, but schema.org may still change them: worth knowing, not
    a fault.
    """
    notes: list[Problem] = []
    _pending(obj, path, vocab or load_vocabulary(), notes)
    return notes


def _pending(obj: Any, path: str, vocab: Vocabulary, notes: list[Problem]) -> None:
    if isinstance(obj, list):
        for index, item in enumerate(obj):
            _pending(item, join_path(path, index), vocab, notes)
        return
    if not isinstance(obj, dict):
        return
    for name in type_names(obj):
        if name in vocab.pending:
            notes.append(Problem(join_path(path, "@type"), _pending_message(name, vocab), "note"))
    for key, value in obj.items():
        if not isinstance(key, str) or key.startswith("@"):
            continue
        name, where = local_name(key), join_path(path, key)
        if name in vocab.pending:
            notes.append(Problem(where, _pending_message(name, vocab), "note"))
        _pending(value, where, vocab, notes)


def _pending_message(name: str, vocab: Vocabulary) -> str:
    return f"{name!r} is pending in schema.org {vocab.version}: it may still change"
