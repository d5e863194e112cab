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
    """Quality score against the SVD dimension; with ``energy``, a second panel below shows the
    share of ‖PPMI‖² kept on its own 0–100 % axis (a second y-axis on one panel had ticks that
    matched neither line). Ticks sit at the swept dimensions, so a log axis shows no minor-tick digits."""
    from plotly.subplots import make_subplots

    dims = [int(d) for d in dims]
    rows = 2 if energy is not None else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4] if rows == 2 else None)
    fig.add_trace(go.Scatter(x=dims, y=list(scores), mode="lines+markers", name=score_name,
                             hovertemplate="d=%{x}: %{y:.3f}<extra></extra>"), row=1, col=1)
    fig.update_yaxes(title_text=score_name, row=1, col=1)
    if energy is not None:
        fig.add_trace(go.Scatter(x=dims, y=[100 * float(e) for e in energy], mode="lines+markers",
                                 name="share of ‖PPMI‖² kept", line=dict(dash="dot"),
                                 hovertemplate="d=%{x}: %{y:.1f} %<extra></extra>"), row=2, col=1)
        fig.update_yaxes(title_text="‖PPMI‖² kept (%)", range=[0, 105], ticksuffix=" %", row=2, col=1)
    fig.update_xaxes(type="log", tickvals=dims, ticktext=[str(d) for d in dims])
    fig.update_xaxes(title_text="dimensions d", row=rows, col=1)
    fig.update_layout(title=title, height=460 if rows == 2 else 380, showlegend=False,
                      margin=dict(l=10, r=10, t=60, b=40))
    return fig
