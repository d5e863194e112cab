"""Notebook 01 in the ci profile: with the reference solutions it runs twice in one kernel and scores
full marks; untouched, it runs to the end and scores zero. Its printed numbers are live."""
import re

import pytest

from course_lib import runtime
from notebook_runner import reference_run, stream_text

PATH = runtime.NOTEBOOKS_DIR / "01_one_hot_to_dense.ipynb"
EXERCISES = {"one_hot", "cosine_similarity", "top_k_neighbours"}

pytestmark = pytest.mark.notebook


def test_reference_solutions_run_twice_and_score_full_marks():
    nb = reference_run(PATH)
    text = stream_text(nb)
    # every pair of one-hot vectors is orthogonal: the notebook counts zero non-zero dot products
    assert re.search(r"pairs of different words; non-zero dot products among them: 0\n", text)
    assert "by hand: 24 / (5 · 5) = 0.9600   library: 0.9600" in text
    assert "C is symmetric: True" in text
    shown = "".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if o.get("output_type") == "execute_result")
    passed = re.findall(r"✅ (\w+): all \d+ checks pass", shown)
    assert sorted(passed) == sorted(list(EXERCISES) * 2), passed  # each check cell ran twice

