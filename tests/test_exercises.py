"""The grading machinery on the warm-up exercise: pass, hint, raise, hang, wrong type, hidden cases."""
import json

import numpy as np
import pytest

from course_lib.exercises import check, core, progress
from course_lib.exercises.definitions.nb00 import vector_length as reference


def learners_vector_length(v):
    """A correct solution written in a test (not imported from course_lib, which check refuses)."""
    return sum(float(x) * float(x) for x in v) ** 0.5


def test_reference_passes_visible_and_hidden_cases():
    result = core.run_cases(core.get("vector_length"), reference, include_hidden=True)
    assert result.passed and result.score == 1
    assert any(c.hidden for c in result.cases)


def test_untouched_stub_is_not_attempted_and_scores_zero():
    def vector_length(v):
        raise NotImplementedError

    result = check("vector_length", vector_length)
    assert not result.attempted and result.score == 0
    assert "not attempted" in repr(result)


def test_wrong_answer_names_the_case_and_gives_its_hint():
    result = check("vector_length", lambda v: float(np.sum(v)))  # forgets squares and root
    assert not result.passed
    text = repr(result)
    assert "[3, 4] has length 5" in text and "got 7.0, expected 5.0" in text
    assert "Hint: Square every entry" in text


def test_a_raising_solution_is_a_failed_check_not_a_crash():
    def vector_length(v):
        return 1 / 0

    result = check("vector_length", vector_length)
    assert not result.passed and result.attempted
    assert "ZeroDivisionError" in repr(result)


def test_a_hanging_solution_times_out(monkeypatch):
    monkeypatch.setattr(core.get("vector_length"), "timeout_s", 0.3)

    def vector_length(v):
        while True:
            pass

    result = core.run_cases(core.get("vector_length"), vector_length, include_hidden=True)
    assert not result.passed
    assert "did not return in time" in result.cases[0].message
    assert all(not c.passed for c in result.cases)  # the rest are failed without waiting


def test_timeout_also_works_off_the_main_thread():
    import threading

    box = {}

    def worker():
        try:
            core.call_with_timeout(lambda: __import__("time").sleep(5), (), {}, 0.2)
        except core.ExerciseTimeout:
            box["timed_out"] = True

    t = threading.Thread(target=worker)
    t.start()
    t.join(3)
    assert box.get("timed_out")


def test_wrong_return_type_is_reported():
    result = check("vector_length", lambda v: np.array([5.0]))
    assert "returned ndarray, expected float" in repr(result)


def test_not_a_function():
    assert not check("vector_length", 5).passed


def test_unknown_exercise_suggests_close_ids():
    with pytest.raises(KeyError, match="vector_length"):
        check("vector_lenght", reference)


def test_assert_close_containers_and_shapes():
    core.assert_close([1.0, np.array([1, 2])], [1.0 + 1e-9, np.array([1, 2])])
    with pytest.raises(AssertionError, match="shape"):
        core.assert_close(np.zeros(3), np.zeros(4))
    with pytest.raises(AssertionError, match="key 'a'"):
        core.assert_close({"a": 1.0}, {"a": 2.0})


def test_progress_records_checks_and_grades(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_NO_PROGRESS", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    check("vector_length", lambda v: 0.0)
    assert json.loads((tmp_path / "p.json").read_text())["vector_length"]["check"]["passed"] is False
    check("vector_length", learners_vector_length)
    rows = {r["exercise"]: r for r in progress.table()}
    assert rows["vector_length"]["done"] and rows["vector_length"]["status"] == "passed"
    done, total = progress.summary()["00"]
    assert done == 1 and total == len(core.for_notebook("00"))
    assert "1/" in repr(progress.show_progress())


def test_every_exercise_reference_passes_its_own_cases():
    for ex in core.load_all().values():
        result = core.run_cases(ex, ex.reference, include_hidden=True)
        assert result.passed, f"{ex.id}: {result.summary()}"


def test_displayed_progress_table_refreshes_after_a_check(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_NO_PROGRESS", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    view = progress.show_progress()
    view._ipython_display_()
    assert "0/" in view._widget.value
    check("vector_length", learners_vector_length)
    assert "1/" in view._widget.value
