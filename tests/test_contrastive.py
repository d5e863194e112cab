"""InfoNCE against sentence-transformers' MultipleNegativesRankingLoss, a hand-computed value, and the
hard-negative miner's false-negative filters on hand-made examples."""
import math

import numpy as np
import pytest
import torch

from course_lib.infonce import (in_batch_labels, info_nce, positive_probability, row_distribution,
                                            similarity_logits)
from course_lib.contrastive.negatives import (CROSS_ENCODER, SAME_ANSWER, WITHIN_MARGIN, answer_groups,
                                              kept_negatives, mine_for_queries, select_negatives)


def _mnr(tau):
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    return MultipleNegativesRankingLoss(None, scale=1 / tau)


@pytest.mark.parametrize("tau", [0.05, 0.5, 1.0])
def test_info_nce_equals_mnr_in_batch(tau):
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(8, 16, generator=g), torch.randn(8, 16, generator=g)
    ours = info_nce(q, k, temperature=tau)
    theirs = _mnr(tau).compute_loss_from_embeddings([q, k], None)
    assert abs(float(ours) - float(theirs)) < 1e-5


@pytest.mark.parametrize("h", [1, 3])
def test_info_nce_equals_mnr_with_hard_negatives(h):
    g = torch.Generator().manual_seed(1)
    q, k = torch.randn(6, 12, generator=g), torch.randn(6, 12, generator=g)
    negs = torch.randn(6, h, 12, generator=g)
    ours = info_nce(q, k, temperature=0.05, hard_negatives=negs)
    theirs = _mnr(0.05).compute_loss_from_embeddings([q, k] + [negs[:, j] for j in range(h)], None)
    assert abs(float(ours) - float(theirs)) < 1e-5
    # same arrangement as MNR: the logit matrix columns are [positives, 1st negatives, 2nd negatives …]
    logits = similarity_logits(q, k, 0.05, negs)
    from sentence_transformers.util import cos_sim

    expected = cos_sim(q, torch.cat([k] + [negs[:, j] for j in range(h)])) * 20
    assert torch.allclose(logits, expected, atol=1e-4)
    # a single negative column given as N × d is the same as N × 1 × d
    if h == 1:
        assert abs(float(info_nce(q, k, 0.05, negs[:, 0])) - float(ours)) < 1e-6


def test_info_nce_gradients_match_mnr():
    g = torch.Generator().manual_seed(2)
    q1 = torch.randn(4, 8, generator=g, requires_grad=True)
    k = torch.randn(4, 8, generator=g)
    q2 = q1.detach().clone().requires_grad_(True)
    info_nce(q1, k, 0.1).backward()
    _mnr(0.1).compute_loss_from_embeddings([q2, k], None).backward()
    assert torch.allclose(q1.grad, q2.grad, atol=1e-6)


def test_hand_computed_two_by_two():
    # q0 = k0 = e1, q1 = k1 = e2: cos on the diagonal 1, off-diagonal 0; τ = 1
    # each row: −log(e / (e + 1)) = log(1 + e^-1)
    e = torch.eye(2)
    expected = math.log(1 + math.exp(-1))
    assert abs(float(info_nce(e, e, temperature=1.0)) - expected) < 1e-6
    # τ = 0.5 doubles the logits: log(1 + e^-2)
    assert abs(float(info_nce(e, e, temperature=0.5)) - math.log(1 + math.exp(-2))) < 1e-6
    # keys swapped: every query's positive is orthogonal, its negative identical: log(1 + e^1)
    assert abs(float(info_nce(e, e.flip(0), temperature=1.0)) - math.log(1 + math.e)) < 1e-6
    assert torch.allclose(positive_probability(similarity_logits(e, e, 1.0)),
                          torch.full((2,), math.e / (math.e + 1)))


def test_labels_and_row_distribution():
    assert in_batch_labels(4).tolist() == [0, 1, 2, 3]
    row = row_distribution([1.0, 0.0, 0.0], positive=0, temperature=1.0)
    assert abs(row["p_positive"] - math.e / (math.e + 2)) < 1e-9
    assert abs(row["loss"] + math.log(row["p_positive"])) < 1e-9
    assert abs(row["probabilities"].sum() - 1) < 1e-9
    # a lower temperature sharpens the distribution
    assert row_distribution([1.0, 0.0, 0.0], 0, 0.1)["p_positive"] > row["p_positive"]


@pytest.mark.parametrize("call,words", [
    (lambda: info_nce(torch.eye(2), torch.eye(2), temperature=0), "positive"),
    (lambda: info_nce(torch.eye(2), torch.eye(2), temperature=-1.0), "positive"),
    (lambda: info_nce(torch.zeros(0, 4), torch.zeros(0, 4)), "empty"),
    (lambda: info_nce(torch.randn(3, 4), torch.randn(2, 4)), "same shape"),
    (lambda: info_nce(torch.randn(3, 4), torch.randn(3, 4), hard_negatives=torch.randn(2, 4)), "hard negatives"),
    (lambda: in_batch_labels(0), "at least 1"),
    (lambda: row_distribution([0.5, 0.2], 0, 0.0), "positive"),
    (lambda: row_distribution([], 0, 0.1), "non-empty"),
])
def test_bad_input_raises_clear_value_errors(call, words):
    with pytest.raises(ValueError, match=words):
        call()


# ---- the miner and its filters --------------------------------------------------------------------

def test_same_answer_candidate_is_removed():
    # candidates 0..4; the positive is 0 ("family of birds"); 1 shares its description
    scores = [0.9, 0.8, 0.7, 0.3, 0.1]
    groups = ["family of birds", "family of birds", "edible berry", "city", "river"]
    out = select_negatives(scores, positive=0, groups=groups, k=2)
    assert [(c.doc, c.removed) for c in out] == [(1, SAME_ANSWER), (2, ""), (3, "")]
    assert kept_negatives(out) == [2, 3]


def test_margin_filter_removes_negatives_too_close_to_the_positive():
    scores = [0.60, 0.70, 0.58, 0.40, 0.10]    # positive 0 scores 0.60
    groups = ["a", "b", "c", "d", "e"]
    out = select_negatives(scores, positive=0, groups=groups, k=2, margin=0.05)
    # 1 (0.70) and 2 (0.58 > 0.60 − 0.05) are too close; 3 and 4 are kept
    assert [(c.doc, c.removed) for c in out] == [(1, WITHIN_MARGIN), (2, WITHIN_MARGIN), (3, ""), (4, "")]
    # without a margin the highest-scoring non-positive is the first negative
    assert kept_negatives(select_negatives(scores, 0, groups, k=1)) == [1]
    # the margin can be checked on other scores than the ranking ones (BM25 ranks, cosine checks)
    out = select_negatives([5.0, 9.0, 1.0], 0, ["a", "b", "c"], k=1, margin=0.1, filter_scores=[0.8, 0.2, 0.9])
    assert kept_negatives(out) == [1]


def test_cross_encoder_filter():
    out = select_negatives([0.9, 0.8, 0.5], 0, ["a", "b", "c"], k=1, cross_scores=[0.99, 0.97, 0.02])
    assert [(c.doc, c.removed) for c in out] == [(1, CROSS_ENCODER), (2, "")]


def test_answer_groups_and_many_queries():
    groups = answer_groups(["Family of birds", "family  of birds", "", "Edible berry"], ["x", "y", "z", "x"])
    assert groups[0] == groups[1] and groups[2] != groups[0]
    assert groups[3] == groups[0]          # duplicate text → same answer as its first occurrence
    rows = np.array([[0.9, 0.5, 0.1], [0.2, 0.9, 0.4]])
    mined = mine_for_queries(rows, [0, 1], ["a", "b", "c"], k=1)
    assert [kept_negatives(m) for m in mined] == [[1], [2]]


@pytest.mark.parametrize("kwargs,words", [
    (dict(scores=[], positive=0, groups=[], k=1), "empty"),
    (dict(scores=[0.1, 0.2], positive=5, groups=["a", "b"], k=1), "positive"),
    (dict(scores=[0.1, 0.2], positive=0, groups=["a"], k=1), "one per candidate"),
    (dict(scores=[0.1, 0.2], positive=0, groups=["a", "b"], k=0), "at least 1"),
    (dict(scores=[0.1, 0.2], positive=0, groups=["a", "b"], k=1, margin=-1), "margin"),
])
def test_miner_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        select_negatives(**kwargs)
