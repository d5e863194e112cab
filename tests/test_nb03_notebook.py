"""Notebook 03 in the ci profile: with the reference solutions it runs twice in one kernel and scores
full marks; untouched, it runs to the end and scores zero. Its printed numbers are live."""
import re

import nbformat
import pytest

from course_lib import runtime
from course_lib.exercises import core
from notebook_runner import errors, exercise_cells, run, stream_text

PATH = runtime.NOTEBOOKS_DIR / "03_analogy_arithmetic.ipynb"
EXERCISES = {"solve_analogy", "analogy_accuracy", "solve_analogy_cosmul"}

pytestmark = pytest.mark.notebook


def test_notebook_is_stored_clean_with_tagged_exercises():
    nb = nbformat.read(PATH, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", []) and "PROFILE = None" in code[0].source
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    assert "widgets" not in nb.metadata
    assert {c.metadata["exercise"] for c in exercise_cells(nb)} == EXERCISES
    assert "show_progress()" in code[-1].source


def test_exercises_are_registered_for_notebook_03():
    assert {e.id for e in core.for_notebook("03")} == EXERCISES


def test_reference_solutions_run_twice_and_score_full_marks():
    nb, rows = run(PATH, solutions=True, twice=True, grade=True)
    assert errors(nb) == []
    assert rows is not None and {r["exercise"] for r in rows} == EXERCISES
    assert all(r["passed"] and r["score"] == r["points"] for r in rows), rows
    text = stream_text(nb)
    assert text.count("per-section counts identical to gensim's evaluate_word_analogies: True") == 2
    assert re.search(r"cos\(queen, king − man \+ woman\) = 0\.85\d", text)
    glove = re.search(r"glove: 3cosadd: (\d+)/(\d+) = ([\d.]+)%", text)
    assert glove and 0.3 < int(glove.group(1)) / int(glove.group(2)) < 0.7
    shown = "".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if o.get("output_type") == "execute_result")
    passed = re.findall(r"✅ (\w+): all \d+ checks pass", shown)
    assert sorted(passed) == sorted(list(EXERCISES) * 2), passed  # each check cell ran twice


def test_untouched_notebook_runs_to_the_end_and_scores_zero():
    nb, rows = run(PATH, grade=True)
    assert errors(nb) == []
    assert rows is not None and {r["exercise"] for r in rows} == EXERCISES
    assert all(r["score"] == 0 and not r["attempted"] for r in rows), rows
