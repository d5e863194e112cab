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


def _random_runs(seed: int, graded: bool, n_queries: int = 40, n_docs: int = 60):
    """Rankings (distinct scores, so no tie-breaking rule matters) and qrels with 0–3 grades."""
    rng = np.random.default_rng(seed)
    docs = [f"d{i}" for i in range(n_docs)]
    run, qrels = {}, {}
    for q in range(n_queries):
        scores = rng.permutation(n_docs).astype(float)
        run[f"q{q}"] = dict(zip(docs, scores))
        judged = rng.choice(docs, 8, replace=False)
        grades = rng.integers(0, 4, 8) if graded else np.r_[np.ones(5, int), np.zeros(3, int)]
        grades[0] = max(grades[0], 1)  # every query has a relevant document
        qrels[f"q{q}"] = {d: int(g) for d, g in zip(judged, grades)}
    return run, qrels


@pytest.mark.parametrize("graded", [False, True], ids=["binary", "graded"])
def test_metrics_equal_trec_eval(graded):
    """recall@10, MRR@10, nDCG@10 and MAP@100 per query equal trec_eval's (pytrec_eval) to 1e-9,
    with binary and with graded relevance (grade 0 = judged not relevant)."""
    import pytrec_eval

    run, qrels = _random_runs(seed=3, graded=graded)
    rankings = {q: sorted(scores, key=scores.get, reverse=True) for q, scores in run.items()}
    full = pytrec_eval.RelevanceEvaluator(qrels, {"recall.10", "ndcg_cut.10", "map_cut.100"}).evaluate(run)
    # trec_eval's recip_rank has no cut-off: give it the top 10 only
    top10 = {q: {d: run[q][d] for d in rankings[q][:10]} for q in run}
    rr = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(top10)
    for q, ranking in rankings.items():
        rel = qrels[q] if graded else {d for d, g in qrels[q].items() if g > 0}
        assert recall_at_k(ranking, rel, 10) == pytest.approx(full[q]["recall_10"], abs=1e-9)
        assert ndcg_at_k(ranking, rel, 10) == pytest.approx(full[q]["ndcg_cut_10"], abs=1e-9)
        assert average_precision(ranking, rel, 100) == pytest.approx(full[q]["map_cut_100"], abs=1e-9)
        assert mrr_at_k(ranking, rel, 10) == pytest.approx(rr[q]["recip_rank"], abs=1e-9)


def test_graded_ndcg_by_hand():
    """Gains are the grades; the ideal ranking orders the grades, best first."""
    grades = {"d1": 3, "d2": 1, "d4": 2, "d5": 0}
    dcg = 3 / math.log2(3) + 1 / math.log2(5)                  # d1 at rank 2, d2 at rank 4
    ideal = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKING, grades, 5) == pytest.approx(dcg / ideal)
    assert recall_at_k(RANKING, grades, 5) == pytest.approx(2 / 3)   # d5 (grade 0) is not relevant
    with pytest.raises(ValueError, match="at least one relevant"):
        ndcg_at_k(RANKING, {"d1": 0}, 5)
