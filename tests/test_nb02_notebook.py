"""Notebook 02 in the ci profile: reference solutions run twice and score full marks; untouched, it
runs to the end and scores zero; and it is stored clean."""
import pytest

from course_lib import runtime
from notebook_runner import reference_run, stream_text

PATH = runtime.NOTEBOOKS_DIR / "02_skipgram_negative_sampling.ipynb"
pytestmark = pytest.mark.notebook


def test_reference_solutions_run_twice_and_score_full_marks():
    nb = reference_run(PATH)
    text = stream_text(nb)
    assert "gradcheck (autograd vs finite differences): True" in text
    assert "closed-form vs autograd step: max difference" in text
