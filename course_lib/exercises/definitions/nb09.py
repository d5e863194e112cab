"""Notebook 09 — MaxSim over token matrices, model2vec's Zipf weighting, LoRA's parameter count.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.alternatives``) add input checks and friendlier errors.
"""
import numpy as np

from ..core import Case, Exercise, register


def maxsim(query_tokens, doc_tokens):
    """ColBERT's MaxSim: for every query token (a row of ``query_tokens``), the largest dot product
    with any document token (a row of ``doc_tokens``), summed over the query tokens. Return a float."""
    sims = np.asarray(query_tokens, dtype=float) @ np.asarray(doc_tokens, dtype=float).T
    return float(sims.max(axis=1).sum())


def zipf_weights(n_tokens, sif_coefficient):
    """model2vec's weight of each of ``n_tokens`` vocabulary rows, in vocabulary order: with
    p_r ∝ 1 / (r + 1) for r = 1 … n (Zipf, normalised to sum to 1), the weight is a / (a + p_r)."""
    inverse_rank = 1 / np.arange(2, n_tokens + 2)
    p = inverse_rank / inverse_rank.sum()
    return sif_coefficient / (sif_coefficient + p)


def lora_parameter_count(shapes, rank):
    """Trainable numbers of rank-``rank`` LoRA adapters on matrices of the given (d_out, d_in)
    shapes: each gets A (rank × d_in) and B (d_out × rank). Return an int."""
    return int(sum(rank * d_in + d_out * rank for d_out, d_in in shapes))


# ---- maxsim -------------------------------------------------------------------------------------------

def _maxsim_cases():
    rng = np.random.default_rng(9)
    hidden = []
    for m, n, d in ((3, 5, 4), (8, 40, 16), (1, 7, 8), (12, 3, 128)):
        q, doc = rng.normal(size=(m, d)), rng.normal(size=(n, d))
        hidden.append(Case(args=(q / np.linalg.norm(q, axis=1, keepdims=True),
                                 doc / np.linalg.norm(doc, axis=1, keepdims=True)), hidden=True))
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    return [
        Case(args=(q, np.array([[0.6, 0.8], [0.8, 0.6]])), label="sum of the best matches: 0.8 + 0.8",
             expected=1.6, hint="Sum the query tokens' best matches (MaxSim is a sum, not a mean or a single max)."),
        # 2 query tokens, 3 document tokens: the wrong axis sums 3 maxima (1 + 1 + 0.6), not 2
        Case(args=(q, np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])), label="two query tokens, three document tokens",
             expected=2.0, hint="Each query token (row of the query) takes its best document token: max over "
                                "axis=1 of Q @ D.T, then sum over the query tokens."),
        Case(args=(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, -1.0], [0.6, 0.8]])),
             label="one query token: its best match", expected=0.8,
             hint="Dot products (Q @ D.T), then the largest per query token."),
        Case(args=(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([[0.0, 0.0, 1.0]])),
             label="a one-token document", expected=1.0, hint="With one document token, each query token's best is its dot product with it."),
        *hidden,
    ]


# ---- zipf_weights ------------------------------------------------------------------------------------

def _zipf_cases():
    hidden = [Case(args=(n, a), hidden=True) for n, a in ((1, 1e-4), (10, 0.3), (30522, 1e-4), (5000, 1e-3))]
    return [
        Case(args=(1, 0.25), label="one token: p = 1, weight 0.25 / 1.25", expected=0.2 * np.ones(1),
             hint="Normalise p to sum to 1 before weighting: p = inverse_rank / inverse_rank.sum()."),
        Case(args=(2, 0.5), label="two tokens, a = 0.5: p = (0.6, 0.4)", expected=zipf_weights(2, 0.5),
             hint="Ranks r = 1 … n give p_r ∝ 1 / (r + 1): the first row has 1/2, the second 1/3 (np.arange(2, n + 2))."),
        Case(args=(3, 0.1), label="three tokens, a = 0.1", expected=zipf_weights(3, 0.1)),
        Case(args=(4, 0.2), label="frequent rows get smaller weights", expected=zipf_weights(4, 0.2),
             hint="The weight is a / (a + p): frequent tokens (large p) are down-weighted."),
        *hidden,
    ]


# ---- lora_parameter_count --------------------------------------------------------------------------

def _lora_cases():
    rng = np.random.default_rng(11)
    hidden = [Case(args=([tuple(int(x) for x in rng.integers(8, 2048, size=2)) for _ in range(int(k))], int(r)),
                   hidden=True) for k, r in ((1, 1), (3, 4), (12, 8), (24, 64))]
    return [
        Case(args=([(2, 2)], 1), label="a 2×2 matrix, rank 1: A is 1×2, B is 2×1", expected=4,
             hint="Count both A (rank × d_in) and B (d_out × rank)."),
        Case(args=([(384, 384)], 8), label="one 384×384 matrix, rank 8", expected=6144,
             hint="A is rank × d_in and B is d_out × rank: rank · (d_in + d_out) numbers, not d_in · d_out."),
        Case(args=([(1536, 384)], 2), label="a 1536×384 matrix (d_out = 1536), rank 2", expected=3840,
             hint="Count both A (rank × d_in) and B (d_out × rank): 2·384 + 1536·2."),
        Case(args=([(384, 384), (384, 384), (1536, 384)], 4), label="three matrices, rank 4", expected=3072 + 3072 + 7680,
             hint="Add up the adapters of every matrix in shapes."),
        *hidden,
    ]


register(Exercise(
    id="maxsim", notebook="09", title="MaxSim over token matrices", reference=maxsim, cases=_maxsim_cases,
    hint="(Q @ D.T).max(axis=1).sum(): the best document token for each query token, summed.",
    returns=(float, np.floating),
))
register(Exercise(
    id="zipf_weights", notebook="09", title="model2vec's Zipf weighting", reference=zipf_weights, cases=_zipf_cases,
    hint="p = (1 / np.arange(2, n + 2)) normalised to sum 1; weights = a / (a + p).",
    returns=np.ndarray,
))
register(Exercise(
    id="lora_parameter_count", notebook="09", title="LoRA's parameter count for a rank",
    reference=lora_parameter_count, cases=_lora_cases,
    hint="Σ over matrices of rank · (d_in + d_out).", returns=(int, np.integer),
))
