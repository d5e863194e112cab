"""Late interaction (Khattab & Zaharia 2020, *ColBERT: efficient and effective passage search via
contextualized late interaction over BERT*).

A text is a matrix: one normalised vector per token. A query ``Q`` (m × d) scores a document
``D`` (n × d) by MaxSim: every query token finds its best-matching document token, and the
best matches are summed, ``s(Q, D) = Σ_i max_j Q_i · D_j``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def maxsim(query_tokens, doc_tokens) -> float:
    """Σ over query tokens of the largest dot product with any document token."""
    q = np.asarray(query_tokens, dtype=np.float64)
    d = np.asarray(doc_tokens, dtype=np.float64)
    if q.ndim != 2 or d.ndim != 2 or q.shape[1] != d.shape[1]:
        raise ValueError(f"MaxSim needs two token matrices with the same width, got {q.shape} and {d.shape}.")
    if len(q) == 0 or len(d) == 0:
        raise ValueError("A text with no tokens has no MaxSim score.")
    return float((q @ d.T).max(axis=1).sum())


def maxsim_matrix(queries: Sequence[np.ndarray], docs: Sequence[np.ndarray], score=maxsim) -> np.ndarray:
    """Scores of every query against every document (queries × documents), with ``score``."""
    return np.array([[score(q, d) for d in docs] for q in queries], dtype=np.float64)


def pad(docs: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Documents' token matrices stacked into one (documents × longest × d) array, zero-padded, and
    the mask of real tokens: what ``maxsim_all`` scores in one vectorised pass."""
    longest, dims = max(len(d) for d in docs), docs[0].shape[1]
    stacked = np.zeros((len(docs), longest, dims), dtype=np.float32)
    mask = np.zeros((len(docs), longest), dtype=bool)
    for i, d in enumerate(docs):
        stacked[i, :len(d)], mask[i, :len(d)] = d, True
    return stacked, mask


def maxsim_all(query_tokens: np.ndarray, stacked: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """MaxSim of one query against every padded document at once (padding never wins the max)."""
    sims = np.einsum("ntd,qd->nqt", stacked, np.asarray(query_tokens, dtype=np.float32))
    sims = np.where(mask[:, None, :], sims, -np.inf)
    return sims.max(axis=2).sum(axis=1)


def rerank(first_stage: Sequence[Sequence[int]], queries: Sequence[np.ndarray], docs: Sequence[np.ndarray],
           score=maxsim) -> list[list[int]]:
    """Re-order each query's first-stage candidates (positions into ``docs``) by ``score``."""
    out = []
    for q, candidates in zip(queries, first_stage):
        candidates = [int(c) for c in candidates]
        scores = [score(q, docs[c]) for c in candidates]
        out.append([candidates[i] for i in np.argsort(scores, kind="stable")[::-1]])
    return out


def bytes_per_document(token_counts: Sequence[int], dims: int, bytes_per_number: int = 4) -> float:
    """Mean bytes to store a document's token matrix (its tokens × dims numbers)."""
    return float(np.mean(token_counts)) * dims * bytes_per_number
