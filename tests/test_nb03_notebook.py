"""Notebook 03 in the ci profile: with the reference solutions it runs twice in one kernel and scores
full marks; untouched, it runs to the end and scores zero. Its printed numbers are live."""
import re

import pytest

from course_lib import runtime
from notebook_runner import reference_run, stream_text

PATH = runtime.NOTEBOOKS_DIR / "03_analogy_arithmetic.ipynb"
EXERCISES = {"solve_analogy", "analogy_accuracy", "solve_analogy_cosmul"}

pytestmark = pytest.mark.notebook


def test_reference_solutions_run_twice_and_score_full_marks():
    nb = reference_run(PATH)
    text = stream_text(nb)
    assert text.count("per-section counts identical to gensim's evaluate_word_analogies: True") == 2
    assert re.search(r"cos\(queen, king − man \+ woman\) = 0\.85\d", text)
    glove = re.search(r"glove: 3cosadd: (\d+)/(\d+) = ([\d.]+)%", text)
    assert glove and 0.3 < int(glove.group(1)) / int(glove.group(2)) < 0.7
    shown = "".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if o.get("output_type") == "execute_result")
    passed = re.findall(r"✅ (\w+): all \d+ checks pass", shown)
    assert sorted(passed) == sorted(list(EXERCISES) * 2), passed  # each check cell ran twice

