"""Running a short Python program of a test in a fresh interpreter, as a new process would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def run_program(
    program: str, *args: str, cwd: Path, drop: tuple[str, ...] = ("FACTCHECK_",), **env: str
) -> Any:
    """Run ``program`` with this checkout importable and the environment less the variables
    starting with ``drop`` plus ``env``; return the JSON its last printed line holds."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    environment.update(PYTHONPATH=str(REPO), **env)
    result = subprocess.run(
        [sys.executable, "-c", program, *args],
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
