"""InfoNCE with in-batch negatives (van den Oord et al. 2018, "Representation Learning with
Contrastive Predictive Coding"; Henderson et al. 2017, "Efficient Natural Language Response
Suggestion for Smart Reply").

For query i with positive key i among the batch's keys (and optional extra hard negatives):

    L_i = −log( exp(sim(q_i, k_i)/τ) / Σ_j exp(sim(q_i, k_j)/τ) )

with sim the cosine similarity. A batch of N pairs gives each query N − 1 in-batch negatives; h
hard negatives per query add N·h more candidates, shared by the whole batch. sentence-transformers
calls this MultipleNegativesRankingLoss with ``scale = 1/τ``; its candidate columns are the N
positives, then the N first hard negatives, then the N second ones … — ``similarity_logits``
arranges them the same way, so the two logit matrices are identical, not just the losses.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def check_temperature(temperature: float) -> float:
    if not isinstance(temperature, (int, float)) or math.isnan(temperature) or temperature <= 0:
        raise ValueError(f"The temperature τ must be positive, got {temperature}.")
    return float(temperature)


def _validate(queries: torch.Tensor, keys: torch.Tensor, temperature: float) -> None:
    check_temperature(temperature)
    if queries.ndim != 2 or keys.ndim != 2:
        raise ValueError("queries and keys must be 2-D (batch × dimension).")
    if len(queries) == 0 or len(keys) == 0:
        raise ValueError("The batch is empty: give at least one (query, positive) pair.")
    if queries.shape != keys.shape:
        raise ValueError(f"queries {tuple(queries.shape)} and positive keys {tuple(keys.shape)} must have the "
                         "same shape: one positive per query.")


def in_batch_labels(batch_size: int, device=None) -> torch.Tensor:
    """Query i's positive is key i: the labels are 0 … N−1 (the diagonal of the logit matrix)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    return torch.arange(batch_size, device=device)


def arrange_hard_negatives(hard_negatives: torch.Tensor, batch_size: int, dim: int) -> torch.Tensor:
    """Hard negatives as extra candidate rows, in MultipleNegativesRankingLoss's order.

    ``(N, d)``: one per query; ``(N, h, d)``: h per query → rows [all first negatives, all second …]."""
    if hard_negatives.ndim == 3:
        if hard_negatives.shape[0] != batch_size:
            raise ValueError(f"{hard_negatives.shape[0]} rows of hard negatives for a batch of {batch_size} queries.")
        hard_negatives = hard_negatives.transpose(0, 1).reshape(-1, hard_negatives.shape[-1])
    elif hard_negatives.ndim == 2:
        if hard_negatives.shape[0] != batch_size:
            raise ValueError(f"{hard_negatives.shape[0]} hard negatives for a batch of {batch_size} queries: "
                             "give one per query (N × d) or h per query (N × h × d).")
    else:
        raise ValueError("hard negatives must be N × d or N × h × d.")
    if hard_negatives.shape[-1] != dim:
        raise ValueError(f"hard negatives have dimension {hard_negatives.shape[-1]}, the keys {dim}.")
    return hard_negatives


def similarity_logits(queries, keys, temperature: float = 0.05, hard_negatives=None) -> torch.Tensor:
    """cos(q_i, k_j) / τ for every query and every candidate key (positives, then hard negatives)."""
    _validate(queries, keys, temperature)
    candidates = keys
    if hard_negatives is not None:
        candidates = torch.cat([keys, arrange_hard_negatives(hard_negatives, len(keys), keys.shape[-1])], dim=0)
    return F.normalize(queries, dim=-1) @ F.normalize(candidates, dim=-1).T / temperature


def info_nce(queries, keys, temperature: float = 0.05, hard_negatives=None, reduction: str = "mean") -> torch.Tensor:
    """InfoNCE over in-batch negatives (+ optional hard negatives shared across the batch)."""
    logits = similarity_logits(queries, keys, temperature, hard_negatives)
    return F.cross_entropy(logits, in_batch_labels(len(queries), logits.device), reduction=reduction)


def positive_probability(logits: torch.Tensor) -> torch.Tensor:
    """P(positive) for every query: the softmax weight on its own diagonal entry."""
    return logits.softmax(dim=-1).diagonal()


def row_distribution(similarities, positive: int, temperature: float) -> dict:
    """One query's row of cosine similarities → softmax at temperature τ, P(positive) and its loss.

    Returns {"probabilities": array, "p_positive": float, "loss": float}."""
    import numpy as np

    check_temperature(temperature)
    sims = torch.as_tensor(np.asarray(similarities, dtype=np.float64))
    if sims.ndim != 1 or len(sims) == 0:
        raise ValueError("Give one non-empty row of similarities.")
    if not 0 <= positive < len(sims):
        raise ValueError(f"positive must index the row of {len(sims)} candidates, got {positive}.")
    log_p = torch.log_softmax(sims / temperature, dim=0)
    return {"probabilities": log_p.exp().numpy(), "p_positive": float(log_p[positive].exp()),
            "loss": float(-log_p[positive])}
