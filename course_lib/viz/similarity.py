"""Figures for notebook 01: similarity bars, similarity heatmaps, the dimension sweep (pure builders)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go


def similarity_bars(word: str, neighbours: Sequence[tuple[str, float]], title: str | None = None) -> go.Figure:
    """Horizontal bars: cosine similarity of ``word`` with each (other word, similarity), top to bottom."""
    labels = [w for w, _ in neighbours]
    values = [float(s) for _, s in neighbours]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", text=[f"{v:.3f}" for v in values], textposition="auto",
        marker_color=["#1f77b4" if v >= 0 else "#d62728" for v in values],
        hovertemplate="cos(" + word.replace("%", "%%") + ", %{y}) = %{x:.4f}<extra></extra>",
    ))
    fig.update_layout(
        title=title or f"Cosine similarity with '{word}'", height=max(260, 28 * len(labels) + 120),
        xaxis=dict(title="cosine similarity", range=[min(-0.05, min(values, default=0) - 0.05), 1.05]),
        yaxis=dict(autorange="reversed"), margin=dict(l=10, r=10, t=70 if "<br>" in (title or "") else 50, b=40),
    )
    return fig


def similarity_heatmap(words: Sequence[str], matrix, title: str = "Cosine similarity") -> go.Figure:
    """A labelled ``n × n`` heatmap of pairwise similarities (colour scale fixed to [-1, 1])."""
    matrix = np.asarray(matrix, dtype=float)
    words = list(words)
    fig = go.Figure(go.Heatmap(
        z=matrix.tolist(), x=words, y=words, zmin=-1, zmax=1, colorscale="RdBu", reversescale=True,
        text=np.round(matrix, 2).tolist(), texttemplate="%{text:.2f}",
        hovertemplate="cos(%{y}, %{x}) = %{z:.4f}<extra></extra>", colorbar=dict(title="cos"),
    ))
    side = max(320, 46 * len(words) + 140)
    fig.update_layout(title=title, height=side, width=side + 80, yaxis=dict(autorange="reversed"),
                      margin=dict(l=10, r=10, t=50, b=10))
    return fig


def dimension_sweep(dims: Sequence[int], scores: Sequence[float], energy: Sequence[float] | None = None,
                    title: str = "Quality vs number of SVD dimensions",
                    score_name: str = "WordSim353 Spearman ρ") -> go.Figure:
    """Line plot of a quality score against the SVD dimension, optionally with the share of ‖M‖² kept."""
    fig = go.Figure(go.Scatter(x=list(dims), y=list(scores), mode="lines+markers", name=score_name,
                               hovertemplate="d=%{x}: %{y:.3f}<extra></extra>"))
    if energy is not None:
        fig.add_trace(go.Scatter(x=list(dims), y=list(energy), mode="lines+markers", name="share of ‖PPMI‖² kept",
                                 line=dict(dash="dot"), yaxis="y2", hovertemplate="d=%{x}: %{y:.1%}<extra></extra>"))
        fig.update_layout(yaxis2=dict(title="share kept", overlaying="y", side="right", range=[0, 1], tickformat=".0%"))
    fig.update_layout(title=title, xaxis=dict(title="dimensions d", type="log"), yaxis=dict(title=score_name),
                      height=380, legend=dict(x=0.02, y=0.98), margin=dict(l=10, r=10, t=50, b=40))
    return fig
