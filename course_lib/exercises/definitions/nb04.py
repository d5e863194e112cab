"""Notebook 04 — contrastive learning: InfoNCE, the in-batch label vector, a hard-negative miner."""
import math

import numpy as np
import torch

from ... import infonce
from ..core import Case, Exercise, Mismatch, assert_close, register


def info_nce(queries, keys, temperature):
    """InfoNCE with in-batch negatives.

    queries, keys: float tensors of shape (N, d); key i is query i's positive, every other key is a
    negative. Cosine similarity divided by the temperature, softmax over each query's row, mean of
    −log P(positive). Returns a 0-d tensor built with torch operations, so that it can be trained."""
    q = queries / queries.norm(dim=1, keepdim=True)
    k = keys / keys.norm(dim=1, keepdim=True)
    logits = q @ k.T / temperature
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_p.diagonal().mean()


def in_batch_labels(batch_size):
    """The label vector of an in-batch batch: query i's positive is key i, so [0, 1, …, N−1] as int64."""
    return torch.arange(batch_size, dtype=torch.long)


def mine_hard_negatives(scores, positive, groups, k, margin):
    """Pick k hard negatives for one query, skipping likely false negatives.

    scores: 1-D array, the query's similarity to every candidate; positive: index of the positive;
    groups: the answer label of every candidate (e.g. its description); k: how many negatives;
    margin: a candidate must not score above scores[positive] − margin.
    Go through the candidates from the highest score down, skip the positive itself, skip any
    candidate with the same answer as the positive, skip any scoring above scores[positive] − margin
    (sentence-transformers' ``absolute_margin`` rule), and return the indices of the first k that
    remain (a list of ints, best first)."""
    scores = np.asarray(scores, dtype=float)
    out = []
    for c in np.argsort(-scores, kind="stable"):
        c = int(c)
        if c == positive or groups[c] == groups[positive] or scores[c] > scores[positive] - margin:
            continue
        out.append(c)
        if len(out) == k:
            break
    return out


# ---- cases ---------------------------------------------------------------------------------------

def _info_nce_cases():
    e = torch.eye(2)
    g = torch.Generator().manual_seed(0)
    rand = [(torch.randn(n, d, generator=g), torch.randn(n, d, generator=g), t)
            for n, d, t in ((4, 8, 0.05), (16, 32, 0.1), (7, 384, 1.0))]
    return [
        Case(args=(e, e, 1.0), label="2×2, orthogonal pairs, τ = 1: log(1 + e⁻¹)", expected=math.log(1 + math.exp(-1))),
        Case(args=(e, e, 0.5), label="the same at τ = 0.5: log(1 + e⁻²)", expected=math.log(1 + math.exp(-2)),
             hint="Divide the cosine similarities by τ before the softmax."),
        Case(args=(e, e.flip(0), 1.0), label="keys swapped: every positive is orthogonal: log(1 + e)",
             expected=math.log(1 + math.e), hint="The positive of query i is key i: the diagonal."),
        Case(args=(2 * e, 3 * e, 1.0), label="lengths do not matter (cosine, not dot product)",
             expected=math.log(1 + math.exp(-1)), hint="Normalise the rows of queries and keys to length 1 first."),
        # hidden: random batches, checked against the library's loss (which equals sentence-transformers' MNR)
        *[Case(args=a, hidden=True, expected=float(infonce.info_nce(a[0], a[1], a[2]))) for a in rand],
    ]


def _compare_loss(result, expected):
    if hasattr(result, "ndim") and getattr(result, "ndim", 0) != 0:
        raise AssertionError(f"expected one number (the mean over the batch), got shape {tuple(result.shape)}")
    value = result.detach() if hasattr(result, "detach") else result
    assert_close(float(value), float(expected), rtol=1e-5, atol=1e-5)


register(Exercise(
    id="info_nce", notebook="04", title="InfoNCE with in-batch negatives", reference=info_nce,
    cases=_info_nce_cases, compare=_compare_loss, returns=torch.Tensor, gradients=True,
    gradient_hint="Keep the loss a torch tensor built from queries and keys (no .detach(), .item() or numpy): "
                  "training needs its gradient.",
    hint="logits = normalised q @ normalised k.T / τ; loss = mean over rows of −log softmax(row)[i].",
))


def _labels_cases():
    return [
        Case(args=(1,), label="a batch of one pair",
             hint="Labels count from 0: query 0's positive is key 0, so a batch of one has the labels [0]."),
        Case(args=(4,), label="a batch of four pairs: [0, 1, 2, 3]", hint="torch.arange(batch_size)"),
        Case(args=(64,), hidden=True),
    ]


def _compare_labels(result, expected):
    if not isinstance(result, torch.Tensor) or result.dtype != torch.long:
        raise Mismatch(f"expected an int64 (torch.long) tensor, got {getattr(result, 'dtype', type(result).__name__)}",
                       hint="cross_entropy wants int64 class labels: torch.arange(batch_size) gives them; "
                            "do not ask for a float dtype.")
    if result.tolist() != expected.tolist():
        raise AssertionError(f"got {result.tolist()[:8]}, expected {expected.tolist()[:8]}")


register(Exercise(
    id="in_batch_labels", notebook="04", title="The label vector of an in-batch batch", reference=in_batch_labels,
    cases=_labels_cases, compare=_compare_labels, returns=torch.Tensor,
    hint="Row i of the logit matrix is query i; its positive sits in column i. cross_entropy wants int64 labels.",
))


def _miner_cases():
    rng = np.random.default_rng(0)
    hidden = []
    for n in (20, 50):
        scores = rng.random(n)
        answers = [f"a{int(x)}" for x in rng.integers(0, n // 3, size=n)]
        hidden.append(Case(args=(scores, int(rng.integers(n)), answers, 3, 0.05), hidden=True))
    return [
        Case(args=([0.9, 0.8, 0.7, 0.3, 0.1], 0, ["birds", "birds", "berry", "city", "river"], 2, 0.0),
             label="a candidate with the positive's answer is skipped", expected=[2, 3],
             hint="Candidate 1 shares the answer 'birds' with the positive: it is a false negative."),
        Case(args=([0.60, 0.70, 0.58, 0.40, 0.10], 0, ["a", "b", "c", "d", "e"], 2, 0.05),
             label="candidates within the margin of the positive are skipped", expected=[3, 4],
             hint="0.70 and 0.58 are not below 0.60 − 0.05 = 0.55."),
        Case(args=([0.2, 0.9, 0.5], 1, ["x", "y", "z"], 5, 0.0), label="fewer than k candidates: return what there is",
             expected=[2, 0]),
        *hidden,
    ]


def _compare_indices(result, expected):
    if not isinstance(result, list):
        raise AssertionError(f"expected a list of indices, got {type(result).__name__}")
    if [int(x) for x in result] != list(expected):
        raise AssertionError(f"got {result}, expected {expected}")


register(Exercise(
    id="mine_hard_negatives", notebook="04", title="A hard-negative miner with a false-negative filter",
    reference=mine_hard_negatives, cases=_miner_cases, compare=_compare_indices, returns=list,
    hint="Sort candidates by score (np.argsort(-scores)); skip the positive, same-answer ones, and those above positive − margin.",
))
