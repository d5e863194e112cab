"""Hybrid retrieval by reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009, "Reciprocal rank
fusion outperforms Condorcet and individual rank learning methods").

Each retriever contributes ``1 / (k + rank)`` for every document it ranks (rank counted from 1);
the fused score is the sum. Only ranks are used, so BM25 scores (unbounded) and cosine
similarities (−1…1) never need to be put on the same scale. ``k = 60`` is the paper's constant:
it damps the advantage of the very first ranks so that agreement between retrievers matters.
"""
from __future__ import annotations

from typing import Hashable, Sequence


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hashable]], k: float = 60.0,
                           weights: Sequence[float] | None = None, top: int | None = None
                           ) -> list[tuple[Hashable, float]]:
    """Fuse ranked lists (best first) into one: [(id, fused score)], best first.

    Ties keep the order in which the ids were first met (first list first)."""
    if k < 0:
        raise ValueError(f"The RRF constant k must be ≥ 0, got {k}.")
    weights = [1.0] * len(rankings) if weights is None else list(weights)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights.")
    scores: dict[Hashable, float] = {}
    for ranking, w in zip(rankings, weights):
        seen = set()
        for rank, doc in enumerate(ranking, start=1):
            if doc in seen:          # a list that repeats an id counts it once, at its best rank
                continue
            seen.add(doc)
            scores[doc] = scores.get(doc, 0.0) + w / (k + rank)
    order = sorted(scores.items(), key=lambda item: -item[1])   # stable: first-met order on ties
    return order if top is None else order[:top]
