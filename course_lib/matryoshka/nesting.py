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

from ..vectors import check_dim, truncate

MRL_DIMS = (32, 64, 128, 256, 384)
"""The prefix lengths the course's MRL model is trained on (MiniLM has 384 dimensions)."""
EVAL_DIMS = (8, 16, 32, 64, 128, 256, 384)
"""The truncations the quality curves are measured at."""


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
