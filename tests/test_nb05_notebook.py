"""Notebook 05 in the ci profile: reference solutions (run twice, full marks) and untouched (zero)."""
import pytest

from course_lib import runtime
from course_lib.exercises import core
from notebook_runner import errors, run, stream_text

pytestmark = pytest.mark.notebook
NB05 = runtime.NOTEBOOKS_DIR / "05_matryoshka.ipynb"


def test_nb05_reference_solutions_run_twice_and_score_full_marks():
    nb, rows = run(NB05, solutions=True, twice=True, grade=True)
    assert errors(nb) == []
    assert rows is not None and {r["exercise"] for r in rows} == {e.id for e in core.for_notebook("05")}
    assert all(r["passed"] for r in rows), rows
    text = stream_text(nb)
    # our MRL loss equals sentence-transformers' on the real batch, and the second run reused the models
    line = next(l for l in text.splitlines() if l.startswith("our MRL loss"))
    ours, theirs = (float(part.split(":")[-1]) for part in line.split("   "))
    assert ours == pytest.approx(theirs, abs=1e-5)
    assert "MRL model: loaded from disk" in text

