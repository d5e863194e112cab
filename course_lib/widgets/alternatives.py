"""Notebook 09 widgets: the cost–quality chart with budget sliders, the LoRA rank slider, a sparse model's expansion terms."""
from __future__ import annotations

import html
from typing import Mapping, Sequence

import ipywidgets as W
import numpy as np

from ..alternatives.pareto import best_within_budget, pareto_front
from ..alternatives.sparse import expansion_table
from ..retrieval.bm25 import query_terms
from ..viz.alternatives import cost_quality_chart, lora_rank_chart
from .base import WidgetApp, figure_widget, replace_figure


def _log_options(lo: float, hi: float, n: int = 13) -> list[tuple[str, float]]:
    values = np.geomspace(lo, hi, n)
    return [(f"{v:,.3g}", float(v)) for v in values]


class BudgetApp(WidgetApp):
    """Latency and memory budgets: which models fit, and the best of them by nDCG@10."""

    css_class = "course-budget"

    def __init__(self, rows: Sequence[Mapping], label: str):
        self.rows, self.label = [dict(r) for r in rows], label
        ms = [r["p50_ms"] for r in self.rows]
        size = [r["bytes_per_doc"] for r in self.rows]
        ms_options = _log_options(min(ms) * 0.5, max(ms) * 2)
        byte_options = _log_options(min(size) * 0.5, max(size) * 2)
        controls = {
            "max_ms": W.SelectionSlider(options=ms_options, value=ms_options[-1][1], description="max ms"),
            "max_bytes": W.SelectionSlider(options=byte_options, value=byte_options[-1][1], description="max bytes"),
        }
        super().__init__(controls, figure_widget(cost_quality_chart(self.rows, self._title())),
                         title="Which model fits the budget?")

    def _title(self) -> str:
        return f"nDCG@10 against cost, measured on this machine ({self.label})"

    def update(self, max_ms: float, max_bytes: float) -> None:
        best = best_within_budget(self.rows, max_ms, max_bytes)
        replace_figure(self.figure, cost_quality_chart(self.rows, self._title(), max_ms, max_bytes,
                                                       best["model"] if best else None))
        front = {r["model"] for r in pareto_front(self.rows)}
        if best is None:
            self.output.value = (f"No model answers in ≤ {max_ms:,.3g} ms with ≤ {max_bytes:,.3g} bytes per "
                                 "document: raise a budget.")
            return
        self.output.value = (f"Best within ≤ {max_ms:,.3g} ms and ≤ {max_bytes:,.3g} bytes/doc: "
                             f"<b>{html.escape(best['model'])}</b> (nDCG@10 {best['ndcg10']:.3f}, "
                             f"{best['p50_ms']:,.3g} ms, {best['bytes_per_doc']:,.0f} bytes/doc)"
                             f"{' — on the Pareto front' if best['model'] in front else ''}.")


class LoraRankApp(WidgetApp):
    """A slider over the LoRA ranks actually trained, reading their measured results."""

    css_class = "course-lora-rank"

    def __init__(self, records: Sequence[Mapping], full_ndcg: float, base_ndcg: float, label: str):
        self.records = sorted((dict(r) for r in records), key=lambda r: r["rank"])
        self.full_ndcg, self.base_ndcg, self.label = full_ndcg, base_ndcg, label
        ranks = [r["rank"] for r in self.records]
        controls = {"rank": W.SelectionSlider(options=ranks, value=ranks[0], description="LoRA rank r")}
        super().__init__(controls, figure_widget(lora_rank_chart(self.records, full_ndcg, base_ndcg, ranks[0],
                                                                 self._title())), title="LoRA rank")

    def _title(self) -> str:
        return f"LoRA at each trained rank vs the full fine-tune ({self.label})"

    def update(self, rank: int) -> None:
        by_rank = {r["rank"]: r for r in self.records}
        if rank not in by_rank:
            raise ValueError(f"Rank {rank} was not trained; measured ranks: {', '.join(map(str, by_rank))}.")
        r = by_rank[rank]
        replace_figure(self.figure, lora_rank_chart(self.records, self.full_ndcg, self.base_ndcg, rank, self._title()))
        self.output.value = (f"r = {rank}: {r['trainable']:,} of {r['total']:,} parameters trained "
                             f"({100 * r['trainable'] / r['total']:.2f}%), adapter {r['adapter_bytes'] / 1e3:,.0f} KB, "
                             f"{r['train_seconds'] / r['steps']:.2f} s per step; dev nDCG@10 {r['dev_ndcg10']:.3f} "
                             f"(full fine-tune {self.full_ndcg:.3f}, base {self.base_ndcg:.3f}).")


class SparseTermsApp(WidgetApp):
    """Type a query: the sparse model's heaviest tokens, which are expansions, and BM25's weights."""

    css_class = "course-sparse-terms"

    def __init__(self, encode_query, vocabulary: Sequence[str], idf: Mapping[str, float], example: str, k: int = 12):
        self.encode_query, self.vocabulary, self.idf, self.k = encode_query, list(vocabulary), dict(idf), k
        controls = {"query": W.Text(value=example, description="query", layout=W.Layout(width="520px"))}
        super().__init__(controls, title="What does the sparse model read into a query?")

    def update(self, query: str) -> None:
        if not query.strip():
            raise ValueError("The query is empty: type a few words.")
        weights = np.asarray(self.encode_query(query).toarray()).ravel()
        rows = expansion_table(weights, self.vocabulary, query_terms(query), self.idf, self.k)
        body = "".join(f"<tr><td>{html.escape(r['token'])}</td><td>{r['learned weight']:.3f}</td>"
                       f"<td>{'in the query' if r['in the text'] else '<i>expansion</i>'}</td>"
                       f"<td>{_weight(r['BM25 weight'])}</td></tr>" for r in rows)
        self.output.value = (f"{int((weights > 0).sum()):,} of {len(weights):,} vocabulary tokens are non-zero."
                             f"<table><tr><th>token</th><th>learned weight</th><th></th><th>BM25 weight</th></tr>"
                             f"{body}</table>")


def _weight(value) -> str:
    return "–" if value is None else f"{value:.3f}"
