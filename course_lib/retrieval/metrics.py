"""Ranking metrics: recall@k, MRR@k, nDCG@k and average precision, for binary or graded relevance.

``ranking`` is a list of document ids, best first. ``relevant`` is either the ids that answer the
query (binary relevance: each has gain 1) or a mapping id → grade (graded relevance; grade 0
means judged not relevant). Conventions follow trec_eval, which ``tests/test_metrics.py`` checks
them against: a document is relevant when its grade is above 0, the gain of a document is its
grade, the discount of rank r (1-based) is 1 / log2(r + 1), and the ideal ranking puts the
min(|relevant|, k) highest grades first.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping, Sequence

import numpy as np


def _check(ranking: Sequence, relevant: Iterable | Mapping, k: int | None) -> tuple[list, dict]:
    """(the top k of ``ranking``, {relevant id: grade > 0})."""
    if isinstance(relevant, Mapping):
        grades = {doc: float(g) for doc, g in relevant.items() if g > 0}
    else:
        grades = dict.fromkeys(relevant, 1.0)
    if not grades:
        raise ValueError("A query needs at least one relevant document.")
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    ranking = list(ranking)
    return (ranking if k is None else ranking[:k]), grades


def recall_at_k(ranking: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """Share of the relevant documents found in the top k."""
    top, grades = _check(ranking, relevant, k)
    return len(grades.keys() & set(top)) / len(grades)


def mrr_at_k(ranking: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """1 / rank of the first relevant document in the top k (0 when none is there)."""
    top, grades = _check(ranking, relevant, k)
    for rank, doc in enumerate(top, start=1):
        if doc in grades:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking: Sequence, relevant: Iterable | Mapping, k: int) -> float:
    """Discounted cumulative gain of the top k, divided by the best achievable."""
    top, grades = _check(ranking, relevant, k)
    dcg = sum(grades[doc] / math.log2(rank + 1) for rank, doc in enumerate(top, start=1) if doc in grades)
    best = sorted(grades.values(), reverse=True)[:k]
    ideal = sum(g / math.log2(rank + 1) for rank, g in enumerate(best, start=1))
    return dcg / ideal


def average_precision(ranking: Sequence, relevant: Iterable | Mapping, k: int | None = None) -> float:
    """Mean of precision@r over the ranks r of the relevant documents retrieved, divided by |relevant|."""
    top, grades = _check(ranking, relevant, k)
    hits, total = 0, 0.0
    for rank, doc in enumerate(top, start=1):
        if doc in grades:
            hits += 1
            total += hits / rank
    return total / len(grades)


METRICS = {"ndcg@10": (ndcg_at_k, 10), "recall@10": (recall_at_k, 10), "mrr@10": (mrr_at_k, 10),
           "map@100": (average_precision, 100)}


def mean_metrics(rankings: Sequence[Sequence], relevants: Sequence[Iterable | Mapping], metrics=None) -> dict[str, float]:
    """Each metric averaged over queries."""
    metrics = metrics or METRICS
    if len(rankings) != len(relevants):
        raise ValueError(f"{len(rankings)} rankings but {len(relevants)} relevance sets.")
    if len(rankings) == 0:
        raise ValueError("No queries to evaluate.")
    return {name: float(np.mean([fn(r, rel, k) for r, rel in zip(rankings, relevants)]))
            for name, (fn, k) in metrics.items()}
