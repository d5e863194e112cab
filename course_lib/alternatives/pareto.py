"""The cost–quality frontier: a model is on the Pareto front when no other model is at least as
good on every axis and strictly better on one (higher quality, lower latency, fewer bytes)."""
from __future__ import annotations

from typing import Sequence


def dominates(a: dict, b: dict, quality: str = "ndcg10", costs: Sequence[str] = ("p50_ms", "bytes_per_doc")) -> bool:
    """True when ``a`` is no worse than ``b`` everywhere and better somewhere."""
    no_worse = a[quality] >= b[quality] and all(a[c] <= b[c] for c in costs)
    better = a[quality] > b[quality] or any(a[c] < b[c] for c in costs)
    return no_worse and better


def pareto_front(rows: Sequence[dict], quality: str = "ndcg10",
                 costs: Sequence[str] = ("p50_ms", "bytes_per_doc")) -> list[dict]:
    """The rows no other row dominates, by quality (best first)."""
    front = [r for r in rows if not any(dominates(o, r, quality, costs) for o in rows if o is not r)]
    return sorted(front, key=lambda r: -r[quality])


def within_budget(rows: Sequence[dict], max_ms: float, max_bytes: float) -> list[dict]:
    if max_ms <= 0 or max_bytes <= 0:
        raise ValueError("A budget must be positive: raise the latency or memory limit.")
    return [r for r in rows if r["p50_ms"] <= max_ms and r["bytes_per_doc"] <= max_bytes]


def best_within_budget(rows: Sequence[dict], max_ms: float, max_bytes: float, quality: str = "ndcg10") -> dict | None:
    """The highest-quality row that fits both budgets (None when nothing fits)."""
    fits = within_budget(rows, max_ms, max_bytes)
    return max(fits, key=lambda r: (r[quality], -r["p50_ms"])) if fits else None
