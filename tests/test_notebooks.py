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
    # what JupyterLab writes when the kernel starts: stored as such, the notebook opens unmodified
    assert nb.metadata.kernelspec == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    assert nb.metadata.language_info.name == "python" and nb.metadata.language_info.pygments_lexer == "ipython3"
    assert "parameters" in code[0].metadata.get("tags", []), "first code cell must be the parameters cell"
    assert "runtime.setup(PROFILE" in code[1].source
    ids = [c.metadata.get("exercise") for c in exercise_cells(nb)]
    assert sorted(ids) == sorted(e.id for e in core.for_notebook(path.name[:2]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_ci_run_shows_the_banner_and_no_loading_noise(path):
    """The untouched ci run (shared with the test above) warns that its figures mean nothing and
    prints no third-party loading noise (load reports, weight-loading progress bars)."""
    nb, _ = run(path, grade=True)
    setup_outputs = [o for c in nb.cells if c.cell_type == "code" and "runtime.setup(" in c.source for o in c.outputs]
    assert any("not meaningful" in str(o.get("data", {}).get("text/markdown", "")) for o in setup_outputs)
    stderr = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    assert "LOAD REPORT" not in stderr and "Loading weights" not in stderr, stderr[:2000]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_every_check_cell_runs_after_a_restart(path):
    """After a kernel restart a learner re-runs one exercise and its check: each check cell must
    import `check` itself instead of relying on an earlier cell (notebook 06 used to raise NameError)."""
    import re

    import nbformat

    nb = nbformat.read(path, as_version=4)
    checks = [c.source for c in nb.cells if c.cell_type == "code" and re.search(r"(^|[^.\w])check\(", c.source)]
    assert checks, "every notebook has at least one check cell"
    missing = [s.splitlines()[-1] for s in checks if "from course_lib.exercises import check" not in s]
    assert missing == [], missing


def test_prose_types_no_measured_number():
    """Live numbers only: figures a run measures are rendered from the run, never typed in the text.
    Notebook 02's benchmark table and "bank" cosines and notebook 04's loss table used to be."""
    import nbformat

    typed = {"02": ["49,400", "≈ 0.44", "≈ 0.55", "0.84× gensim"], "04": ["0.856", "0.903", "0.916", "0.909"]}
    for nid, numbers in typed.items():
        path = next(p for p in NOTEBOOKS if p.name.startswith(nid))
        prose = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        assert [n for n in numbers if n in prose] == [], path.name


def test_nb04_says_which_losses_helped_from_the_run():
    """The loss comparison's verdict is rendered from the run's own figures."""
    import re

    path = next(p for p in NOTEBOOKS if p.name.startswith("04"))
    nb, _ = run(path, grade=True)  # the untouched run, shared with the tests above
    verdict = next(str(o["data"]["text/markdown"]) for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if "losses beat base MiniLM" in str(o.get("data", {}).get("text/markdown", "")))
    helped, total = map(int, re.search(r"In this run (\d+) of (\d+) losses", verdict).groups())
    assert 0 <= helped <= total == 4
