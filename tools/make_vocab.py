"""Write the compact schema.org vocabulary subset that the ClaimReview validator checks against.

A development tool, not part of the installed package: ``make vocab`` runs it from the
repository root (the source defaults to ``../shared/data/schemaorg-30.0/``)::

    .venv/bin/python -m tools.make_vocab [--source FILE] [--output FILE]

The output keeps, for every class, its direct superclasses and, for every property, the classes
in its ``domainIncludes`` and the property that supersedes it (if any), and the names of the
terms that are still *pending* in the release (``isPartOf`` https://pending.schema.org), which
``factcheck validate`` reports as notes. Nothing else is needed: the fact-check rules themselves
are written in code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VERSION = "30.0"
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = (
    REPO_ROOT.parent / "shared" / "data" / "schemaorg-30.0" / "schemaorg-current-https.jsonld"
)
PENDING_AREA = "https://pending.schema.org"
DEFAULT_OUTPUT = REPO_ROOT / "factcheck" / "publishing" / "jsonld" / "schemaorg-30.0-vocab.json"
COMMENT = (
    "Class and property names of the schema.org vocabulary, release 30.0, reduced to what the "
    "ClaimReview validator needs: classes -> direct superclasses; properties -> domainIncludes; "
    "superseded -> replacement property; pending -> terms of the pending area. Derived from "
    "schemaorg-current-https.jsonld in "
    "github.com/schemaorg/schemaorg data/releases/30.0/ (Apache License 2.0). Regenerate with "
    "make vocab (tools/make_vocab.py)."
)


def _ids(value: Any) -> list[str]:
    """Return the schema.org local names referenced by ``{"@id": ...}`` or a list of them."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        ref = item.get("@id", "") if isinstance(item, dict) else ""
        if ref.startswith("schema:"):
            names.append(ref.removeprefix("schema:"))
    return sorted(set(names))


def _areas(node: dict[str, Any]) -> set[str]:
    """The schema.org areas (``https://pending.schema.org``…) a term is part of."""
    value = node.get("schema:isPartOf", [])
    items = value if isinstance(value, list) else [value]
    return {item.get("@id", "") for item in items if isinstance(item, dict)}


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type", [])
    return set(value if isinstance(value, list) else [value])


def extract(source: dict[str, Any]) -> dict[str, Any]:
    """Reduce the full vocabulary graph to classes, properties and superseded properties."""
    classes: dict[str, list[str]] = {}
    properties: dict[str, list[str]] = {}
    superseded: dict[str, str] = {}
    pending: set[str] = set()
    for node in source["@graph"]:
        node_id = node.get("@id", "")
        if not node_id.startswith("schema:"):
            continue
        name = node_id.removeprefix("schema:")
        types = _types(node)
        if "rdfs:Class" in types:
            classes[name] = _ids(node.get("rdfs:subClassOf", []))
        elif "rdf:Property" in types:
            properties[name] = _ids(node.get("schema:domainIncludes", []))
        else:
            continue
        replacement = _ids(node.get("schema:supersededBy", []))
        if replacement and "rdf:Property" in types:
            superseded[name] = replacement[0]
        if PENDING_AREA in _areas(node):
            pending.add(name)
    return {
        "_comment": COMMENT,
        "version": VERSION,
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(properties.items())),
        "superseded": dict(sorted(superseded.items())),
        "pending": sorted(pending),
    }


def dumps(vocab: dict[str, Any]) -> str:
    """Serialise with one class or property per line: small, and readable in a diff."""
    lines = ["{"]
    lines.append(f'"_comment": {json.dumps(vocab["_comment"])},')
    lines.append(f'"version": {json.dumps(vocab["version"])},')
    sections = ("classes", "properties", "superseded")
    for section in sections:
        entries = vocab[section]
        lines.append(f'"{section}": {{')
        rows = [
            f"{json.dumps(key)}: {json.dumps(value, separators=(',', ':'))}"
            for key, value in entries.items()
        ]
        lines.append(",\n".join(rows))
        lines.append("},")
    # One name per line too: a term leaving the pending area is a one-line diff.
    lines.append('"pending": [')
    lines.append(",\n".join(json.dumps(name) for name in vocab["pending"]))
    lines.append("]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Read the schema.org release file and write the compact vocabulary file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        source = json.loads(args.source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"make_vocab: cannot read {args.source}: {exc}", file=sys.stderr)
        return 2
    vocab = extract(source)
    args.output.write_text(dumps(vocab), encoding="utf-8")
    print(
        f"wrote {args.output}: {len(vocab['classes'])} classes, "
        f"{len(vocab['properties'])} properties"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
