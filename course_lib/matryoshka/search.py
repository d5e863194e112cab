"""Cheaper search with the same embeddings: two-stage (coarse → fine) search and quantisation.

* **Two-stage search** (an MRL use case, Kusupati et al. 2022 §4.3 "adaptive retrieval"): scan
  the whole collection with short prefixes (say 64 dimensions), keep a shortlist of the best
  ``shortlist`` documents, and re-score only those with the full vectors.
* **int8 scalar quantisation**: each dimension's range (from calibration vectors) is cut into
  256 steps; a coordinate becomes the int8 number of its step. 4× smaller than float32.
* **Binary quantisation**: keep only the sign of every coordinate, 8 per byte (32× smaller),
  search by Hamming distance, then re-score a shortlist with the float query against the
  ±1 document vectors (as in sentence-transformers' embedding-quantisation guide).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..vectors import as_matrix, check_dim, exact_search, top_k_positions, truncate
from .cost import one_thread, pack_binary, time_call


def rescore(queries: np.ndarray, docs: np.ndarray, candidates: np.ndarray, k: int = 10) -> np.ndarray:
    """Re-rank each query's candidate positions by the full inner product; keep the best ``k``."""
    scores = np.einsum("qd,qcd->qc", queries, docs[candidates])
    return np.take_along_axis(candidates, top_k_positions(scores, k), axis=1)


def two_stage_search(queries: np.ndarray, docs: np.ndarray, coarse_dims: int = 64, shortlist: int = 100,
                     k: int = 10, coarse_index=None) -> np.ndarray:
    """Coarse: top-``shortlist`` with the first ``coarse_dims`` dimensions (re-normalised) over the
    whole collection. Fine: re-score that shortlist with the full vectors. Returns top-``k`` positions.

    ``docs`` are the full unit vectors; ``coarse_index`` an optional prebuilt FAISS index of
    ``truncate(docs, coarse_dims)`` (so that timing measures search only)."""
    coarse_dims = check_dim(coarse_dims, docs.shape[1])
    if shortlist < k:
        raise ValueError(f"The shortlist ({shortlist}) must hold at least k = {k} documents.")
    coarse_queries, n = as_matrix(truncate(queries, coarse_dims)), min(shortlist, len(docs))
    if coarse_index is None:
        _, candidates = exact_search(coarse_queries, truncate(docs, coarse_dims), n)
    else:  # time_two_stage's prebuilt FAISS flat index: the search alone is timed
        _, candidates = coarse_index.search(coarse_queries, n)
    return rescore(queries, docs, candidates, k)


def overlap_at_k(rankings: np.ndarray, reference: np.ndarray, k: int = 10) -> float:
    """Recall@k *against a reference search*: the mean share of the reference's top k also found."""
    return float(np.mean([len(set(r[:k]) & set(t[:k])) / len(t[:k]) for r, t in zip(rankings, reference)]))


# ---- int8 scalar quantisation ----------------------------------------------------------------

@dataclass(frozen=True)
class Int8Quantiser:
    """Per-dimension ranges [lo, hi] from calibration vectors, each cut into 255 equal steps.

    The ranges and steps are sentence-transformers' ``quantize_embeddings(..., "int8")``; it floors a
    value to the step below, we round to the nearest step (codes at most one higher, half the
    worst-case error). ``tests/test_matryoshka.py`` checks both."""
    lo: np.ndarray
    step: np.ndarray

    @classmethod
    def fit(cls, calibration: np.ndarray) -> "Int8Quantiser":
        calibration = np.asarray(calibration, dtype=np.float32)
        lo, hi = calibration.min(axis=0), calibration.max(axis=0)
        return cls(lo, np.maximum(hi - lo, 1e-12) / 255.0)

    def encode(self, x: np.ndarray) -> np.ndarray:
        """int8 codes −128 … 127 (values outside the calibration range are clipped)."""
        codes = np.rint((np.asarray(x, dtype=np.float32) - self.lo) / self.step) - 128
        return np.clip(codes, -128, 127).astype(np.int8)

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Back to float32: the centre value of each code's step."""
        return (self.lo + (codes.astype(np.float32) + 128) * self.step).astype(np.float32)


def int8_search(queries: np.ndarray, codes: np.ndarray, quantiser: Int8Quantiser, k: int = 10) -> np.ndarray:
    """Float queries against int8-stored documents (decoded on the fly): top-``k`` positions."""
    return top_k_positions(queries @ quantiser.decode(codes).T, k)


# ---- binary quantisation ---------------------------------------------------------------------

def unpack_binary(bits: np.ndarray, dims: int) -> np.ndarray:
    """Packed sign bits → ±1 float32 vectors of ``dims`` dimensions."""
    return np.unpackbits(bits, axis=-1)[..., :dims].astype(np.float32) * 2 - 1


def hamming_distances(query_bits: np.ndarray, doc_bits: np.ndarray) -> np.ndarray:
    """Number of differing bits between every query code and every document code."""
    xor = np.bitwise_xor(query_bits[:, None, :], doc_bits[None, :, :])
    return np.unpackbits(xor, axis=-1).sum(axis=-1, dtype=np.int64)


def binary_search(queries: np.ndarray, doc_bits: np.ndarray, k: int = 10, rescore_multiplier: int = 4,
                  index=None) -> np.ndarray:
    """Hamming search (FAISS IndexBinaryFlat) for ``k × rescore_multiplier`` candidates, then re-score
    them with the float query against the ±1 document vectors; ``rescore_multiplier=0``: Hamming only."""
    import faiss

    dims = doc_bits.shape[1] * 8
    if index is None:
        index = faiss.IndexBinaryFlat(dims)
        index.add(np.ascontiguousarray(doc_bits))
    n_candidates = min(len(doc_bits), k * max(rescore_multiplier, 1))
    _, candidates = index.search(pack_binary(queries), n_candidates)
    if rescore_multiplier == 0:
        return candidates[:, :k]
    return rescore(np.asarray(queries, dtype=np.float32), unpack_binary(doc_bits, dims), candidates, k)


def time_two_stage(queries: np.ndarray, docs: np.ndarray, coarse_dims: int = 64, shortlist: int = 100, k: int = 10,
                   repeats: int = 5) -> dict[str, float]:
    """Measured seconds per query (one CPU thread, best of ``repeats``, indexes built beforehand) of
    full-dimension exact search and of two-stage search, and the speed-up."""
    import faiss

    queries = np.ascontiguousarray(queries, dtype=np.float32)
    docs = np.ascontiguousarray(docs, dtype=np.float32)
    full_index = faiss.IndexFlatIP(docs.shape[1])
    full_index.add(docs)
    coarse_index = faiss.IndexFlatIP(coarse_dims)
    coarse_index.add(np.ascontiguousarray(truncate(docs, coarse_dims)))
    with one_thread():
        full = time_call(lambda: full_index.search(queries, k), repeats) / len(queries)
        two = time_call(lambda: two_stage_search(queries, docs, coarse_dims, shortlist, k, coarse_index=coarse_index),
                        repeats) / len(queries)
    return {"full_s": full, "two_stage_s": two, "speedup": full / two}
