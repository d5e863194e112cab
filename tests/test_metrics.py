"""Ranking metrics on hand-computed cases, and parity with scikit-learn's ndcg_score."""
import math

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from course_lib.retrieval.metrics import average_precision, mean_metrics, mrr_at_k, ndcg_at_k, recall_at_k

RANKING = ["d3", "d1", "d7", "d2", "d9"]
RELEVANT = {"d1", "d2", "d4"}          # d4 is never retrieved


def test_recall_by_hand():
    assert recall_at_k(RANKING, RELEVANT, 1) == 0.0
    assert recall_at_k(RANKING, RELEVANT, 2) == pytest.approx(1 / 3)
    assert recall_at_k(RANKING, RELEVANT, 5) == pytest.approx(2 / 3)
    assert recall_at_k(RANKING, RELEVANT, 100) == pytest.approx(2 / 3)


def test_mrr_by_hand():
    assert mrr_at_k(RANKING, RELEVANT, 10) == 0.5          # first hit at rank 2
    assert mrr_at_k(RANKING, RELEVANT, 1) == 0.0
    assert mrr_at_k(["x", "y", "z", "a"], {"a"}, 4) == 0.25


def test_ndcg_by_hand():
    # hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); ideal (3 relevant, k=5): 1 + 1/log2(3) + 1/2
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 0.5
    assert ndcg_at_k(RANKING, RELEVANT, 5) == pytest.approx(dcg / idcg)
    # k=2: one hit at rank 2; ideal has 2 hits (min(|rel|, k) = 2)
    assert ndcg_at_k(RANKING, RELEVANT, 2) == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(["a", "b"], {"a"}, 10) == 1.0


def test_average_precision_by_hand():
    # precision at the hits: 1/2 (rank 2), 2/4 (rank 4); divided by |relevant| = 3
    assert average_precision(RANKING, RELEVANT) == pytest.approx((0.5 + 0.5) / 3)
    assert average_precision(["a", "b", "c"], {"a", "c"}) == pytest.approx((1 + 2 / 3) / 2)


def test_mean_metrics_and_errors():
    m = mean_metrics([RANKING, ["d4"]], [RELEVANT, {"d4"}])
    assert m["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)
    with pytest.raises(ValueError, match="relevant"):
        recall_at_k(RANKING, set(), 3)
    with pytest.raises(ValueError, match="k must be"):
        ndcg_at_k(RANKING, RELEVANT, 0)


@pytest.mark.parametrize("seed", range(5))
def test_ndcg_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = 30
    for _ in range(20):
        ranking = rng.permutation(n)
        relevant = set(rng.choice(n, size=rng.integers(1, 6), replace=False).tolist())
        y_true = np.zeros((1, n))
        y_true[0, list(relevant)] = 1
        y_score = np.zeros((1, n))
        y_score[0, ranking] = np.arange(n, 0, -1)           # rank 1 gets the highest score
        for k in (1, 3, 5, 10):
            assert ndcg_at_k(ranking, relevant, k) == pytest.approx(ndcg_score(y_true, y_score, k=k))
