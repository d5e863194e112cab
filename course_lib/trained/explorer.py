"""Real examples for notebook 04: a small train-split collection to mine negatives from.

The collection holds a few example queries' articles, every article sharing their descriptions
(the natural false negatives) and seeded random distractors — all from the *train* split, so
nothing here touches the held-out test articles.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..contrastive.negatives import STRATEGIES, bm25_scores, dense_scores, random_scores, select_negatives
from ..data.wiki import load_articles
from ..models import cross_scores, encode
from ..retrieval.bm25 import BM25Index
from .train_split import train_split


@dataclass
class MiningCollection:
    titles: list[str]
    descriptions: list[str]
    texts: list[str]
    groups: list[str]
    vectors: np.ndarray            # the current (base) model's L2-normalised document vectors
    index: object                  # BM25Index over the texts
    positives: dict[str, int]      # description (as typed) → position of its first article
    model: object
    max_seq_length: int

    def query_vector(self, query: str) -> np.ndarray:
        return encode(self.model, [query], max_seq_length=self.max_seq_length)[0]


def example_queries(n_shared: int = 3, n_single: int = 5, seed: int = 0) -> list[str]:
    """Train descriptions: ``n_shared`` shared by several articles (false-negative traps), ``n_single`` unique."""
    split = train_split()
    counts: dict[str, int] = {}
    for g in split.groups:
        counts[g] = counts.get(g, 0) + 1
    first = {}
    for d, g in zip(split.descriptions, split.groups):
        first.setdefault(g, d)
    shared = sorted((g for g, c in counts.items() if 3 <= c <= 12), key=lambda g: (-counts[g], g))
    rng = np.random.default_rng(seed)
    singles = sorted(g for g, c in counts.items() if c == 1 and not g.startswith("#"))
    picks = list(rng.choice(len(singles), size=n_single, replace=False))
    return [first[g] for g in shared[:n_shared]] + [first[singles[i]] for i in picks]


def mining_collection(model, queries: Sequence[str], n_distractors: int, max_seq_length: int = 64,
                      seed: int = 0) -> MiningCollection:
    split = train_split()
    wanted = {split.groups[split.descriptions.index(q)] for q in queries}
    needed = [i for i, g in enumerate(split.groups) if g in wanted]
    rng = np.random.default_rng(seed)
    others = np.setdiff1d(np.arange(len(split.texts)), needed)
    picks = np.sort(np.concatenate([needed, rng.choice(others, size=min(n_distractors, len(others)), replace=False)]))
    titles_by_id = dict(zip(load_articles()["doc_id"], load_articles()["title"]))
    texts = [split.texts[i] for i in picks]
    groups = [split.groups[i] for i in picks]
    descriptions = [split.descriptions[i] for i in picks]
    positives = {}
    for q in queries:
        g = split.groups[split.descriptions.index(q)]
        positives[q] = groups.index(g)
    vectors = encode(model, texts, max_seq_length=max_seq_length, cache_name="nb04-mining")
    return MiningCollection([titles_by_id[int(split.doc_ids[i])] for i in picks], descriptions, texts, groups,
                            vectors, BM25Index(texts), positives, model, max_seq_length)


def explore(coll: MiningCollection, query: str, strategy: str, k: int = 5, margin: float | None = 0.05,
            cross_encoder=None, cross_threshold: float = 0.5, seed: int = 0) -> tuple[str, list[dict]]:
    """Mine ``k`` negatives for a known query with one strategy; every examined candidate with its
    cosine to the query (current model) and the filter that removed it ('' = kept)."""
    if not query or not query.strip():
        raise ValueError("The query is empty: type or pick a description.")
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown mining strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}.")
    if query not in coll.positives:
        raise ValueError(f"No article in this collection has the description {query!r}: pick one from the list.")
    positive = coll.positives[query]
    cosines = dense_scores(coll.query_vector(query), coll.vectors)
    rank = {"random": lambda: random_scores(len(coll.texts), np.random.default_rng(seed)),
            "bm25": lambda: bm25_scores(coll.index, query),
            "dense": lambda: cosines}[strategy]()
    cross = None
    if cross_encoder is not None:
        # score only the candidates the walk can reach (cost: one transformer pass per pair)
        order = [int(c) for c in np.argsort(-rank, kind="stable") if c != positive][: k + 10]
        cross = np.zeros(len(coll.texts))
        cross[order] = cross_scores(cross_encoder, query, [coll.texts[c] for c in order])
    found = select_negatives(rank, positive, coll.groups, k, margin, filter_scores=cosines, cross_scores=cross,
                             cross_threshold=cross_threshold)
    rows = [{"title": coll.titles[c.doc], "description": coll.descriptions[c.doc], "score": float(cosines[c.doc]),
             "removed": c.removed, "text": coll.texts[c.doc], "doc": c.doc} for c in found]
    return coll.titles[positive], rows


def temperature_rows(coll: MiningCollection, queries: Sequence[str], n_hard: int = 4, n_random: int = 5,
                     seed: int = 0) -> list[dict]:
    """For each query a real similarity row: its positive, its ``n_hard`` most similar other-answer
    articles and ``n_random`` random ones, with the current model's cosines (for the temperature widget)."""
    rng = np.random.default_rng(seed)
    rows = []
    for q in queries:
        positive = coll.positives[q]
        cos = dense_scores(coll.query_vector(q), coll.vectors)
        others = [int(c) for c in np.argsort(-cos) if coll.groups[c] != coll.groups[positive]]
        hard = others[:n_hard]
        rest = [c for c in others[n_hard:]]
        rand = [rest[i] for i in rng.choice(len(rest), size=min(n_random, len(rest)), replace=False)]
        cands = [positive] + hard + rand
        rows.append({"query": q, "labels": [coll.titles[c] for c in cands],
                     "similarities": [float(cos[c]) for c in cands], "positive": 0})
    return rows
