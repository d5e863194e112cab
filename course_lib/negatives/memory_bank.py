"""A memory bank of earlier keys as extra negatives (Wu et al. 2018, "Unsupervised Feature Learning
via Non-Parametric Instance Discrimination"; the queue of He et al. 2020, "Momentum Contrast for
Unsupervised Visual Representation Learning").

After each step the batch's keys (normalised, detached: no gradient flows into the past) join a
first-in-first-out queue of at most ``size`` rows; the oldest leave. Each query is then scored
against its batch's keys *and* every queued key, so a batch of N with a queue of K gives N − 1 + K
negatives for the memory of N. The price is **staleness**: a queued key was embedded by the
model of some steps ago, and the model has moved since. MoCo slows that drift with a momentum
encoder for the keys; here the keys come from the trained model itself, and we measure the drift.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..infonce import check_temperature


def check_queue_length(size, n_rows: int | None = None) -> int:
    """A queue holds 0 … (training rows − one batch) keys: longer, and it would hold a query's own positive."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError(f"The queue length must be a whole number ≥ 0, got {size!r}.")
    if n_rows is not None and size > n_rows:
        raise ValueError(f"A queue of {size} keys is longer than the {n_rows} training rows: it would hold keys "
                         "of the very pairs being trained (their positives as negatives). Choose at most "
                         f"{n_rows}.")
    return size


def update_bank(bank: torch.Tensor, keys: torch.Tensor, size: int) -> torch.Tensor:
    """Enqueue the batch's normalised, detached keys at the end; dequeue the oldest beyond ``size`` rows."""
    check_queue_length(size)
    new = F.normalize(keys.detach(), dim=-1)
    queue = torch.cat([bank.detach().to(new.dtype), new]) if len(bank) else new
    return queue[max(0, len(queue) - size):] if size else queue[:0]


def memory_bank_loss(queries: torch.Tensor, keys: torch.Tensor, bank: torch.Tensor,
                     temperature: float = 0.05) -> torch.Tensor:
    """InfoNCE where query i's candidates are the batch's keys (positive: key i) followed by the bank.

    cos(q_i, ·) / τ over [keys; bank]; the bank is a constant (no gradient). Mean over the batch."""
    check_temperature(temperature)
    if queries.shape != keys.shape:
        raise ValueError(f"queries {tuple(queries.shape)} and keys {tuple(keys.shape)} must have the same shape.")
    q, k = F.normalize(queries, dim=-1), F.normalize(keys, dim=-1)
    candidates = torch.cat([k, F.normalize(bank.detach().to(k.dtype), dim=-1)]) if len(bank) else k
    logits = q @ candidates.T / temperature
    return F.cross_entropy(logits, torch.arange(len(q), device=q.device))


def staleness(stored: np.ndarray, current: np.ndarray) -> np.ndarray:
    """1 − cos(stored row, the same text embedded now): how far each queued key has drifted."""
    a = stored / np.linalg.norm(stored, axis=1, keepdims=True)
    b = current / np.linalg.norm(current, axis=1, keepdims=True)
    return 1.0 - np.sum(a * b, axis=1)
