"""Figures for notebook 07 (more negatives). Pure: data in, plotly figure out."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from .style import title_margin, wrap_title

PLAIN, CACHED, BANK, BASE = "#cf222e", "#1a7f37", "#8250df", "#8c959f"


def _title(fig: go.Figure, title: str, height: int = 380, **margin) -> go.Figure:
    title = wrap_title(title, 70)
    fig.update_layout(title=title, height=height, margin=dict(t=title_margin(title, 60), **margin))
    return fig


def quality_figure(runs: Sequence[dict], base: float, title: str) -> go.Figure:
    """Dev nDCG@10 per run (bars; label = how it was batched), base MiniLM as a dashed line."""
    labels = [r["label"] for r in runs]
    values = [r["ndcg10"] for r in runs]
    colours = [r.get("colour", PLAIN) for r in runs]
    hover = [f"{r['label']}<br>negatives per query: {r['negatives']}<br>nDCG@10 {r['ndcg10']:.4f}" for r in runs]
    fig = go.Figure(go.Bar(x=labels, y=values, marker_color=colours, hovertext=hover, hoverinfo="text",
                           text=[f"{v:.3f}" for v in values], textposition="outside", name="fine-tuned"))
    fig.add_hline(y=base, line_dash="dash", line_color=BASE, annotation_text=f"base MiniLM {base:.3f}",
                  annotation_position="bottom right")
    low = min(values + [base])
    high = max(values + [base])
    pad = max(0.01, (high - low) * 0.6)
    fig.update_layout(yaxis_title="dev nDCG@10", yaxis_range=[max(0, low - pad), min(1.0, high + pad)],
                      showlegend=False)
    return _title(fig, title, height=400, b=90)


def logit_blocks(logits: np.ndarray, micro_batch: int, accumulation: int, cached: bool) -> np.ndarray:
    """The kN × kN logits with what one step never computes set to NaN: off-block entries under
    accumulation (each micro-batch only sees its own keys), nothing under GradCache."""
    out = np.array(logits, dtype=float, copy=True)
    if not cached:
        mask = np.kron(np.eye(accumulation), np.ones((micro_batch, micro_batch))).astype(bool)
        out[~mask] = np.nan
    return out


def logit_blocks_figure(logits: np.ndarray, micro_batch: int, accumulation: int, cached: bool, title: str) -> go.Figure:
    """Heatmap of the logits one optimiser step computes (grey: never computed)."""
    z = logit_blocks(logits, micro_batch, accumulation, cached)
    n = len(z)
    fig = go.Figure(go.Heatmap(z=z, colorscale="Viridis", colorbar=dict(title="cos/τ"), hoverongaps=False,
                               hovertemplate="query %{y} · key %{x}<br>logit %{z:.2f}<extra></extra>"))
    fig.update_layout(plot_bgcolor="#d0d7de", xaxis=dict(title="key (positive of query j)", range=[-0.5, n - 0.5]),
                      yaxis=dict(title="query", autorange="reversed", scaleanchor="x", range=[-0.5, n - 0.5]))
    return _title(fig, title, height=460, l=70, r=40)


def memory_figure(table: dict, title: str, unit: str = "MB") -> go.Figure:
    """Peak memory of one step against the batch size, plain vs GradCache."""
    fig = go.Figure()
    names = {"plain": ("plain (whole batch with a graph)", PLAIN), "gradcache": ("GradCache (chunks)", CACHED)}
    for mode, by_batch in table.items():
        batches = sorted(by_batch, key=int)
        name, colour = names.get(mode, (mode, BASE))
        fig.add_trace(go.Scatter(x=[int(b) for b in batches], y=[by_batch[b]["peak_mb"] for b in batches],
                                 mode="lines+markers+text", name=name, line_color=colour,
                                 text=[f"{by_batch[b]['peak_mb']:.0f}" for b in batches], textposition="top left"))
    fig.update_layout(xaxis=dict(title="batch size (pairs)", type="log"), yaxis_title=f"peak extra memory ({unit})",
                      legend=dict(orientation="h", y=-0.25, x=0))
    return _title(fig, title, height=420, b=110)


def staleness_figure(age: Sequence[int], drift: Sequence[float], queue: int, batch: int, title: str) -> go.Figure:
    """1 − cos(stored key, the same text now) against its age; the keys a queue of ``queue`` holds in colour."""
    age, drift = np.asarray(age), np.asarray(drift)
    ages = np.unique(age)
    means = [float(drift[age == a].mean()) for a in ages]
    held = ages <= -(-queue // max(1, batch)) if queue else np.zeros(len(ages), bool)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=age, y=drift, mode="markers", name="one key", marker=dict(color=BASE, size=5, opacity=0.5)))
    fig.add_trace(go.Scatter(x=ages, y=means, mode="lines+markers", name="mean by age", line_color=BANK))
    if held.any():
        fig.add_trace(go.Scatter(x=ages[held], y=np.asarray(means)[held], mode="markers", name=f"in a queue of {queue}",
                                 marker=dict(color=CACHED, size=11, symbol="circle-open", line=dict(width=2))))
    fig.update_layout(xaxis_title="age of the key (optimiser steps since it was queued)",
                      yaxis_title="drift: 1 − cos(stored, now)", legend=dict(orientation="h", y=-0.25, x=0))
    return _title(fig, title, height=420, b=110)


def ddp_figure(values: dict, title: str) -> go.Figure:
    """Dev nDCG@10 of the one-process and the two-process runs (and base)."""
    names = list(values)
    fig = go.Figure(go.Bar(x=names, y=[values[n] for n in names], marker_color=[BASE, PLAIN, CACHED][:len(names)],
                           text=[f"{values[n]:.4f}" for n in names], textposition="outside"))
    low, high = min(values.values()), max(values.values())
    pad = max(0.01, (high - low) * 0.6)
    fig.update_layout(yaxis_title="dev nDCG@10", yaxis_range=[max(0, low - pad), min(1.0, high + pad)], showlegend=False)
    return _title(fig, title, height=380, b=60)
