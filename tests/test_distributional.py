"""course_lib.distributional: window counts, PPMI and truncated SVD, checked by hand and against
numpy / scikit-learn / gensim, plus the count model on the real course corpus (ci size)."""
import math

import numpy as np
import pytest
import scipy.sparse as sp

from course_lib import distributional as D
from course_lib.data import load_sentences, wordsim353
from course_lib.text import Vocab


def _vocab(words):
    v = Vocab(list(words), np.ones(len(words)))
    return v


# ---- co-occurrence -------------------------------------------------------------------------------

def test_cooccurrence_hand_example_window_1():
    vocab = _vocab(["a", "b", "c"])
    C = D.cooccurrence_matrix([["a", "b", "c"], ["a", "b"]], vocab, window=1).toarray()
    # pairs at distance 1: (a,b), (b,c) in the first sentence, (a,b) in the second; both directions
    np.testing.assert_array_equal(C, [[0, 2, 0], [2, 0, 1], [0, 1, 0]])


def test_cooccurrence_window_2_keeps_distances_across_unknown_words_and_stops_at_sentences():
    vocab = _vocab(["a", "b", "c"])
    sentences = [["a", "zzz", "b", "c"], ["c", "a"]]
    C1 = D.cooccurrence_matrix(sentences, vocab, window=1).toarray()
    C2 = D.cooccurrence_matrix(sentences, vocab, window=2).toarray()
    # window 1: (b,c) and (c,a); "a zzz b" is distance 2, not 1
    np.testing.assert_array_equal(C1, [[0, 0, 1], [0, 0, 1], [1, 1, 0]])
    # window 2 adds (a,b) at distance 2; nothing links the last "c" of sentence 1 to sentence 2
    np.testing.assert_array_equal(C2, [[0, 1, 1], [1, 0, 1], [1, 1, 0]])


def _naive_counts(sentences, vocab, window):
    C = np.zeros((len(vocab), len(vocab)))
    for s in sentences:
        for i, w in enumerate(s):
            if w not in vocab:
                continue
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if j != i and s[j] in vocab:
                    C[vocab.index[w], vocab.index[s[j]]] += 1
    return C


def test_cooccurrence_equals_a_naive_loop_on_real_sentences():
    sentences = load_sentences(20_000)
    vocab = Vocab.build(sentences, min_count=2, max_size=300)
    for window in (1, 3):
        C = D.cooccurrence_matrix(sentences, vocab, window)
        assert sp.issparse(C)
        np.testing.assert_array_equal(C.toarray(), _naive_counts(sentences, vocab, window))
        assert (C != C.T).nnz == 0


def test_cooccurrence_rejects_bad_window():
    for w in (0, -2, 1.5):
        with pytest.raises(ValueError, match="window"):
            D.cooccurrence_matrix([["a"]], _vocab(["a"]), w)


# ---- PPMI ----------------------------------------------------------------------------------------

def test_ppmi_hand_computed_3x3():
    C = np.array([[2.0, 1.0, 0.0],
                  [1.0, 0.0, 3.0],
                  [0.0, 3.0, 1.0]])
    # total 11; row sums 3, 4, 4; column sums 3, 4, 4; PMI(w,c) = log(C[w,c]·11 / (row_w · col_c))
    expected = np.array([[math.log(2 * 11 / (3 * 3)), 0.0, 0.0],            # log(11/12) < 0 → 0
                         [0.0, 0.0, math.log(3 * 11 / (4 * 4))],            # C=0 → 0
                         [0.0, math.log(3 * 11 / (4 * 4)), 0.0]])           # log(11/16) < 0 → 0
    got = D.ppmi(sp.csr_matrix(C))
    assert sp.issparse(got)
    np.testing.assert_allclose(got.toarray(), expected, atol=1e-12)
    assert got.nnz == 3


def _dense_ppmi(C, alpha):
    total = C.sum()
    pw = C.sum(1, keepdims=True) / total
    col = C.sum(0, keepdims=True) ** alpha
    pc = col / col.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log(C / total) - np.log(pw) - np.log(pc)
    return np.maximum(pmi, 0)


@pytest.mark.parametrize("alpha", [1.0, 0.75])
def test_ppmi_matches_a_dense_formula(alpha):
    rng = np.random.default_rng(0)
    C = rng.poisson(1.0, size=(30, 40)).astype(float)
    np.testing.assert_allclose(D.ppmi(C, alpha).toarray(), _dense_ppmi(C, alpha), atol=1e-12)


def test_ppmi_edge_cases():
    assert D.ppmi(np.zeros((3, 3))).nnz == 0
    with pytest.raises(ValueError, match="alpha"):
        D.ppmi(np.ones((2, 2)), alpha=0)
    with pytest.raises(ValueError, match="negative"):
        D.ppmi(np.array([[1.0, -1.0], [0.0, 1.0]]))


# ---- SVD -----------------------------------------------------------------------------------------

def _sign_fixed_numpy_svd(M, d):
    u, s, vt = np.linalg.svd(M, full_matrices=False)
    u, vt = D._fix_signs(u[:, :d], vt[:d])
    return u, s[:d], vt


def test_truncated_svd_reproduces_numpy_on_a_low_rank_matrix():
    rng = np.random.default_rng(1)
    M = rng.normal(size=(60, 8)) @ rng.normal(size=(8, 50))  # rank 8: the randomized method is exact
    svd = D.truncated_svd(sp.csr_matrix(M), 5)
    u, s, vt = _sign_fixed_numpy_svd(M, 5)
    np.testing.assert_allclose(svd.s, s, rtol=1e-10)
    np.testing.assert_allclose(svd.u, u, atol=1e-8)
    np.testing.assert_allclose(svd.vt, vt, atol=1e-8)
    np.testing.assert_allclose(svd.vectors(5, power=1.0), u * s, atol=1e-8)
    np.testing.assert_allclose(svd.vectors(3, power=0.5), u[:, :3] * np.sqrt(s[:3]), atol=1e-8)
    from sklearn.decomposition import TruncatedSVD

    X = TruncatedSVD(5, algorithm="randomized", n_iter=5, random_state=0).fit_transform(M)
    np.testing.assert_allclose(np.abs(svd.vectors(5, power=1.0)), np.abs(X), atol=1e-8)
    full = D.truncated_svd(M, 8)
    assert full.energy_kept((M**2).sum(), 8) == pytest.approx(1.0, abs=1e-10)


@pytest.fixture(scope="module")
def model():
    sentences = load_sentences(300_000)
    vocab = Vocab.build(sentences, min_count=1, max_size=2000)
    return D.count_model(sentences, vocab, window=2, dims=64, alpha=0.75, power=0.5, seed=0)


def test_svd_of_real_ppmi_matches_sklearn_truncated_svd(model):
    from sklearn.decomposition import TruncatedSVD

    tsvd = TruncatedSVD(64, algorithm="randomized", n_iter=5, random_state=0)
    X = tsvd.fit_transform(model.ppmi)                      # M V (= U Σ for an exact SVD)
    np.testing.assert_allclose(model.svd.s, tsvd.singular_values_, rtol=1e-8)
    signs = np.sign((model.svd.vt * tsvd.components_).sum(1))   # the two libraries may flip a direction
    np.testing.assert_allclose(model.svd.vt, tsvd.components_ * signs[:, None], atol=1e-8)
    # U Σ and M V agree where the randomized method has converged: the leading directions
    ours, theirs = model.svd.vectors(64, power=1.0), X * signs
    rel = np.linalg.norm(ours - theirs, axis=0) / np.linalg.norm(theirs, axis=0)
    assert rel[:3].max() < 1e-4, rel[:3]


def test_top_singular_values_of_real_ppmi_match_an_exact_solver(model):
    from scipy.sparse.linalg import svds

    exact = np.sort(svds(model.ppmi, 5, random_state=0)[1])[::-1]
    np.testing.assert_allclose(model.svd.s[:5], exact, rtol=1e-5)


def test_truncated_svd_rejects_bad_dims():
    for d in (0, 4, 2.0):
        with pytest.raises(ValueError, match="dims"):
            D.truncated_svd(np.eye(3), d)
    with pytest.raises(ValueError, match="dims"):
        D.truncated_svd(np.eye(3), 2).vectors(3)


# ---- the count model on the course corpus ----------------------------------------------------------

def test_count_model_is_deterministic_and_shaped(model):
    assert model.counts.shape == model.ppmi.shape == (2000, 2000)
    assert model.word_vectors().vectors.shape == (2000, 64)
    again = D.count_model(load_sentences(300_000), model.vocab, dims=64)
    np.testing.assert_array_equal(again.word_vectors().vectors, model.word_vectors().vectors)


def test_neighbours_on_the_real_corpus_make_sense(model):
    wv = model.word_vectors()
    assert {"son", "mother", "brother"} <= {w for w, _ in wv.most_similar("father", 5)}
    assert {w for w, _ in wv.most_similar("two", 3)} <= {"three", "four", "five", "six", "seven", "eight", "ten"}
    months = {"january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"}
    assert {w for w, _ in wv.most_similar("january", 3)} <= months


def test_top_contexts_are_the_largest_row_entries(model):
    row = model.ppmi[model.vocab.id("father")].toarray().ravel()
    got = D.top_contexts(model.ppmi, model.vocab, "father", 5)
    assert [v for _, v in got] == sorted(row, reverse=True)[:5]
    assert got[0][0] == model.vocab.words[int(np.argmax(row))]


def test_word_pair_spearman_matches_gensim(model, tmp_path):
    from gensim.models import KeyedVectors

    wv = model.word_vectors()
    rho, used, total = D.word_pair_spearman(wv, wordsim353())
    kv = KeyedVectors(wv.dim)
    kv.add_vectors(wv.words, wv.vectors.astype(np.float32))
    path = tmp_path / "ws.tsv"
    path.write_text("\n".join(f"{a}\t{b}\t{s}" for a, b, s in wordsim353()))
    _, spearman, oov = kv.evaluate_word_pairs(str(path))
    assert total == 353 and used == round(353 * (1 - oov / 100))
    assert rho == pytest.approx(spearman.statistic, abs=1e-4)


def test_sparse_neighbours_equal_dense_top_k_on_ppmi_rows(model):
    from course_lib.similarity import top_k_neighbours

    small = model.ppmi[:300, :300]
    vocab = Vocab(model.vocab.words[:300], model.vocab.counts[:300])
    got = D.sparse_neighbours(small, vocab, "father", 8)
    want = top_k_neighbours("father", vocab.words, small.toarray(), 8)
    assert [w for w, _ in got] == [w for w, _ in want]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in want], atol=1e-12)
    with pytest.raises(ValueError, match="k must be"):
        D.sparse_neighbours(small, vocab, "father", 300)


def test_reconstruct_row_is_a_row_of_the_low_rank_approximation():
    rng = np.random.default_rng(5)
    M = rng.normal(size=(12, 10))
    svd = D.truncated_svd(M, 10)
    np.testing.assert_allclose(D.reconstruct_row(svd, 4, 10), M[4], atol=1e-8)   # full rank: exact
    u, s, vt = _sign_fixed_numpy_svd(M, 3)
    np.testing.assert_allclose(D.reconstruct_row(svd, 4, 3), (u * s @ vt)[4], atol=1e-8)
