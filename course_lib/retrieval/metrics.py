"""Ranking metrics for binary relevance: recall@k, MRR@k, nDCG@k and average precision.

``ranking`` is a list of document ids, best first; ``relevant`` the ids that answer the query.
Conventions follow the TREC tools: the gain of a relevant document is 1, the discount of rank r
(1-based) is 1 / log2(r + 1), and the ideal ranking puts min(|relevant|, k) hits first.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np


def _check(ranking: Sequence, relevant: Iterable, k: int | None) -> tuple[list, set]:
    relevant = set(relevant)
    if not relevant:
        raise ValueError("A query needs at least one relevant document.")
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    ranking = list(ranking)
    return (ranking if k is None else ranking[:k]), relevant


def recall_at_k(ranking: Sequence, relevant: Iterable, k: int) -> float:
    """Share of the relevant documents found in the top k."""
    top, relevant = _check(ranking, relevant, k)
    return len(relevant.intersection(top)) / len(relevant)


def mrr_at_k(ranking: Sequence, relevant: Iterable, k: int) -> float:
    """1 / rank of the first relevant document in the top k (0 when none is there)."""
    top, relevant = _check(ranking, relevant, k)
    for rank, doc in enumerate(top, start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Sequence, relevant: Iterable, k: int) -> float:
    """Discounted cumulative gain of the top k, divided by the best achievable."""
    top, relevant = _check(ranking, relevant, k)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(top, start=1) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def average_precision(ranking: Sequence, relevant: Iterable, k: int | None = None) -> float:
    """Mean of precision@r over the ranks r of the relevant documents retrieved, divided by |relevant|."""
    top, relevant = _check(ranking, relevant, k)
    hits, total = 0, 0.0
    for rank, doc in enumerate(top, start=1):
        if doc in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


METRICS = {"ndcg@10": (ndcg_at_k, 10), "recall@10": (recall_at_k, 10), "mrr@10": (mrr_at_k, 10),
           "map@100": (average_precision, 100)}


def mean_metrics(rankings: Sequence[Sequence], relevants: Sequence[Iterable], metrics=None) -> dict[str, float]:
    """Each metric averaged over queries."""
    metrics = metrics or METRICS
    if len(rankings) != len(relevants):
        raise ValueError(f"{len(rankings)} rankings but {len(relevants)} relevance sets.")
    if len(rankings) == 0:
        raise ValueError("No queries to evaluate.")
    return {name: float(np.mean([fn(r, rel, k) for r, rel in zip(rankings, relevants)]))
            for name, (fn, k) in metrics.items()}
