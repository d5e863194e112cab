"""Notebook 09's cost–quality points: every model as (nDCG@10, p50 query latency, bytes per document).

Quality: nDCG@10 of the model's rankings of every query of a task. Latency: the median wall time
of answering one query end to end on this machine (encode the query, score the collection, take
the top 10), over a few queries asked one at a time. Bytes: what one document's stored
representation takes (vectors only, no index overhead).
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from ..matryoshka.search import Int8Quantiser, binary_search, int8_search
from ..matryoshka.cost import pack_binary
from ..retrieval.task import RetrievalTask, evaluate_rankings
from ..vectors import exact_search, top_k_positions


def p50_ms(answer: Callable[[str], object], queries: Sequence[str]) -> float:
    """Median milliseconds of ``answer(query)`` over the queries, asked one at a time (one warm-up call first)."""
    answer(queries[0])
    times = []
    for q in queries:
        t0 = time.perf_counter()
        answer(q)
        times.append(time.perf_counter() - t0)
    return float(np.median(times) * 1000)


def point(name: str, task: RetrievalTask, rankings, answer: Callable[[str], object], bytes_per_doc: float,
          n_latency: int, family: str) -> dict:
    """One row of the cost–quality table."""
    queries = [q.query for q in task.queries[:n_latency]]
    return {"model": name, "family": family, "ndcg10": evaluate_rankings(task, rankings)["ndcg@10"],
            "p50_ms": p50_ms(answer, queries), "bytes_per_doc": float(bytes_per_doc)}


def dense_point(name: str, task: RetrievalTask, encode_queries: Callable[[list[str]], np.ndarray],
                docs: np.ndarray, n_latency: int, family: str, dtype: str = "float32",
                query_vectors: np.ndarray | None = None) -> dict:
    """A single-vector model stored as float32, int8 (per-dimension ranges) or binary (sign bits,
    Hamming then re-scored with the float query)."""
    queries = encode_queries([q.query for q in task.queries]) if query_vectors is None else query_vectors
    docs = np.asarray(docs, dtype=np.float32)
    if dtype == "float32":
        search, size = (lambda q: exact_search(q, docs, 10)[1]), docs.shape[1] * 4
    elif dtype == "int8":
        quantiser = Int8Quantiser.fit(docs)
        codes = quantiser.encode(docs)
        search, size = (lambda q: int8_search(q, codes, quantiser, 10)), docs.shape[1]
    elif dtype == "binary":
        bits = pack_binary(docs)
        search, size = (lambda q: binary_search(q, bits, 10)), bits.shape[1]
    else:
        raise ValueError(f"Unknown storage {dtype!r}: float32, int8 or binary.")
    rankings = search(queries)
    return point(name, task, rankings, lambda text: search(encode_queries([text])), size, n_latency, family)


def rerank_rankings(first: np.ndarray, score_candidates: Callable[[int, np.ndarray], np.ndarray]) -> list[list[int]]:
    """Re-order each query's candidates by ``score_candidates(query_index, candidates)`` (highest first)."""
    out = []
    for i, candidates in enumerate(first):
        scores = np.asarray(score_candidates(i, np.asarray(candidates)))
        out.append([int(candidates[j]) for j in top_k_positions(scores[None], len(candidates))[0]])
    return out
