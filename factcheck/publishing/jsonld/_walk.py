"""Find the JSON-LD nodes inside the containers files come in (shared by validator and importer).

Handles a bare object, an array, ``@graph``, a ``DataFeed`` of ``dataFeedElement`` (with or
without ``DataFeedItem`` wrappers and their ``item``), and the Meedan ``fetch`` test-fixture
wrapper (``{"source_page_url": ..., "claimreview": {...}}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")


def local_name(name: str) -> str:
    """Strip a schema.org prefix: ``schema:Claim`` and ``https://schema.org/Claim`` → ``Claim``."""
    for prefix in SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def type_names(node: dict[str, Any]) -> list[str]:
    """Return the node's ``@type`` values as local names (strings only)."""
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return [local_name(v) for v in values if isinstance(v, str)]


@dataclass(frozen=True, slots=True)
class Found:
    """One node found in a file, with where it was and what it inherits from its container."""

    path: str
    node: Any
    has_context: bool
    in_graph: bool = False
    base_url: str | None = None


def _join(path: str, step: str) -> str:
    if step.startswith("["):
        return path + step
    return f"{path}.{step}" if path else step


def iter_nodes(
    data: Any,
    path: str = "",
    *,
    has_context: bool = False,
    in_graph: bool = False,
    base_url: str | None = None,
) -> Iterator[Found]:
    """Yield every candidate node, unwrapping arrays, ``@graph``, feeds and fixture wrappers."""
    if isinstance(data, list):
        for index, element in enumerate(data):
            yield from iter_nodes(
                element,
                _join(path, f"[{index}]"),
                has_context=has_context,
                in_graph=in_graph,
                base_url=base_url,
            )
        return
    if not isinstance(data, dict):
        yield Found(path, data, has_context, in_graph, base_url)
        return
    context = has_context or "@context" in data
    types = {t.lower() for t in type_names(data)}
    if "@graph" in data and isinstance(data["@graph"], list | dict):
        yield from iter_nodes(
            data["@graph"],
            _join(path, "@graph"),
            has_context=context,
            in_graph=True,
            base_url=base_url,
        )
    elif "datafeed" in types or ("dataFeedElement" in data and not types):
        yield from iter_nodes(
            data.get("dataFeedElement", []),
            _join(path, "dataFeedElement"),
            has_context=context,
            base_url=base_url,
        )
    elif "datafeeditem" in types and "item" in data:
        yield from iter_nodes(
            data["item"], _join(path, "item"), has_context=context, base_url=base_url
        )
    elif not types and isinstance(data.get("claimreview"), dict | list):
        page = data.get("source_page_url")
        yield from iter_nodes(
            data["claimreview"],
            _join(path, "claimreview"),
            has_context=context,
            base_url=page if isinstance(page, str) else base_url,
        )
    else:
        yield Found(path, data, context, in_graph, base_url)
