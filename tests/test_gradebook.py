"""make grade DIR=…: a folder of submissions becomes a gradebook, whatever the submissions do.

Notebook 00 (the quickest in the ci profile) as seven learners handed it in: full marks,
untouched, partly wrong, raising, hanging, crashing the kernel, and a file that is not a notebook."""
import csv
import json
import subprocess
import sys
import time

import nbformat
import pytest

from course_lib.exercises import gradebook
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.notebook
NB00 = next(p for p in NOTEBOOKS if p.name.startswith("00"))
LIMIT_S = 50          # per notebook: the ci run of notebook 00 takes 3 s idle, up to 30 s on a loaded machine

SUBMISSIONS = {
    "full": "import numpy as np\n\ndef vector_length(v):\n    return float(np.sqrt(sum(x * x for x in np.asarray(v, dtype=float))))\n",
    "untouched": None,
    # forgets the square root: right on the zero vector and on entries of length 1 only
    "partly": "import numpy as np\n\ndef vector_length(v):\n    return float(np.sum(np.abs(v)))\n",
    "raising": "def vector_length(v):\n    raise ValueError('I give up')\n",
    "hanging": "while True:\n    pass\n",
    "crashing": "import os\nos._exit(1)\n",
}


def _submit(folder, name, body):
    nb = nbformat.read(NB00, as_version=4)
    if body is not None:
        next(c for c in nb.cells if c.metadata.get("exercise") == "vector_length").source = body
    nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    for name, body in SUBMISSIONS.items():
        _submit(folder, name, body)
    (folder / "not_a_notebook.ipynb").write_text("this is not JSON {")
    hidden = tmp_path_factory.mktemp("instructor_tests")
    # an instructor's hidden case, outside the installation: a vector of length 13
    (hidden / "extra.py").write_text(
        "import numpy as np\nfrom course_lib.exercises import Case\n"
        "HIDDEN_CASES = {'vector_length': [Case(args=(np.array([3.0, 4.0, 12.0]),), expected=13.0)]}\n")
    out = tmp_path_factory.mktemp("gradebook")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "course_lib.exercises.gradebook", str(folder), "--out", str(out),
                           "--limit", str(LIMIT_S), "--workers", "2", "--tests", str(hidden)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return time.monotonic() - start, out


def test_every_submission_gets_the_right_row(graded):
    _, out = graded
    rows = {r["learner"]: r for r in json.loads((out / "gradebook.json").read_text())}
    assert set(rows) == set(SUBMISSIONS) | {"not_a_notebook"}
    status = {k: r["status"] for k, r in rows.items()}
    assert status == {"full": "ok", "untouched": "ok", "partly": "ok", "raising": "ok",
                      "hanging": "timeout", "crashing": "crashed", "not_a_notebook": "invalid"}
    score = {k: r["exercises"].get("vector_length", {}).get("score") for k, r in rows.items()}
    assert score["full"] == 1.0
    assert score["untouched"] == score["raising"] == score["hanging"] == score["crashing"] == 0.0
    assert 0 < score["partly"] < 1
    assert score["not_a_notebook"] is None and rows["not_a_notebook"]["notebook"] is None
    first = {k: r["exercises"].get("vector_length", {}).get("first_failure") for k, r in rows.items()}
    assert first["full"] is None
    assert first["untouched"] == "not attempted"
    assert "ValueError: I give up" in first["raising"]
    assert "got 7.0, expected 5.0" in first["partly"]
    assert "did not finish within 50 s" in first["hanging"]
    assert "kernel died" in rows["crashing"]["message"]
    assert "not a notebook" in rows["not_a_notebook"]["message"]


def test_the_instructor_s_hidden_case_is_used(graded):
    _, out = graded
    rows = {r["learner"]: r for r in json.loads((out / "gradebook.json").read_text())}
    # notebook 00 ships 6 cases, of which "partly" (the sum of |v|) passes 3: the zero vector, [-2]
    # and a random vector of one entry. The extra case makes 7, and it fails it (19, not 13): 3/7.
    partly = rows["partly"]["exercises"]["vector_length"]["score"]
    assert partly == pytest.approx(3 / 7, abs=1e-3)


def test_the_hanging_notebook_stops_at_its_limit_and_the_run_stays_short(graded):
    elapsed, out = graded
    rows = {r["learner"]: r for r in json.loads((out / "gradebook.json").read_text())}
    assert LIMIT_S <= rows["hanging"]["wall_s"] < LIMIT_S + 20
    assert rows["not_a_notebook"]["wall_s"] < 5
    # seven submissions, two at a time: far less than running them one after another with the limit
    assert elapsed < 3 * LIMIT_S + 60


def test_csv_and_json_agree(graded):
    _, out = graded
    rows = json.loads((out / "gradebook.json").read_text())
    with (out / "gradebook.csv").open() as f:
        table = list(csv.DictReader(f))
    assert [r["learner"] for r in table] == [r["learner"] for r in rows]
    for r, c in zip(rows, table):
        assert c["status"] == r["status"] and float(c["wall_s"]) == r["wall_s"] and float(c["score"]) == r["score"]
        e = r["exercises"].get("vector_length")
        assert c["vector_length"] == ("" if e is None else str(e["score"]))
        assert c["vector_length first failure"] == ("" if e is None else e["first_failure"] or "")
