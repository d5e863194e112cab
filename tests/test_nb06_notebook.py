"""Notebook 06 end to end in the ci profile: reference solutions (twice, full marks) and untouched (all 0)."""
import pytest

from course_lib import runtime
from course_lib.exercises import core
from notebook_runner import errors, run

pytestmark = pytest.mark.notebook
PATH = runtime.NOTEBOOKS_DIR / "06_rag_loop.ipynb"


def test_reference_solutions_run_twice_with_full_marks():
    nb, rows = run(PATH, solutions=True, twice=True, grade=True, timeout_s=900)
    assert errors(nb) == []
    assert rows is not None and {r["exercise"] for r in rows} == {e.id for e in core.for_notebook("06")}
    assert all(r["passed"] and r["score"] == r["points"] for r in rows), rows


def test_untouched_notebook_runs_and_scores_zero():
    nb, rows = run(PATH, grade=True, timeout_s=900)
    assert errors(nb) == []
    assert rows and all(r["score"] == 0 and not r["attempted"] for r in rows), rows
