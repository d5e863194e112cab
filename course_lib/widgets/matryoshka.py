"""Notebook 05 widgets: the truncation slider and the storage & latency calculator."""
from __future__ import annotations

import html
from typing import Mapping

import ipywidgets as W
import numpy as np

from ..matryoshka.cost import DTYPES, LatencyTable, check_dtype, format_bytes, format_seconds, storage_bytes
from ..matryoshka.evaluate import retained
from ..matryoshka.nesting import EVAL_DIMS
from ..trained.matryoshka import ndcg_by_dims
from ..vectors import check_dim
from ..viz.matryoshka import cost_bars, quality_curves
from .base import WidgetApp, figure_widget, replace_figure


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 10px'>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 10px'>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{'<tr>' + head + '</tr>'}{body}</table>"


class TruncationApp(WidgetApp):
    """Slide the number of dimensions kept: quality retained per model, storage and measured latency."""

    css_class = "course-truncation"

    def __init__(self, task, embeddings: Mapping[str, tuple[np.ndarray, np.ndarray]], latency: LatencyTable,
                 dims: int = 64, curve_dims=EVAL_DIMS):
        """``embeddings``: model name → (query vectors, document vectors) at full dimension."""
        self.task, self.embeddings, self.latency = task, dict(embeddings), latency
        self.full_dim = min(q.shape[1] for q, _ in self.embeddings.values())
        self.curve_dims = [d for d in curve_dims if d <= self.full_dim]
        self._cache: dict[tuple[str, int], float] = {}
        self.curves = {name: {d: self.ndcg(name, d) for d in self.curve_dims} for name in self.embeddings}
        controls = {"dims": W.IntSlider(value=check_dim(dims, self.full_dim), min=1, max=self.full_dim,
                                        description="dimensions", layout=W.Layout(width="520px"))}
        super().__init__(controls, figure_widget(self._figure(dims)), title="Truncate, then re-normalise")

    def ndcg(self, name: str, dims: int) -> float:
        if (name, dims) not in self._cache:
            q, d = self.embeddings[name]
            self._cache[(name, dims)] = ndcg_by_dims(self.task, q, d, [dims])[dims]
        return self._cache[(name, dims)]

    def _figure(self, dims: int):
        kept = {name: list(retained(c).values()) for name, c in self.curves.items()}
        return quality_curves(self.curve_dims, kept, retained=True, marker_dim=dims,
                              title="Quality retained after truncation", subtitle=self.task.label)

    def update(self, dims: int) -> None:
        dims = check_dim(dims, self.full_dim)
        rows = []
        for name in self.embeddings:
            score, full = self.ndcg(name, dims), self.ndcg(name, self.full_dim)
            rows.append([html.escape(name), f"{score:.3f}", f"{100 * score / full:.1f}%"])
        replace_figure(self.figure, self._figure(dims))
        n = len(self.task.doc_ids)
        seconds, extrapolated = self.latency.estimate(n, dims)
        how = "estimated from timings measured" if extrapolated else "measured"
        self.output.value = (
            _table(["model", f"nDCG@10 at {dims} dims", f"% of its own {self.full_dim}-d score"], rows)
            + f"<div>Storing these {n:,} documents at {dims} dims as float32: <b>{format_bytes(storage_bytes(n, dims))}</b> "
              f"(vs {format_bytes(storage_bytes(n, self.full_dim))} at {self.full_dim}). Exact search: "
              f"<b>{format_seconds(seconds)}</b> per query ({how} with FAISS on this machine over "
              f"{self.latency.n_docs:,} vectors).</div>")


class StorageLatencyApp(WidgetApp):
    """Collection size, dimension and type in: bytes and estimated search time out (from measured timings)."""

    css_class = "course-storage-latency"

    def __init__(self, latency: LatencyTable, n_docs: int = 1_000_000, dims: int = 384, dtype: str = "float32",
                 max_dim: int = 384):
        self.latency, self.max_dim = latency, max_dim
        controls = {
            "n_docs": W.IntText(value=n_docs, description="documents", layout=W.Layout(width="240px")),
            "dims": W.IntText(value=dims, description="dimensions", layout=W.Layout(width="200px")),
            "dtype": W.Dropdown(options=list(DTYPES), value=dtype, description="stored as", layout=W.Layout(width="220px")),
        }
        super().__init__(controls, figure_widget(self._figure(n_docs, dims, dtype)), title="Storage & latency calculator")

    def costs(self, n_docs: int, dims: int):
        """(storage bytes, seconds per query, extrapolated?) for every type."""
        if n_docs is None or n_docs < 1:
            raise ValueError(f"The collection needs at least one document, got {n_docs}.")
        dims = check_dim(dims, self.max_dim)
        storage = [storage_bytes(n_docs, dims, t) for t in DTYPES]
        estimates = [self.latency.estimate(n_docs, dims, t) for t in DTYPES]
        return storage, [s for s, _ in estimates], any(e for _, e in estimates)

    def _figure(self, n_docs: int, dims: int, dtype: str):
        storage, seconds, extrapolated = self.costs(n_docs, dims)
        return cost_bars(DTYPES, storage, seconds, selected=dtype, extrapolated=extrapolated,
                         title=f"{n_docs:,} documents × {dims} dimensions")

    def update(self, n_docs: int, dims: int, dtype: str) -> None:
        check_dtype(dtype)
        storage, seconds, _ = self.costs(n_docs, dims)
        i = DTYPES.index(dtype)
        _, extrapolated = self.latency.estimate(n_docs, dims, dtype)
        replace_figure(self.figure, self._figure(n_docs, dims, dtype))
        how = (f"extrapolated linearly from FAISS timings measured over {self.latency.n_docs:,} vectors on this machine"
               if extrapolated else "measured with FAISS on this machine")
        self.output.value = (
            f"<div>{n_docs:,} × {dims} dims as {dtype} = <b>{format_bytes(storage[i])}</b> "
            f"({storage[i]:,} bytes; {_relative_size(storage[0], storage[i])}). Exact search: "
            f"<b>{format_seconds(seconds[i])}</b> per query ({how}).</div>")


def _relative_size(float32_bytes: int, nbytes: int) -> str:
    """"8× smaller than float32", or plain words for float32 itself (not "1× smaller")."""
    if nbytes == float32_bytes:
        return "the float32 size itself"
    return f"{float32_bytes / nbytes:.0f}× smaller than float32"
