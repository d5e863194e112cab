"""Figures for notebook 09 (pure builders: data in, ``go.Figure`` out)."""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..alternatives.pareto import pareto_front
from .style import title_margin, wrap_title

SYMBOLS = ("circle", "square", "diamond", "cross", "x", "triangle-up", "triangle-down", "star", "hexagon",
           "pentagon", "triangle-left", "triangle-right", "hourglass", "bowtie", "circle-open", "square-open")
COSTS = (("p50_ms", "p50 query latency, ms (log)"), ("bytes_per_doc", "bytes per document (log)"))


def _layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    title = wrap_title(title, 70)
    fig.update_layout(title=title, height=height, margin=dict(t=title_margin(title) + 10, l=60, r=20, b=50))
    return fig


def cost_quality_chart(rows: Sequence[Mapping], title: str, max_ms: float | None = None,
                       max_bytes: float | None = None, best: str | None = None) -> go.Figure:
    """nDCG@10 against latency (left) and bytes per document (right): one marker per model (named in
    the legend, no text on the points), each panel's Pareto front as a line, models outside the
    budget faded, the best model within it ringed."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08)
    for i, r in enumerate(rows):
        inside = (max_ms is None or r["p50_ms"] <= max_ms) and (max_bytes is None or r["bytes_per_doc"] <= max_bytes)
        for col, (cost, _) in enumerate(COSTS, 1):
            fig.add_trace(go.Scatter(
                x=[r[cost]], y=[r["ndcg10"]], mode="markers", name=r["model"], legendgroup=r["model"],
                showlegend=col == 1, opacity=1.0 if inside else 0.25,
                marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=13 if r["model"] == best else 10,
                            line=dict(width=3 if r["model"] == best else 0, color="black")),
                hovertemplate=f"{r['model']}<br>nDCG@10 %{{y:.3f}}<br>{cost} %{{x:,.3g}}<extra></extra>"),
                row=1, col=col)
    for col, (cost, label) in enumerate(COSTS, 1):
        front = sorted(pareto_front(rows, costs=(cost,)), key=lambda r: r[cost])
        fig.add_trace(go.Scatter(x=[r[cost] for r in front], y=[r["ndcg10"] for r in front], mode="lines",
                                 line=dict(dash="dot", color="#57606a", shape="hv"), name="Pareto front",
                                 legendgroup="front", showlegend=col == 1, hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(title_text=label, type="log", dtick=1, row=1, col=col)
        limit = max_ms if cost == "p50_ms" else max_bytes
        if limit is not None:
            fig.add_vline(x=limit, line=dict(color="#cf222e", dash="dash"), row=1, col=col)
    fig.update_yaxes(title_text="nDCG@10", row=1, col=1)
    _layout(fig, title, height=460)
    fig.update_layout(legend=dict(orientation="v", x=1.02, y=1, xanchor="left", yanchor="top", font=dict(size=11)))
    return fig


def lora_rank_chart(records: Sequence[Mapping], full_ndcg: float, base_ndcg: float, rank: int, title: str) -> go.Figure:
    """Left: dev nDCG@10 per trained rank against the full fine-tune and the base; right: the share
    of parameters trained. The selected rank is highlighted."""
    ranks = [r["rank"] for r in records]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12)
    colours = ["#cf222e" if k == rank else "#0969da" for k in ranks]
    fig.add_trace(go.Bar(x=[f"r={k}" for k in ranks], y=[r["dev_ndcg10"] for r in records], marker_color=colours,
                         name="LoRA (dev nDCG@10)", showlegend=False), row=1, col=1)
    for y, name, dash in ((full_ndcg, "full fine-tune", "dash"), (base_ndcg, "base MiniLM", "dot")):
        fig.add_trace(go.Scatter(x=[f"r={k}" for k in ranks], y=[y] * len(ranks), mode="lines", name=name,
                                 line=dict(dash=dash)), row=1, col=1)
    fig.add_trace(go.Bar(x=[f"r={k}" for k in ranks], y=[100 * r["trainable"] / r["total"] for r in records],
                         marker_color=colours, name="trainable %", showlegend=False), row=1, col=2)
    fig.update_yaxes(title_text="dev nDCG@10", row=1, col=1)
    fig.update_yaxes(title_text="% of parameters trained", row=1, col=2)
    _layout(fig, title)
    fig.update_layout(legend=dict(orientation="h", y=-0.18))
    return fig


def bars(values: Mapping[str, float], title: str, axis: str, log: bool = False, fmt: str = "{:.3f}") -> go.Figure:
    """One bar per name, labelled with its value."""
    names = list(values)
    fig = go.Figure(go.Bar(x=names, y=[values[n] for n in names], text=[fmt.format(values[n]) for n in names],
                           textposition="outside", cliponaxis=False))
    fig.update_yaxes(title_text=axis, **(dict(type="log", dtick=1) if log else {}))
    return _layout(fig, title, height=380)
