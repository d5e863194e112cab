"""BM25 keyword search (Robertson & Zaragoza 2009) with the ``bm25s`` package."""
from __future__ import annotations

import numpy as np


class BM25Index:
    """Index a list of texts once; ``search`` returns (positions, scores), best first."""

    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75):
        import bm25s

        if not texts:
            raise ValueError("Cannot index an empty collection.")
        self._bm25s = bm25s
        self.size = len(texts)
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.retriever.index(bm25s.tokenize(list(texts), stopwords="en", show_progress=False), show_progress=False)

    def search(self, queries: list[str] | str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        single = isinstance(queries, str)
        queries = [queries] if single else list(queries)
        if any(not q.strip() for q in queries):
            raise ValueError("The query is empty: type a few words.")
        k = min(k, self.size)
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        tokens = self._bm25s.tokenize(queries, stopwords="en", show_progress=False)
        docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        docs, scores = np.asarray(docs), np.asarray(scores, dtype=np.float32)
        return (docs[0], scores[0]) if single else (docs, scores)
