"""Notebook 06 widgets, driven without a browser on a tiny collection."""
import numpy as np
import pytest

from course_lib.retrieval import indexes
from course_lib.retrieval.chunking import token_counts
from course_lib.widgets.retrieval import ChunkExplorerApp, IndexExplorerApp, PipelineStepperApp, SearchApp
from test_retrieval_fakes import ARTICLES, tiny_pipeline
from widget_helpers import assert_changes, assert_rejects, set_control


@pytest.fixture(scope="module")
def pipe():
    return tiny_pipeline()


def test_search_app(pipe):
    app = SearchApp(pipe, query="deepest lake", k=3)
    app.show()
    assert app.last_error is None
    assert "Lake Baikal" in app.figure.data[0].y[0] and "<mark>deepest</mark>" in app.output.value
    assert "Answer (extractive)" in app.output.value and "[1: Lake Baikal]" in app.output.value
    assert_changes(app, "query", "Which planet has an orange-red colour?")
    assert "Mars" in app.figure.data[0].y[0]
    assert_changes(app, "method", "bm25")
    assert_changes(app, "k", 2)
    assert len(app.figure.data[0].y) == 2
    assert_rejects(app, "query", "   ", "empty")
    app.controls["query"].value = "deepest lake"
    assert_rejects(app, "k", 0, "at least 1")
    set_control(app, "k", 1000)
    assert app.last_error is None and "larger than the collection" in app.output.value
    set_control(app, "query", "xqzv blorptk")
    assert app.last_error is None and "None of the query" in app.output.value


def test_search_app_caps_a_huge_k_with_a_note(pipe):
    app = SearchApp(pipe, query="deepest lake", k=2, max_shown=3)
    app.show()
    set_control(app, "k", 1000)
    assert app.last_error is None and "showing the top 3" in app.message.value
    assert len(app.figure.data[0].y) == 3 and app.output.value.count("<li") <= 3
    assert_changes(app, "k", 2)
    assert app.message.value == "" and len(app.figure.data[0].y) == 2


def test_search_app_uses_a_generator(pipe):
    app = SearchApp(pipe, query="deepest lake", k=2, generator=lambda prompt: "Baikal [1].")
    app.show()
    assert "Answer (generator)" in app.output.value and "Baikal [1]." in app.output.value


def test_pipeline_stepper(pipe):
    app = PipelineStepperApp(pipe, query="deepest lake in the world", k=3)
    app.show()
    assert app.last_error is None and "unit vector" in app.figure.layout.title.text
    seen = set()
    for step in app.controls["step"].options[1:]:
        after = assert_changes(app, "step", step)
        seen.add(after[1])
    assert len(seen) == 4
    assert "Question: deepest lake in the world" in app.output.value or "Answer" in app.output.value
    app.controls["step"].value = app.controls["step"].options[3]
    assert "Question: deepest lake in the world" in app.output.value
    assert_rejects(app, "query", "", "empty")


def test_chunk_explorer():
    lengths = token_counts(ARTICLES)
    app = ChunkExplorerApp(ARTICLES, lengths, title="Mars")
    app.show()
    assert app.last_error is None
    n_before = len(app.figure.data[0].y)
    app.controls["overlap"].value = 2
    assert_changes(app, "size", 8)
    assert len(app.figure.data[0].y) > n_before
    assert "Whole collection (5 articles)" in app.output.value
    app.controls["size"].value = 16
    assert_changes(app, "method", "sentences")
    assert len(app.figure.data[0].y) == 3
    app.controls["method"].value = "tokens"
    assert_rejects(app, "overlap", 16, "overlap")
    app.controls["overlap"].value = 0
    assert_rejects(app, "title", "Atlantis", "No article")


def test_index_explorer():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(600, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    table, built = indexes.sweep(v, v[:30], nprobes=(1, 4), ef_searches=(8, 64))
    app = IndexExplorerApp(table, built, v[:30], label="random vectors")
    app.show()
    assert app.last_error is None and "recall@10" in app.output.value
    before, after = set_control(app, "nprobe", built["ivf"].nlist)
    assert app.last_error is None
    assert app.figure.data[-2].y[0] == 1.0           # every cell visited: exact
    assert_changes(app, "ef_search", 2)
