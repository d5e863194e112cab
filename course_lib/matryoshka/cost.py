"""What an index costs: bytes on disk / in memory, and exhaustive-search time measured with FAISS.

Storage of a flat index is plain arithmetic: documents × bytes per vector, where a vector of
``d`` dimensions takes ``4d`` bytes as float32, ``2d`` as float16, ``d`` as int8 and ``⌈d/8⌉``
as binary (one bit per dimension).

Latency is *measured*: FAISS flat indexes (exact search) over a collection of ``n`` vectors at
each dimension and type. Exhaustive search does the same work whatever the vectors' values, so
random unit vectors give the same timings as real ones. Estimates for other collection sizes
scale the measured time per document linearly — an extrapolation, and labelled as one.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..vectors import truncate

DTYPES = ("float32", "float16", "int8", "binary")
BITS_PER_DIM = {"float32": 32, "float16": 16, "int8": 8, "binary": 1}


def check_dtype(dtype: str) -> str:
    if dtype not in BITS_PER_DIM:
        raise ValueError(f"Unknown type {dtype!r}: choose one of {', '.join(DTYPES)}.")
    return dtype


def bytes_per_vector(dims: int, dtype: str = "float32") -> int:
    """Bytes to store one ``dims``-dimensional vector (binary rounds up to whole bytes)."""
    if isinstance(dims, bool) or not isinstance(dims, (int, np.integer)) or dims <= 0:
        raise ValueError(f"The dimension must be a positive whole number, got {dims!r}.")
    return math.ceil(int(dims) * BITS_PER_DIM[check_dtype(dtype)] / 8)


def storage_bytes(n_docs: int, dims: int, dtype: str = "float32") -> int:
    """Bytes for ``n_docs`` vectors of ``dims`` dimensions stored as ``dtype`` (vectors only, no ids)."""
    if isinstance(n_docs, bool) or not isinstance(n_docs, (int, np.integer)) or n_docs < 0:
        raise ValueError(f"The number of documents must be a whole number ≥ 0, got {n_docs!r}.")
    return int(n_docs) * bytes_per_vector(dims, dtype)


def format_bytes(n: float) -> str:
    """1536 → '1.5 KB' (powers of 1000, as disk sizes are quoted)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000


def format_seconds(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


# ---- FAISS indexes ---------------------------------------------------------------------------

def pack_binary(x: np.ndarray) -> np.ndarray:
    """Sign bits (1 where > 0) packed 8 per byte: the code FAISS' binary indexes store."""
    x = np.asarray(x)
    if x.shape[-1] % 8:
        raise ValueError(f"Binary codes need a dimension divisible by 8, got {x.shape[-1]}.")
    return np.packbits(x > 0, axis=-1)


def build_quantised_index(docs: np.ndarray, dtype: str = "float32"):
    """An exact (flat) FAISS index over ``docs`` stored as ``dtype``; inner product / Hamming."""
    import faiss

    docs = np.ascontiguousarray(docs, dtype=np.float32)
    d = docs.shape[1]
    check_dtype(dtype)
    if dtype == "float32":
        index = faiss.IndexFlatIP(d)
    elif dtype == "binary":
        index = faiss.IndexBinaryFlat(d)
        index.add(pack_binary(docs))
        return index
    else:
        qtype = faiss.ScalarQuantizer.QT_fp16 if dtype == "float16" else faiss.ScalarQuantizer.QT_8bit
        index = faiss.IndexScalarQuantizer(d, qtype, faiss.METRIC_INNER_PRODUCT)
        index.train(docs)
    index.add(docs)
    return index


def search_quantised_index(index, queries: np.ndarray, k: int, dtype: str = "float32"):
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    return index.search(pack_binary(queries) if dtype == "binary" else queries, k)


class one_thread:
    """FAISS on one CPU thread while timing: on a busy machine, multi-threaded runs of a few
    milliseconds are dominated by thread scheduling, and the timings would mostly measure noise."""

    def __enter__(self):
        import faiss

        self.before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        return self

    def __exit__(self, *exc):
        import faiss

        faiss.omp_set_num_threads(self.before)


def time_call(fn, repeats: int = 5) -> float:
    """Best of ``repeats`` wall-clock times (the least disturbed by other work on the machine)."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def random_unit_vectors(n: int, d: int, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@dataclass
class LatencyTable:
    """Measured seconds per query for exact search over ``n_docs`` vectors, by (dtype, dims)."""
    n_docs: int
    n_queries: int
    k: int
    seconds: dict = field(default_factory=dict)     # {(dtype, dims): seconds per query}

    def dims(self, dtype: str = "float32") -> list[int]:
        return sorted(d for t, d in self.seconds if t == dtype)

    def per_query(self, dims: int, dtype: str = "float32") -> float:
        """Measured time per query at ``dims`` (linear interpolation between measured dimensions)."""
        known = self.dims(check_dtype(dtype))
        if not known:
            raise ValueError(f"No timings were measured for {dtype}.")
        if dims in known:
            return self.seconds[(dtype, dims)]
        return float(np.interp(dims, known, [self.seconds[(dtype, d)] for d in known]))

    def estimate(self, n_docs: int, dims: int, dtype: str = "float32") -> tuple[float, bool]:
        """(seconds per query, extrapolated?) for a collection of ``n_docs``: the measured time
        per document scaled linearly. Exact when ``n_docs`` and ``dims`` were measured."""
        if n_docs <= 0:
            raise ValueError(f"The collection needs at least one document, got {n_docs}.")
        t = self.per_query(dims, dtype) * n_docs / self.n_docs
        return t, (n_docs != self.n_docs or dims not in self.dims(dtype))

    def as_dict(self) -> dict:
        return {f"{t}/{d}": s for (t, d), s in sorted(self.seconds.items())}


def measure_latency(n_docs: int, dims: Sequence[int], dtypes: Sequence[str] = DTYPES, *, n_queries: int = 16,
                    k: int = 10, repeats: int = 5, seed: int = 0, docs: np.ndarray | None = None,
                    queries: np.ndarray | None = None) -> LatencyTable:
    """Time exact FAISS search of ``n_queries`` queries (one batch, one CPU thread) at every dims × dtype.

    With fewer than 20 queries FAISS scans query by query (no BLAS batching): close to the latency
    of single searches.

    Uses ``docs`` / ``queries`` when given (truncated + renormalised per dimension), else random
    unit vectors of the largest dimension. Reports the best-of-``repeats`` time per query."""
    full = max(dims)
    docs = random_unit_vectors(n_docs, full, seed) if docs is None else np.asarray(docs, dtype=np.float32)
    queries = random_unit_vectors(n_queries, full, seed + 1) if queries is None else np.asarray(queries, dtype=np.float32)
    table = LatencyTable(n_docs=len(docs), n_queries=len(queries), k=k)
    for dtype in dtypes:
        for d in dims:
            if dtype == "binary" and d % 8:
                continue
            q, x = truncate(queries, d), truncate(docs, d)
            index = build_quantised_index(x, dtype)
            with one_thread():
                search_quantised_index(index, q[:2], k, dtype)  # warm-up
                table.seconds[(dtype, d)] = time_call(lambda: search_quantised_index(index, q, k, dtype), repeats) / len(q)
    return table
