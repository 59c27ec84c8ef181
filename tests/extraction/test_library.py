"""The extraction package is a library: importing it (without the app around it) loads no Flask.

The app's own package (``factcheck/__init__.py``) imports Flask, so the check stands the
``factcheck`` package in with a bare namespace in a fresh interpreter: only what the extraction
modules themselves import is loaded. ``extraction/cli.py`` is the Flask command that wraps the
library, and is not part of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(
    f"factcheck.extraction.{p.stem}"
    for p in (ROOT / "factcheck" / "extraction").glob("*.py")
    if p.stem not in ("__init__", "cli")
)

PROBE = """
import importlib, json, sys, types
package = types.ModuleType("factcheck")
package.__path__ = [sys.argv[1] + "/factcheck"]
sys.modules["factcheck"] = package
for name in ["factcheck.extraction", *json.loads(sys.argv[2])]:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m == "flask" or m.startswith(("flask.", "flask_")))
app = sorted(
    m for m in sys.modules
    if m.startswith("factcheck.") and not m.startswith("factcheck.extraction")
)
print(json.dumps({"flask": loaded, "app": app}))
"""


# Plain modules the app shares with the library (each imports only the standard library).
SHARED = {"factcheck.languages"}


def test_extraction_imports_no_flask_and_nothing_of_the_app() -> None:
    assert "factcheck.extraction.pipeline" in LIBRARY  # the probe does import the modules
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT), json.dumps(LIBRARY)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["flask"] == []
    assert set(found["app"]) <= SHARED, found["app"]
