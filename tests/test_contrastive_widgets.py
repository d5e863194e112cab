"""Notebook 04's widgets, driven without a browser on small synthetic data (no model needed)."""
import numpy as np
import pytest

from course_lib.trained import explorer
from course_lib.contrastive.negatives import SAME_ANSWER, WITHIN_MARGIN
from course_lib.widgets.contrastive import ForcesApp, LogitMatrixApp, NegativesApp, TemperatureApp
from widget_helpers import assert_changes, assert_rejects, figure_state


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


@pytest.fixture
def rows():
    return [{"query": "Edible berry", "labels": ["Tomato", "Potato", "Paris", "Rhine"],
             "similarities": [0.71, 0.55, 0.05, 0.10], "positive": 0},
            {"query": "Family of birds", "labels": ["Corvidae", "Anatidae", "Moon"],
             "similarities": [0.62, 0.60, 0.01], "positive": 0}]


def test_temperature_app_updates_and_rejects_bad_tau(rows):
    app = TemperatureApp(rows, temperature=1.0)
    app.show()
    probs_flat = np.array(app.figure.data[0].y)
    assert abs(probs_flat.sum() - 1) < 1e-9 and probs_flat.max() < 0.5      # τ = 1: almost flat
    assert_changes(app, "temperature", 0.05)
    sharp = np.array(app.figure.data[0].y)
    assert sharp[0] > 0.9                                                    # τ = 0.05: the positive dominates
    assert "P(positive)" in app.output.value
    assert_changes(app, "query", "Family of birds")
    assert len(app.figure.data[0].y) == 3
    # the log slider cannot reach τ ≤ 0; a value that does (e.g. set from code) shows a message, no traceback
    app.values = lambda: {"query": "Edible berry", "temperature": 0.0}
    app.refresh()
    assert app.last_error and "positive" in app.last_error and "⚠" in app.message.value
    del app.values
    app.refresh()                                                            # and it keeps working
    assert app.last_error is None


def test_temperature_app_rejects_empty_query(rows):
    app = TemperatureApp(rows)
    app.show()
    with pytest.raises(ValueError, match="empty"):
        app.update(query="", temperature=0.1)


def test_logit_matrix_app():
    rng = np.random.default_rng(0)
    q = _unit(rng.normal(size=(6, 8)))
    k = _unit(q + 0.3 * rng.normal(size=(6, 8)))
    app = LogitMatrixApp(q, k, [f"q{i}" for i in range(6)], [f"k{i}" for i in range(6)], batch_size=4)
    app.show()
    z = np.array(app.figure.data[0].z)
    assert z.shape == (4, 4)
    np.testing.assert_allclose(z, q[:4] @ k[:4].T / 0.05, rtol=1e-5)
    after = assert_changes(app, "batch_size", 6)
    assert np.array(app.figure.data[0].z).shape == (6, 6)
    assert "5</b> in-batch negatives" in app.output.value
    assert_rejects(app, "batch_size", 0, "empty")


def test_forces_app_moves_points():
    rng = np.random.default_rng(1)
    base = _unit(rng.normal(size=(6, 16)))
    target = base.copy()
    target[1] = _unit(base[0] + 0.1 * base[1])         # the positive moves towards the anchor
    snaps = np.stack([_unit(base + t * (target - base)) for t in (0.0, 0.5, 1.0)])
    app = ForcesApp(snaps, [0, 5, 10], ["anchor", "pos", "n1", "n2", "n3", "n4"],
                    ["anchor", "positive", "mined hard negative", "in-batch negative", "in-batch negative",
                     "in-batch negative"])
    app.show()
    before = figure_state(app)
    assert_changes(app, "checkpoint", 2)
    assert figure_state(app) != before
    assert app.sims[2, 1] > app.sims[0, 1]            # cos(anchor, positive) grew
    assert "cos at step 10" in app.output.value
    with pytest.raises(ValueError, match="checkpoint"):
        app.update(checkpoint=7)


class _FakeCollection(explorer.MiningCollection):
    def query_vector(self, query):
        return self._queries[query]


@pytest.fixture
def collection():
    from course_lib.retrieval.bm25 import BM25Index

    texts = ["Crows and ravens are birds of the family Corvidae.", "Ducks are birds of the family Anatidae.",
             "The tomato is an edible berry.", "Paris is the capital of France.", "The potato is a tuber.",
             "Geese are waterfowl birds of the family Anatidae."]
    groups = ["family of birds", "family of birds", "edible berry", "city", "tuber", "family of birds"]
    rng = np.random.default_rng(0)
    vectors = _unit(rng.normal(size=(6, 8)))
    vectors[1] = _unit(vectors[0] + 0.05 * rng.normal(size=8))
    q = _unit(vectors[0] + 0.02 * rng.normal(size=8))
    coll = _FakeCollection(["Crow", "Duck", "Tomato", "Paris", "Potato", "Goose"], [g.capitalize() for g in groups],
                           texts, groups, vectors, BM25Index(texts), {"Family of birds": 0}, None, 32)
    coll._queries = {"Family of birds": q}
    return coll


def test_explore_marks_false_negatives(collection):
    title, rows = explorer.explore(collection, "Family of birds", "dense", k=2, margin=0.0)
    assert title == "Crow"
    removed = {r["title"]: r["removed"] for r in rows}
    assert removed["Duck"] == SAME_ANSWER                 # shares the description: a false negative
    assert sum(not r["removed"] for r in rows) == 2
    assert all(r["title"] != "Crow" for r in rows)        # never the positive itself
    _, rows = explorer.explore(collection, "Family of birds", "dense", k=1, margin=2.0)
    assert all(r["removed"] in (SAME_ANSWER, WITHIN_MARGIN) for r in rows)   # a huge margin removes everything
    with pytest.raises(ValueError, match="empty"):
        explorer.explore(collection, " ", "dense")
    with pytest.raises(ValueError, match="strategy"):
        explorer.explore(collection, "Family of birds", "magic")
    with pytest.raises(ValueError, match="pick one"):
        explorer.explore(collection, "Unknown description", "bm25")


def test_negatives_app(collection):
    def explore(query, strategy, k, margin, use_ce):
        return explorer.explore(collection, query, strategy, k, margin, None)

    app = NegativesApp(explore, ["Family of birds"], k=2)
    app.show()
    assert app.last_error is None and "same answer as the positive" in app.output.value
    assert_changes(app, "strategy", "random")
    assert_changes(app, "k", 4)
    assert_rejects(app, "query", "", "empty")
    assert_rejects(app, "query", "Nonsense", "pick one")


def test_forces_figure_has_a_legend_and_labels_only_the_named_roles():
    from course_lib.viz import contrastive as viz

    points = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [-1, 0]], dtype=float)
    kinds = ["anchor", "positive", "mined hard negative", "in-batch negative", "in-batch negative"]
    fig = viz.forces_figure(points, ["a", "p", "h", "n1", "n2"], kinds, 3, [1.0, 0.9, 0.5, 0.1, 0.2])
    markers = [t for t in fig.data if t.mode != "lines"]
    assert [t.name for t in markers] == ["anchor", "positive", "mined hard negative", "in-batch negative"]
    assert fig.layout.showlegend is not False and all(t.showlegend is not False for t in markers)
    assert markers[-1].text is None and list(markers[-1].x) == [1, -1]   # in-batch: hover only, no label
    assert list(markers[2].text) == ["h"] and all(t.cliponaxis is False for t in markers)
