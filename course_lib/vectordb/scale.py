"""Scale figures: synthetic vectors shaped like real ones, latency percentiles, ingest throughput."""
from __future__ import annotations

import time
from typing import Callable

import numpy as np


def synthetic_like(vectors, n: int, seed: int = 0, batch: int = 50_000) -> np.ndarray:
    """``n`` synthetic unit vectors drawn from a Gaussian with the real ``vectors``' mean and
    covariance, then L2-normalised: the same overall shape, but no real neighbours. Label them so."""
    vectors = np.asarray(vectors, dtype=np.float64)
    mean, cov = vectors.mean(axis=0), np.cov(vectors, rowvar=False)
    rng = np.random.default_rng(seed)
    parts = []
    for start in range(0, n, batch):
        x = rng.multivariate_normal(mean, cov, size=min(batch, n - start), method="cholesky")
        parts.append((x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32))
    return np.concatenate(parts) if parts else np.zeros((0, vectors.shape[1]), np.float32)


def latency_ms(search_one: Callable[[np.ndarray], object], queries, warmup: int = 3) -> dict[str, float]:
    """p50 and p95 milliseconds of ``search_one(query)``, one query at a time."""
    queries = np.asarray(queries, dtype=np.float32)
    for q in queries[:warmup]:
        search_one(q)
    seconds = []
    for q in queries:
        start = time.perf_counter()
        search_one(q)
        seconds.append(time.perf_counter() - start)
    ms = 1000 * np.asarray(seconds)
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)), "n_queries": len(ms)}
