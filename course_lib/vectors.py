"""Vectors as the whole course uses them: a table of word vectors, row normalisation, Matryoshka
truncation (keep a prefix, re-normalise) and exact top-k.

This module sits below every topic package (see CONTRIBUTING.md), so that ``similarity``,
``distributional``, ``analogy``, ``matryoshka`` and ``retrieval`` share one implementation of each
idea instead of importing one another.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .text import UnknownWordError, close_matches


def _word_list(vocab) -> list[str]:
    return list(vocab.words) if hasattr(vocab, "words") else list(vocab)


def word_index(word: str, vocab) -> int:
    """Position of ``word`` in a word list or Vocab; unknown words raise UnknownWordError with close matches."""
    index = getattr(vocab, "index", None)
    if isinstance(index, dict):
        if word in index:
            return index[word]
        raise UnknownWordError(word, close_matches(word, vocab.words))
    words = _word_list(vocab)
    try:
        return words.index(word)
    except ValueError:
        raise UnknownWordError(word, close_matches(word, words)) from None


def vector_length(v) -> float:
    """The Euclidean (L2) length of a 1-D vector, as a float: notebook 00's warm-up."""
    return float(np.linalg.norm(np.asarray(v, dtype=np.float64)))


def l2_normalise(x):
    """Each row divided by its L2 length; all-zero rows stay zero (so their cosines are 0).

    A NumPy array (or list) comes back as float64; a torch tensor keeps its dtype and device."""
    if hasattr(x, "detach"):  # torch
        return x / x.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    matrix = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def check_k(k: int, n_candidates: int) -> int:
    """k must be a whole number from 1 to the number of candidate words."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"k must be a whole number, got {k!r}.")
    if n_candidates < 1:
        raise ValueError("There are no other words to compare with.")
    if not 1 <= k <= n_candidates:
        raise ValueError(f"k must be between 1 and {n_candidates} (the number of other words), got {k}.")
    return int(k)


def top_k_positions(scores: np.ndarray, k: int) -> np.ndarray:
    """Column positions of each row's ``k`` highest scores, best first (ties: lower position first)."""
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def check_dim(dims, full_dim: int) -> int:
    """``dims`` as an int in 1 … ``full_dim``; a clear ValueError otherwise."""
    if isinstance(dims, bool) or not isinstance(dims, (int, np.integer)):
        raise ValueError(f"The truncation dimension must be a whole number, got {dims!r}.")
    dims = int(dims)
    if dims <= 0:
        raise ValueError(f"The truncation dimension must be at least 1, got {dims}.")
    if dims > full_dim:
        raise ValueError(f"Cannot keep {dims} dimensions of a {full_dim}-dimensional embedding: "
                         f"choose a dimension between 1 and {full_dim}.")
    return dims


def truncate(embeddings, dims: int):
    """Keep the first ``dims`` coordinates of every row, then re-normalise each row to length 1.

    Works on a 1-D vector or a 2-D batch, NumPy array or torch tensor (returns the same kind)."""
    if hasattr(embeddings, "detach"):  # torch
        import torch.nn.functional as F

        if embeddings.ndim not in (1, 2):
            raise ValueError("Embeddings must be a vector or a 2-D batch (rows × dimensions).")
        dims = check_dim(dims, embeddings.shape[-1])
        return F.normalize(embeddings[..., :dims], p=2, dim=-1)
    x = np.asarray(embeddings)
    if x.ndim not in (1, 2):
        raise ValueError("Embeddings must be a vector or a 2-D batch (rows × dimensions).")
    dims = check_dim(dims, x.shape[-1])
    x = x[..., :dims].astype(np.float32 if x.dtype != np.float64 else np.float64)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def as_matrix(x) -> np.ndarray:
    """``x`` as a C-contiguous float32 matrix (a single vector becomes one row), as FAISS wants it."""
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"Expected a vector or a matrix of vectors, got shape {x.shape}.")
    return np.ascontiguousarray(x)


def exact_search(queries, docs, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-``k`` by inner product (cosine for unit vectors), in NumPy: (scores, positions),
    each of shape (n_queries, k), best first. The reference every approximate search is measured
    against (FAISS indexes, two-stage and quantised search)."""
    q, d = as_matrix(queries), as_matrix(docs)
    scores = q @ d.T
    ids = top_k_positions(scores, k)
    return np.take_along_axis(scores, ids, axis=1), ids


class WordVectors:
    """A tiny gensim-``KeyedVectors``-like table: one row per word, cosine look-ups by word."""

    def __init__(self, words: Sequence[str], vectors):
        self.words = list(words)
        self.vectors = np.asarray(vectors, dtype=np.float64)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(f"vectors must have one row per word: {len(self.words)} words, shape {self.vectors.shape}.")
        self.index = {w: i for i, w in enumerate(self.words)}
        self._unit = l2_normalise(self.vectors)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def id(self, word: str) -> int:
        return word_index(word, self)

    def __getitem__(self, word: str) -> np.ndarray:
        return self.vectors[self.id(word)]

    def similarity(self, a: str, b: str) -> float:
        return float(np.clip(self._unit[self.id(a)] @ self._unit[self.id(b)], -1.0, 1.0))

    def similarities(self, word: str) -> np.ndarray:
        """Cosine of ``word`` with every word of the table (in table order)."""
        return np.clip(self._unit @ self._unit[self.id(word)], -1.0, 1.0)

    def most_similar(self, word: str, k: int = 10) -> list[tuple[str, float]]:
        """Same result as ``top_k_neighbours(word, self.words, self.vectors, k)``, faster on big tables."""
        i = self.id(word)
        k = check_k(k, len(self) - 1)
        sims = self.similarities(word)
        order = [j for j in np.argsort(-sims, kind="stable") if j != i][:k]
        return [(self.words[j], float(sims[j])) for j in order]

    def similarity_matrix(self, words: Sequence[str]) -> np.ndarray:
        ids = [self.id(w) for w in words]
        unit = self._unit[ids]
        return np.clip(unit @ unit.T, -1.0, 1.0)

    def subset(self, dims: int) -> "WordVectors":
        """The same words with only the first ``dims`` coordinates (e.g. the top SVD directions)."""
        if not 1 <= dims <= self.dim:
            raise ValueError(f"dims must be between 1 and {self.dim}, got {dims}.")
        return WordVectors(self.words, self.vectors[:, :dims])
