"""Notebook 02 widgets, driven without a browser: a control changes the figure; bad input is a message."""
import numpy as np
import pytest

from course_lib.widgets.word2vec import (LossCurveApp, NeighboursApp, NoiseExponentApp, TrainingStepApp,
                                         VectorMapApp, WindowPairsApp)
from course_lib.word2vec import to_keyed_vectors
from widget_helpers import assert_changes, assert_rejects, set_control

WORDS = ["the", "king", "queen", "man", "woman", "bank", "river", "money", "god", "lord", "water", "city",
         "people", "said", "year", "government", "music", "film", "war", "church"] + [f"w{i}" for i in range(60)]


@pytest.fixture(scope="module")
def kvs():
    rng = np.random.default_rng(0)
    return {"ours": to_keyed_vectors(WORDS, rng.normal(size=(len(WORDS), 8))),
            "gensim": to_keyed_vectors(WORDS, rng.normal(size=(len(WORDS), 8)))}


def test_window_pairs_app():
    app = WindowPairsApp("the quick brown fox jumps over the lazy dog", window=1, center=3)
    app.show()
    assert "fox" in app.output.value and app.last_error is None
    after = assert_changes(app, "window", 3)
    assert "6 pairs" in app.figure.layout.title.text        # fox at position 3: 3 on the left, 3 on the right
    assert_changes(app, "center", 0)
    assert "3 pairs" in app.figure.layout.title.text
    assert_changes(app, "sentence", "in the beginning god created the heaven and the earth")
    assert_rejects(app, "sentence", "   ", "empty")
    assert_rejects(app, "sentence", "!!!", "empty")
    assert_changes(app, "sentence", "a short one")           # recovers; center slider shrinks to the sentence
    assert app.controls["center"].max == 2


def test_noise_exponent_app():
    counts = np.array([1000, 500, 200, 100, 50, 20, 10, 5, 2, 1] * 3)
    words = [f"w{i}" for i in range(30)]
    app = NoiseExponentApp(words, counts, power=0.75, top=10)
    app.show()
    probs_075 = list(app.figure.data[0].y)
    assert_changes(app, "power", 1.0)
    np.testing.assert_allclose(app.figure.data[0].y, counts[:10] / counts.sum())
    assert_changes(app, "power", 0.0)
    np.testing.assert_allclose(app.figure.data[0].y, np.full(10, 1 / 30))
    assert probs_075[0] < counts[0] / counts.sum()           # 0.75 takes mass from the most frequent word
    assert_changes(app, "top", 20)
    assert len(app.figure.data[0].y) == 20


def test_training_step_app_moves_real_pairs_up_and_sampled_pairs_down():
    pairs = [("king", "crown"), ("river", "water")]
    negatives = [["the", "of"], ["said", "and"]]
    app = TrainingStepApp(pairs, negatives, steps=30, lr=1.0)
    app.show()
    start_real, start_fake = np.array(app.figure.data[0].y), np.array(app.figure.data[1].y)
    assert_changes(app, "step", 30)
    end_real, end_fake = np.array(app.figure.data[0].y), np.array(app.figure.data[1].y)
    assert np.all(end_real > start_real + 0.2) and np.all(end_fake < start_fake - 0.2)
    assert np.all(end_real > 0.8) and np.all(end_fake < 0.2)
    assert_changes(app, "lr", 0.1)
    assert np.all(np.array(app.figure.data[0].y) < end_real)  # a smaller step size gets less far in 30 steps


def test_loss_curve_app():
    history = [{"step": i, "words": 100 * i, "loss": 3.0 / (1 + 0.1 * i) + 0.1 * (i % 3)} for i in range(50)]
    app = LossCurveApp({"ours": history})
    app.show()
    assert_changes(app, "smoothing", 1)
    np.testing.assert_allclose(app.figure.data[0].y, [h["loss"] for h in history])
    assert_changes(app, "x", "step")
    assert list(app.figure.data[0].x) == list(range(50))
    set_control(app, "log_y", True)                          # a layout change: the y axis
    assert app.last_error is None and app.figure.layout.yaxis.type == "log"
    with pytest.raises(ValueError):
        LossCurveApp({})


def test_vector_map_app(kvs):
    app = VectorMapApp(kvs, n_words=40, highlight="king, queen")
    app.show()
    assert app.last_error is None and len(app.figure.data[0].x) == 40
    assert_changes(app, "n_words", 60)
    assert len(app.figure.data[0].x) == 60
    assert_changes(app, "model", "gensim")
    assert_changes(app, "method", "t-sne")
    assert_changes(app, "highlight", "w55, bank")            # w55 (rank 75) is outside the top 60: added to the map
    assert len(app.figure.data[0].x) == 61 and set(app.figure.data[1].text) == {"w55", "bank"}
    # A typo is a note, not an error: the known words are still marked and the other controls
    # keep working while the box is wrong (they used to do nothing until it was fixed).
    set_control(app, "highlight", "king, qeen")
    assert app.last_error is None and "qeen" in app.message.value and "did you mean" in app.message.value.lower()
    assert set(app.figure.data[1].text) == {"king"}
    assert_changes(app, "n_words", 80)
    assert len(app.figure.data[0].x) == 80 and "qeen" in app.message.value
    assert_changes(app, "method", "pca")
    assert_changes(app, "highlight", "king, queen")
    assert app.message.value == ""


def test_neighbours_app(kvs):
    app = NeighboursApp(kvs, word="king", topn=5)
    app.show()
    before = [list(t.y) for t in app.figure.data]
    assert_changes(app, "word", "bank")
    assert [list(t.y) for t in app.figure.data] != before
    assert len(app.figure.data) == 2 and "bank" not in app.figure.data[0].y
    assert_changes(app, "topn", 12)
    assert len(app.figure.data[0].y) == 12
    assert_rejects(app, "word", "rivr", "rivr", "river")
    assert_rejects(app, "word", "", "type a word")
    assert_changes(app, "word", "  River ")                   # recovers; case and spaces do not matter
