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
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..models import encode
from . import indexes
from .answer import Answer, Passage, answer as make_answer, build_prompt
from .bm25 import BM25Index
from .chunking import chunk_collection, passage_text
from .hybrid import reciprocal_rank_fusion
from .metrics import average_precision, mrr_at_k, ndcg_at_k, recall_at_k
from .rerank import cross_encoder_scores

METHODS = ("bm25", "dense", "hybrid", "dense+rerank", "hybrid+rerank")
METHOD_LABELS = {"bm25": "BM25", "dense": "dense", "hybrid": "hybrid (RRF)",
                 "dense+rerank": "dense + re-rank", "hybrid+rerank": "hybrid + re-rank"}
MAX_QUERY_CHARS = 1000
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
        return truncate(v, self.dims)


def truncate(x: np.ndarray, dims: int | None) -> np.ndarray:
    """Keep the first ``dims`` coordinates and L2-normalise again (Matryoshka truncation)."""
    if dims is None or dims >= x.shape[1]:
        return x
    x = x[:, :dims]
    return np.ascontiguousarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12), dtype=np.float32)


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


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    return method


def clean_query(query) -> tuple[str, list[str]]:
    """Stripped query text and notes; an empty or non-text query raises ValueError."""
    if not isinstance(query, str):
        raise ValueError(f"The query must be text, got {type(query).__name__}.")
    text = " ".join(query.split())
    if not text:
        raise ValueError("The query is empty: type a question, e.g. 'Which planet is known as the Red Planet?'.")
    notes = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"The query was cut to its first {MAX_QUERY_CHARS} characters.")
    return text, notes


def non_ascii_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(not c.isascii() for c in letters) / max(1, len(letters))


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
            vectors = truncate(full[id(model)], dims)
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

    def check_k(self, k) -> tuple[int, list[str]]:
        try:
            k = int(k)
        except (TypeError, ValueError):
            raise ValueError(f"k must be a whole number, got {k!r}.") from None
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}.")
        if k > self.size:
            return self.size, [f"k = {k} is larger than the collection: showing all {self.size} passages."]
        return k, []

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
            new = cross_encoder_scores(self.reranker, query, [self.texts[i] for i in missing])
            self._ce_cache.update({(query, i): float(s) for i, s in zip(missing, new)})
        return np.array([self._ce_cache[(query, i)] for i in ids], dtype=np.float32)

    def rerank(self, query: str, candidates: list[tuple[int, float]], depth: int | None = None) -> list[tuple[int, float]]:
        """Cross-encoder scores for the top ``depth`` candidates, re-ordered; the rest keep their order after them."""
        depth = self.rerank_depth if depth is None else depth
        head, tail = candidates[:depth], candidates[depth:]
        scores = self.rerank_scores(query, [i for i, _ in head])
        order = np.argsort(-scores, kind="stable")
        return [(head[j][0], float(scores[j])) for j in order] + tail

    # ---- one query ---------------------------------------------------------------------------------
    def retrieve(self, query: str, k: int = 5, method: str = "hybrid+rerank", model: str | None = None) -> Retrieval:
        query, notes = clean_query(query)
        method, model = check_method(method), self.check_model(model)
        k, k_notes = self.check_k(k)
        notes += k_notes
        timings: dict[str, float] = {}
        n = max(k, self.candidates, self.rerank_depth if method.endswith("rerank") else 0)
        n = min(n, self.size)
        known = self.bm25.known_terms(query)
        if not known:
            notes.append("None of the query's words occur in the collection (a typo, nonsense, or another "
                         "language?): BM25 finds nothing, and dense search returns the nearest passages "
                         "even when none is related.")
        if non_ascii_share(query) > 0.3:
            notes.append("Much of the query is not in the Latin alphabet: the models and the collection "
                         "are English, so expect poor results.")
        dense = sparse = None
        if method != "bm25":
            t0 = time.perf_counter()
            qv = self.models[model].encode_queries([query])
            timings["embed query"] = 1000 * (time.perf_counter() - t0)
            t0 = time.perf_counter()
            dense = self.dense_candidates(qv, model, n)[0]
            timings["dense search"] = 1000 * (time.perf_counter() - t0)
            if dense and dense[0][1] < LOW_COSINE:
                notes.append(f"The best passage has a cosine similarity of only {dense[0][1]:.2f}: "
                             "probably nothing in the collection answers this.")
        if method.startswith(("bm25", "hybrid")):
            t0 = time.perf_counter()
            sparse = self.bm25_candidates([query], n)[0]
            timings["bm25 search"] = 1000 * (time.perf_counter() - t0)
        if method == "bm25":
            ranked = sparse
        elif method.startswith("dense"):
            ranked = dense
        else:
            t0 = time.perf_counter()
            ranked = self.fuse(dense, sparse)
            timings["fusion"] = 1000 * (time.perf_counter() - t0)
        if method.endswith("rerank"):
            if self.reranker is None:
                notes.append("No cross-encoder is loaded: the candidates are shown without re-ranking. "
                             + self.reranker_note)
            else:
                t0 = time.perf_counter()
                ranked = self.rerank(query, ranked)
                timings["re-rank"] = 1000 * (time.perf_counter() - t0)
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
        k, _ = self.check_k(k)
        n = min(max(k, self.candidates, self.rerank_depth), self.size)
        qv = self.models[model].encode_queries([query])
        dense = self.dense_candidates(qv, model, n)[0]
        sparse = self.bm25_candidates([query], n)[0]
        fused = self.fuse(dense, sparse)
        reranked = self.rerank(query, fused) if self.reranker is not None else None
        final = (reranked or fused)[:k]
        passages = [self.passage(i, s) for i, s in final]
        prompt = build_prompt(query, passages)
        return {"query": query, "model": model, "query_vector": qv[0], "dense": dense, "bm25": sparse,
                "fused": fused, "reranked": reranked, "passages": passages, "prompt": prompt,
                "answer": make_answer(query, passages), "terms": self.bm25.known_terms(query)}

    # ---- many queries (evaluation) -----------------------------------------------------------------
    def rank_chunks(self, queries: Sequence[str], method: str, model: str | None = None,
                    query_vectors: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """Ranked (chunk position, score) lists for many queries at once."""
        method, model = check_method(method), self.check_model(model)
        n = min(self.candidates, self.size)
        dense = sparse = None
        if method != "bm25":
            qv = self.models[model].encode_queries(queries) if query_vectors is None else query_vectors
            dense = self.dense_candidates(qv, model, n)
        if method.startswith(("bm25", "hybrid")):
            sparse = self.bm25_candidates(queries, n)
        if method == "bm25":
            ranked = sparse
        elif method.startswith("dense"):
            ranked = dense
        else:
            ranked = [self.fuse(d, s) for d, s in zip(dense, sparse)]
        if method.endswith("rerank") and self.reranker is not None:
            self.prefetch_rerank_scores(queries, ranked)
            ranked = [self.rerank(q, r) for q, r in zip(queries, ranked)]
        return ranked

    def prefetch_rerank_scores(self, queries: Sequence[str], ranked: Sequence[list[tuple[int, float]]]) -> None:
        """Score every missing (query, top-candidate) pair of many queries in one batched call."""
        pairs = list(dict.fromkeys((q, i) for q, r in zip(queries, ranked) for i, _ in r[: self.rerank_depth]
                                   if (q, i) not in self._ce_cache))
        if pairs:
            scores = self.reranker.predict([(q, self.texts[i]) for q, i in pairs], batch_size=64,
                                           show_progress_bar=False, convert_to_numpy=True)
            self._ce_cache.update({key: float(s) for key, s in zip(pairs, np.asarray(scores).reshape(-1))})

    def doc_rankings(self, queries: Sequence[str], method: str, model: str | None = None,
                     query_vectors: np.ndarray | None = None) -> list[list[int]]:
        doc_ids = self.chunks["doc_id"].to_numpy()
        return [list(dict.fromkeys(int(doc_ids[i]) for i, _ in r))
                for r in self.rank_chunks(queries, method, model, query_vectors)]


def evaluate_doc_rankings(rankings: Sequence[Sequence[int]], relevant: Sequence[Sequence[int]]) -> dict[str, float]:
    """Mean nDCG@10, recall@10, MRR@10 and MAP (over the whole candidate list) of document rankings."""
    fns = {"ndcg@10": lambda r, g: ndcg_at_k(r, g, 10), "recall@10": lambda r, g: recall_at_k(r, g, 10),
           "recall@1": lambda r, g: recall_at_k(r, g, 1), "mrr@10": lambda r, g: mrr_at_k(r, g, 10),
           "map": lambda r, g: average_precision(r, g)}
    return {name: float(np.mean([fn(r, g) for r, g in zip(rankings, relevant)])) for name, fn in fns.items()}


def evaluate(pipeline: RAGPipeline, questions, methods: Sequence[str] = METHODS,
             models: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per (model, method): the evaluation set's mean metrics at the document level."""
    texts = [q.question for q in questions]
    relevant = [q.doc_ids for q in questions]
    rows = []
    for model in (models or list(pipeline.models)):
        qv = pipeline.models[model].encode_queries(texts)
        for method in methods:
            if method == "bm25" and rows and any(r["method"] == "bm25" for r in rows):
                prev = next(r for r in rows if r["method"] == "bm25")
                rows.append({**prev, "model": model})
                continue
            ranks = pipeline.doc_rankings(texts, method, model, query_vectors=qv)
            rows.append({"model": model, "method": method, **evaluate_doc_rankings(ranks, relevant)})
    return pd.DataFrame(rows)


def per_query_latency(pipeline: RAGPipeline, queries: Sequence[str], method: str = "dense+rerank",
                      model: str | None = None, k: int = 10, repeats: int = 1) -> pd.DataFrame:
    """Milliseconds per stage for each query, answered one at a time (as a user would ask them)."""
    rows = []
    for _ in range(repeats):
        for q in queries:
            pipeline._ce_cache.clear()          # a real query never hits the cache
            t0 = time.perf_counter()
            result = pipeline.run(q, k=k, method=method, model=model)
            total = 1000 * (time.perf_counter() - t0)
            rows.append({"query": q, **result.timings, "total": total})
    return pd.DataFrame(rows).fillna(0.0)


def compare_rerankers(pipeline: RAGPipeline, rerankers: dict[str, object], questions,
                      latency_queries: Sequence[str], model: str | None = None) -> pd.DataFrame:
    """One row per re-ranker (e.g. float32 vs int8): nDCG@10 of dense + re-rank and hybrid + re-rank
    on ``questions``, and the per-query latency of dense + re-rank on ``latency_queries``.
    The pipeline's own re-ranker is put back afterwards."""
    model = pipeline.check_model(model)
    own = (pipeline.reranker, pipeline.reranker_note)
    rows = []
    try:
        for name, reranker in rerankers.items():
            pipeline.set_reranker(reranker)
            quality = evaluate(pipeline, questions, methods=("dense+rerank", "hybrid+rerank"), models=[model])
            lat = per_query_latency(pipeline, latency_queries, method="dense+rerank", model=model)
            rows.append({"re-ranker": name,
                         **{f"nDCG@10 {METHOD_LABELS[m]}": v for m, v in zip(quality["method"], quality["ndcg@10"])},
                         "re-rank ms (median)": lat["re-rank"].median(), "query ms (median)": lat["total"].median(),
                         "query ms (95th pct)": lat["total"].quantile(0.95)})
    finally:
        pipeline.set_reranker(*own)
    return pd.DataFrame(rows).set_index("re-ranker")


def chunk_size_sweep(articles: pd.DataFrame, questions, model, sizes: Sequence[int] = (16, 32, 64, 128, 256),
                     overlap_share: float = 0.125, methods: Sequence[str] = ("bm25", "dense", "hybrid")) -> pd.DataFrame:
    """Re-chunk, re-embed and re-evaluate at each chunk size (overlap = ``overlap_share`` × size).

    The encoder reads up to size + 32 tokens (room for the title), so no chunk is truncated."""
    texts = [q.question for q in questions]
    relevant = [q.doc_ids for q in questions]
    rows = []
    for size in sizes:
        pipe = RAGPipeline.build(articles, {"m": (model, None)}, size=int(size), overlap=int(size * overlap_share),
                                 max_seq_length=min(512, int(size) + 32))
        qv = pipe.models["m"].encode_queries(texts)
        for method in methods:
            ranks = pipe.doc_rankings(texts, method, "m", query_vectors=qv)
            rows.append({"size": int(size), "overlap": int(size * overlap_share), "n_chunks": pipe.size,
                         "method": method, **evaluate_doc_rankings(ranks, relevant)})
    return pd.DataFrame(rows)
