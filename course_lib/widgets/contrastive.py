"""Notebook 04's widgets: temperature, the in-batch logit matrix, easy vs hard negatives, forces.

Each app is thin wiring: its data (real similarities, real batches, mined candidates, training
snapshots) is computed once by the library and passed in; ``update`` calls pure compute + viz.
"""
from __future__ import annotations

from typing import Sequence

import ipywidgets as W
import numpy as np
import torch

from ..contrastive.forces import anchor_similarities, project_snapshots
from ..infonce import info_nce, row_distribution, similarity_logits
from ..viz import contrastive as viz
from .base import WidgetApp, figure_widget


class TemperatureApp(WidgetApp):
    """Slide τ over one real query's similarity row: softmax, P(positive) and the loss update live."""
    css_class = "course-temperature"

    def __init__(self, rows: Sequence[dict], temperature: float = 0.05):
        """``rows``: dicts with query, labels (candidate names), similarities (cosines), positive (index)."""
        if not rows:
            raise ValueError("Give at least one query row.")
        self.rows = {r["query"]: r for r in rows}
        controls = {
            "query": W.Dropdown(options=list(self.rows), description="query"),
            "temperature": W.FloatLogSlider(value=temperature, base=10, min=-2.3, max=0.5, step=0.05,
                                            description="τ", readout_format=".3f"),
        }
        first = rows[0]
        super().__init__(controls, figure_widget(viz.temperature_figure(first["labels"], first["similarities"],
                                                                       np.zeros(len(first["labels"])),
                                                                       first["positive"], temperature, 0.0, 0.0)),
                         title="Temperature: how sharp is the softmax over one query's candidates?")

    def update(self, query: str, temperature: float) -> None:
        row = self.rows.get(query)
        if row is None or not str(query).strip():
            raise ValueError("The query is empty or unknown: pick one from the list.")
        dist = row_distribution(row["similarities"], row["positive"], temperature)
        fig = viz.temperature_figure(row["labels"], row["similarities"], dist["probabilities"], row["positive"],
                                     temperature, dist["p_positive"], dist["loss"], query)
        with self.figure.batch_update():
            self.figure.data[0].update(fig.data[0])
            self.figure.layout.title = fig.layout.title
        self.output.value = (f"<b>P(positive)</b> = {dist['p_positive']:.3f} &nbsp; <b>loss</b> = −log P = "
                             f"{dist['loss']:.3f} &nbsp; (cosines range {min(row['similarities']):.2f} … "
                             f"{max(row['similarities']):.2f})")


class LogitMatrixApp(WidgetApp):
    """A real batch's logit matrix cos(q_i, k_j)/τ as a heatmap; choose the batch size and τ."""
    css_class = "course-logit-matrix"

    def __init__(self, query_vectors: np.ndarray, key_vectors: np.ndarray, query_labels: Sequence[str],
                 key_labels: Sequence[str], temperature: float = 0.05, batch_size: int = 8):
        self.q = torch.as_tensor(np.asarray(query_vectors, dtype=np.float32))
        self.k = torch.as_tensor(np.asarray(key_vectors, dtype=np.float32))
        self.query_labels, self.key_labels = list(query_labels), list(key_labels)
        n = len(self.query_labels)
        controls = {
            "batch_size": W.IntSlider(value=min(batch_size, n), min=0, max=n, description="batch N"),
            "temperature": W.FloatLogSlider(value=temperature, base=10, min=-2.3, max=0.5, step=0.05,
                                            description="τ", readout_format=".3f"),
        }
        m = min(batch_size, n)
        fig = viz.logit_heatmap(np.zeros((m, m)), self.query_labels[:m], self.key_labels[:m], temperature)
        super().__init__(controls, figure_widget(fig), title="In-batch negatives: the logit matrix of a real batch")

    def update(self, batch_size: int, temperature: float) -> None:
        if batch_size < 1:
            raise ValueError("The batch is empty: choose a batch size of at least 1.")
        q, k = self.q[:batch_size], self.k[:batch_size]
        logits = similarity_logits(q, k, temperature)
        loss = float(info_nce(q, k, temperature))
        fig = viz.logit_heatmap(logits.numpy(), self.query_labels[:batch_size], self.key_labels[:batch_size],
                                temperature, loss)
        with self.figure.batch_update():
            self.figure.data[0].update(fig.data[0])
            self.figure.data[1].update(fig.data[1])
            self.figure.layout.update(fig.layout)
        correct = int((logits.argmax(dim=1) == torch.arange(batch_size)).sum())
        self.output.value = (f"{batch_size} pairs → each query has <b>{batch_size - 1}</b> in-batch negatives. "
                             f"Mean InfoNCE loss {loss:.3f}; the diagonal wins its row for {correct}/{batch_size} queries.")


class NegativesApp(WidgetApp):
    """Easy vs hard negatives: pick a query and a mining strategy; see negatives and what the filters removed."""
    css_class = "course-negatives"

    def __init__(self, explore, queries: Sequence[str], strategies: Sequence[str] = ("random", "bm25", "dense"),
                 k: int = 5, margin: float = 0.05):
        """``explore(query, strategy, k, margin, use_cross_encoder) -> (positive_title, rows)`` does the mining."""
        self.explore = explore
        controls = {
            "query": W.Combobox(value=queries[0], options=list(queries), description="query", ensure_option=False),
            "strategy": W.ToggleButtons(options=list(strategies), value=strategies[-1], description="mining"),
            "k": W.IntSlider(value=k, min=1, max=10, description="negatives"),
            "margin": W.FloatSlider(value=margin, min=0.0, max=0.3, step=0.01, description="margin"),
            "cross_encoder": W.Checkbox(value=True, description="cross-encoder filter"),
        }
        super().__init__(controls, None, title="Easy vs hard negatives, and the false-negative filters")

    def update(self, query: str, strategy: str, k: int, margin: float, cross_encoder: bool) -> None:
        if not query or not query.strip():
            raise ValueError("The query is empty: type or pick a description.")
        positive_title, rows = self.explore(query, strategy, k, margin, cross_encoder)
        removed = sum(bool(r["removed"]) for r in rows)
        self.output.value = (viz.negatives_table(query, positive_title, rows, strategy)
                             + f"<div>{len(rows) - removed} kept, {removed} removed as likely false negatives.</div>")


class ForcesApp(WidgetApp):
    """Anchor, positive and negatives of one training example, in 2-D, at successive checkpoints."""
    css_class = "course-forces"

    def __init__(self, snapshots: np.ndarray, steps: Sequence[int], labels: Sequence[str], kinds: Sequence[str]):
        snapshots = np.asarray(snapshots)
        if len(steps) != len(snapshots):
            raise ValueError(f"{len(steps)} steps for {len(snapshots)} snapshots.")
        self.steps, self.labels, self.kinds = list(steps), list(labels), list(kinds)
        self.points = project_snapshots(snapshots)
        self.sims = anchor_similarities(snapshots)
        pad = 0.1
        lo, hi = self.points.min(axis=(0, 1)), self.points.max(axis=(0, 1))
        self.range = (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
        controls = {"checkpoint": W.IntSlider(value=0, min=0, max=len(self.steps) - 1, description="checkpoint")}
        super().__init__(controls, figure_widget(self._figure(0)),
                         title="Forces: the positive is pulled in, the negatives pushed away")

    def _figure(self, i: int):
        return viz.forces_figure(self.points[i], self.labels, self.kinds, self.steps[i], self.sims[i], self.range)

    def update(self, checkpoint: int) -> None:
        if not 0 <= checkpoint < len(self.steps):
            raise ValueError(f"checkpoint must be between 0 and {len(self.steps) - 1}, got {checkpoint}.")
        fig = self._figure(checkpoint)
        with self.figure.batch_update():
            for old, new in zip(self.figure.data, fig.data):
                old.update(new)
            self.figure.layout.title = fig.layout.title
        start, now = self.sims[0], self.sims[checkpoint]
        rows = "".join(f"<tr><td>{k}</td><td>{viz._short(l, 50)}</td><td>{a:.3f}</td><td>{b:.3f}</td></tr>"
                       for k, l, a, b in zip(self.kinds[1:], self.labels[1:], start[1:], now[1:]))
        self.output.value = (f"<table style='font-size:90%'><tr><th>role</th><th>text</th><th>cos at step 0</th>"
                             f"<th>cos at step {self.steps[checkpoint]}</th></tr>{rows}</table>")
