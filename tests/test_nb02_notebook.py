"""Notebook 02 in the ci profile: reference solutions run twice and score full marks; untouched, it
runs to the end and scores zero; and it is stored clean."""
import nbformat
import pytest

from course_lib import runtime
from course_lib.exercises import core
from notebook_runner import errors, exercise_cells, run, stream_text

PATH = runtime.NOTEBOOKS_DIR / "02_skipgram_negative_sampling.ipynb"
pytestmark = pytest.mark.notebook


def test_reference_solutions_run_twice_and_score_full_marks():
    nb, rows = run(PATH, solutions=True, twice=True, grade=True)
    assert errors(nb) == []
    assert rows is not None and {r["exercise"] for r in rows} == {"make_pairs", "noise_probs", "sgns_loss"}
    assert all(r["passed"] and r["score"] == r["points"] for r in rows), rows
    text = stream_text(nb)
    assert "gradcheck (autograd vs finite differences): True" in text
    assert "closed-form vs autograd step: max difference" in text


def test_untouched_notebook_runs_to_the_end_and_scores_zero():
    nb, rows = run(PATH, grade=True)
    assert errors(nb) == []
    assert rows and len(rows) == 3 and all(r["score"] == 0 and not r["attempted"] for r in rows), rows


def test_stored_clean_with_the_course_structure():
    nb = nbformat.read(PATH, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "widgets" not in nb.metadata
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "runtime.setup(PROFILE" in code[1].source
    assert sorted(c.metadata["exercise"] for c in exercise_cells(nb)) == sorted(e.id for e in core.for_notebook("02"))
    assert "show_progress()" in code[-1].source
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for cited in ("Mikolov et al. 2013a", "Mikolov et al. 2013b", "Goldberg & Levy (2014"):
        assert cited in text
