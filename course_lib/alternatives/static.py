"""Static embeddings: one vector per token, looked up and averaged (no network at query time).

model2vec (Tulkens & van Dongen 2024, *Model2Vec: distill a small fast model from any sentence
transformer*) builds the table by passing every token of a sentence-transformer's vocabulary
through the model on its own, reducing the vectors with PCA and weighting each by how rare the
token is. The tokenizer's vocabulary is roughly sorted by frequency, so a token's rank stands in for
its frequency (Zipf's law: p(rank) ∝ 1 / rank), and the SIF weight of Arora, Liang & Ma (2017, *A
simple but tough-to-beat baseline for sentence embeddings*) turns it into a down-weighting of
frequent tokens: ``w = a / (a + p)``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def zipf_weights(n_tokens: int, sif_coefficient: float = 1e-4) -> np.ndarray:
    """SIF weights ``a / (a + p_r)`` with Zipf probabilities ``p_r = (1 / (r + 1)) / Σ_s 1 / (s + 1)``.

    Ranks ``r`` count from 1 (the table's first row), so the first row gets 1/2: model2vec's formula."""
    if isinstance(n_tokens, bool) or not isinstance(n_tokens, (int, np.integer)) or n_tokens < 1:
        raise ValueError(f"The number of tokens must be a whole number ≥ 1, got {n_tokens!r}.")
    if not 0 < sif_coefficient < 1:
        raise ValueError(f"The SIF coefficient must be between 0 and 1, got {sif_coefficient!r}.")
    inverse_rank = 1.0 / np.arange(2, int(n_tokens) + 2)
    proba = inverse_rank / inverse_rank.sum()
    return sif_coefficient / (sif_coefficient + proba)


def check_texts(texts: Sequence[str]) -> list[str]:
    """The texts as a list; a clear message for an empty text (a widget shows it)."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"Text {i + 1} is empty: type a few words.")
    return texts


def mean_pool(table: np.ndarray, rows: Sequence[Sequence[int]], normalise: bool = True) -> np.ndarray:
    """One vector per text: the mean of its tokens' rows of ``table`` (a text with no known token
    raises: there is nothing to average)."""
    out = np.zeros((len(rows), table.shape[1]), dtype=np.float32)
    for i, ids in enumerate(rows):
        if len(ids) == 0:
            raise ValueError(f"Text {i + 1} has no token the static model knows: nothing to average.")
        out[i] = table[np.asarray(ids)].mean(axis=0)
    if normalise:
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out = out / np.where(norms == 0, 1, norms)
    return out


def word_rows(words_per_text: Sequence[Sequence[str]], index: dict[str, int]) -> list[list[int]]:
    """Each text's known words as rows of a word table (unknown words are skipped)."""
    return [[index[w] for w in words if w in index] for words in words_per_text]
