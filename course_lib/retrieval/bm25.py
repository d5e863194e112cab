"""BM25 keyword search (Robertson & Zaragoza 2009) with the ``bm25s`` package.

Notebook 06 adds ``stem=True`` (a light suffix stripper, so "planets" matches "planet"),
``query_terms`` (the words BM25 actually matches, for highlighting) and ``known_terms`` (which of
them occur in the collection at all: none means BM25 cannot rank anything).
"""
from __future__ import annotations

import re

import numpy as np

TOKEN_PATTERN = r"(?u)\b\w\w+\b"   # bm25s' default: words of two or more characters


def light_stem(word: str) -> str:
    """A deliberately small English suffix stripper: plurals, -ing, -ed (planets → planet)."""
    w = word.lower()
    if len(w) <= 3:
        return w
    for suffix, repl, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5),
                                  ("es", "e", 5), ("s", "", 4)):
        if w.endswith(suffix) and len(w) >= min_len and not w.endswith(("ss", "us", "is")):
            return w[: len(w) - len(suffix)] + repl
    return w


def light_stem_words(words: list[str]) -> list[str]:
    return [light_stem(w) for w in words]


def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def query_terms(query: str, stem: bool = False) -> list[str]:
    """The distinct words of ``query`` that BM25 scores (lower-case, no stopwords; stemmed if asked)."""
    stop = stopwords()
    words = [w for w in re.findall(TOKEN_PATTERN, query.lower()) if w not in stop]
    if stem:
        words = light_stem_words(words)
    return list(dict.fromkeys(words))


class BM25Index:
    """Index a list of texts once; ``search`` returns (positions, scores), best first."""

    def __init__(self, texts: list[str], k1: float = 1.5, b: float = 0.75, stem: bool = False):
        import bm25s

        if not texts:
            raise ValueError("Cannot index an empty collection.")
        self._bm25s = bm25s
        self.size = len(texts)
        self.stem = stem
        self._stemmer = light_stem_words if stem else None
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.retriever.index(bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, show_progress=False),
                             show_progress=False)

    def known_terms(self, query: str) -> list[str]:
        """Query terms that occur somewhere in the collection (only these can earn a BM25 score)."""
        vocab = self.retriever.vocab_dict
        return [t for t in query_terms(query, stem=self.stem) if t in vocab]

    def search(self, queries: list[str] | str, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        single = isinstance(queries, str)
        queries = [queries] if single else list(queries)
        if any(not q.strip() for q in queries):
            raise ValueError("The query is empty: type a few words.")
        k = min(k, self.size)
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        tokens = self._bm25s.tokenize(queries, stopwords="en", stemmer=self._stemmer, show_progress=False)
        docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        docs, scores = np.asarray(docs), np.asarray(scores, dtype=np.float32)
        return (docs[0], scores[0]) if single else (docs, scores)
