"""Every notebook, in the ci profile: runs top to bottom and again without a restart with the
reference solutions (full marks), and untouched (runs to the end, scores zero)."""
import pytest

from course_lib.exercises import core
from notebook_runner import NOTEBOOKS, errors, exercise_cells, reference_run, run

pytestmark = pytest.mark.notebook


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_reference_solutions_run_twice_and_score_full_marks(path):
    reference_run(path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_untouched_notebook_runs_to_the_end_and_scores_zero(path):
    nb, rows = run(path, grade=True)
    assert errors(nb) == []
    assert rows and all(r["score"] == 0 and not r["attempted"] for r in rows), rows


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_stored_clean(path):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "widgets" not in nb.metadata
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be the parameters cell"
    assert "runtime.setup(PROFILE" in code[1].source
    ids = [c.metadata.get("exercise") for c in exercise_cells(nb)]
    assert sorted(ids) == sorted(e.id for e in core.for_notebook(path.name[:2]))
