"""`make test`'s xdist flags keep each test module whole on one worker.

Modules rely on it: the PostgreSQL roles of tests/maintenance/test_privileges.py are the server's,
not a worker database's; a browser module starts one live server and Chromium; the fuzzer's
PostgreSQL half compares with its SQLite half in the same process. ``--dist loadgroup`` stopped
grouping silently with pytest 9.2 (pytest-xdist issue #1386), which this test would have caught.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODULE = """
import os, pathlib, pytest

@pytest.mark.parametrize("n", range(6))
def test_records_its_worker(n):
    with pathlib.Path(os.environ["RECORD"]).open("a") as record:
        record.write(f"{__name__} {os.environ.get('PYTEST_XDIST_WORKER', '-')}\\n")
"""


def make_test_flags() -> list[str]:
    """The xdist flags `make test` passes to pytest (read from a dry run of the target)."""
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", "TEST_WORKERS=2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    (line,) = [ln for ln in dry.splitlines() if re.search(r"/pytest\b", ln)]
    return shlex.split(line)[1:]


def test_make_test_runs_each_module_on_one_worker(tmp_path):
    flags = make_test_flags()
    assert "-n" in flags and "--dist" in flags, flags
    for name in ("test_one.py", "test_two.py", "test_three.py"):
        (tmp_path / name).write_text(MODULE, encoding="utf-8")
    record = tmp_path / "record.txt"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *flags, "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path,
        env={**environment, "RECORD": str(record)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers: dict[str, set[str]] = {}
    for line in record.read_text(encoding="utf-8").splitlines():
        module, worker = line.split()
        workers.setdefault(module, set()).add(worker)
    assert sorted(workers) == ["test_one", "test_three", "test_two"]
    assert all(len(found) == 1 and "-" not in found for found in workers.values()), workers
    assert len(set().union(*workers.values())) == 2  # both workers had a module
