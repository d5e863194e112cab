"""Notebook 07's widgets: batch / accumulation / chunk controls, and the memory bank's queue.

Thin wiring: the measured runs, the memory table, a real logit matrix and the staleness record are
computed by the library and passed in; ``update`` only looks them up and draws.
"""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..negatives.batches import check_chunk_size, logit_shapes, negatives_per_query
from ..negatives.memory_bank import check_queue_length
from ..viz import negatives as viz
from .base import WidgetApp, figure_widget, replace_figure


class BatchNegativesApp(WidgetApp):
    """Batch size, accumulation steps, chunk size → logit matrices, negatives per query, memory, dev quality."""
    css_class = "course-batch-negatives"

    def __init__(self, logits: np.ndarray, runs: dict, memory: dict, batch_sizes=(2, 4, 8, 16, 32, 64, 128, 256),
                 batch: int = 8, accumulation: int = 2, chunk: int = 4, label: str = ""):
        """``logits``: a real (≥ largest batch × accumulation shown) logit matrix; ``runs``:
        {(batch, accumulation): dev nDCG@10} measured; ``memory``: {"plain"|"gradcache": {"B": {"peak_mb"}}}."""
        self.logits, self.runs, self.memory, self.label = np.asarray(logits), dict(runs), memory, label
        controls = {
            "batch": W.Dropdown(options=list(batch_sizes), value=batch, description="batch N"),
            "accumulation": W.IntSlider(value=accumulation, min=1, max=8, description="accum. k"),
            "chunk": W.IntText(value=chunk, description="chunk", layout=W.Layout(width="160px")),
            "view": W.ToggleButtons(options=["accumulation", "GradCache"], value="accumulation", description="show"),
        }
        super().__init__(controls, figure_widget(self._figure(batch, accumulation, False)),
                         title="What one optimiser step computes: accumulation vs GradCache")

    def _figure(self, batch, accumulation, cached):
        n = batch * accumulation
        shown = min(n, len(self.logits))
        micro = max(1, min(batch, shown))
        k = max(1, shown // micro)
        what = "GradCache (one matrix)" if cached else f"accumulation ({k} blocks)"
        return viz.logit_blocks_figure(self.logits[:micro * k, :micro * k], micro, k, cached,
                                       f"Logits computed in one step, {what}: first {micro * k} of {n} pairs")

    def update(self, batch: int, accumulation: int, chunk: int, view: str) -> None:
        effective = batch * accumulation
        check_chunk_size(chunk, effective)
        acc = negatives_per_query(batch, accumulation)
        cache = negatives_per_query(batch, accumulation, cached=True)
        replace_figure(self.figure, self._figure(batch, accumulation, view == "GradCache"))
        blocks = logit_shapes(batch, accumulation)
        rows = [("accumulation: k micro-batches of N",
                 f"{len(blocks)} × {blocks[0][0]}×{blocks[0][1]}", acc, self._memory("plain", batch),
                 self._quality(batch, accumulation)),
                ("GradCache: one batch of kN in chunks", f"1 × {effective}×{effective}", cache,
                 self._memory("gradcache", effective), self._quality(effective, 1)),
                ("a true batch of kN", f"1 × {effective}×{effective}", cache, self._memory("plain", effective),
                 self._quality(effective, 1))]
        head = "".join(f"<th style='padding:2px 8px'>{h}</th>" for h in
                       ("set-up", "logit matrices", "negatives / query", "peak memory", "dev nDCG@10"))
        body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(c))}</td>" for c in r) + "</tr>"
                       for r in rows)
        self.output.value = (f"<table>{head and '<tr>' + head + '</tr>'}{body}</table>"
                             f"<small>GradCache chunk {chunk}: memory of one chunk, gradient of the whole batch. "
                             f"Measured values only; '—' = not measured in this run. {html.escape(self.label)}</small>")

    def _memory(self, mode, batch):
        row = self.memory.get(mode, {}).get(str(batch))
        return f"{row['peak_mb']:.0f} MB" if row else "—"

    def _quality(self, batch, accumulation):
        value = self.runs.get((batch, accumulation))
        return f"{value:.3f}" if value is not None else "—"


class MemoryBankApp(WidgetApp):
    """Queue length → negatives per query, and the staleness of the keys such a queue would hold."""
    css_class = "course-memory-bank"

    def __init__(self, staleness: dict, n_rows: int, queue: int = 24, label: str = ""):
        self.record, self.n_rows, self.label = staleness, n_rows, label
        controls = {"queue": W.IntSlider(value=queue, min=0, max=2 * n_rows, step=max(1, staleness["batch"]),
                                         description="queue K")}
        super().__init__(controls, figure_widget(self._figure(queue)),
                         title="A memory bank: more negatives, older keys")

    def _figure(self, queue):
        return viz.staleness_figure(self.record["age_steps"], self.record["drift"], queue, self.record["batch"],
                                    f"Drift of queued keys by age ({self.label})")

    def update(self, queue: int) -> None:
        batch = self.record["batch"]
        check_queue_length(queue, self.n_rows - batch)
        replace_figure(self.figure, self._figure(queue))
        age, drift = np.asarray(self.record["age_steps"]), np.asarray(self.record["drift"])
        oldest = -(-queue // batch) if queue else 0
        held = drift[age <= oldest]
        measured = f"mean drift of the keys it holds: {held.mean():.4f}" if queue and len(held) else "no keys held"
        # part of the reading, not a warning: a long queue is valid, only its oldest keys went unmeasured
        unmeasured = (f" (drift was measured for keys up to {age.max()} steps old only)"
                      if queue and oldest > age.max() else "")
        self.output.value = (f"A batch of {batch} with a queue of {queue}: "
                             f"<b>{negatives_per_query(batch, bank=queue)}</b> negatives per query, "
                             f"keys up to {oldest} steps old; {measured}{unmeasured}.")
