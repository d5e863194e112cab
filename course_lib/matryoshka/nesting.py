"""Nested prefixes and the Matryoshka loss (Kusupati et al. 2022, "Matryoshka Representation Learning").

An MRL embedding is trained so that its first ``m`` coordinates are, on their own, a usable
embedding for every ``m`` in a chosen list. Using a prefix means *truncate, then re-normalise*:

    f(x)[:m] / ‖f(x)[:m]‖

The MRL training loss is a weighted sum of the ordinary loss at every prefix length:

    L = Σ_m  w_m · InfoNCE( f(q)[:m], f(k)[:m] )

sentence-transformers implements it as ``MatryoshkaLoss(model, MultipleNegativesRankingLoss(model,
scale=1/τ), dims, weights)``; :func:`mrl_info_nce` computes the same number from embeddings.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

MRL_DIMS = (32, 64, 128, 256, 384)
"""The prefix lengths the course's MRL model is trained on (MiniLM has 384 dimensions)."""
EVAL_DIMS = (8, 16, 32, 64, 128, 256, 384)
"""The truncations the quality curves are measured at."""


def check_dim(dims, full_dim: int) -> int:
    """``dims`` as an int in 1 … ``full_dim``; a clear ValueError otherwise."""
    if isinstance(dims, bool) or not isinstance(dims, (int, np.integer)):
        raise ValueError(f"The truncation dimension must be a whole number, got {dims!r}.")
    dims = int(dims)
    if dims <= 0:
        raise ValueError(f"The truncation dimension must be at least 1, got {dims}.")
    if dims > full_dim:
        raise ValueError(f"Cannot keep {dims} dimensions of a {full_dim}-dimensional embedding: "
                         f"choose a dimension between 1 and {full_dim}.")
    return dims


def check_prefix_dims(dims: Sequence[int], full_dim: int) -> tuple[int, ...]:
    """A list of nested prefix lengths: strictly increasing, each in 1 … ``full_dim``."""
    dims = list(dims)
    if not dims:
        raise ValueError("Give at least one prefix dimension, e.g. [32, 64, 128, 256, 384].")
    dims = [check_dim(d, full_dim) for d in dims]
    if len(set(dims)) != len(dims):
        raise ValueError(f"The prefix dimensions {dims} contain a duplicate: each prefix length may appear once.")
    if dims != sorted(dims):
        raise ValueError(f"The prefix dimensions {dims} must be increasing (e.g. 32, 64, 128, …): "
                         "each prefix is nested inside the next.")
    return tuple(dims)


def truncate(embeddings, dims: int):
    """Keep the first ``dims`` coordinates of every row, then re-normalise each row to length 1.

    Works on a 1-D vector or a 2-D batch, NumPy array or torch tensor (returns the same kind)."""
    if hasattr(embeddings, "detach"):  # torch
        import torch.nn.functional as F

        if embeddings.ndim not in (1, 2):
            raise ValueError("Embeddings must be a vector or a 2-D batch (rows × dimensions).")
        dims = check_dim(dims, embeddings.shape[-1])
        return F.normalize(embeddings[..., :dims], p=2, dim=-1)
    x = np.asarray(embeddings)
    if x.ndim not in (1, 2):
        raise ValueError("Embeddings must be a vector or a 2-D batch (rows × dimensions).")
    dims = check_dim(dims, x.shape[-1])
    x = x[..., :dims].astype(np.float32 if x.dtype != np.float64 else np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def mrl_info_nce(queries, keys, dims: Sequence[int] = MRL_DIMS, weights: Sequence[float] | None = None,
                 temperature: float = 0.05):
    """Σ_m w_m · InfoNCE(truncate(queries, m), truncate(keys, m)) with in-batch negatives.

    Equals sentence-transformers' ``MatryoshkaLoss(MultipleNegativesRankingLoss(scale=1/τ))``
    on the same embeddings (weights default to 1 each, as there)."""
    from ..infonce import info_nce  # local import: torch loads only when the loss is computed, not on import

    dims = check_prefix_dims(dims, queries.shape[-1])
    if weights is None:
        weights = [1.0] * len(dims)
    if len(weights) != len(dims):
        raise ValueError(f"{len(weights)} weights for {len(dims)} prefix dimensions: give one weight per dimension.")
    if any(w < 0 for w in weights):
        raise ValueError("The weights must not be negative.")
    return sum(w * info_nce(truncate(queries, m), truncate(keys, m), temperature=temperature)
               for m, w in zip(dims, weights))


class MatryoshkaInfoNCELoss:
    """The training loss of the course's MRL model, built from sentence-transformers' parts.

    ``build(model)`` returns ``MatryoshkaLoss(model, MultipleNegativesRankingLoss(model, scale=1/τ),
    dims, weights)`` — the tests check it gives the same number as :func:`mrl_info_nce`."""

    def __init__(self, dims: Sequence[int] = MRL_DIMS, weights: Sequence[float] | None = None,
                 temperature: float = 0.05):
        self.dims = tuple(dims)
        self.weights = None if weights is None else tuple(weights)
        self.temperature = temperature

    def build(self, model):
        from sentence_transformers.sentence_transformer.losses import MatryoshkaLoss, MultipleNegativesRankingLoss

        dims = check_prefix_dims(self.dims, model.get_embedding_dimension())
        inner = MultipleNegativesRankingLoss(model, scale=1.0 / self.temperature)
        return MatryoshkaLoss(model, inner, list(dims), None if self.weights is None else list(self.weights))
