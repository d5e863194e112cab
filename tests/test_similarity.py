"""course_lib.similarity: one-hot, cosine, nearest neighbours — checked against scipy, sklearn and gensim."""
import numpy as np
import pytest
from scipy.spatial.distance import cosine as scipy_cosine_distance
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine

from course_lib import similarity as S
from course_lib.exercises.definitions import nb01
from course_lib.text import UnknownWordError, Vocab

WORDS = ["the", "king", "queen", "kings", "water", "wine"]


def test_one_hot_has_a_single_one_at_the_word_position():
    v = S.one_hot("queen", WORDS)
    assert v.shape == (6,) and v.dtype == np.float64
    assert v.tolist() == [0, 0, 1, 0, 0, 0]


def test_one_hot_accepts_a_vocab_and_agrees_with_the_word_list():
    vocab = Vocab.build([["a", "b", "b", "c", "c", "c"]], min_count=1)
    assert vocab.words == ["c", "b", "a"]
    np.testing.assert_array_equal(S.one_hot("b", vocab), S.one_hot("b", vocab.words))
    np.testing.assert_array_equal(S.one_hot("b", vocab), [0.0, 1.0, 0.0])


def test_unknown_word_names_close_matches():
    with pytest.raises(UnknownWordError) as info:
        S.one_hot("kingg", WORDS)
    assert info.value.suggestions[:2] == ["king", "kings"]
    assert "Did you mean: king, kings" in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, KeyError)


def test_every_pair_of_one_hot_vectors_has_cosine_zero():
    table = np.stack([S.one_hot(w, WORDS) for w in WORDS])
    np.testing.assert_array_equal(S.cosine_matrix(table), np.eye(len(WORDS)))
    # and they are all the same distance apart: sqrt(2)
    d = np.linalg.norm(table[:, None] - table[None], axis=-1)
    np.testing.assert_allclose(d[~np.eye(6, dtype=bool)], np.sqrt(2))


def test_cosine_matches_scipy_on_random_vectors():
    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 300):
        u, v = rng.normal(size=n), rng.normal(size=n)
        assert S.cosine_similarity(u, v) == pytest.approx(1 - scipy_cosine_distance(u, v), abs=1e-12)


def test_cosine_hand_values_and_the_zero_vector():
    assert S.cosine_similarity([3, 4], [4, 3]) == pytest.approx(24 / 25)
    assert S.cosine_similarity([1, 2], [2, 4]) == pytest.approx(1.0)
    assert S.cosine_similarity([1, 0], [-5, 0]) == pytest.approx(-1.0)
    assert S.cosine_similarity(np.zeros(3), [1, 2, 3]) == 0.0
    assert S.cosine_similarity(np.zeros(3), np.zeros(3)) == 0.0
    # sklearn makes the same choice for zero vectors
    assert sk_cosine([[0, 0, 0]], [[1, 2, 3]])[0, 0] == 0.0
    with pytest.raises(ValueError, match="same length"):
        S.cosine_similarity([1, 2], [1, 2, 3])


def test_cosine_matrix_and_cosine_to_all_match_sklearn_including_zero_rows():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 8))
    X[3] = 0.0
    np.testing.assert_allclose(S.cosine_matrix(X), np.clip(sk_cosine(X), -1, 1), atol=1e-12)
    np.testing.assert_allclose(S.cosine_to_all(X[5], X), sk_cosine(X, X[5:6])[:, 0], atol=1e-12)


def _brute_force_top_k(word, words, vectors, k):
    sims = sk_cosine(vectors, vectors[[words.index(word)]])[:, 0]
    ranked = sorted((j for j in range(len(words)) if words[j] != word), key=lambda j: (-sims[j], j))
    return [(words[j], sims[j]) for j in ranked[:k]]


def test_top_k_matches_brute_force_sklearn():
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(300)]
    X = rng.normal(size=(300, 16))
    for word, k in (("w0", 1), ("w17", 10), ("w299", 299)):
        got = S.top_k_neighbours(word, words, X, k)
        want = _brute_force_top_k(word, words, X, k)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-12)


def test_top_k_leaves_out_the_word_and_breaks_ties_by_list_order():
    words = ["a", "b", "c", "d"]
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 2.0], [0.0, 0.0]])
    # b and c both have cosine 0 with a; d is the zero vector (cosine 0 by definition)
    assert S.top_k_neighbours("a", words, X, 3) == [("b", 0.0), ("c", 0.0), ("d", 0.0)]
    assert S.top_k_neighbours("b", words, X, 1) == [("c", 1.0)]


@pytest.mark.parametrize("k", [0, -1, 4, 2.5, True])
def test_top_k_rejects_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        S.top_k_neighbours("a", ["a", "b", "c", "d"], np.eye(4), k)


def test_top_k_rejects_unknown_word_and_mismatched_shapes():
    with pytest.raises(UnknownWordError, match="Did you mean: king"):
        S.top_k_neighbours("kng", WORDS, np.eye(6), 2)
    with pytest.raises(ValueError, match="one row per word"):
        S.top_k_neighbours("king", WORDS, np.eye(5), 2)


def test_word_vectors_agree_with_top_k_and_with_gensim():
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(200)]
    X = rng.normal(size=(200, 10)).astype(np.float32)
    wv = S.WordVectors(words, X)
    assert wv.most_similar("w5", 7) == S.top_k_neighbours("w5", words, X, 7)
    kv = KeyedVectors(10)
    kv.add_vectors(words, X)
    ours, theirs = wv.most_similar("w5", 7), kv.most_similar("w5", topn=7)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    assert wv.similarity("w1", "w2") == pytest.approx(float(kv.similarity("w1", "w2")), abs=1e-5)
    np.testing.assert_allclose(wv.similarity_matrix(["w1", "w2", "w3"]), sk_cosine(X[1:4]), atol=1e-6)
    assert wv.subset(3).dim == 3 and wv.subset(3)["w4"].tolist() == X[4, :3].astype(np.float64).tolist()
    with pytest.raises(ValueError, match="dims must be"):
        wv.subset(11)


def test_one_hot_table_is_the_identity():
    wv = S.one_hot_vectors(WORDS)
    np.testing.assert_array_equal(wv.vectors, np.eye(6))
    assert wv.most_similar("king", 5) == [(w, 0.0) for w in WORDS if w != "king"]


def test_exercise_references_agree_with_the_library():
    rng = np.random.default_rng(4)
    words = [f"w{i}" for i in range(50)]
    X = rng.normal(size=(50, 6))
    np.testing.assert_array_equal(nb01.one_hot("w7", words), S.one_hot("w7", words))
    for _ in range(5):
        u, v = rng.normal(size=6), rng.normal(size=6)
        assert nb01.cosine_similarity(u, v) == pytest.approx(S.cosine_similarity(u, v), abs=1e-12)
    ours, ref = S.top_k_neighbours("w3", words, X, 10), nb01.top_k_neighbours("w3", words, X, 10)
    assert [w for w, _ in ours] == [w for w, _ in ref]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in ref], atol=1e-12)


def test_dimension_sweep_has_readable_axes():
    """Two panels instead of a second y-axis whose ticks matched neither line; ticks at the swept
    dimensions, so the log axis shows no minor-tick digits ("2 3 … 10 2 3")."""
    from course_lib.viz.similarity import dimension_sweep

    fig = dimension_sweep([2, 10, 50, 300], [0.1, 0.3, 0.5, 0.55], [0.2, 0.5, 0.8, 1.0])
    assert [t.yaxis for t in fig.data] == ["y", "y2"] and fig.layout.yaxis2.overlaying is None
    assert list(fig.data[1].y) == [20, 50, 80, 100] and tuple(fig.layout.yaxis2.range) == (0, 105)
    for axis in (fig.layout.xaxis, fig.layout.xaxis2):
        assert axis.type == "log" and list(axis.tickvals) == [2, 10, 50, 300]
    assert len(dimension_sweep([2, 10], [0.1, 0.3]).data) == 1
