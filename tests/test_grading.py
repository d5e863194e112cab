"""The grading command on notebook 00: a wrong solution, a hanging one and the reference."""
import nbformat
import pytest

from course_lib.exercises import grade
from notebook_runner import NOTEBOOKS

pytestmark = pytest.mark.notebook
NB00 = next(p for p in NOTEBOOKS if p.name.startswith("00"))


def _learner_copy(folder, body):
    """Notebook 00 as a learner who wrote ``body`` in the exercise cell would save it."""
    folder.mkdir()
    nb = nbformat.read(NB00, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("exercise") == "vector_length")
    cell.source = body
    path = folder / NB00.name
    nbformat.write(nb, path)
    return path


def test_grade_cli_scores_a_wrong_and_a_hanging_solution(tmp_path, capsys, monkeypatch):
    wrong = _learner_copy(tmp_path / "wrong", "def vector_length(v):\n    return float(sum(v))\n")
    hang = _learner_copy(tmp_path / "hang", "def vector_length(v):\n    while True:\n        pass\n")
    monkeypatch.setenv("COURSE_NO_PROGRESS", "1")
    assert grade.main([str(wrong), str(hang), "--json", str(tmp_path / "r.json")]) == 0
    table = capsys.readouterr().out
    assert "got 7.0, expected 5.0" in table
    assert "did not return in time" in table
    compact = table.replace(" ", "")
    # a wrong answer that is right on some cases (the zero vector) earns partial credit
    assert "vector_length0.333/12/6cases" in compact
    assert "vector_length0/10/6cases" in compact
    assert "TOTAL0.333/2" in compact
