"""Measuring a RAG pipeline on the evaluation questions: document-level metrics per method and model,
latency per stage, float32 vs int8 re-rankers, and a sweep over chunk sizes (notebook 06)."""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np
import pandas as pd

from .metrics import average_precision, mrr_at_k, ndcg_at_k, recall_at_k
from .pipeline import METHOD_LABELS, METHODS, RAGPipeline


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
            pipeline.clear_rerank_cache()          # a real query never hits the cache
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
