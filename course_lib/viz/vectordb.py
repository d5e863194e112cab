"""Figures for notebook 08 (pure builders: data in, ``go.Figure`` out)."""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .style import title_margin, wrap_title


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    title = wrap_title(title)
    fig.update_layout(title=title, height=height, margin=dict(t=title_margin(title) + 10, l=60, r=20, b=50),
                      legend=dict(orientation="h", y=-0.2))
    return fig


def drift_monitor(scores: Sequence[float], threshold: float, ndcg: Sequence[float], shares: Sequence[float],
                  upto: int | None = None, title: str = "Query drift over time") -> go.Figure:
    """Top: the drift statistic per window with the alarm threshold; bottom: the window's nDCG@10
    and the share of queries from the new topics. ``upto`` shows only the first windows (the monitor's clock)."""
    n = len(scores) if upto is None else max(1, min(upto, len(scores)))
    x = list(range(1, n + 1))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fired = [i + 1 for i in range(n) if scores[i] > threshold]
    fig.add_trace(go.Scatter(x=x, y=list(scores[:n]), mode="lines+markers", name="drift: 1 − cos(μ_ref, μ_window)"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=[1, len(scores)], y=[threshold, threshold], mode="lines", name="alarm threshold",
                             line=dict(dash="dash", color="#cf222e")), row=1, col=1)
    fig.add_trace(go.Scatter(x=fired, y=[scores[i - 1] for i in fired], mode="markers", name="alarm",
                             marker=dict(symbol="x", size=11, color="#cf222e")), row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=list(ndcg[:n]), mode="lines+markers", name="nDCG@10 of the window's queries"),
                  row=2, col=1)
    fig.add_trace(go.Scatter(x=x, y=list(shares[:n]), mode="lines", name="share of new-topic queries",
                             line=dict(dash="dot")), row=2, col=1)
    fig.update_xaxes(title_text="window", range=[0.5, len(scores) + 0.5], row=2, col=1)
    fig.update_yaxes(title_text="drift", row=1, col=1)
    fig.update_yaxes(title_text="nDCG@10 / share", range=[0, 1.05], row=2, col=1)
    return _layout(fig, title, height=480)


def latency_bars(table: Sequence[Mapping], title: str = "Query latency, one query at a time") -> go.Figure:
    """Grouped bars of p50 and p95 milliseconds; ``table`` rows have ``system``, ``n``, ``p50_ms``, ``p95_ms``."""
    fig = go.Figure()
    labels = [f"{r['system']}<br>{r['n']:,} vectors" for r in table]
    for key, name in (("p50_ms", "p50"), ("p95_ms", "p95")):
        fig.add_trace(go.Bar(x=labels, y=[r[key] for r in table], name=name))
    fig.update_yaxes(title_text="milliseconds (log)", type="log", dtick=1)   # powers of ten only
    _layout(fig, title, height=420)
    fig.update_layout(legend=dict(orientation="v", x=1.02, y=1, xanchor="left", yanchor="top"))   # beside the bars
    return fig


def canary_bars(scores: Mapping[str, float], title: str = "nDCG@10 on the canary queries") -> go.Figure:
    """One bar per collection (or model), labelled with its score."""
    names = list(scores)
    fig = go.Figure(go.Bar(x=names, y=[scores[n] for n in names], text=[f"{scores[n]:.3f}" for n in names],
                           textposition="outside"))
    fig.update_yaxes(title_text="nDCG@10", range=[0, 1.1])
    return _layout(fig, title, height=340)
