"""Notebook 02 — skip-gram pairs, the noise distribution, the SGNS loss.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.word2vec``) add input checks and friendlier errors.
"""
import numpy as np

from ..core import Case, Exercise, register


def skipgram_pairs(tokens, window):
    """All (center, context) pairs of a tokenised sentence, as a list of tuples: every word paired
    with each other word at most ``window`` positions away. Centers go left to right, and for each
    center its context words go left to right."""
    return [(center, tokens[j])
            for i, center in enumerate(tokens)
            for j in range(i - window, i + window + 1)
            if j != i and 0 <= j < len(tokens)]


def noise_distribution(counts, power=0.75):
    """The negative-sampling distribution: P(w) = count(w)**power / Σ_v count(v)**power, as a
    1-D numpy array of floats that sums to 1."""
    weights = np.asarray(counts, dtype=float) ** power
    return weights / weights.sum()


def sgns_loss(v_w, v_c, v_n):
    """The mean SGNS loss of a batch, as a scalar torch tensor built with torch operations:
    −[log σ(v_w·v_c) + Σ_k log σ(−v_w·v_n[k])], averaged over the batch.
    v_w: (B, d) center vectors, v_c: (B, d) context vectors, v_n: (B, k, d) negative vectors."""
    import torch
    import torch.nn.functional as F

    positive = F.logsigmoid((v_w * v_c).sum(dim=1))                                   # (B,)
    negative = F.logsigmoid(-(v_n @ v_w.unsqueeze(2)).squeeze(2)).sum(dim=1)          # (B,)
    return -(positive + negative).mean()


# ---- cases ----------------------------------------------------------------------------------------

def _pair_cases():
    rng = np.random.default_rng(20)
    words = "the quick brown fox jumps over a lazy dog while cats sleep".split()
    hidden = [Case(args=(list(rng.choice(words, size=n)), w), hidden=True)
              for n, w in ((1, 1), (2, 1), (7, 2), (12, 5), (30, 3), (5, 10))]
    return [
        Case(args=(["a", "b", "c"], 1), label="three words, window 1",
             expected=[("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")],
             hint="For position i, look at positions i-window … i+window, skipping i itself and anything outside the sentence."),
        Case(args=(["i", "like", "green", "tea"], 2), label="four words, window 2",
             expected=[("i", "like"), ("i", "green"), ("like", "i"), ("like", "green"), ("like", "tea"),
                       ("green", "i"), ("green", "like"), ("green", "tea"), ("tea", "like"), ("tea", "green")]),
        Case(args=(["alone"], 3), label="one word has no context", expected=[],
             hint="A sentence of one word makes no pairs: return an empty list."),
        Case(args=(["to", "be", "or", "not", "to", "be"], 1), label="repeated words are separate positions",
             expected=[("to", "be"), ("be", "to"), ("be", "or"), ("or", "be"), ("or", "not"), ("not", "or"),
                       ("not", "to"), ("to", "not"), ("to", "be"), ("be", "to")],
             hint="Loop over positions (enumerate), not over distinct words."),
        *hidden,
    ]


def _noise_cases():
    rng = np.random.default_rng(21)
    hidden = [Case(args=(rng.integers(1, 10_000, size=n),), hidden=True) for n in (1, 10, 1000)]
    hidden += [Case(args=(rng.integers(1, 100, size=20), p), hidden=True) for p in (0.0, 0.5, 1.0)]
    return [
        Case(args=([1, 16, 81],), label="counts 1, 16, 81 → weights 1, 8, 27",
             expected=np.array([1.0, 8.0, 27.0]) / 36.0,
             hint="16**0.75 = 8 and 81**0.75 = 27; divide each weight by their total (36)."),
        Case(args=([5, 5, 5, 5],), label="equal counts → uniform", expected=np.full(4, 0.25)),
        Case(args=([1, 16, 81], 1.0), label="power 1 is the plain unigram distribution",
             expected=np.array([1.0, 16.0, 81.0]) / 98.0,
             hint="Use the power argument, not a fixed 0.75: with power 1 the result is count / total."),
        Case(args=([1, 16, 81], 0.0), label="power 0 is uniform", expected=np.full(3, 1 / 3)),
        *hidden,
    ]


def _compare_loss(result, expected):
    """The value; the gradients are checked by the grader for every exercise marked ``gradients``."""
    import torch

    if not isinstance(result, torch.Tensor):
        raise AssertionError(f"returned {type(result).__name__}; return a torch tensor (use torch operations, not numpy or .item()).")
    if result.numel() != 1:
        raise AssertionError(f"returned a tensor of shape {tuple(result.shape)}; the loss is one number: take the mean over the batch.")
    value, want = float(result.detach()), float(expected)
    if not abs(value - want) <= 1e-6 * max(1.0, abs(want)):
        raise AssertionError(f"loss {value:.6f}, expected {want:.6f}")


def _loss_cases():
    import torch

    def case(v_w, v_c, v_n, **kw):
        return Case(args=tuple(torch.tensor(x, dtype=torch.float64) for x in (v_w, v_c, v_n)), **kw)

    gen = np.random.default_rng(22)
    hidden = [case(gen.normal(size=(b, d)), gen.normal(size=(b, d)), gen.normal(size=(b, k, d)), hidden=True)
              for b, d, k in ((1, 1, 1), (4, 8, 5), (32, 50, 10))]
    return [
        case([[0.0, 0.0]], [[1.0, 2.0]], [[[3.0, 4.0]]], label="zero center vector: loss = 2·log 2 ≈ 1.3863",
             hint="σ(0) = 0.5, so each of the two terms is log 0.5. Use torch.nn.functional.logsigmoid: "
                  "log σ(v_w·v_c) for the context and log σ(−v_w·v_n) for each negative (note the minus)."),
        case([[1.0, 0.0]], [[2.0, 0.0]], [[[0.0, 1.0], [-1.0, 0.0]]], label="one pair, two negatives",
             hint="Scores: v_w·v_c = 2, v_w·v_n = 0 and −1. Loss = −[log σ(2) + log σ(−0) + log σ(1)]."),
        case([[1.0, 1.0], [0.5, -0.5]], [[1.0, 0.0], [0.0, 1.0]], [[[1.0, 1.0]], [[2.0, 0.0]]],
             label="a batch of two is averaged", hint="Compute one loss per row, then .mean()."),
        *hidden,
    ]


register(Exercise(
    id="skipgram_pairs", notebook="02", title="Skip-gram pairs from a sliding window", reference=skipgram_pairs,
    cases=_pair_cases, returns=list,
    hint="Two nested loops: over positions i, then over j from max(0, i-window) to min(len, i+window+1), skipping j == i.",
))
register(Exercise(
    id="noise_distribution", notebook="02", title="The noise distribution P(w) ∝ count^0.75", reference=noise_distribution,
    cases=_noise_cases, returns=np.ndarray,
    hint="Raise the counts to the power with numpy (np.asarray(counts, dtype=float) ** power), then divide by the sum.",
))
register(Exercise(
    id="sgns_loss", notebook="02", title="The SGNS loss (value and gradient)", reference=sgns_loss,
    cases=_loss_cases, compare=_compare_loss, gradients=True,
    gradient_hint="Build the loss from v_w, v_c and v_n with torch operations only, so that autograd can "
                  "differentiate it; no .detach(), .item() or numpy.",
    hint="positive = logsigmoid((v_w*v_c).sum(1)); negative scores = (v_n @ v_w.unsqueeze(2)).squeeze(2); "
         "loss = −(positive + logsigmoid(−scores).sum(1)).mean().",
))
