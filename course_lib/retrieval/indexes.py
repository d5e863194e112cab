"""Vector indexes with FAISS (Johnson, Douze & Jégou 2019, "Billion-scale similarity search with GPUs").

* **Flat** — exact inner product: every query is compared with every vector. With L2-normalised
  vectors the inner product is the cosine similarity.
* **IVF** — an inverted file (Jégou, Douze & Schmid 2011, "Product quantization for nearest
  neighbor search"): k-means cuts the space into ``nlist`` cells; a query visits only the
  ``nprobe`` nearest cells. Faster, but a neighbour in an unvisited cell is missed.
* **HNSW** — a hierarchical navigable small-world graph (Malkov & Yashunin 2018): each vector
  links to ``M`` neighbours; a search walks the graph greedily keeping ``efSearch`` candidates.

``recall_at_k_vs_exact`` measures what an approximate index loses: the share of the exact top k
that it also returns.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..vectors import as_matrix, exact_search

INDEX_KINDS = ("flat", "ivf", "hnsw")


def build_flat(vectors):
    import faiss

    v = as_matrix(vectors)
    index = faiss.IndexFlatIP(v.shape[1])
    index.add(v)
    return index


def default_nlist(n: int) -> int:
    """About √n cells, at least 1, and few enough that k-means has ~39 points per cell."""
    return int(max(1, min(round(np.sqrt(n)), n // 39 or 1)))


def build_ivf(vectors, nlist: int | None = None, seed: int = 0):
    import faiss

    v = as_matrix(vectors)
    nlist = default_nlist(len(v)) if nlist is None else int(nlist)
    if not 1 <= nlist <= len(v):
        raise ValueError(f"nlist must be between 1 and the number of vectors ({len(v)}), got {nlist}.")
    quantizer = faiss.IndexFlatIP(v.shape[1])
    index = faiss.IndexIVFFlat(quantizer, v.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    index.cp.min_points_per_centroid = 1
    index.train(v)
    index.add(v)
    index.nprobe = 1
    return index


def build_hnsw(vectors, M: int = 32, ef_construction: int = 64):
    import faiss

    v = as_matrix(vectors)
    index = faiss.IndexHNSWFlat(v.shape[1], int(M), faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = int(ef_construction)
    index.add(v)
    index.hnsw.efSearch = 16
    return index


def build_index(kind: str, vectors, **params):
    if kind == "flat":
        return build_flat(vectors)
    if kind == "ivf":
        return build_ivf(vectors, **params)
    if kind == "hnsw":
        return build_hnsw(vectors, **params)
    raise ValueError(f"Unknown index kind {kind!r}: choose one of {', '.join(INDEX_KINDS)}.")


def set_search_param(index, nprobe: int | None = None, ef_search: int | None = None) -> None:
    if nprobe is not None:
        if not hasattr(index, "nprobe"):
            raise ValueError("nprobe applies to an IVF index only.")
        if nprobe < 1:
            raise ValueError(f"nprobe must be at least 1, got {nprobe}.")
        index.nprobe = int(min(nprobe, index.nlist))
    if ef_search is not None:
        if not hasattr(index, "hnsw"):
            raise ValueError("efSearch applies to an HNSW index only.")
        if ef_search < 1:
            raise ValueError(f"efSearch must be at least 1, got {ef_search}.")
        index.hnsw.efSearch = int(ef_search)


def search(index, queries, k: int, nprobe: int | None = None, ef_search: int | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """(scores, ids) of the top k for each query; ``k`` is clamped to the index size."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    set_search_param(index, nprobe, ef_search)
    k = min(k, index.ntotal)
    return index.search(as_matrix(queries), k)


def retrieve(index, query_vector, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k positions and scores for one query vector (the notebook's exercise, solved)."""
    scores, ids = search(index, query_vector, k)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep].astype(np.float32)


def recall_at_k_vs_exact(approx_ids: np.ndarray, exact_ids: np.ndarray, k: int = 10) -> float:
    """Mean over queries of |approximate top k ∩ exact top k| / k."""
    approx_ids, exact_ids = np.asarray(approx_ids)[:, :k], np.asarray(exact_ids)[:, :k]
    hits = [len(set(a.tolist()) & set(e.tolist())) / e.shape[0] for a, e in zip(approx_ids, exact_ids)]
    return float(np.mean(hits))


@dataclass
class OperatingPoint:
    kind: str
    param: str
    value: int
    recall10: float
    ms_per_query: float


def measure(index, queries, exact_ids: np.ndarray, k: int = 10, nprobe: int | None = None,
            ef_search: int | None = None, repeats: int = 1, kind: str = "", threads: int | None = 1
            ) -> OperatingPoint:
    """Recall@k against exact search, and the median time per query with queries sent one at a time
    (as a RAG system receives them), on ``threads`` threads."""
    import faiss

    q = as_matrix(queries)
    old_threads = faiss.omp_get_max_threads()
    if threads:
        faiss.omp_set_num_threads(threads)
    try:
        _, ids = search(index, q, k, nprobe=nprobe, ef_search=ef_search)
        times = []
        for _ in range(repeats):
            for row in q:
                t0 = time.perf_counter()
                index.search(row[None, :], k)
                times.append(time.perf_counter() - t0)
    finally:
        faiss.omp_set_num_threads(old_threads)
    param, value = ("nprobe", nprobe) if nprobe is not None else (("efSearch", ef_search) if ef_search is not None else ("", 0))
    return OperatingPoint(kind, param, int(value or 0), recall_at_k_vs_exact(ids, exact_ids, k),
                          1000 * float(np.median(times)))


def sweep(vectors, queries, k: int = 10, nprobes=(1, 2, 4, 8, 16, 32), ef_searches=(8, 16, 32, 64, 128),
          nlist: int | None = None, M: int = 32, repeats: int = 1, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Recall@k vs latency of Flat, IVF (over ``nprobes``) and HNSW (over ``ef_searches``).

    Returns the table and the built indexes (``flat``, ``ivf``, ``hnsw``) plus ``exact_ids``."""
    v, q = as_matrix(vectors), as_matrix(queries)
    _, exact_ids = exact_search(q, v, k)
    flat, ivf, hnsw = build_flat(v), build_ivf(v, nlist, seed=seed), build_hnsw(v, M=M)
    points = [measure(flat, q, exact_ids, k, repeats=repeats, kind="flat")]
    points += [measure(ivf, q, exact_ids, k, nprobe=p, repeats=repeats, kind="ivf") for p in nprobes if p <= ivf.nlist]
    points += [measure(hnsw, q, exact_ids, k, ef_search=e, repeats=repeats, kind="hnsw") for e in ef_searches]
    table = pd.DataFrame([p.__dict__ for p in points])
    return table, {"flat": flat, "ivf": ivf, "hnsw": hnsw, "exact_ids": exact_ids}
