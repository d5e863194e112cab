"""Notebook 06 exercises: references pass every case; common mistakes fail; the library agrees."""
import numpy as np
import pytest

from course_lib.exercises import core
from course_lib.exercises.definitions import nb06
from course_lib.retrieval import chunking, indexes, metrics

IDS = ["chunk_tokens", "recall_at_k", "mrr_at_k", "ndcg_at_k", "retrieve"]


def test_registered():
    assert sorted(e.id for e in core.for_notebook("06")) == sorted(IDS)


@pytest.mark.parametrize("ex_id", IDS)
def test_reference_passes_all_cases(ex_id):
    ex = core.get(ex_id)
    result = core.run_cases(ex, ex.reference, include_hidden=True)
    assert result.passed, result.summary()
    assert any(c.hidden for c in result.cases)


@pytest.mark.parametrize("ex_id", IDS)
def test_stub_is_not_attempted(ex_id):
    def stub(*args):
        raise NotImplementedError

    assert not core.run_cases(core.get(ex_id), stub, include_hidden=True).attempted


def test_common_mistakes_fail():
    def no_overlap(tokens, size, overlap):
        return [list(tokens[i:i + size]) for i in range(0, len(tokens), size)]

    def recall_over_k(ranking, relevant, k):
        return len(set(ranking[:k]) & set(relevant)) / k

    def rr_zero_based(ranking, relevant, k):
        return next((1 / r for r, d in enumerate(ranking[:k]) if d in relevant and r > 0), 0.0)

    def ndcg_unnormalised(ranking, relevant, k):
        return sum(1 / np.log2(r + 2) for r, d in enumerate(ranking[:k]) if d in relevant)

    def retrieve_no_clamp(index, q, k):
        s, i = index.search(np.asarray(q, dtype=np.float32).reshape(1, -1), k)
        return i[0], s[0]

    for ex_id, fn in (("chunk_tokens", no_overlap), ("recall_at_k", recall_over_k),
                      ("mrr_at_k", rr_zero_based), ("ndcg_at_k", ndcg_unnormalised),
                      ("retrieve", retrieve_no_clamp)):
        assert not core.run_cases(core.get(ex_id), fn, include_hidden=True).passed, ex_id


def test_references_agree_with_the_library():
    rng = np.random.default_rng(0)
    for _ in range(30):
        n, size = int(rng.integers(0, 80)), int(rng.integers(1, 20))
        overlap = int(rng.integers(0, size))
        tokens = list(range(n))
        assert nb06.chunk_tokens(tokens, size, overlap) == chunking.chunk_tokens(tokens, size, overlap)
        ranking = [int(x) for x in rng.permutation(40)[:15]]
        relevant = [int(x) for x in rng.choice(40, size=3, replace=False)]
        k = int(rng.integers(1, 12))
        assert nb06.recall_at_k(ranking, relevant, k) == pytest.approx(metrics.recall_at_k(ranking, relevant, k))
        assert nb06.mrr_at_k(ranking, relevant, k) == pytest.approx(metrics.mrr_at_k(ranking, relevant, k))
        assert nb06.ndcg_at_k(ranking, relevant, k) == pytest.approx(metrics.ndcg_at_k(ranking, relevant, k))
    v = rng.normal(size=(50, 8)).astype(np.float32)
    index = indexes.build_flat(v)
    ids, scores = nb06.retrieve(index, v[7], 5)
    lib_ids, lib_scores = indexes.retrieve(index, v[7], 5)
    np.testing.assert_array_equal(ids, lib_ids)
    np.testing.assert_allclose(scores, lib_scores)
