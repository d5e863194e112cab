"""Augmented SBERT in miniature (Thakur et al. 2021): the cross-encoder labels pairs for a bi-encoder."""
from __future__ import annotations

import numpy as np

from ..contrastive.negatives import answer_groups
from ..data.wiki import load_articles, split_of
from ..models import cross_scores
from ..retrieval.bm25 import BM25Index
from ..retrieval.chunking import passage_text


def silver_pairs(cross_encoder, n_queries: int = 30, per_query: int = 3, seed: int = 0):
    """Augmented SBERT in miniature: the cross-encoder labels (dev description, BM25 candidate) pairs.

    Returns a DataFrame with the cross-encoder's probability, its silver label (p > 0.5) and the
    gold label (the candidate carries the description) for comparison."""
    import pandas as pd

    df = load_articles()
    df = df[df["description"].map(lambda d: bool(d) and split_of(d) == "dev")].reset_index(drop=True)
    groups = answer_groups(list(df["description"]), list(df["text"]))
    index = BM25Index(list(df["text"]))
    rng = np.random.default_rng(seed)
    firsts = {}
    for i, g in enumerate(groups):
        firsts.setdefault(g, i)
    picks = rng.choice(sorted(firsts.values()), size=min(n_queries, len(firsts)), replace=False)
    rows = []
    for i in picks:
        query = df["description"][i]
        docs, _ = index.search(query, k=per_query)
        probs = cross_scores(cross_encoder, query, [passage_text(df["title"][int(d)], df["text"][int(d)]) for d in docs])
        for d, p in zip(docs, probs):
            rows.append({"query": query, "candidate": df["title"][int(d)], "cross_encoder_p": round(float(p), 3),
                         "silver": bool(p > 0.5), "gold": groups[int(d)] == groups[i]})
    return pd.DataFrame(rows)
