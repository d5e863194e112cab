"""Small computations behind notebook 02's widgets (pure: inputs in, arrays / lists out)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..text import UnknownWordError, close_matches, tokenize
from .model import sgns_step
from .pairs import _check_sentence, _check_window, skipgram_pairs
from .sampling import noise_distribution


def sentence_tokens(text_or_tokens) -> list[str]:
    """Tokens of a sentence given as text or as a token list; an empty one is a ValueError."""
    tokens = tokenize(text_or_tokens) if isinstance(text_or_tokens, str) else list(text_or_tokens)
    return _check_sentence(tokens)


def window_view(tokens, center: int, window: int) -> dict:
    """What a window of ``window`` words does at position ``center`` of a sentence, and in total."""
    tokens = sentence_tokens(tokens)
    window = _check_window(window)
    if not 0 <= center < len(tokens):
        raise ValueError(f"center must be a position from 0 to {len(tokens) - 1}, got {center}.")
    context = [j for j in range(max(0, center - window), min(len(tokens), center + window + 1)) if j != center]
    return {
        "tokens": tokens, "center": center, "window": window, "context": context,
        "center_pairs": [(tokens[center], tokens[j]) for j in context],
        "all_pairs": skipgram_pairs(tokens, window),
    }


def noise_table(words, counts, power: float, top: int = 20) -> dict:
    """P(w) ∝ count^power next to the unigram (power 1) and uniform (power 0) for the top words."""
    counts = np.asarray(counts, dtype=np.float64)
    if not 0 <= power <= 1.5:
        raise ValueError(f"Choose an exponent between 0 and 1.5, got {power}.")
    if top < 1:
        raise ValueError(f"top must be ≥ 1, got {top}.")
    p, unigram = noise_distribution(counts, power), noise_distribution(counts, 1.0)
    rare = counts <= np.quantile(counts, 0.5)
    return {
        "words": list(words[:top]), "probs": p[:top], "unigram": unigram[:top], "uniform": 1.0 / len(counts),
        "power": power, "top_share": float(p[:top].sum()), "rare_share": float(p[rare].sum()),
        "rare_share_unigram": float(unigram[rare].sum()), "n_rare": int(rare.sum()),
    }


@dataclass
class StepThrough:
    """SGNS training on a handful of real pairs, recorded step by step.

    ``pos`` (steps+1, P): σ(v_w·u_c) of each real pair after each step; ``neg`` (steps+1, P, k):
    σ(v_w·u_n) of its sampled pairs; ``loss`` (steps+1,): the summed loss.
    """

    pairs: list[tuple[str, str]]
    negatives: list[list[str]]
    pos: np.ndarray
    neg: np.ndarray
    loss: np.ndarray
    lr: float


def step_through(pairs, negatives, steps: int = 40, lr: float = 0.5, dim: int = 10, seed: int = 0) -> StepThrough:
    """Run ``steps`` closed-form SGNS steps on ``pairs`` (each with its own ``negatives``) from a fresh start."""
    if not pairs:
        raise ValueError("Give at least one (center, context) pair.")
    if len(negatives) != len(pairs) or len({len(n) for n in negatives}) != 1:
        raise ValueError("Give the same number of negative words for every pair.")
    if steps < 0 or lr <= 0:
        raise ValueError("steps must be ≥ 0 and the learning rate > 0.")
    words = sorted({w for p in pairs for w in p} | {w for ns in negatives for w in ns})
    index = {w: i for i, w in enumerate(words)}
    gen = torch.Generator().manual_seed(seed)
    W_in = (torch.rand(len(words), dim, generator=gen, dtype=torch.float64) - 0.5) / dim
    W_out = (torch.rand(len(words), dim, generator=gen, dtype=torch.float64) - 0.5) / dim
    c = torch.tensor([index[a] for a, _ in pairs])
    x = torch.tensor([index[b] for _, b in pairs])
    n = torch.tensor([[index[w] for w in ns] for ns in negatives])

    def scores():
        v = W_in[c]
        return torch.sigmoid((v * W_out[x]).sum(-1)), torch.sigmoid(torch.einsum("pd,pkd->pk", v, W_out[n]))

    pos, neg, loss = [], [], []
    for step in range(steps + 1):
        sp, sn = scores()
        pos.append(sp.numpy().copy()); neg.append(sn.numpy().copy())
        loss.append(float(-(torch.log(sp).sum() + torch.log1p(-sn).sum())))
        if step < steps:
            sgns_step(W_in, W_out, c, x, n, lr, with_loss=False)   # group of 1: every pair its own negatives
    return StepThrough(list(pairs), [list(ns) for ns in negatives], np.array(pos), np.array(neg), np.array(loss), lr)


def smooth(values, window: int) -> np.ndarray:
    """Moving average over ``window`` points (shorter at the start), for a readable loss curve."""
    values = np.asarray(values, dtype=float)
    if window < 1:
        raise ValueError(f"the smoothing window must be ≥ 1, got {window}.")
    if len(values) == 0:
        return values
    csum = np.cumsum(np.insert(values, 0, 0.0))
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(0, idx - window)
    return (csum[idx] - csum[lo]) / (idx - lo)


def project_2d(vectors: np.ndarray, method: str = "pca", seed: int = 0) -> np.ndarray:
    """2-D coordinates of the rows of ``vectors`` by PCA or t-SNE (cosine geometry: rows normalised first)."""
    X = np.asarray(vectors, dtype=np.float64)
    if X.ndim != 2 or len(X) < 3:
        raise ValueError("Need at least 3 vectors to draw a map.")
    X = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    X = X - X.mean(0)
    if method == "pca":
        _, _, vt = np.linalg.svd(X, full_matrices=False)
        return X @ vt[:2].T
    if method == "t-sne":
        from sklearn.manifold import TSNE

        perplexity = float(min(30, max(2, (len(X) - 1) // 3)))
        return TSNE(2, perplexity=perplexity, init="pca", random_state=seed, max_iter=500).fit_transform(X)
    raise ValueError(f"method must be 'pca' or 't-sne', got {method!r}.")


def known_word(kv, word: str) -> str:
    """The cleaned word if ``kv`` has it, else UnknownWordError with close matches."""
    if not isinstance(word, str) or not word.strip():
        raise ValueError("Type a word.")
    w = word.strip().lower()
    if w not in kv.key_to_index:
        raise UnknownWordError(w, close_matches(w, kv.index_to_key[:50_000]))
    return w
