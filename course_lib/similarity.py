"""One-hot vectors, cosine similarity and nearest neighbours — plain numpy, no framework.

Conventions used across the course:

* A word list (``list[str]``) or a :class:`course_lib.text.Vocab` fixes the order of the dimensions
  of a one-hot vector and the rows of a vector table.
* The cosine similarity of a zero vector with anything is defined as **0.0** (the formula would
  divide by zero). scikit-learn's ``cosine_similarity`` makes the same choice.
* ``top_k_neighbours`` leaves the query word out, sorts by similarity (highest first) and breaks
  ties by the order of the word list, so its result is always the same.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .vectors import WordVectors, _word_list, check_k, l2_normalise, word_index  # noqa: F401  (WordVectors, check_k: notebook 01 uses them from here)


def one_hot(word: str, vocab) -> np.ndarray:
    """A vector of ``len(vocab)`` zeros with a single 1.0 at the word's position."""
    vec = np.zeros(len(vocab), dtype=np.float64)
    vec[word_index(word, vocab)] = 1.0
    return vec


def cosine_similarity(u, v) -> float:
    """cos(u, v) = u·v / (‖u‖ ‖v‖); 0.0 when either vector is all zeros."""
    u = np.asarray(u, dtype=np.float64).ravel()
    v = np.asarray(v, dtype=np.float64).ravel()
    if u.shape != v.shape:
        raise ValueError(f"The vectors must have the same length, got {u.size} and {v.size}.")
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    if norms == 0.0:
        return 0.0
    return float(np.clip(u @ v / norms, -1.0, 1.0))


def cosine_to_all(vector, matrix) -> np.ndarray:
    """Cosine similarity of one vector with every row of ``matrix`` (zero vectors give 0)."""
    return l2_normalise(matrix) @ l2_normalise(np.asarray(vector, dtype=np.float64)[None, :])[0]


def cosine_matrix(matrix) -> np.ndarray:
    """All pairwise cosine similarities of the rows of ``matrix`` (n × n)."""
    unit = l2_normalise(matrix)
    return np.clip(unit @ unit.T, -1.0, 1.0)


def top_k_neighbours(word: str, words: Sequence[str], vectors, k: int) -> list[tuple[str, float]]:
    """The ``k`` words whose vectors have the highest cosine similarity with ``word``'s vector.

    ``words[i]`` is the word of row ``vectors[i]``. Returns ``[(word, similarity), …]``, most
    similar first, without the query word itself; ties keep the order of ``words``."""
    words = _word_list(words)
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ValueError(f"vectors must have one row per word: {len(words)} words, shape {vectors.shape}.")
    i = word_index(word, words)
    k = check_k(k, len(words) - 1)
    sims = cosine_to_all(vectors[i], vectors)
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:k]
    return [(words[j], float(sims[j])) for j in order]


def one_hot_vectors(words: Sequence[str]) -> WordVectors:
    """The one-hot table of a word list: the identity matrix (keep it small: n × n floats)."""
    words = _word_list(words)
    return WordVectors(words, np.eye(len(words)))
