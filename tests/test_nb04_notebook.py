"""Notebook 04 end to end in the ci profile: reference solutions (twice, graded: full marks), untouched (zero)."""
from pathlib import Path

import pytest

from course_lib import runtime
from course_lib.exercises import core
from notebook_runner import errors, run

pytestmark = pytest.mark.notebook
NB = runtime.NOTEBOOKS_DIR / "04_contrastive_learning.ipynb"


def test_reference_solutions_twice_full_marks():
    nb, rows = run(Path(NB), solutions=True, twice=True, grade=True, timeout_s=1200)
    assert errors(nb) == []
    assert {r["exercise"] for r in rows} == {e.id for e in core.for_notebook("04")}
    assert all(r["passed"] for r in rows), rows


def test_untouched_runs_and_scores_zero():
    nb, rows = run(Path(NB), grade=True, timeout_s=1200)
    assert errors(nb) == []
    assert rows and all(r["score"] == 0 and not r["attempted"] for r in rows), rows
