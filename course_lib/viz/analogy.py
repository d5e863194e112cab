"""Figures for notebook 03: the analogy parallelogram, per-section accuracy, a direction probe (pure builders)."""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from .labels import place_labels

COLOURS = {"ours": "#1f77b4", "gensim": "#ff7f0e", "glove": "#2ca02c"}
_FALLBACK = ["#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def colour_for(name: str, i: int = 0) -> str:
    for key, colour in COLOURS.items():
        if key in name.lower():
            return colour
    return _FALLBACK[i % len(_FALLBACK)]


def parallelogram_figure(plane: dict, answers: Sequence[tuple[str, float]] = (), title: str | None = None) -> go.Figure:
    """The plane through a, b, c (from ``analogy_plane.parallelogram_plane``): the parallelogram
    a → b → b − a + c → c, the two offset arrows, and the answers projected onto the plane.

    ``answers`` are (word, cosine) pairs in the order of ``plane['extra']``; the best one is drawn large."""
    a, b, c = plane["words"]
    p = plane["points"]
    fig = go.Figure()
    corners = np.array([p["a"], p["b"], p["offset"], p["c"], p["a"]])
    fig.add_trace(go.Scatter(x=corners[:, 0].tolist(), y=corners[:, 1].tolist(), mode="lines", name="parallelogram",
                             line=dict(color="#bbbbbb", dash="dot"), hoverinfo="skip"))
    for start, end, name, colour in ((p["a"], p["b"], f"{b} − {a}", "#d62728"),
                                     (p["c"], p["offset"], f"same offset from {c}", "#d62728")):
        fig.add_annotation(x=float(end[0]), y=float(end[1]), ax=float(start[0]), ay=float(start[1]), xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=2, arrowcolor=colour, text="")
    fig.add_trace(go.Scatter(
        x=[float(p[k][0]) for k in "abc"], y=[float(p[k][1]) for k in "abc"], mode="markers+text",
        text=[f"a: {a}", f"b: {b}", f"c: {c}"], textposition="top center", name="query words",
        marker=dict(size=12, color="#333333"), hovertemplate="%{text}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[float(p["offset"][0])], y=[float(p["offset"][1])], mode="markers+text", text=[f"{b} − {a} + {c}"],
        textposition="bottom center", name="computed point b − a + c",
        marker=dict(size=14, symbol="x", color="#d62728"), hovertemplate="%{text}<extra></extra>"))
    xy = np.asarray(plane["extra_xy"]).reshape(-1, 2)
    if len(xy):
        words = list(plane["extra"])
        scores = [s for _, s in answers] if answers else [np.nan] * len(words)
        off = plane["off_plane"]
        hover = [f"{w}<br>score {s:.3f}<br>distance from this plane {d:.2f}" for w, s, d in zip(words, scores, off)]
        fig.add_trace(go.Scatter(
            x=xy[:1, 0].tolist(), y=xy[:1, 1].tolist(), mode="markers+text", text=[f"answer: {words[0]}"], textposition="top center",
            name="best answer (projected)", marker=dict(size=14, symbol="star", color="#2ca02c"),
            hovertext=hover[:1], hoverinfo="text"))
        # Runners-up cluster round the answer: each gets a label only where it covers no other.
        fixed = [(*p[k], f"{k}: {w}", "top center") for k, w in zip("abc", (a, b, c))]
        fixed += [(*p["offset"], f"{b} − {a} + {c}", "bottom center"), (*xy[0], f"answer: {words[0]}", "top center")]
        places = place_labels(xy[1:], words[1:], fixed=fixed, plot_px=(700, 360))
        fig.add_trace(go.Scatter(
            x=xy[1:, 0].tolist(), y=xy[1:, 1].tolist(), mode="markers+text",
            text=[w if pos else "" for w, pos in zip(words[1:], places)],
            textposition=[pos or "bottom center" for pos in places],
            name="runners-up (projected)", marker=dict(size=8, color="#98df8a"), textfont=dict(color="#4a8f3a"),
            hovertext=hover[1:], hoverinfo="text"))
    else:
        fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="best answer (projected)"))
        fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="runners-up (projected)"))
    fig.update_layout(
        title=title or f"{a} : {b} :: {c} : ?  — the plane through the three unit vectors",
        xaxis=dict(title=f"along {b} − {a}", zeroline=False), yaxis=dict(title="perpendicular, towards c",
                                                                           zeroline=False, scaleanchor="x"),
        height=460, margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=-0.18),
    )
    return fig


def section_accuracy_figure(tables: Mapping[str, "object"], view: str = "sections", value: str = "accuracy",
                            title: str | None = None) -> go.Figure:
    """Grouped bars, one group per section (or per kind: semantic / syntactic / all), one bar per vector set.

    ``tables`` maps a vector-set name to ``AnalogyReport.table()`` (columns section, kind, correct,
    answered, skipped, accuracy). ``value`` is 'accuracy' or 'coverage' (share of questions answered)."""
    if value not in ("accuracy", "coverage"):
        raise ValueError("value must be 'accuracy' or 'coverage'.")
    if view not in ("sections", "kinds"):
        raise ValueError("view must be 'sections' or 'kinds'.")
    fig = go.Figure()
    for i, (name, df) in enumerate(tables.items()):
        if view == "kinds":
            groups = [("semantic", df[df["kind"] == "semantic"]), ("syntactic", df[df["kind"] == "syntactic"]),
                      ("all", df)]
            labels = [g for g, _ in groups]
            correct = np.array([d["correct"].sum() for _, d in groups], dtype=float)
            answered = np.array([d["answered"].sum() for _, d in groups], dtype=float)
            skipped = np.array([d["skipped"].sum() for _, d in groups], dtype=float)
        else:
            labels = list(df["section"])
            correct, answered, skipped = (df[c].to_numpy(dtype=float) for c in ("correct", "answered", "skipped"))
        with np.errstate(invalid="ignore", divide="ignore"):
            acc = np.where(answered > 0, correct / np.maximum(answered, 1), 0.0)
            cov = np.where(answered + skipped > 0, answered / np.maximum(answered + skipped, 1), 0.0)
        y = acc if value == "accuracy" else cov
        fig.add_trace(go.Bar(
            x=list(labels), y=y.tolist(), name=name, marker_color=colour_for(name, i),
            customdata=np.stack([correct, answered, skipped], axis=1).tolist(),
            hovertemplate=f"{name}<br>%{{x}}: %{{y:.1%}}<br>%{{customdata[0]:.0f}} right of %{{customdata[1]:.0f}} "
                          "answered, %{customdata[2]:.0f} skipped<extra></extra>"))
    what = "accuracy on answered questions" if value == "accuracy" else "share of questions answerable"
    fig.update_layout(
        barmode="group", title=title or f"Google analogy set — {what}",
        yaxis=dict(title=what, tickformat=".0%", range=[0, 1]), xaxis=dict(tickangle=-35 if view == "sections" else 0),
        height=440, margin=dict(l=10, r=10, t=50, b=40), legend=dict(orientation="h", y=1.08),
    )
    return fig


def direction_figure(words: Sequence[str], values: Sequence[float], pair: tuple[str, str] = ("he", "she"),
                     title: str | None = None) -> go.Figure:
    """Horizontal bars: each word's cosine with the direction ``v(pair[1]) − v(pair[0])``, sorted."""
    order = np.argsort(values)
    words = [words[i] for i in order]
    values = np.asarray(values, dtype=float)[order]
    fig = go.Figure(go.Bar(
        x=values.tolist(), y=list(words), orientation="h",
        marker_color=["#d62728" if v > 0 else "#1f77b4" for v in values],
        hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    x, y = pair
    fig.update_layout(
        title=title or f"Where each word lies on the {x} → {y} direction",
        xaxis=dict(title=f"cos(word, v({y}) − v({x}))   ← {x}-side · {y}-side →", zeroline=True),
        height=max(300, 22 * len(words) + 120), margin=dict(l=10, r=10, t=50, b=40))
    return fig


def offsets_figure(pairs: Sequence[tuple[str, str]], xy_from: np.ndarray, xy_to: np.ndarray,
                   title: str = "Word pairs related the same way") -> go.Figure:
    """Arrows from the first to the second word of each pair (2-D coordinates from a projection)."""
    fig = go.Figure()
    xy_from, xy_to = np.asarray(xy_from), np.asarray(xy_to)
    for (w1, w2), p, q in zip(pairs, xy_from, xy_to):
        fig.add_annotation(x=float(q[0]), y=float(q[1]), ax=float(p[0]), ay=float(p[1]), xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=3, arrowwidth=1.5, arrowcolor="#d62728", text="")
    fig.add_trace(go.Scatter(x=xy_from[:, 0].tolist(), y=xy_from[:, 1].tolist(), mode="markers+text", text=[p[0] for p in pairs],
                             textposition="bottom center", name="first word", marker=dict(color="#1f77b4", size=9)))
    fig.add_trace(go.Scatter(x=xy_to[:, 0].tolist(), y=xy_to[:, 1].tolist(), mode="markers+text", text=[p[1] for p in pairs],
                             textposition="top center", name="second word", marker=dict(color="#d62728", size=9)))
    fig.update_layout(title=title, height=460, xaxis=dict(title="PCA 1"), yaxis=dict(title="PCA 2"),
                      margin=dict(l=10, r=10, t=50, b=40))
    return fig
