"""Figures for notebook 02 (pure builders: data in, ``go.Figure`` out)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .labels import place_labels
from .style import title_margin, wrap_title

CENTER, CONTEXT, OTHER = "#d62728", "#1f77b4", "#c7c7c7"
REAL, FAKE = "#2ca02c", "#d62728"


def window_figure(view: dict) -> go.Figure:
    """The sentence as a row of words: the center red, its context window blue, the rest grey."""
    tokens, center, context = view["tokens"], view["center"], set(view["context"])
    colours = [CENTER if i == center else CONTEXT if i in context else OTHER for i in range(len(tokens))]
    role = ["center" if i == center else "context" if i in context else "outside the window" for i in range(len(tokens))]
    fig = go.Figure(go.Scatter(
        x=list(range(len(tokens))), y=[0] * len(tokens), mode="markers+text", text=tokens,
        # alternate above / below: neighbouring long words ("psychological warfare") overlapped
        textposition=["top center" if i % 2 == 0 else "bottom center" for i in range(len(tokens))],
        marker=dict(size=18, color=colours, symbol="square"),
        customdata=role, hovertemplate="position %{x}: %{text} (%{customdata})<extra></extra>",
    ))
    title = wrap_title(f"window {view['window']}: '{tokens[center]}' makes {len(context)} pairs; "
                       f"the whole sentence makes {len(view['all_pairs'])}")
    fig.update_layout(
        title=title, height=200 + title_margin(title, 0), showlegend=False,
        margin=dict(l=10, r=10, t=title_margin(title), b=30),
        xaxis=dict(title="position", range=[-0.8, len(tokens) - 0.2], dtick=1 if len(tokens) <= 40 else None),
        yaxis=dict(visible=False, range=[-1.2, 1.2]),
    )
    return fig


def noise_figure(table: dict) -> go.Figure:
    """Bars: P(w) at the chosen exponent, with the unigram distribution and the uniform level for comparison."""
    words = table["words"]
    fig = go.Figure()
    fig.add_bar(x=words, y=np.asarray(table["probs"]).tolist(), name=f"count^{table['power']:.2f} (normalised)", marker_color="#1f77b4",
                hovertemplate="%{x}: P = %{y:.4f}<extra></extra>")
    fig.add_scatter(x=words, y=np.asarray(table["unigram"]).tolist(), mode="markers+lines", name="unigram (exponent 1)",
                    line=dict(dash="dot", color="#7f7f7f"), hovertemplate="%{x}: unigram %{y:.4f}<extra></extra>")
    fig.add_scatter(x=[words[0], words[-1]], y=[table["uniform"]] * 2, mode="lines", name="uniform (exponent 0)",
                    line=dict(dash="dash", color="#ff7f0e"), hoverinfo="skip")
    title = wrap_title(f"Noise distribution, exponent {table['power']:.2f}: the top {len(words)} words get "
                       f"{table['top_share']:.1%} of the draws")
    fig.update_layout(
        title=title, yaxis=dict(title="probability of being drawn as a negative"), height=380 + title_margin(title, 0),
        legend=dict(orientation="h", y=-0.25), margin=dict(l=10, r=10, t=title_margin(title), b=10),
    )
    return fig


def step_figure(run, step: int) -> go.Figure:
    """σ(score) of every real pair (green) and every sampled pair (red) after ``step`` steps, and the loss so far."""
    pos, neg = run.pos[step], run.neg[step]
    real_labels = [f"{c} → {x}" for c, x in run.pairs]
    fake_labels = [f"{c} → {n}" for (c, _), ns in zip(run.pairs, run.negatives) for n in ns]
    fake_labels = [f"{lab} ({i})" if fake_labels.count(lab) > 1 else lab for i, lab in enumerate(fake_labels)]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.68, 0.32], horizontal_spacing=0.1,
                        subplot_titles=("σ(v_w·v_c): real pairs → 1, sampled pairs → 0", "loss"))
    fig.add_bar(x=real_labels, y=pos.tolist(), name="real pair", marker_color=REAL, row=1, col=1,
                hovertemplate="%{x}: σ = %{y:.3f}<extra>real</extra>")
    fig.add_bar(x=fake_labels, y=neg.reshape(-1).tolist(), name="sampled (negative) pair", marker_color=FAKE, row=1, col=1,
                hovertemplate="%{x}: σ = %{y:.3f}<extra>negative</extra>")
    steps = np.arange(len(run.loss))
    fig.add_scatter(x=steps.tolist(), y=run.loss.tolist(), mode="lines", line=dict(color="#bbbbbb"), name="loss (all steps)",
                    row=1, col=2, hoverinfo="skip")
    fig.add_scatter(x=steps[: step + 1].tolist(), y=run.loss[: step + 1].tolist(), mode="lines+markers", marker=dict(size=4),
                    line=dict(color="#1f77b4"), name="loss so far", row=1, col=2,
                    hovertemplate="step %{x}: loss %{y:.3f}<extra></extra>")
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(tickangle=-45, row=1, col=1)
    fig.update_xaxes(title_text="step", row=1, col=2)
    fig.update_layout(title=f"Step {step} of {len(run.loss) - 1} (learning rate {run.lr:g})", height=430,
                      legend=dict(orientation="h", y=-0.45), margin=dict(l=10, r=10, t=70, b=10))
    return fig


def loss_figure(curves: dict[str, tuple[Sequence[float], Sequence[float]]], x_title: str = "words seen",
                title: str = "Training loss", log_y: bool = False) -> go.Figure:
    """One line per run: ``{name: (x, loss)}``."""
    fig = go.Figure()
    for name, (x, y) in curves.items():
        fig.add_scatter(x=[float(v) for v in x], y=[float(v) for v in y], mode="lines", name=name,
                        hovertemplate=f"{name}<br>%{{x:,}}: loss %{{y:.4f}}<extra></extra>")
    fig.update_layout(title=title, xaxis=dict(title=x_title), height=360, margin=dict(l=10, r=10, t=50, b=40),
                      yaxis=dict(title="loss per pair (−log-likelihood)", type="log" if log_y else "linear"))
    return fig


def map_figure(words: Sequence[str], xy: np.ndarray, title: str, highlight: Sequence[str] = (),
               counts: Sequence[int] | None = None) -> go.Figure:
    """Scatter of 2-D word positions; hover shows the word (and its count); ``highlight`` words are labelled in red."""
    words = list(words)
    hl = set(highlight)
    hover = [f"{w}" + (f" (count {int(c):,})" if counts is not None else "") for w, c in
             zip(words, counts if counts is not None else [0] * len(words))]
    fig = go.Figure()
    fig.add_scatter(x=xy[:, 0].tolist(), y=xy[:, 1].tolist(), mode="markers", text=hover, name="words",
                    marker=dict(size=6, color="#1f77b4", opacity=0.6), hovertemplate="%{text}<extra></extra>")
    idx = [i for i, w in enumerate(words) if w in hl]
    places = place_labels(xy[idx], [words[i] for i in idx], all_points=xy, plot_px=(1000, 440))
    fig.add_scatter(x=xy[idx, 0].tolist(), y=xy[idx, 1].tolist(), mode="markers+text", text=[words[i] for i in idx],
                    textposition=[pos or "top center" for pos in places], name="highlighted", marker=dict(size=10, color=CENTER),
                    hovertemplate="%{text}<extra></extra>")
    title = wrap_title(title)
    fig.update_layout(title=title, height=520, showlegend=False, margin=dict(l=10, r=10, t=title_margin(title), b=10),
                      xaxis=dict(zeroline=False), yaxis=dict(zeroline=False))
    return fig


def neighbours_figure(word: str, results: dict[str, list[tuple[str, float]]]) -> go.Figure:
    """Side-by-side horizontal bars: each model's nearest words to ``word`` with their cosine."""
    names = list(results)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.15)
    for i, name in enumerate(names, 1):
        pairs = results[name]
        fig.add_bar(x=[s for _, s in pairs], y=[w for w, _ in pairs], orientation="h", name=name,
                    text=[f"{s:.2f}" for _, s in pairs], textposition="auto", row=1, col=i,
                    hovertemplate=f"{name}: cos(%{{y}}, {word}) = %{{x:.3f}}<extra></extra>")
        fig.update_yaxes(autorange="reversed", row=1, col=i)
        fig.update_xaxes(range=[0, 1.05], title_text="cosine", row=1, col=i)
    n = max((len(v) for v in results.values()), default=1)
    fig.update_layout(title=f"Nearest words to '{word}'", height=max(300, 26 * n + 140), showlegend=False,
                      margin=dict(l=10, r=10, t=70, b=40))
    return fig
