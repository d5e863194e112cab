"""The two sampling tricks of Mikolov et al. (2013b), "Distributed Representations of Words and
Phrases and their Compositionality": subsampling of frequent words and the noise distribution.

* Subsampling: each occurrence of a word with relative frequency f is dropped with probability
  ``1 − sqrt(t / f)`` (the paper's formula, threshold t ≈ 1e-5). The released word2vec code (and
  gensim, ``sample=``) keep a word with probability ``(sqrt(f / t) + 1) · t / f`` instead; both are
  here, and training uses the word2vec one so that it matches gensim.
* Noise distribution for negative samples: ``P(w) ∝ count(w)^0.75``. The exponent 0.75 was chosen
  by experiment; it sits between the unigram distribution (1: "the" everywhere) and the uniform one
  (0: rare words as often as common ones).
"""
from __future__ import annotations

import numpy as np


def _check_counts(counts) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("counts must be a non-empty 1-D list of word counts.")
    if not np.all(np.isfinite(counts)):
        raise ValueError("counts must be finite numbers.")
    if np.any(counts < 0):
        bad = int(np.flatnonzero(counts < 0)[0])
        raise ValueError(f"counts must be ≥ 0; position {bad} holds {counts[bad]:g}. A word cannot occur a negative number of times.")
    if counts.sum() <= 0:
        raise ValueError("counts are all zero: there is no distribution to sample from.")
    return counts


def noise_distribution(counts, power: float = 0.75) -> np.ndarray:
    """P(w) = count(w)^power / Σ_v count(v)^power — the negative-sampling noise distribution."""
    counts = _check_counts(counts)
    if not np.isfinite(power):
        raise ValueError(f"power must be a finite number, got {power!r}.")
    weights = np.where(counts > 0, counts, 0.0) ** power
    weights[counts == 0] = 0.0  # 0**0 would be 1: a word never seen is never sampled
    return weights / weights.sum()


def keep_probability(counts, t: float = 1e-3, formula: str = "word2vec") -> np.ndarray:
    """Probability of keeping each occurrence of each word when subsampling frequent words.

    ``formula="paper"``: 1 − P(discard) = sqrt(t / f), capped at 1 (Mikolov et al. 2013b, eq. 5).
    ``formula="word2vec"``: (sqrt(f / t) + 1) · t / f, capped at 1 (the C code; gensim's ``sample``).
    f is the word's share of all tokens. ``t = 0`` switches subsampling off.
    """
    counts = _check_counts(counts)
    if t < 0:
        raise ValueError(f"the subsampling threshold t must be ≥ 0, got {t}.")
    if t == 0:
        return np.ones_like(counts)
    f = counts / counts.sum()
    with np.errstate(divide="ignore"):
        if formula == "paper":
            p = np.sqrt(t / f)
        elif formula == "word2vec":
            p = (np.sqrt(f / t) + 1.0) * t / f
        else:
            raise ValueError(f"formula must be 'paper' or 'word2vec', got {formula!r}.")
    return np.minimum(p, 1.0)


class NoiseSampler:
    """Draws negative word ids from P(w) ∝ count^power (inverse-CDF on a torch tensor, any device)."""

    def __init__(self, counts, power: float = 0.75, device="cpu"):
        import torch

        probs = noise_distribution(counts, power)
        self.probs = probs
        self.cdf = torch.as_tensor(np.cumsum(probs), dtype=torch.float64, device=device)
        self.cdf[-1] = 1.0 + 1e-12
        self.device = torch.device(device)

    def sample(self, shape, generator=None):
        import torch

        gen_device = generator.device if generator is not None else self.device
        u = torch.rand(shape, generator=generator, dtype=torch.float64, device=gen_device).to(self.device)
        return torch.searchsorted(self.cdf, u, right=True).clamp_(max=len(self.probs) - 1)
