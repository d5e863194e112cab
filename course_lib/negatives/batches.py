"""How many negatives each query sees, and the checks that keep a set-up honest.

In-batch InfoNCE scores every query against every key of its batch: a batch of N gives each query
N − 1 negatives. Gradient accumulation runs k micro-batches of N one after the other, each with its
own N × N logit block, so a query still sees N − 1 negatives, not kN − 1. GradCache and processes
that gather their keys (``gather_across_devices``) do build one kN × kN (or N·P × N·P) problem.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
    return value


def check_chunk_size(chunk_size, batch_size: int) -> int:
    """A GradCache chunk holds 1 … batch_size rows."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size <= 0:
        raise ValueError(f"The chunk size must be a positive whole number, got {chunk_size!r}.")
    if chunk_size > batch_size:
        raise ValueError(f"The chunk size ({chunk_size}) is larger than the batch ({batch_size}): a chunk is a "
                         "slice of the batch, so choose at most the batch size.")
    return chunk_size


def check_process_split(global_batch: int, processes: int, rows: int | None = None) -> int:
    """The per-process batch when ``global_batch`` rows are split over ``processes`` (a clear error otherwise)."""
    _positive_int("The number of processes", processes)
    _positive_int("The global batch", global_batch)
    if global_batch % processes:
        raise ValueError(f"A global batch of {global_batch} cannot be split evenly over {processes} processes: "
                         f"choose a batch divisible by {processes} (e.g. {global_batch - global_batch % processes or processes}).")
    if rows is not None and rows < global_batch:
        raise ValueError(f"{rows} training rows are fewer than one global batch of {global_batch}.")
    return global_batch // processes


def negatives_per_query(batch_size: int, accumulation_steps: int = 1, processes: int = 1, gathered: bool = True,
                        bank: int = 0, cached: bool = False) -> int:
    """Negatives one query is scored against in one optimiser step.

    ``batch_size`` is the (micro-)batch one process embeds at once; with ``cached`` (GradCache) the
    batch is ``batch_size × accumulation_steps`` embedded in chunks, which *does* share negatives;
    plain accumulation does not. ``gathered`` processes share their keys; ``bank`` adds queued keys."""
    _positive_int("The batch size", batch_size)
    _positive_int("The number of accumulation steps", accumulation_steps)
    _positive_int("The number of processes", processes)
    if bank < 0:
        raise ValueError(f"The memory bank cannot hold {bank} keys.")
    rows = batch_size * (accumulation_steps if cached else 1) * (processes if gathered else 1)
    return rows - 1 + bank


def logit_shapes(batch_size: int, accumulation_steps: int = 1, cached: bool = False) -> list[tuple[int, int]]:
    """The logit matrices one optimiser step computes: k blocks of N × N, or one kN × kN when cached."""
    _positive_int("The batch size", batch_size)
    _positive_int("The number of accumulation steps", accumulation_steps)
    if cached:
        n = batch_size * accumulation_steps
        return [(n, n)]
    return [(batch_size, batch_size)] * accumulation_steps


def duplicate_pairs(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of positions in one batch holding the same text: each is a false negative by construction."""
    seen: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        seen.setdefault(t, []).append(i)
    return [(a, b) for group in seen.values() for i, a in enumerate(group) for b in group[i + 1:]]


def batches_with_duplicates(batches: Sequence[Sequence[str]]) -> float:
    """Share of batches that hold the same text at least twice."""
    if not batches:
        raise ValueError("No batches given.")
    return sum(any(c > 1 for c in Counter(b).values()) for b in batches) / len(batches)
