"""Query drift: is the stream of queries moving away from what the system was built and tested on?

The statistic here is the cosine distance between the mean embedding of a reference window and
the mean of the most recent window, 1 − cos(μ_ref, μ_recent): 0 while the mix of queries holds,
growing as it shifts. Its alarm threshold comes from the reference itself: the distances of random
reference-sized windows drawn *from the reference period*, where nothing drifted by construction.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .client import VectorDBError


def drift_score(reference, recent) -> float:
    """1 − cos(mean of ``reference`` rows, mean of ``recent`` rows)."""
    reference, recent = np.atleast_2d(np.asarray(reference, float)), np.atleast_2d(np.asarray(recent, float))
    if len(reference) == 0 or len(recent) == 0:
        raise VectorDBError("Both windows need at least one query embedding.")
    if reference.shape[1] != recent.shape[1]:
        raise VectorDBError(f"Dimension mismatch: reference {reference.shape[1]}-d, recent {recent.shape[1]}-d.")
    a, b = reference.mean(axis=0), recent.mean(axis=0)
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    return float(1.0 - a @ b / norms) if norms > 0 else 1.0


def shifting_stream(labels: Sequence[str], start: Sequence[str], end: Sequence[str], n_windows: int,
                    window: int, seed: int = 0) -> list[np.ndarray]:
    """Windows of query positions whose mix moves linearly from topics ``start`` to topics ``end``.

    Window ``w`` draws a share ``w / (n_windows - 1)`` of its queries from ``end``, the rest from
    ``start`` (with replacement: the topics are the only thing that changes)."""
    labels = np.asarray(labels)
    a, b = np.flatnonzero(np.isin(labels, start)), np.flatnonzero(np.isin(labels, end))
    if len(a) == 0 or len(b) == 0:
        raise VectorDBError("Both the starting and the ending topics need queries.")
    rng = np.random.default_rng(seed)
    out = []
    for w in range(n_windows):
        n_new = int(round(window * w / max(n_windows - 1, 1)))
        out.append(np.concatenate([rng.choice(a, window - n_new), rng.choice(b, n_new)]))
    return out


def alarm_threshold(reference, window: int, n_draws: int = 200, quantile: float = 0.99, seed: int = 0,
                    score=drift_score) -> float:
    """The ``quantile`` of ``score(reference, random window of the reference)``: above it, the recent
    window is further from the reference than almost any window of the reference period itself."""
    reference = np.asarray(reference, float)
    rng = np.random.default_rng(seed)
    draws = [score(reference, reference[rng.choice(len(reference), window)]) for _ in range(n_draws)]
    return float(np.quantile(draws, quantile))
