"""Notebook 03 widgets without a browser: set a control, check the figure; bad input → a message."""
import numpy as np
import pytest

from course_lib import analogy, models
from course_lib.data.evalsets import google_analogies
from course_lib.widgets.analogy import CUSTOM, AnalogyExplorerApp, SectionAccuracyApp
from widget_helpers import assert_changes, assert_rejects, figure_state


@pytest.fixture(scope="module")
def sets():
    glove = models.load_glove(limit=20_000)
    small = models.load_glove(limit=3_000)  # a second, smaller vocabulary (like our own vectors)
    return {"small": small, "glove": glove}


def test_explorer_shows_answers_for_every_set_and_the_parallelogram(sets):
    app = AnalogyExplorerApp(sets, picture="glove")
    app.show()
    assert app.last_error is None
    assert "queen" in app.output.value and "small" in app.output.value and "glove" in app.output.value
    traces = {t.name: t for t in app.figure.data}
    best = traces["best answer (projected)"]
    assert best.text[0] == "answer: queen"
    corners = np.c_[traces["parallelogram"].x, traces["parallelogram"].y]
    np.testing.assert_allclose(corners[2], corners[1] - corners[0] + corners[3], atol=1e-9)  # b − a + c
    assert len(app.figure.layout.annotations) == 2  # the two offset arrows


def test_preset_method_and_picture_change_what_is_shown(sets):
    app = AnalogyExplorerApp(sets, picture="glove")
    app.show()
    assert_changes(app, "preset", "france : paris :: italy")
    assert app.controls["query"].value == "france : paris :: italy"
    assert {t.name: t for t in app.figure.data}["best answer (projected)"].text[0] == "answer: rome"
    assert_changes(app, "method", "3CosMul")
    assert "3CosMul score" in app.output.value
    assert_changes(app, "picture", "small")


def test_typing_a_query_switches_the_preset_to_custom(sets):
    app = AnalogyExplorerApp(sets)
    app.show()
    before = figure_state(app)
    app.controls["query"].value = "germany : berlin :: japan"
    assert app.last_error is None and app.controls["preset"].value == CUSTOM
    assert figure_state(app) != before and "tokyo" in app.output.value


def test_explorer_bad_input_is_explained(sets):
    app = AnalogyExplorerApp(sets)
    app.show()
    assert_rejects(app, "query", "man : kign :: woman", "kign", "king")
    assert_rejects(app, "query", "man : king", "three words")
    assert_rejects(app, "query", "man : king :: man", "man", "twice")
    # the app keeps working afterwards
    assert_changes(app, "query", "man : king :: woman")


def test_a_word_only_one_set_knows_is_shown_per_set(sets):
    rare = sets["glove"].index_to_key[15_000]
    app = AnalogyExplorerApp(sets, picture="small")
    app.show()
    app.controls["query"].value = f"man : king :: {rare}"
    assert app.last_error is None
    assert "not in the vocabulary" in app.output.value          # the small set explains …
    assert "drawn with glove" in app.figure.layout.title.text    # … and the picture falls back to glove


def test_accuracy_chart_controls(sets):
    questions = analogy.questions_sample(google_analogies(), 15, seed=0)
    restrict = {"small": None, "glove": 20_000}
    app = SectionAccuracyApp(sets, questions, restrict=restrict)
    app.show()
    assert app.last_error is None
    glove_bars = {t.name: t for t in app.figure.data}["glove"]
    expected = analogy.evaluate_analogies(sets["glove"], questions, restrict_vocab=20_000)
    np.testing.assert_allclose(glove_bars.y, [s.accuracy for s in expected.sections])
    assert f"{expected.correct}/{expected.total}" in app.output.value
    assert_changes(app, "view", "kinds")
    assert list(app.figure.data[0].x) == ["semantic", "syntactic", "all"]
    assert_changes(app, "value", "coverage")
    assert_changes(app, "subset", "common")
    common = app.reports("3cosadd", "common")
    assert common["small"].total == common["glove"].total and common["glove"].skipped == 0
    assert_changes(app, "method", "3CosMul")
