"""Figures for notebook 04 (contrastive learning). Pure: data in, plotly figure (or HTML) out."""
from __future__ import annotations

import html
from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from .labels import place_labels
from .style import title_margin, wrap_title

POSITIVE = "#1a7f37"
NEGATIVE = "#8c959f"
HARD = "#cf222e"
ANCHOR = "#0969da"


def _short(text: str, n: int = 48) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def temperature_figure(labels: Sequence[str], similarities: Sequence[float], probabilities: Sequence[float],
                       positive: int, temperature: float, p_positive: float, loss: float, query: str = "") -> go.Figure:
    """Softmax over one query's candidates at temperature τ; the positive in green."""
    colours = [POSITIVE if i == positive else NEGATIVE for i in range(len(labels))]
    hover = [f"{html.escape(_short(l, 80))}<br>cos = {s:.3f}<br>p = {p:.3f}"
             for l, s, p in zip(labels, similarities, probabilities)]
    fig = go.Figure(go.Bar(x=[_short(l, 28) for l in labels], y=list(probabilities), marker_color=colours,
                           hovertext=hover, hoverinfo="text", name="softmax"))
    fig.update_layout(
        title=wrap_title(f"{_short(query, 50)!s} · τ = {temperature:.3g} · P(positive) = {p_positive:.3f} · loss = {loss:.3f}"),
        yaxis_title="softmax probability", yaxis_range=[0, 1], height=400, margin=dict(t=72, b=120),
        xaxis_tickangle=-35, showlegend=False)
    return fig


def logit_heatmap(logits: np.ndarray, query_labels: Sequence[str], key_labels: Sequence[str],
                  temperature: float, loss: float | None = None) -> go.Figure:
    """The in-batch logit matrix cos(q_i, k_j)/τ; the diagonal (positives) outlined."""
    logits = np.asarray(logits)
    n = len(query_labels)
    fig = go.Figure(go.Heatmap(z=logits, x=[f"{j}: {_short(k, 22)}" for j, k in enumerate(key_labels)],
                               y=[f"{i}: {_short(q, 26)}" for i, q in enumerate(query_labels)],
                               colorscale="Viridis", colorbar=dict(title="cos/τ"),
                               hovertemplate="query %{y}<br>key %{x}<br>logit %{z:.2f}<extra></extra>"))
    xs = [f"{j}: {_short(k, 22)}" for j, k in enumerate(key_labels)]
    ys = [f"{i}: {_short(q, 26)}" for i, q in enumerate(query_labels)]
    fig.add_trace(go.Scatter(x=xs[:n], y=ys, mode="markers", name="positive (diagonal)",
                             marker=dict(symbol="square-open", size=14, color="white", line=dict(width=2))))
    extra = f" · mean loss {loss:.3f}" if loss is not None else ""
    fig.update_layout(title=f"In-batch logits, batch of {n} (τ = {temperature:.3g}){extra}",
                      yaxis_autorange="reversed", height=max(360, 28 * n + 160), margin=dict(l=200, b=150),
                      xaxis_tickangle=-45, showlegend=False)
    return fig


def negatives_table(query: str, positive_title: str, rows: Sequence[dict], strategy: str) -> str:
    """HTML table: each examined candidate with its score, kept or the filter that removed it.

    ``rows``: dicts with title, description, score, removed ('' = kept), text."""
    head = (f"<div><b>Query:</b> {html.escape(query)} &nbsp; <b>positive:</b> "
            f"<span style='color:{POSITIVE}'>{html.escape(positive_title)}</span> &nbsp; "
            f"<b>strategy:</b> {html.escape(strategy)}</div>")
    body = []
    for i, r in enumerate(rows, 1):
        kept = not r["removed"]
        status = ("<span style='color:#1a7f37'>kept</span>" if kept
                  else f"<span style='color:{HARD}'>removed: {html.escape(r['removed'])}</span>")
        style = "" if kept else " style='opacity:0.75;text-decoration:line-through'"
        body.append(f"<tr><td>{i}</td><td{style}>{html.escape(r['title'])}</td><td>{html.escape(r['description'])}</td>"
                    f"<td>{r['score']:.3f}</td><td>{status}</td><td>{html.escape(_short(r['text'], 90))}</td></tr>")
    return (head + "<table class='course-negatives' style='font-size:90%'><tr><th>#</th><th>article</th>"
            "<th>its description</th><th>score</th><th>filters</th><th>text</th></tr>" + "".join(body) + "</table>")


def forces_figure(points: np.ndarray, labels: Sequence[str], kinds: Sequence[str], step: int,
                  similarities: Sequence[float], xy_range: tuple[float, float, float, float] | None = None) -> go.Figure:
    """One checkpoint: anchor (blue), positive (green), negatives (grey; mined hard one red) in 2-D,
    with a line from the anchor to each point labelled by its cosine to the anchor."""
    points = np.asarray(points)
    colours = {"anchor": ANCHOR, "positive": POSITIVE, "mined hard negative": HARD}
    fig = go.Figure()
    for i in range(1, len(points)):
        fig.add_trace(go.Scatter(x=[points[0, 0], points[i, 0]], y=[points[0, 1], points[i, 1]], mode="lines",
                                 line=dict(color=colours.get(kinds[i], NEGATIVE), width=1, dash="dot"),
                                 hoverinfo="skip", showlegend=False))
    # One trace per kind gives the plot a legend. Only the few named roles carry a text label:
    # with every in-batch negative labelled too, the labels piled on top of each other.
    # Those labels go where they cover no other (the hard negative often sits beside the anchor).
    named = [i for i, k in enumerate(kinds) if k in {"anchor", "positive", "mined hard negative"}]
    extent = points if xy_range is None else np.array([xy_range[:2], xy_range[2:]]).T
    places = dict(zip(named, place_labels(points[named], [_short(labels[i], 26) for i in named],
                                          all_points=extent, plot_px=(620, 300))))
    for kind in dict.fromkeys(kinds):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        shown = [i for i in idx if places.get(i)]
        fig.add_trace(go.Scatter(
            x=points[idx, 0], y=points[idx, 1], mode="markers+text" if shown else "markers",
            name=kind, marker=dict(size=16 if kind == "anchor" else 12, color=colours.get(kind, NEGATIVE)),
            text=[_short(labels[i], 26) if places.get(i) else "" for i in idx] if shown else None,
            textposition=[places.get(i) or "top center" for i in idx], cliponaxis=False,
            hovertext=[f"{kind}: {html.escape(_short(labels[i], 80))}<br>cos to anchor {similarities[i]:.3f}" for i in idx],
            hoverinfo="text"))
    title = wrap_title(f"Step {step}: cos(anchor, positive) = {similarities[1]:.3f}, "
                       f"cos(anchor, hardest negative) = {max(similarities[2:]):.3f}")
    fig.update_layout(title=title, height=490, xaxis_title="PC 1 (shared over checkpoints)", yaxis_title="PC 2",
                      legend=dict(orientation="h", x=0, y=-0.2), margin=dict(l=10, r=10, t=title_margin(title), b=90))
    if xy_range is not None:
        fig.update_xaxes(range=list(xy_range[:2]))
        fig.update_yaxes(range=list(xy_range[2:]))
    return fig


def loss_comparison_figure(metrics: dict[str, dict[str, float]], names: dict[str, str], task_label: str,
                           metric: str = "ndcg@10") -> go.Figure:
    """Held-out metric per trained model; base MiniLM and BM25 as reference lines."""
    keys = [k for k in names if k in metrics]
    values = [metrics[k][metric] for k in keys]
    base = metrics["base"][metric]
    colours = [POSITIVE if v > base else HARD for v in values]
    fig = go.Figure(go.Bar(x=[names[k] for k in keys], y=values, marker_color=colours,
                           text=[f"{v:.3f}" for v in values], textposition="outside"))
    fig.add_hline(y=base, line_dash="dash", line_color=ANCHOR, annotation_text=f"base MiniLM {base:.3f}")
    if "bm25" in metrics:
        fig.add_hline(y=metrics["bm25"][metric], line_dash="dot", line_color=NEGATIVE,
                      annotation_text=f"BM25 {metrics['bm25'][metric]:.3f}", annotation_position="bottom right")
    lo = min(values + [base]) - 0.05
    fig.update_layout(title=f"Held-out {metric} by training loss ({task_label})", yaxis_title=metric,
                      yaxis_range=[max(0, lo), min(1.02, max(values + [base]) + 0.05)], height=420)
    return fig


def pooling_figure(similarities: dict[str, np.ndarray], labels: Sequence[str]) -> go.Figure:
    from plotly.subplots import make_subplots

    names = list(similarities)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[f"{n} pooling" for n in names],
                        horizontal_spacing=0.06)
    short = [_short(l, 18) for l in labels]
    for c, n in enumerate(names, 1):
        fig.add_trace(go.Heatmap(z=similarities[n], x=short, y=short, zmin=-0.2, zmax=1, colorscale="Viridis",
                                 showscale=c == len(names),
                                 hovertemplate="%{y} · %{x}<br>cos %{z:.3f}<extra></extra>"), row=1, col=c)
        fig.update_yaxes(autorange="reversed", showticklabels=c == 1, row=1, col=c)
    fig.update_layout(title="Cosine similarity of the same sentences under three poolings (MiniLM, L2-normalised)",
                      height=380, margin=dict(l=140))
    return fig


def cost_figure(costs: dict) -> go.Figure:
    """Extrapolated time to compare all pairs of n sentences: bi-encoder vs cross-encoder (log scale)."""
    labels = ["bi-encoder", "cross-encoder"]
    secs = [costs["bi_encoder_seconds"], costs["cross_encoder_seconds"]]

    def human(s):
        for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
            if s >= size:
                return f"{s / size:.1f} {unit}"
        return f"{s:.1f} s"

    fig = go.Figure(go.Bar(x=labels, y=secs, text=[human(s) for s in secs], textposition="outside",
                           marker_color=[POSITIVE, HARD]))
    fig.update_layout(title=(f"All {costs['n_pairs']:,} pairs of {costs['n_target']:,} sentences — "
                             f"extrapolated from timing {costs['measured_sentences']} sentences on this machine"),
                      yaxis_type="log", yaxis_title="seconds (log scale)", height=380)
    return fig
