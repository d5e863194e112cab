"""Notebook 07, section 5: duplicates inside a batch, measured on the train pairs.

Several train articles share one short description ("Country in Africa"): two such rows in one
batch give the model the same query text twice with two different positives, each a negative of
the other — a contradiction with a floor under the loss. sentence-transformers'
``NoDuplicatesBatchSampler`` builds batches in which no text appears twice.
"""
from __future__ import annotations

import numpy as np

from ..negatives.batches import batches_with_duplicates, duplicate_pairs
from .train_split import sample_rows, train_split


def random_pairs(n: int, seed: int = 0):
    """``n`` random train pairs, repeated descriptions and all (what a plain shuffle of the data gives)."""
    from datasets import Dataset

    split, rows = train_split(), sample_rows(n, seed)
    return Dataset.from_dict({"anchor": [split.descriptions[r] for r in rows], "positive": [split.texts[r] for r in rows]})


def random_batches(texts, batch_size: int, seed: int = 0) -> list[list[str]]:
    """What a shuffled plain sampler gives: consecutive slices of a random order (last partial dropped)."""
    order = np.random.default_rng(seed).permutation(len(texts))
    return [[texts[i] for i in order[s:s + batch_size]] for s in range(0, len(order) - batch_size + 1, batch_size)]


def no_duplicate_batches(dataset, batch_size: int, seed: int = 0) -> list[list[int]]:
    """Batches (row indices) from sentence-transformers' own ``NoDuplicatesBatchSampler``."""
    import torch
    from sentence_transformers.base.sampler import NoDuplicatesBatchSampler

    sampler = NoDuplicatesBatchSampler(dataset, batch_size=batch_size, drop_last=True,
                                       generator=torch.Generator().manual_seed(seed), seed=seed)
    return [list(b) for b in sampler]


def duplicate_rates(dataset, batch_sizes, seed: int = 0) -> list[dict]:
    """Share of batches holding a repeated anchor, plain shuffling vs ``NoDuplicatesBatchSampler``."""
    anchors = list(dataset["anchor"])
    rows = []
    for b in batch_sizes:
        plain = random_batches(anchors, b, seed)
        nodup = [[anchors[i] for i in batch] for batch in no_duplicate_batches(dataset, b, seed)]
        rows.append({"batch": b, "plain sampler": batches_with_duplicates(plain),
                     "NoDuplicatesBatchSampler": batches_with_duplicates(nodup) if nodup else float("nan"),
                     "batches": len(plain)})
    return rows


def a_batch_with_a_duplicate(anchors, batch_size: int, seed: int = 0):
    """Positions of one plain-sampler batch that repeats an anchor, and the repeated pair (or None)."""
    order = np.random.default_rng(seed).permutation(len(anchors))
    for s in range(0, len(order) - batch_size + 1, batch_size):
        rows = order[s:s + batch_size].tolist()
        pairs = duplicate_pairs([anchors[r] for r in rows])
        if pairs:
            return rows, pairs[0]
    return None
