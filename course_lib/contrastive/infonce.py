"""InfoNCE with in-batch negatives (van den Oord et al. 2018; Henderson et al. 2017).

For query i with positive key i among the batch's keys (and optional extra hard negatives):

    L_i = −log( exp(sim(q_i, k_i)/τ) / Σ_j exp(sim(q_i, k_j)/τ) )

with sim the cosine similarity. A batch of N pairs gives each query N − 1 in-batch negatives.
sentence-transformers calls this MultipleNegativesRankingLoss with ``scale = 1/τ``.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def _validate(queries: torch.Tensor, keys: torch.Tensor, temperature: float) -> None:
    if temperature <= 0:
        raise ValueError(f"The temperature τ must be positive, got {temperature}.")
    if queries.ndim != 2 or keys.ndim != 2:
        raise ValueError("queries and keys must be 2-D (batch × dimension).")
    if len(queries) == 0:
        raise ValueError("The batch is empty.")
    if queries.shape != keys.shape:
        raise ValueError(f"queries {tuple(queries.shape)} and positive keys {tuple(keys.shape)} must have the same shape.")


def in_batch_labels(batch_size: int, device=None) -> torch.Tensor:
    """Query i's positive is key i: the labels are 0 … N−1 (the diagonal of the logit matrix)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    return torch.arange(batch_size, device=device)


def similarity_logits(queries, keys, temperature: float = 0.05, hard_negatives=None) -> torch.Tensor:
    """cos(q_i, k_j) / τ for every query and every candidate key (positives, then hard negatives)."""
    _validate(queries, keys, temperature)
    candidates = keys
    if hard_negatives is not None:
        if hard_negatives.ndim == 3:  # (N, h, d): h hard negatives per query, all shared in the batch
            hard_negatives = hard_negatives.reshape(-1, hard_negatives.shape[-1])
        if hard_negatives.shape[-1] != keys.shape[-1]:
            raise ValueError("hard negatives must have the same dimension as the keys.")
        candidates = torch.cat([keys, hard_negatives], dim=0)
    return F.normalize(queries, dim=-1) @ F.normalize(candidates, dim=-1).T / temperature


def info_nce(queries, keys, temperature: float = 0.05, hard_negatives=None, reduction: str = "mean") -> torch.Tensor:
    """InfoNCE over in-batch negatives (+ optional hard negatives shared across the batch)."""
    logits = similarity_logits(queries, keys, temperature, hard_negatives)
    return F.cross_entropy(logits, in_batch_labels(len(queries), logits.device), reduction=reduction)


def positive_probability(logits: torch.Tensor) -> torch.Tensor:
    """P(positive) for every query: the softmax weight on its own diagonal entry."""
    return logits.softmax(dim=-1).diagonal()
