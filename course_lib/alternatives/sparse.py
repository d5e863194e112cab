"""Sparse, vocabulary-sized vectors (SPLADE: Formal, Piwowarski & Clinchant 2021, *SPLADE: sparse
lexical and expansion model for first stage ranking*).

A text becomes one weight per vocabulary token, almost all zero: ``w_t = max_i log(1 + relu(l_it))``
over the text's positions i, where ``l_it`` is the masked-language-model logit of token t at
position i. Tokens the text does not contain can get weight (*expansion*); scoring is a dot
product over the shared non-zero tokens, so an inverted index serves it, as it serves BM25.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np


def top_terms(weights: np.ndarray, vocabulary: Sequence[str], k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` highest-weighted tokens of one vector, highest first (zeros never listed)."""
    weights = np.asarray(weights).ravel()
    order = np.argsort(-weights, kind="stable")[:k]
    return [(vocabulary[i], float(weights[i])) for i in order if weights[i] > 0]


def bytes_per_document(nonzeros: Sequence[int], bytes_per_entry: int = 8) -> float:
    """Mean bytes of a document's non-zero entries (a 4-byte token id + a 4-byte weight each)."""
    return float(np.mean(nonzeros)) * bytes_per_entry


def bm25_idf(documents: Sequence[Sequence[str]]) -> dict[str, float]:
    """BM25's term weight on the query side, ``ln(1 + (N − df + 0.5) / (df + 0.5))``, for every term
    of the tokenised ``documents`` (Robertson & Zaragoza 2009; Lucene's non-negative form)."""
    df = Counter(t for doc in documents for t in set(doc))
    n = len(documents)
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


def expansion_table(weights: np.ndarray, vocabulary: Sequence[str], text_words: Sequence[str],
                    idf: dict[str, float], k: int = 12) -> list[dict]:
    """A text's ``k`` heaviest tokens (special tokens left out): its learned weight, whether the text
    contains it (else it is an expansion), and BM25's weight for it (None when BM25 cannot match it:
    not in the text, or not in the collection)."""
    words = {w.lower() for w in text_words}
    rows = []
    for token, weight in top_terms(weights, vocabulary, k + 8):
        if token.startswith("[") and token.endswith("]"):
            continue
        in_text = token in words
        rows.append({"token": token, "learned weight": round(weight, 3), "in the text": in_text,
                     "BM25 weight": round(idf[token], 3) if in_text and token in idf else None})
    return rows[:k]
