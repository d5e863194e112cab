"""Figures for notebook 06 (pure builders: data in, ``go.Figure`` out)."""
from __future__ import annotations

import html
import re
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..retrieval.bm25 import light_stem
from .labels import place_labels
from .style import title_margin, wrap_title

COLOURS = {"flat": "#444444", "ivf": "#1f77b4", "hnsw": "#d62728"}
METHOD_COLOURS = {"bm25": "#8c564b", "dense": "#1f77b4", "hybrid": "#9467bd", "dense+rerank": "#17becf",
                  "hybrid+rerank": "#2ca02c"}


def recall_latency(table: pd.DataFrame, label: str = "", highlight: Sequence[dict] = ()) -> go.Figure:
    """Recall@10 against exact search (y) vs median milliseconds per query (x), one line per index kind.

    ``highlight``: points to mark, each ``{"kind", "ms_per_query", "recall10", "text"}``."""
    fig = go.Figure()
    kinds = [k for k in ("flat", "ivf", "hnsw") if not table[table["kind"] == k].empty]
    parts = {k: table[table["kind"] == k] for k in kinds}
    texts = {k: [f"{p}={v}" if p else "exact" for p, v in zip(parts[k]["param"], parts[k]["value"])] for k in kinds}
    # Fast settings of IVF and HNSW crowd the same corner: a label goes where it covers no other
    # (placed on the log x scale the reader sees), the rest keep theirs in the hover text.
    xy = np.array([[np.log10(max(x, 1e-9)), y] for k in kinds for x, y in zip(parts[k]["ms_per_query"], parts[k]["recall10"])])
    # the y axis is fixed to [0, 1.05]: its pixel scale comes from that range, not from the points
    frame = [[xy[:, 0].min(), 0.0], [xy[:, 0].max(), 1.05]]
    places = place_labels(xy, [t for k in kinds for t in texts[k]], all_points=frame, plot_px=(600, 260))
    start = 0
    for kind in kinds:
        part, pos = parts[kind], places[start:start + len(texts[kind])]
        start += len(pos)
        fig.add_trace(go.Scatter(
            x=part["ms_per_query"].tolist(), y=part["recall10"].tolist(), mode="lines+markers+text" if kind != "flat" else "markers+text",
            name={"flat": "Flat (exact)", "ivf": "IVF (nprobe)", "hnsw": "HNSW (efSearch)"}[kind],
            text=[t if p else "" for t, p in zip(texts[kind], pos)], textposition=[p or "top center" for p in pos],
            customdata=texts[kind], cliponaxis=False, marker=dict(size=9, color=COLOURS[kind]),
            line=dict(color=COLOURS[kind]),
            hovertemplate="%{customdata}: recall@10 %{y:.3f}, %{x:.3f} ms/query<extra></extra>"))
    for h in highlight:
        fig.add_trace(go.Scatter(x=[h["ms_per_query"]], y=[h["recall10"]], mode="markers", name=h.get("text", "chosen"),
                                 marker=dict(size=18, symbol="star", color=COLOURS.get(h.get("kind"), "black"),
                                             line=dict(width=1, color="black")),
                                 hovertemplate=f"{html.escape(h.get('text', ''))}: recall@10 %{{y:.3f}}, %{{x:.3f}} ms<extra></extra>"))
    fig.add_hline(y=0.95, line_dash="dot", line_color="grey", annotation_text="recall 0.95")
    title = wrap_title(f"Recall@10 vs latency — {label}" if label else "Recall@10 vs latency")
    fig.update_layout(title=title,
                      xaxis=dict(title="median ms per query (one query at a time, 1 thread)", type="log"),
                      yaxis=dict(title="recall@10 against exact search", range=[0, 1.05]),
                      # the legend below: on the right it took a third of a widget's width from the labels
                      legend=dict(orientation="h", x=0, y=-0.22),
                      height=480, margin=dict(l=10, r=10, t=title_margin(title, 60), b=110))
    return fig


def method_bars(table: pd.DataFrame, metric: str = "ndcg@10", label: str = "",
                group: str = "model") -> go.Figure:
    """Grouped bars: ``metric`` of every method, one group of bars per model."""
    fig = go.Figure()
    for method in dict.fromkeys(table["method"]):
        part = table[table["method"] == method]
        fig.add_trace(go.Bar(x=part[group].tolist(), y=part[metric].tolist(), name=method, text=[f"{v:.3f}" for v in part[metric]],
                             textposition="outside", marker_color=METHOD_COLOURS.get(method)))
    title = wrap_title(f"{metric} on the evaluation set — {label}")
    fig.update_layout(barmode="group", title=title,
                      yaxis=dict(title=metric, range=[0, 1.08]), height=420, margin=dict(l=10, r=10, t=title_margin(title, 60), b=40))
    return fig


def chunk_sweep(table: pd.DataFrame, label: str = "") -> go.Figure:
    """nDCG@10 and recall@1 against chunk size, one line per method."""
    fig = go.Figure()
    for method in dict.fromkeys(table["method"]):
        part = table[table["method"] == method].sort_values("size")
        fig.add_trace(go.Scatter(x=part["size"].tolist(), y=part["ndcg@10"].tolist(), mode="lines+markers", name=f"{method} nDCG@10",
                                 marker_color=METHOD_COLOURS.get(method)))
    if "n_chunks" in table:
        sizes = table.drop_duplicates("size").sort_values("size")
        fig.add_trace(go.Bar(x=sizes["size"].tolist(), y=sizes["n_chunks"].tolist(), name="chunks", yaxis="y2", opacity=0.25,
                             marker_color="grey"))
        fig.update_layout(yaxis2=dict(title="number of chunks", overlaying="y", side="right"))
    # nDCG lives in [0, 1]: an autoscaled axis made a 0.01 gap between sizes look huge.
    sizes = sorted({int(s) for s in table["size"]})
    title = wrap_title(f"Chunk size sweep — {label}")
    fig.update_layout(title=title,
                      xaxis=dict(title="chunk size (MiniLM tokens)", type="log", tickvals=sizes, ticktext=[str(s) for s in sizes]),
                      yaxis=dict(title="nDCG@10", range=[0, 1.02]), height=400, margin=dict(l=10, r=10, t=title_margin(title, 60), b=40),
                      legend=dict(x=0.01, y=0.01))
    return fig


def stage_latency(table: pd.DataFrame, stages: Sequence[str], label: str = "") -> go.Figure:
    """Median and 95th-percentile milliseconds of every stage of the loop (horizontal bars)."""
    stages = [s for s in stages if s in table]
    p50 = [float(table[s].median()) for s in stages]
    p95 = [float(table[s].quantile(0.95)) for s in stages]
    fig = go.Figure([
        go.Bar(y=stages, x=p50, orientation="h", name="median", text=[f"{v:.1f} ms" for v in p50], textposition="auto"),
        go.Bar(y=stages, x=p95, orientation="h", name="95th percentile", opacity=0.5),
    ])
    title = wrap_title(f"Latency per stage — {label}")
    fig.update_layout(barmode="group", title=title, xaxis=dict(title="milliseconds"),
                      yaxis=dict(autorange="reversed"), height=360, margin=dict(l=10, r=10, t=title_margin(title, 60), b=40))
    return fig


def chunk_spans(chunks: Sequence[dict], n_chars: int, title: str = "") -> go.Figure:
    """Each chunk as a horizontal bar over the article's characters (one trace): overlaps show as
    bars that start before the previous one ends."""
    labels = [f"chunk {i + 1}" for i in range(len(chunks))]
    fig = go.Figure(go.Bar(
        y=labels, x=[c["end"] - c["start"] for c in chunks], base=[c["start"] for c in chunks], orientation="h",
        text=[f"{c['n_tokens']} tokens" for c in chunks], textposition="inside", marker_color="#9467bd",
        customdata=[[c["start"], c["end"], c["n_tokens"]] for c in chunks],
        hovertemplate="%{y}: characters %{customdata[0]}–%{customdata[1]}, %{customdata[2]} tokens<extra></extra>"))
    fig.update_layout(title=title or "Chunks over the article", xaxis=dict(title="character position", range=[0, max(1, n_chars)]),
                      yaxis=dict(autorange="reversed"), height=max(200, 40 * len(chunks) + 100),
                      margin=dict(l=10, r=10, t=50, b=40))
    return fig


def score_bars(titles: Sequence[str], scores: Sequence[float], score_name: str = "score", title: str = "") -> go.Figure:
    labels = [f"{i}. {t}" for i, t in enumerate(titles, start=1)]
    fig = go.Figure(go.Bar(x=list(scores), y=labels, orientation="h", text=[f"{s:.3f}" for s in scores],
                           textposition="auto", hovertemplate="%{y}: %{x:.4f}<extra></extra>"))
    fig.update_layout(title=title or f"Top passages by {score_name}", xaxis=dict(title=score_name),
                      yaxis=dict(autorange="reversed"), height=max(220, 30 * len(labels) + 110),
                      margin=dict(l=10, r=10, t=50, b=40))
    return fig


# ---- HTML ------------------------------------------------------------------------------------------

def highlight(text: str, terms: Sequence[str]) -> str:
    """HTML-escaped ``text`` with every word whose (light) stem is in ``terms`` wrapped in <mark>."""
    terms = set(terms)
    out, last = [], 0
    for m in re.finditer(r"\w\w+", text):
        out.append(html.escape(text[last:m.start()]))
        word = m.group(0)
        out.append(f"<mark>{html.escape(word)}</mark>" if light_stem(word) in terms or word.lower() in terms
                   else html.escape(word))
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def passages_html(passages, terms: Sequence[str] = (), score_name: str = "score") -> str:
    rows = []
    for n, p in enumerate(passages, start=1):
        rows.append(f'<div style="margin:4px 0;padding:4px 6px;border-left:3px solid #1f77b4">'
                    f'<b>[{n}] {html.escape(p.title)}</b> <small>({html.escape(p.topic)}; doc {p.doc_id}, '
                    f'chunk {p.chunk_id}; {score_name} {p.score:.4f})</small><br>{highlight(p.text, terms)}</div>')
    return "".join(rows) or "<i>no passages</i>"


def answer_html(answer) -> str:
    note = f'<br><small style="color:#9a6700">{html.escape(answer.note)}</small>' if answer.note else ""
    return (f'<div style="margin:6px 0;padding:6px;background:#f6f8fa"><b>Answer ({answer.method}):</b> '
            f'{html.escape(answer.text)}{note}</div>')


def notes_html(notes: Sequence[str]) -> str:
    return "".join(f'<div style="color:#9a6700">ⓘ {html.escape(n)}</div>' for n in notes)
