"""LoRA (Hu et al. 2021, *LoRA: low-rank adaptation of large language models*).

A frozen weight ``W`` (d_out × d_in) is adapted as ``W + (α / r) · B A`` with ``A`` (r × d_in)
and ``B`` (d_out × r): ``r · (d_in + d_out)`` trainable numbers per adapted matrix instead of
``d_in · d_out``. ``B`` starts at zero, so training starts from the base model exactly.
"""
from __future__ import annotations

from typing import Iterable


def check_rank(rank) -> int:
    if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
        raise ValueError(f"The LoRA rank must be a whole number ≥ 1, got {rank!r}: "
                         "r is the inner size of B·A (r = 0 would train nothing).")
    return rank


def lora_parameter_count(shapes: Iterable[tuple[int, int]], rank: int) -> int:
    """Trainable parameters of rank-``rank`` adapters on matrices of the given (d_out, d_in) shapes."""
    rank = check_rank(rank)
    return sum(rank * (int(d_in) + int(d_out)) for d_out, d_in in shapes)


def trainable_share(trainable: int, total: int) -> float:
    """Trainable parameters as a share of all parameters (base + adapter)."""
    return trainable / total if total else 0.0
