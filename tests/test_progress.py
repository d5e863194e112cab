"""show_progress(): every exercise as passed / partial / failed / not started, and the next one to do."""
import json

from course_lib.exercises import core, progress


def _record(passed, attempted, score, time):
    return {"passed": passed, "attempted": attempted, "score": score, "points": 1, "time": time}


def test_statuses_and_the_next_unfinished_exercise(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    (tmp_path / "p.json").write_text(json.dumps({
        "vector_length": {"check": _record(True, True, 1, "2026-01-01 10:00:00")},
        "one_hot": {"check": _record(True, True, 1, "2026-01-01 10:05:00")},
        # graded later than the check: the grade (hidden cases) is the latest word
        "cosine_similarity": {"check": _record(True, True, 1, "2026-01-01 10:10:00"),
                              "graded": _record(False, True, 0.6, "2026-01-01 11:00:00")},
        "top_k_neighbours": {"check": _record(False, True, 0.0, "2026-01-01 10:20:00")},
        "skipgram_pairs": {"check": _record(False, False, 0.0, "2026-01-01 10:30:00")},   # the untouched stub
    }))
    view = progress.show_progress()
    status = {r["exercise"]: r["status"] for r in view.rows}
    assert status["vector_length"] == status["one_hot"] == "passed"
    assert status["cosine_similarity"] == "partial"
    assert status["top_k_neighbours"] == "failed"
    assert status["skipgram_pairs"] == "not started" and status["noise_distribution"] == "not started"
    assert set(status) == set(core.load_all())   # every exercise of the course is listed
    text = repr(view)
    assert "Course progress: 2/%d exercises passed" % len(status) in text
    assert "Notebook 01: 1/3 passed" in text and "partial 0.6/1" in text
    # the next unfinished exercise is the first one, in course order, that does not pass
    assert "Next: notebook 01, `cosine_similarity` (Cosine similarity), partial 0.6/1." in text
    assert "Next: notebook 01, `cosine_similarity`" in view._repr_html_()


def test_a_later_passing_check_beats_an_older_partial_grade(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    (tmp_path / "p.json").write_text(json.dumps({
        "vector_length": {"graded": _record(False, True, 0.5, "2026-01-01 09:00:00"),
                          "check": _record(True, True, 1, "2026-01-01 10:00:00")},
    }))
    rows = progress.table()
    assert rows[0]["exercise"] == "vector_length" and rows[0]["status"] == "passed"
    assert progress.next_unfinished(rows)["exercise"] == "one_hot"


def test_everything_passed_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    (tmp_path / "p.json").write_text(json.dumps(
        {ex_id: {"check": _record(True, True, 1, "2026-01-01 10:00:00")} for ex_id in core.load_all()}))
    assert "Every exercise passes" in repr(progress.show_progress())


def test_progress_does_not_import_the_checker():
    """core records results in progress; progress must not import core back (no import cycle)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(progress))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(m and m.split(".")[-1] == "core" for m in imported), imported
