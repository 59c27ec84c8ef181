"""A production install carries no training libraries: the app and an extraction never import
them (they are the ``train`` extra: scikit-learn, SciPy; torch is never installed)."""

from __future__ import annotations

import tomllib

from tests.programs import REPO, run_program

TRAINING_ONLY = ("sklearn", "scipy", "torch", "sentence_transformers")

PROGRAM = """
import json, sys
from factcheck import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
from factcheck.extraction import extract
found = extract("Le chômage a baissé de 3 % en 2023, selon l'Insee, contre 7,1 % en 2022.", "fr")
print(json.dumps({
    "candidates": len(list(found)),
    "loaded": sorted(m for m in sys.argv[1:] if m in sys.modules),
    "numpy": "numpy" in sys.modules,
}))
"""


def test_the_app_and_an_extraction_import_no_training_library(tmp_path):
    report = run_program(
        PROGRAM, *TRAINING_ONLY, cwd=tmp_path, FACTCHECK_INSTANCE_PATH=str(tmp_path)
    )
    assert report["candidates"] >= 1  # the extraction really ran
    assert report["loaded"] == []
    assert report["numpy"] is True  # spaCy (thinc) needs it: a runtime dependency


def test_training_libraries_are_the_train_extra_only():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = " ".join(project["dependencies"]).lower()
    train = " ".join(project["optional-dependencies"]["train"]).lower()
    for name in ("scikit-learn", "scipy"):
        assert name not in runtime
        assert name in train
    assert "numpy" in runtime
