"""The RAG retrieval loop, one stage per function: ingest → embed & index → retrieve → re-rank → answer.

``RAGPipeline`` holds one chunked collection, a BM25 index over it, one FAISS index per dense
model, and optionally a cross-encoder. ``retrieve`` runs one method:

* ``bm25``           keyword search (Robertson & Zaragoza 2009);
* ``dense``          exact inner-product search over the chunk embeddings of one model;
* ``hybrid``         reciprocal-rank fusion of the two candidate lists (Cormack et al. 2009);
* ``dense+rerank`` / ``hybrid+rerank``: the cross-encoder re-orders the top ``rerank_depth``
  candidates (Nogueira & Cho 2019).

``run`` adds the prompt and the cited answer and times every stage. Bad input (an empty query,
k ≤ 0, an unknown method or model) raises ``ValueError`` with a readable message; k larger than
the collection and queries whose words the collection has never seen come back with a note.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..models import cross_scores, encode
from ..vectors import truncate
from . import indexes
from .answer import Answer, Passage, answer as make_answer, build_prompt
from .bm25 import BM25Index
from .chunking import chunk_collection, passage_text
from .hybrid import reciprocal_rank_fusion
from .query import METHOD_LABELS, METHODS, check_k, check_method, clean_query, query_notes  # noqa: F401  (METHOD_LABELS: part of this module's API)

LOW_COSINE = 0.25


@dataclass
class DenseModel:
    """A sentence encoder, its chunk embeddings (truncated to ``dims`` when set) and their index."""
    name: str
    model: object
    vectors: np.ndarray
    index: object
    dims: int | None = None
    note: str = ""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        v = self.model.encode(list(texts), batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
                              show_progress_bar=False).astype(np.float32)
        return _truncated(v, self.dims)


def _truncated(x: np.ndarray, dims: int | None) -> np.ndarray:
    """``x`` itself when no truncation is asked for (``dims`` None or the full width), else ``truncate(x, dims)``."""
    return x if dims is None or dims >= x.shape[1] else truncate(x, dims)


@dataclass
class Retrieval:
    query: str
    method: str
    model: str | None
    passages: list[Passage]
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)     # stage → milliseconds

    def doc_ranking(self) -> list[int]:
        return list(dict.fromkeys(p.doc_id for p in self.passages))


@dataclass
class RAGResult:
    retrieval: Retrieval
    prompt: str
    answer: Answer

    @property
    def timings(self) -> dict[str, float]:
        return self.retrieval.timings


@contextmanager
def _timed(timings: dict[str, float] | None, stage: str):
    """Milliseconds spent in the block, stored as ``timings[stage]`` (when a dict is given)."""
    t0 = time.perf_counter()
    yield
    if timings is not None:
        timings[stage] = 1000 * (time.perf_counter() - t0)


class RAGPipeline:
    def __init__(self, chunks: pd.DataFrame, models: dict[str, DenseModel], reranker=None,
                 rerank_depth: int = 20, candidates: int = 50, label: str = "", reranker_note: str = ""):
        if len(chunks) == 0:
            raise ValueError("The collection has no chunks.")
        if not models:
            raise ValueError("Give at least one dense model.")
        self.chunks = chunks.reset_index(drop=True)
        self.texts = [passage_text(t, x) for t, x in zip(self.chunks["title"], self.chunks["text"])]
        self.bm25 = BM25Index(self.texts, stem=True)
        self.models = models
        self.reranker = reranker
        self.reranker_note = reranker_note
        self.rerank_depth = rerank_depth
        self.candidates = candidates
        self.label = label
        self._ce_cache: dict[tuple[str, int], float] = {}

    # ---- construction ----------------------------------------------------------------------------
    @staticmethod
    def embed_chunks(model, chunks: pd.DataFrame, max_seq_length: int = 128, batch_size: int = 64,
                     cache_name: str = "rag-chunks", show_progress_bar: bool = False) -> np.ndarray:
        texts = [passage_text(t, x) for t, x in zip(chunks["title"], chunks["text"])]
        return encode(model, texts, batch_size=batch_size, max_seq_length=max_seq_length, cache_name=cache_name,
                      show_progress_bar=show_progress_bar)

    @classmethod
    def build(cls, articles: pd.DataFrame, encoders: dict[str, tuple[object, int | None]], *, size: int = 112,
              overlap: int = 16, chunking: str = "tokens", reranker=None, reranker_note: str = "",
              max_seq_length: int = 128, label: str = "", index_kind: str = "flat", **kwargs) -> "RAGPipeline":
        """Chunk ``articles``, embed the chunks with every encoder (``name → (model, dims)``), index them."""
        chunks = chunk_collection(articles, size=size, overlap=overlap, method=chunking)
        return cls.from_chunks(chunks, encoders, reranker=reranker, reranker_note=reranker_note,
                               max_seq_length=max_seq_length, label=label, index_kind=index_kind, **kwargs)

    @classmethod
    def from_chunks(cls, chunks: pd.DataFrame, encoders: dict[str, tuple[object, int | None]], *, reranker=None,
                    reranker_note: str = "", max_seq_length: int = 128, label: str = "", index_kind: str = "flat",
                    **kwargs) -> "RAGPipeline":
        """Embed already chunked passages with every encoder and index them."""
        models = {}
        full: dict[int, np.ndarray] = {}
        for name, (model, dims) in encoders.items():
            if id(model) not in full:
                full[id(model)] = cls.embed_chunks(model, chunks, max_seq_length=max_seq_length)
            vectors = _truncated(full[id(model)], dims)
            models[name] = DenseModel(name, model, vectors, indexes.build_index(index_kind, vectors), dims)
        return cls(chunks, models, reranker=reranker, reranker_note=reranker_note, label=label, **kwargs)

    @property
    def size(self) -> int:
        return len(self.chunks)

    @property
    def has_reranker(self) -> bool:
        return self.reranker is not None

    def set_reranker(self, model, note: str = "") -> None:
        """Swap the cross-encoder; the scores cached from the previous one are dropped."""
        self.reranker, self.reranker_note = model, note
        self.clear_rerank_cache()

    def clear_rerank_cache(self) -> None:
        """Forget the cross-encoder scores computed so far (a timed query must not find them cached)."""
        self._ce_cache.clear()

    def passage(self, i: int, score: float) -> Passage:
        row = self.chunks.iloc[int(i)]
        return Passage(int(row.chunk_id), int(row.doc_id), row.title, row.text, float(score), row.topic)

    def check_model(self, model: str | None) -> str:
        if model is None:
            return next(iter(self.models))
        if model not in self.models:
            raise ValueError(f"Unknown model {model!r}: choose one of {', '.join(self.models)}.")
        return model

    # ---- stages ------------------------------------------------------------------------------------
    def dense_candidates(self, query_vectors: np.ndarray, model: str, n: int) -> list[list[tuple[int, float]]]:
        scores, ids = indexes.search(self.models[model].index, query_vectors, n)
        return [[(int(i), float(s)) for i, s in zip(row_i, row_s) if i >= 0] for row_i, row_s in zip(ids, scores)]

    def bm25_candidates(self, queries: Sequence[str], n: int) -> list[list[tuple[int, float]]]:
        ids, scores = self.bm25.search(list(queries), k=n)
        return [[(int(i), float(s)) for i, s in zip(row_i, row_s) if s > 0] for row_i, row_s in zip(ids, scores)]

    @staticmethod
    def fuse(dense: list[tuple[int, float]], sparse: list[tuple[int, float]], k: float = 60.0) -> list[tuple[int, float]]:
        return reciprocal_rank_fusion([[i for i, _ in dense], [i for i, _ in sparse]], k=k)

    def rerank_scores(self, query: str, ids: Sequence[int]) -> np.ndarray:
        missing = [i for i in ids if (query, i) not in self._ce_cache]
        if missing:
            new = cross_scores(self.reranker, query, [self.texts[i] for i in missing])
            self._ce_cache.update({(query, i): float(s) for i, s in zip(missing, new)})
        return np.array([self._ce_cache[(query, i)] for i in ids], dtype=np.float32)

    def rerank(self, query: str, candidates: list[tuple[int, float]], depth: int | None = None) -> list[tuple[int, float]]:
        """Cross-encoder scores for the top ``depth`` candidates, re-ordered; the rest keep their order after them."""
        depth = self.rerank_depth if depth is None else depth
        head, tail = candidates[:depth], candidates[depth:]
        scores = self.rerank_scores(query, [i for i, _ in head])
        order = np.argsort(-scores, kind="stable")
        return [(head[j][0], float(scores[j])) for j in order] + tail

    # ---- the methods -------------------------------------------------------------------------------
    def _candidates(self, queries: Sequence[str], method: str, model: str, n: int,
                    query_vectors: np.ndarray | None = None, timings: dict[str, float] | None = None):
        """What ``method`` ranks for each query before any re-ranking: (dense, bm25, ranked, query vectors).

        ``dense`` / ``bm25`` are None when the method does not use them; ``ranked`` is the one it
        uses, or their reciprocal-rank fusion for the hybrid methods. Stages are timed into ``timings``."""
        dense = sparse = qv = None
        if method != "bm25":
            with _timed(timings, "embed query"):
                qv = self.models[model].encode_queries(queries) if query_vectors is None else query_vectors
            with _timed(timings, "dense search"):
                dense = self.dense_candidates(qv, model, n)
        if method.startswith(("bm25", "hybrid")):
            with _timed(timings, "bm25 search"):
                sparse = self.bm25_candidates(queries, n)
        if method == "bm25":
            ranked = sparse
        elif method.startswith("dense"):
            ranked = dense
        else:
            with _timed(timings, "fusion"):
                ranked = [self.fuse(d, s) for d, s in zip(dense, sparse)]
        return dense, sparse, ranked, qv

    # ---- one query ---------------------------------------------------------------------------------
    def retrieve(self, query: str, k: int = 5, method: str = "hybrid+rerank", model: str | None = None) -> Retrieval:
        query, notes = clean_query(query)
        method, model = check_method(method), self.check_model(model)
        k, k_notes = check_k(k, self.size)
        notes += k_notes
        timings: dict[str, float] = {}
        n = max(k, self.candidates, self.rerank_depth if method.endswith("rerank") else 0)
        n = min(n, self.size)
        notes += query_notes(query, self.bm25.known_terms(query))
        dense, _, ranked, _ = self._candidates([query], method, model, n, timings=timings)
        if dense is not None and dense[0] and dense[0][0][1] < LOW_COSINE:
            notes.append(f"The best passage has a cosine similarity of only {dense[0][0][1]:.2f}: "
                         "probably nothing in the collection answers this.")
        ranked = ranked[0]
        if method.endswith("rerank"):
            if self.reranker is None:
                notes.append("No cross-encoder is loaded: the candidates are shown without re-ranking. "
                             + self.reranker_note)
            else:
                with _timed(timings, "re-rank"):
                    ranked = self.rerank(query, ranked)
        passages = [self.passage(i, s) for i, s in ranked[:k]]
        return Retrieval(query, method, model, passages, notes, timings)

    def run(self, query: str, k: int = 5, method: str = "hybrid+rerank", model: str | None = None,
            generator: Callable[[str], str] | None = None) -> RAGResult:
        """Retrieve, build the prompt, answer; every stage timed (milliseconds)."""
        r = self.retrieve(query, k, method, model)
        t0 = time.perf_counter()
        prompt = build_prompt(r.query, r.passages)
        r.timings["prompt"] = 1000 * (time.perf_counter() - t0)
        t0 = time.perf_counter()
        ans = make_answer(r.query, r.passages, generator=generator)
        r.timings["answer"] = 1000 * (time.perf_counter() - t0)
        return RAGResult(r, prompt, ans)

    def trace(self, query: str, k: int = 5, model: str | None = None) -> dict:
        """Every intermediate result of one query through embed → search → fuse → re-rank → prompt → answer."""
        query, _ = clean_query(query)
        model = self.check_model(model)
        k, _ = check_k(k, self.size)
        n = min(max(k, self.candidates, self.rerank_depth), self.size)
        dense, sparse, fused, qv = (found[0] for found in self._candidates([query], "hybrid", model, n))
        reranked = self.rerank(query, fused) if self.reranker is not None else None
        final = (reranked or fused)[:k]
        passages = [self.passage(i, s) for i, s in final]
        prompt = build_prompt(query, passages)
        return {"query": query, "model": model, "query_vector": qv, "dense": dense, "bm25": sparse,
                "fused": fused, "reranked": reranked, "passages": passages, "prompt": prompt,
                "answer": make_answer(query, passages), "terms": self.bm25.known_terms(query)}

    # ---- many queries (evaluation) -----------------------------------------------------------------
    def rank_chunks(self, queries: Sequence[str], method: str, model: str | None = None,
                    query_vectors: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """Ranked (chunk position, score) lists for many queries at once."""
        method, model = check_method(method), self.check_model(model)
        n = min(self.candidates, self.size)
        _, _, ranked, _ = self._candidates(queries, method, model, n, query_vectors)
        if method.endswith("rerank") and self.reranker is not None:
            self.prefetch_rerank_scores(queries, ranked)
            ranked = [self.rerank(q, r) for q, r in zip(queries, ranked)]
        return ranked

    def prefetch_rerank_scores(self, queries: Sequence[str], ranked: Sequence[list[tuple[int, float]]]) -> None:
        """Score every missing (query, top-candidate) pair of many queries in one batched call."""
        pairs = list(dict.fromkeys((q, i) for q, r in zip(queries, ranked) for i, _ in r[: self.rerank_depth]
                                   if (q, i) not in self._ce_cache))
        if pairs:
            scores = cross_scores(self.reranker, [q for q, _ in pairs], [self.texts[i] for _, i in pairs], batch_size=64)
            self._ce_cache.update({key: float(s) for key, s in zip(pairs, scores)})

    def doc_rankings(self, queries: Sequence[str], method: str, model: str | None = None,
                     query_vectors: np.ndarray | None = None) -> list[list[int]]:
        doc_ids = self.chunks["doc_id"].to_numpy()
        return [list(dict.fromkeys(int(doc_ids[i]) for i, _ in r))
                for r in self.rank_chunks(queries, method, model, query_vectors)]
