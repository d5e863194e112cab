"""Notebook 05 — Matryoshka embeddings: truncate-and-normalise, the MRL loss, the storage formula.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.matryoshka``) add input checks and friendlier errors.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from ..core import Case, Exercise, Mismatch, assert_close, register


def truncate(embeddings, dims):
    """Keep the first ``dims`` columns of the 2-D array ``embeddings`` (one row per text), then
    divide every row by its length so that each row has length 1. Return a 2-D NumPy array."""
    x = np.asarray(embeddings, dtype=float)[:, :dims]
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def mrl_info_nce(queries, keys, dims, weights, temperature):
    """The Matryoshka loss: Σ_m weights[i] · InfoNCE(queries[:, :m], keys[:, :m]) for m = dims[i].

    ``queries`` and ``keys`` are (N × d) torch tensors; row i of ``keys`` is the positive of row i of
    ``queries`` and the other rows are its in-batch negatives. At each prefix m, re-normalise the
    truncated rows, take the cosine logits / temperature and the mean cross-entropy with labels
    0 … N−1. Return a 0-dimensional torch tensor."""
    total = torch.zeros(())
    labels = torch.arange(len(queries))
    for m, w in zip(dims, weights):
        q = F.normalize(queries[:, :m], dim=1)
        k = F.normalize(keys[:, :m], dim=1)
        total = total + w * F.cross_entropy(q @ k.T / temperature, labels)
    return total


BYTES_PER_DIM = {"float32": 4, "float16": 2, "int8": 1, "binary": 1 / 8}


def storage_bytes(n_docs, dims, dtype):
    """Bytes needed to store ``n_docs`` vectors of ``dims`` dimensions as ``dtype``: "float32" (4 bytes
    per dimension), "float16" (2), "int8" (1) or "binary" (1 bit per dimension; each vector is
    rounded up to whole bytes). Return an int."""
    return int(n_docs * math.ceil(dims * BYTES_PER_DIM[dtype]))


# ---- cases ----------------------------------------------------------------------------------------

def _truncate_cases():
    rng = np.random.default_rng(5)
    hidden = [Case(args=(rng.normal(size=(n, d)), m), hidden=True) for n, d, m in ((1, 8, 3), (7, 384, 64), (20, 50, 50), (3, 16, 1))]
    return [
        Case(args=(np.array([[3.0, 4.0, 12.0]]), 2), label="[3, 4, 12] → first two → [0.6, 0.8]",
             expected=np.array([[0.6, 0.8]]), hint="Slice first (x[:, :dims]), then divide by the new length 5."),
        Case(args=(np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 2.0, 2.0, 0.0]]), 3), label="two rows, keep three",
             expected=np.array([[1.0, 0.0, 0.0], [0.0, 2 ** -0.5, 2 ** -0.5]]),
             hint="Each row is divided by its own length: np.linalg.norm(x, axis=1, keepdims=True)."),
        Case(args=(np.array([[0.0, -5.0, 1.0]]), 3), label="keeping every dimension only normalises",
             expected=np.array([[0.0, -5.0, 1.0]]) / np.sqrt(26.0)),
        *hidden,
    ]


def _mrl_cases():
    g = torch.Generator().manual_seed(3)
    q2 = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    k2 = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])
    # At m = 2 each query matches its key exactly (cos 1) and the other one not at all (cos 0).
    one_prefix = float(-torch.log_softmax(torch.tensor([1.0, 0.0]) / 0.5, 0)[0])
    hidden = []
    for n, d, dims, weights, tau in ((4, 8, [2, 4, 8], [1.0, 1.0, 1.0], 0.1), (16, 64, [8, 16, 32, 64], [1, 0.5, 0.25, 2], 0.05),
                                     (3, 384, [32, 64, 128, 256, 384], [1] * 5, 0.05), (8, 16, [16], [1.0], 1.0)):
        hidden.append(Case(args=(torch.randn(n, d, generator=g), torch.randn(n, d, generator=g), dims, weights, tau), hidden=True))
    return [
        # Whole vectors first: a temperature mistake shows here, before any truncation.
        Case(args=(torch.eye(2), torch.eye(2), [2], [1.0], 0.5), label="m = d is plain InfoNCE: log(1 + e⁻²) at τ = 0.5",
             expected=torch.tensor(math.log(1 + math.exp(-2))),
             hint="Divide the cosine logits by the temperature (q @ k.T / temperature); do not multiply."),
        Case(args=(q2, k2, [2], [1.0], 0.5), label="one prefix (m = 2): the prefix is re-normalised", expected=torch.tensor(one_prefix),
             hint="Normalise after slicing: F.normalize(queries[:, :m], dim=1). At m = 2 the cosines are then "
                  "[[1, 0], [0, 1]] and each row's loss is −log softmax([2, 0])[0]."),
        Case(args=(q2, k2, [2], [3.0], 0.5), label="a weight multiplies its prefix's loss", expected=torch.tensor(3 * one_prefix),
             hint="Multiply each prefix's loss by its weight: zip(dims, weights)."),
        Case(args=(q2, k2, [2, 4], [1.0, 1.0], 0.5), label="two prefixes add up",
             hint="At m = 4 every cosine is 0.5: both logits are equal, so that term is log 2."),
        *hidden,
    ]


def _storage_cases():
    return [
        Case(args=(1_000_000, 384, "float32"), label="1M × 384 float32 = 1.536 GB", expected=1_536_000_000,
             hint="documents × dimensions × 4 bytes."),
        Case(args=(1_000_000, 64, "float32"), label="1M × 64 float32", expected=256_000_000),
        Case(args=(10, 384, "int8"), label="int8: one byte per dimension", expected=3_840),
        Case(args=(1000, 384, "float16"), label="float16: two bytes per dimension", expected=768_000),
        Case(args=(1000, 384, "binary"), label="binary: 384 bits = 48 bytes per vector", expected=48_000,
             hint="Binary keeps one bit per dimension: dims / 8 bytes per vector."),
        Case(args=(3, 10, "binary"), label="binary rounds each vector up to whole bytes: 10 bits → 2 bytes", expected=6,
             hint="math.ceil(dims / 8) bytes per vector, then × documents."),
        *[Case(args=(n, d, t), hidden=True) for n, d, t in ((0, 384, "float32"), (7, 1, "binary"), (12345, 768, "float16"),
                                                             (99, 33, "int8"), (2_000_000, 1024, "binary"))],
    ]


def _compare_scalar_tensor(result, expected):
    if not isinstance(result, torch.Tensor) or result.ndim != 0:
        raise AssertionError(f"expected a 0-dimensional torch tensor, got {type(result).__name__}"
                             + (f" of shape {tuple(result.shape)}" if isinstance(result, torch.Tensor) else ""))
    assert_close(float(result.detach()), float(expected), rtol=1e-5, atol=1e-6)


def _compare_int(result, expected):
    if isinstance(result, bool) or not isinstance(result, (int, np.integer)):
        raise Mismatch(f"returned {type(result).__name__} {result!r}, expected the int {expected}",
                       hint="Return a whole number of bytes as an int: int(...) or math.ceil, not a float from /.")
    if int(result) != expected:
        raise AssertionError(f"got {result}, expected {expected}")


register(Exercise(
    id="truncate", notebook="05", title="Truncate, then re-normalise", reference=truncate,
    cases=_truncate_cases, returns=np.ndarray,
    hint="x[:, :dims] keeps the first dims columns; then divide by np.linalg.norm(..., axis=1, keepdims=True).",
))
register(Exercise(
    id="mrl_info_nce", notebook="05", title="The Matryoshka (MRL) loss", reference=mrl_info_nce, cases=_mrl_cases,
    compare=_compare_scalar_tensor, gradients=True,
    gradient_hint="Keep every term a torch tensor built from queries and keys (no .detach(), .item() or numpy): "
                  "training needs the gradient of the sum.",
    hint="Loop over zip(dims, weights): F.normalize the first m columns, logits = q @ k.T / temperature, "
         "F.cross_entropy(logits, torch.arange(N)), times the weight; add the terms up.",
))
register(Exercise(
    id="storage_bytes", notebook="05", title="How many bytes does an index take?", reference=storage_bytes,
    cases=_storage_cases, compare=_compare_int,
    hint="Bytes per vector: 4·dims, 2·dims, dims, or math.ceil(dims / 8); multiply by the number of documents.",
))
