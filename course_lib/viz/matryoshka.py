"""Figures for notebook 05: quality vs dimension, storage and latency, quantisation (pure builders)."""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..matryoshka.cost import format_bytes, format_seconds

COLOURS = {"base MiniLM": "#7f7f7f", "standard (MNR)": "#1f77b4", "MRL": "#d62728",
           "float32": "#1f77b4", "float16": "#2ca02c", "int8": "#ff7f0e", "binary": "#9467bd"}


def _colour(name: str, i: int) -> str:
    palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    return COLOURS.get(name, palette[i % len(palette)])


def quality_curves(dims: Sequence[int], curves: Mapping[str, Sequence[float]], *, retained: bool = False,
                   marker_dim: int | None = None, title: str = "", subtitle: str = "") -> go.Figure:
    """One line per model: nDCG@10 (or % of the model's own full-dimension score) vs dimensions kept."""
    fig = go.Figure()
    for i, (name, values) in enumerate(curves.items()):
        values = [float(v) for v in values]
        text = [f"{v:.1f}%" if retained else f"{v:.3f}" for v in values]
        fig.add_trace(go.Scatter(
            x=list(dims), y=values, name=name, mode="lines+markers", line=dict(color=_colour(name, i), width=2.5),
            text=text, hovertemplate=f"{name}<br>%{{x}} dims: %{{text}}<extra></extra>"))
    if marker_dim is not None:
        fig.add_vline(x=marker_dim, line=dict(color="#444", dash="dot"), annotation_text=f"{marker_dim} dims",
                      annotation_position="top left")
    ylabel = "% of the model's own 384-d nDCG@10" if retained else "nDCG@10"
    if retained:
        fig.add_hline(y=95, line=dict(color="#999", dash="dash"), annotation_text="95%", annotation_position="bottom right")
    fig.update_layout(
        title=title + (f"<br><sup>{subtitle}</sup>" if subtitle else ""), height=420,
        xaxis=dict(title="dimensions kept (truncate, then re-normalise)", type="log", tickvals=list(dims),
                   ticktext=[str(d) for d in dims]),
        yaxis=dict(title=ylabel), legend=dict(orientation="h", y=-0.22), margin=dict(l=10, r=10, t=70, b=10))
    return fig


def latency_curves(table, title: str = "") -> go.Figure:
    """Measured exact-search time per query vs dimensions, one line per storage type."""
    fig = go.Figure()
    for i, dtype in enumerate(("float32", "float16", "int8", "binary")):
        dims = table.dims(dtype)
        if not dims:
            continue
        ms = [table.seconds[(dtype, d)] * 1e3 for d in dims]
        fig.add_trace(go.Scatter(x=dims, y=ms, name=dtype, mode="lines+markers", line=dict(color=_colour(dtype, i)),
                                 hovertemplate=f"{dtype}, %{{x}} dims: %{{y:.3f}} ms per query<extra></extra>"))
    fig.update_layout(
        title=title or f"Measured FAISS exact search, {table.n_docs:,} vectors, batches of {table.n_queries} queries",
        height=400, xaxis=dict(title="dimensions", type="log", tickvals=table.dims("float32")),
        yaxis=dict(title="ms per query (measured)", rangemode="tozero"), margin=dict(l=10, r=10, t=60, b=10))
    return fig


def cost_bars(dtypes: Sequence[str], storage: Sequence[int], latency_s: Sequence[float], selected: str | None = None,
              title: str = "", extrapolated: bool = False) -> go.Figure:
    """Two panels: bytes to store the collection, and (estimated) search time per query, per type."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        "storage", "search time per query" + (" (extrapolated)" if extrapolated else " (measured)")))
    opacity = [1.0 if selected in (None, t) else 0.35 for t in dtypes]
    colours = [_colour(t, i) for i, t in enumerate(dtypes)]
    fig.add_trace(go.Bar(x=list(dtypes), y=[s / 1e6 for s in storage], marker=dict(color=colours, opacity=opacity),
                         text=[format_bytes(s) for s in storage], textposition="auto", showlegend=False,
                         hovertemplate="%{x}: %{text}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=list(dtypes), y=[t * 1e3 for t in latency_s], marker=dict(color=colours, opacity=opacity),
                         text=[format_seconds(t) for t in latency_s], textposition="auto", showlegend=False,
                         hovertemplate="%{x}: %{text}<extra></extra>"), row=1, col=2)
    fig.update_yaxes(title_text="MB", row=1, col=1)
    fig.update_yaxes(title_text="ms", row=1, col=2)
    fig.update_layout(title=title, height=380, margin=dict(l=10, r=10, t=70, b=10))
    return fig


def quantisation_bars(names: Sequence[str], retained_pct: Sequence[float], bytes_per_doc: Sequence[float],
                      title: str = "") -> go.Figure:
    """Quality kept (% of float32 nDCG@10) and bytes per document, per storage scheme."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("quality kept (% of float32 nDCG@10)", "bytes per document"))
    colours = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#2ca02c"][: len(names)]
    fig.add_trace(go.Bar(x=list(names), y=list(retained_pct), marker_color=colours, showlegend=False,
                         text=[f"{v:.1f}%" for v in retained_pct], textposition="auto"), row=1, col=1)
    fig.add_trace(go.Bar(x=list(names), y=list(bytes_per_doc), marker_color=colours, showlegend=False,
                         text=[f"{v:g} B" for v in bytes_per_doc], textposition="auto"), row=1, col=2)
    fig.update_layout(title=title, height=380, margin=dict(l=10, r=10, t=70, b=10))
    return fig
