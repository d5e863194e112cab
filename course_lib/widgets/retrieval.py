"""Notebook 06 widgets: search box, pipeline stepper, chunk explorer, index explorer."""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..retrieval import indexes
from ..retrieval.chunking import chunk_text, count_chunks
from ..retrieval.pipeline import METHOD_LABELS, METHODS, RAGPipeline
from ..viz import retrieval as viz
from .base import WidgetApp, figure_widget


def _replace_figure(widget, fig) -> None:
    """Copy a freshly built figure into a FigureWidget in place."""
    if len(widget.data) != len(fig.data):
        widget.data = ()
        widget.add_traces(list(fig.data))
        widget.layout.update(fig.layout.to_plotly_json(), overwrite=True)
        return
    with widget.batch_update():
        for old, new in zip(widget.data, fig.data):
            old.update(new.to_plotly_json(), overwrite=True)
        widget.layout.update(fig.layout.to_plotly_json(), overwrite=True)


class SearchApp(WidgetApp):
    """Type a question; pick k, the method and the dense model; see ranked passages and the cited answer."""

    css_class = "course-rag-search"

    def __init__(self, pipeline: RAGPipeline, query: str = "Which planet is known as the Red Planet?", k: int = 5,
                 method: str = "hybrid+rerank", generator=None, max_shown: int = 50):
        self.pipeline = pipeline
        self.generator = generator
        self.max_shown = max_shown  # k = 1000 once rendered a 52,000-pixel-tall page
        controls = {
            "query": W.Text(value=query, description="question", layout=W.Layout(width="480px")),
            "k": W.IntText(value=k, description="k", layout=W.Layout(width="140px")),
            "method": W.Dropdown(options=[(METHOD_LABELS[m], m) for m in METHODS], value=method, description="method"),
            "model": W.Dropdown(options=list(pipeline.models), value=next(iter(pipeline.models)), description="model"),
        }
        super().__init__(controls, figure=figure_widget(viz.score_bars([], [])), title="Semantic search")

    def update(self, query, k, method, model):
        if k > self.max_shown:
            self.note(f"k = {k} is more than this box can show: showing the top {self.max_shown}.")
            k = self.max_shown
        result = self.pipeline.run(query, k=k, method=method, model=model, generator=self.generator)
        r = result.retrieval
        score_name = {"bm25": "BM25 score", "dense": "cosine", "hybrid": "RRF score"}.get(method, "cross-encoder score")
        if method.endswith("rerank") and not self.pipeline.has_reranker:
            score_name = "RRF score" if method.startswith("hybrid") else "cosine"
        _replace_figure(self.figure, viz.score_bars([p.title for p in r.passages], [p.score for p in r.passages],
                                                    score_name, title=f"{METHOD_LABELS[method]} · {model} · top {len(r.passages)}"))
        terms = self.pipeline.bm25.known_terms(r.query)
        timing = ", ".join(f"{name} {ms:.1f} ms" for name, ms in r.timings.items())
        self.output.value = (viz.notes_html(r.notes) + viz.answer_html(result.answer)
                             + viz.passages_html(r.passages, terms, score_name)
                             + f"<small>{html.escape(timing)} · {html.escape(self.pipeline.label)}</small>")


STEPS = ("1 · embed", "2 · search", "3 · re-rank", "4 · prompt", "5 · answer")


class PipelineStepperApp(WidgetApp):
    """Walk one question through embed → search (dense, BM25, fused) → re-rank → prompt → answer."""

    css_class = "course-rag-stepper"

    def __init__(self, pipeline: RAGPipeline, query: str = "What is the deepest lake in the world?", k: int = 5):
        self.pipeline = pipeline
        self.k = k
        self._trace_key = None
        self._trace = None
        controls = {
            "query": W.Text(value=query, description="question", layout=W.Layout(width="480px")),
            "model": W.Dropdown(options=list(pipeline.models), value=next(iter(pipeline.models)), description="model"),
            "step": W.ToggleButtons(options=list(STEPS), value=STEPS[0], description="step"),
        }
        super().__init__(controls, figure=figure_widget(viz.score_bars([], [])), title="Pipeline stepper")

    def trace(self, query, model):
        key = (query, model)
        if key != self._trace_key:
            self._trace = self.pipeline.trace(query, k=self.k, model=model)
            self._trace_key = key
        return self._trace

    def _ranked_html(self, pairs, score_name, n=10):
        rows = "".join(f"<tr><td>{r}</td><td>{html.escape(self.pipeline.chunks.title[i])}</td><td>{s:.4f}</td></tr>"
                       for r, (i, s) in enumerate(pairs[:n], start=1))
        return f"<table><tr><th>rank</th><th>article</th><th>{score_name}</th></tr>{rows}</table>"

    def update(self, query, model, step):
        t = self.trace(query, model)
        chunks = self.pipeline.chunks
        if step == STEPS[0]:
            v = t["query_vector"]
            fig = viz.score_bars([f"dim {i}" for i in range(16)], v[:16].tolist(), "value",
                                 title=f"The question as a {len(v)}-d unit vector (first 16 coordinates)")
            body = (f"<p>The encoder <b>{html.escape(model)}</b> turns the question into {len(v)} numbers; "
                    f"its length is {np.linalg.norm(v):.4f} (normalised), so an inner product with a passage "
                    f"vector is a cosine. BM25 instead keeps the words: <code>{html.escape(', '.join(t['terms']) or '(none known)')}</code>.</p>")
        elif step == STEPS[1]:
            fused = t["fused"][:10]
            fig = viz.score_bars([chunks.title[i] for i, _ in fused], [s for _, s in fused], "RRF score",
                                 title="Reciprocal-rank fusion of the dense and BM25 lists (top 10)")
            body = ("<div style='display:flex;gap:24px'><div><b>dense (cosine)</b>" + self._ranked_html(t["dense"], "cosine")
                    + "</div><div><b>BM25</b>" + self._ranked_html(t["bm25"], "BM25") + "</div><div><b>fused</b>"
                    + self._ranked_html(t["fused"], "RRF") + "</div></div>")
        elif step == STEPS[2]:
            if t["reranked"] is None:
                raise ValueError("No cross-encoder is loaded, so there is no re-ranking step. " + self.pipeline.reranker_note)
            top = t["reranked"][: self.pipeline.rerank_depth]
            fig = viz.score_bars([chunks.title[i] for i, _ in top[:10]], [s for _, s in top[:10]], "cross-encoder score",
                                 title=f"The cross-encoder re-scores the top {self.pipeline.rerank_depth} fused candidates")
            before = {i: r for r, (i, _) in enumerate(t["fused"], start=1)}
            rows = "".join(f"<tr><td>{r}</td><td>{before[i]}</td><td>{html.escape(chunks.title[i])}</td><td>{s:.3f}</td></tr>"
                           for r, (i, s) in enumerate(top[:10], start=1))
            body = f"<table><tr><th>new rank</th><th>fused rank</th><th>article</th><th>score</th></tr>{rows}</table>"
        elif step == STEPS[3]:
            p = t["passages"]
            fig = viz.score_bars([x.title for x in p], [x.score for x in p], "final score", title="The passages in the prompt")
            body = f"<pre style='white-space:pre-wrap'>{html.escape(t['prompt'])}</pre>"
        else:
            p = t["passages"]
            fig = viz.score_bars([x.title for x in p], [x.score for x in p], "final score", title="The passages cited from")
            body = viz.answer_html(t["answer"]) + viz.passages_html(p, t["terms"])
        _replace_figure(self.figure, fig)
        self.output.value = body


class ChunkExplorerApp(WidgetApp):
    """Size and overlap sliders over a real article: its chunks, and the count for the whole collection."""

    css_class = "course-chunk-explorer"

    def __init__(self, articles, lengths, title: str = "Helium"):
        self.articles = articles.set_index("title")
        self.lengths = list(lengths)
        title = title if title in self.articles.index else self.articles.index[0]
        controls = {
            "title": W.Combobox(value=title, options=list(self.articles.index[:5000]), description="article",
                                ensure_option=False, layout=W.Layout(width="320px")),
            "size": W.IntSlider(value=64, min=8, max=256, step=8, description="size"),
            "overlap": W.IntSlider(value=16, min=0, max=128, step=4, description="overlap"),
            "method": W.ToggleButtons(options=["tokens", "sentences"], value="tokens", description="by"),
        }
        super().__init__(controls, figure=figure_widget(viz.chunk_spans([], 1)), title="Chunk explorer")

    def update(self, title, size, overlap, method):
        if title not in self.articles.index:
            raise ValueError(f"No article titled {title!r}: pick one from the list (try 'Helium' or 'Mount Everest').")
        text = self.articles.loc[title, "text"]
        chunks = chunk_text(text, size=size, overlap=overlap, method=method)
        _replace_figure(self.figure, viz.chunk_spans(chunks, len(text), title=f"{title}: {len(chunks)} chunk(s) of ≤ {size} tokens"))
        if method == "tokens":
            total = f"Whole collection ({len(self.lengths):,} articles): <b>{count_chunks(self.lengths, size, overlap):,}</b> chunks."
        else:
            total = "Whole-collection count: shown for token chunks (sentence packing needs every sentence's length)."
        parts = [f"<div style='margin:3px 0;padding:3px;border-left:3px solid #9467bd'><small>chunk {i} · "
                 f"{c['n_tokens']} tokens · chars {c['start']}–{c['end']}</small><br>{html.escape(c['text'])}</div>"
                 for i, c in enumerate(chunks, start=1)]
        self.output.value = f"<p>{total}</p>" + "".join(parts)


class IndexExplorerApp(WidgetApp):
    """nprobe and efSearch sliders: each moves a point, measured live, on the recall-vs-latency plot."""

    css_class = "course-index-explorer"

    def __init__(self, table, built: dict, queries, label: str = "", k: int = 10):
        self.table, self.built, self.queries, self.label, self.k = table, built, queries, label, k
        nlist = built["ivf"].nlist
        controls = {
            "nprobe": W.IntSlider(value=min(4, nlist), min=1, max=nlist, description="IVF nprobe"),
            "ef_search": W.IntSlider(value=32, min=1, max=256, description="HNSW efSearch"),
        }
        super().__init__(controls, figure=figure_widget(viz.recall_latency(table, label, self._points(1, 16))),
                         title="Index explorer")

    def _points(self, nprobe, ef_search):
        if nprobe < 1 or ef_search < 1:
            raise ValueError("nprobe and efSearch must be at least 1.")
        exact = self.built["exact_ids"]
        ivf = indexes.measure(self.built["ivf"], self.queries, exact, self.k, nprobe=nprobe, kind="ivf")
        hnsw = indexes.measure(self.built["hnsw"], self.queries, exact, self.k, ef_search=ef_search, kind="hnsw")
        return [{"kind": "ivf", "ms_per_query": ivf.ms_per_query, "recall10": ivf.recall10, "text": f"IVF nprobe={nprobe}"},
                {"kind": "hnsw", "ms_per_query": hnsw.ms_per_query, "recall10": hnsw.recall10, "text": f"HNSW efSearch={ef_search}"}]

    def update(self, nprobe, ef_search):
        points = self._points(nprobe, ef_search)
        _replace_figure(self.figure, viz.recall_latency(self.table, self.label, points))
        self.output.value = "".join(f"<div>{html.escape(p['text'])}: recall@10 <b>{p['recall10']:.3f}</b> at "
                                    f"{p['ms_per_query']:.3f} ms per query</div>" for p in points)
