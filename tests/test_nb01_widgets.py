"""Notebook 01 widgets without a browser: set a control, check the figure; bad input → a message."""
import numpy as np
import pytest

from course_lib import similarity as S
from course_lib.widgets.similarity import NeighbourBarsApp, SimilarityHeatmapApp, parse_words
from widget_helpers import assert_changes, assert_rejects, figure_state

WORDS = ["king", "queen", "kings", "man", "woman", "water", "wine", "beer", "monday", "friday", "sunday", "the"]


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(len(WORDS), 6))
    X[1] = X[0] + 0.1 * rng.normal(size=6)        # queen close to king
    X[6] = X[7] + 0.1 * rng.normal(size=6)        # wine close to beer
    return S.WordVectors(WORDS, X)


def test_bars_show_dense_neighbours_then_one_hot_zeros(vectors):
    app = NeighbourBarsApp(vectors, word="king", k=5)
    app.show()
    assert app.last_error is None
    bars = app.figure.data[0]
    assert list(bars.y) == [w for w, _ in vectors.most_similar("king", 5)]
    np.testing.assert_allclose(bars.x, [s for _, s in vectors.most_similar("king", 5)])
    assert bars.y[0] == "queen"
    after = assert_changes(app, "space", "one-hot")
    assert list(app.figure.data[0].y) == [w for w, _ in vectors.most_similar("king", 5)]  # same words …
    assert list(app.figure.data[0].x) == [0.0] * 5                                         # … all at cosine 0
    assert "exactly 0" in after[1]


def test_bars_follow_word_and_k(vectors):
    app = NeighbourBarsApp(vectors, word="king", k=5)
    app.show()
    assert_changes(app, "word", "beer")
    assert app.figure.data[0].y[0] == "wine"
    before = figure_state(app)
    app.controls["word"].value = "  Beer "        # spaces and capitals are cleaned: same word, same bars
    assert app.last_error is None and figure_state(app) == before
    assert_changes(app, "k", 3)
    assert len(app.figure.data[0].y) == 3


def test_bars_unknown_word_gives_close_matches_and_the_app_recovers(vectors):
    app = NeighbourBarsApp(vectors, word="king", k=4)
    app.show()
    before = figure_state(app)
    message = assert_rejects(app, "word", "quen", "not in the vocabulary", "queen")
    assert "Did you mean" in message
    assert figure_state(app) == before            # the old figure stays
    assert_rejects(app, "word", "   ", "type a word")
    assert_changes(app, "word", "monday")
    assert app.last_error is None and app.message.value == ""


def test_bars_k_is_capped_by_the_vocabulary(vectors):
    app = NeighbourBarsApp(vectors, word="king", k=50, max_k=50)
    assert app.controls["k"].max == len(WORDS) - 1
    with pytest.raises(ValueError, match="k must be between 1 and 11"):
        app.update(word="king", space="dense", k=12)


def test_heatmap_shows_the_cosine_matrix_of_the_typed_words(vectors):
    app = SimilarityHeatmapApp(vectors, words="king, queen, water")
    app.show()
    np.testing.assert_allclose(app.figure.data[0].z, vectors.similarity_matrix(["king", "queen", "water"]))
    assert_changes(app, "words", "Wine, beer , monday, wine")   # case, spaces, duplicates cleaned
    assert list(app.figure.data[0].x) == ["wine", "beer", "monday"]
    z = np.array(app.figure.data[0].z)
    np.testing.assert_allclose(z, vectors.similarity_matrix(["wine", "beer", "monday"]))
    assert z[0, 1] == z.max(where=~np.eye(3, dtype=bool), initial=-1)
    assert "'wine' – 'beer'" in app.output.value
    assert_changes(app, "space", "one-hot")
    np.testing.assert_array_equal(app.figure.data[0].z, np.eye(3))
    assert "every pair of different words has cosine 0.000" in app.output.value and "most similar" not in app.output.value


def test_heatmap_bad_input_messages(vectors):
    app = SimilarityHeatmapApp(vectors, words="king, queen")
    app.show()
    msg = assert_rejects(app, "words", "king, quen, watr", "quen", "queen", "watr", "water")
    assert msg.count("not in the vocabulary") == 2
    assert_rejects(app, "words", "king", "at least two words")
    assert_rejects(app, "words", ", ,", "at least two words")
    assert_changes(app, "words", "king, man, woman")
    assert app.last_error is None


def test_heatmap_default_words_drop_unknown_ones(vectors):
    app = SimilarityHeatmapApp(vectors, words="king, zzzz, queen")
    assert app.controls["words"].value == "king, queen"
    with pytest.raises(ValueError, match="At most 3 words"):
        parse_words("king, queen, man, woman", vectors, max_words=3)
