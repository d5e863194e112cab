"""Notebook 03 widgets: the analogy explorer (answers from every vector set + the parallelogram)
and the per-section accuracy chart comparing vector sets."""
from __future__ import annotations

import html
from typing import Mapping, Sequence

import ipywidgets as W

from .. import analogy
from ..text import UnknownWordError
from ..viz.analogy import parallelogram_figure, section_accuracy_figure
from ..viz.analogy_plane import parallelogram_plane
from .base import WidgetApp, figure_widget, replace_figure

PRESETS = (
    "man : king :: woman",
    "france : paris :: italy",
    "athens : greece :: tokyo",
    "slow : slower :: fast",
    "walk : walked :: swim",
    "good : better :: bad",
    "boy : girl :: brother",
    "mouse : mice :: dollar",
    "man : doctor :: woman",
)
CUSTOM = "(type your own below)"
METHOD_LABELS = {"3CosAdd": "3cosadd", "3CosMul": "3cosmul"}


def answers_table(results: Mapping[str, list[tuple[str, float]] | str], topn: int) -> str:
    """HTML: one column per vector set, rank rows; a set's cell is its error message when it failed."""
    names = list(results)
    head = "".join(f"<th style='padding:2px 10px'>{html.escape(n)}</th>" for n in names)
    rows = []
    for r in range(topn):
        cells = []
        for n in names:
            res = results[n]
            if isinstance(res, str):
                cells.append(f"<td style='color:#9a6700;padding:2px 10px' rowspan='{topn}'>{html.escape(res)}</td>"
                             if r == 0 else "")
            elif r < len(res):
                w, s = res[r]
                cells.append(f"<td style='padding:2px 10px'>{'<b>' if r == 0 else ''}{html.escape(w)}"
                             f"{'</b>' if r == 0 else ''} <span style='color:#666'>{s:.3f}</span></td>")
            else:
                cells.append("<td></td>")
        rows.append(f"<tr><td style='color:#666'>{r + 1}</td>{''.join(cells)}</tr>")
    return (f"<table class='course-analogy-answers'><tr><th>#</th>{head}</tr>{''.join(rows)}</table>")


class AnalogyExplorerApp(WidgetApp):
    """``a : b :: c : ?`` in every vector set side by side, and the parallelogram in one of them."""

    css_class = "course-analogy-explorer"

    def __init__(self, vector_sets: Mapping[str, object], restrict: Mapping[str, int | None] | None = None,
                 presets: Sequence[str] = PRESETS, picture: str | None = None, topn: int = 5):
        if not vector_sets:
            raise ValueError("Give at least one vector set.")
        self.vector_sets = dict(vector_sets)
        self.restrict = dict(restrict or {})
        self.topn = topn
        names = list(self.vector_sets)
        picture = picture if picture in self.vector_sets else names[-1]
        presets = list(presets)
        self.preset = W.Dropdown(options=presets + [CUSTOM], value=presets[0], description="preset",
                                 layout=W.Layout(width="320px"))
        self.query = W.Text(value=presets[0], description="a : b :: c", placeholder="man : king :: woman  or  king - man + woman",
                            layout=W.Layout(width="320px"))
        # A preset fills the text box (registered before the app's own refresh observers).
        self.preset.observe(self._use_preset, names="value")
        self.query.observe(self._mark_custom, names="value")
        controls = {
            "preset": self.preset,
            "query": self.query,
            "method": W.ToggleButtons(options=list(METHOD_LABELS), value="3CosAdd", description="method"),
            "picture": W.Dropdown(options=names, value=picture, description="picture", layout=W.Layout(width="220px")),
        }
        kv = self.vector_sets[picture]
        blank = parallelogram_figure(parallelogram_plane(kv, *kv.index_to_key[:3]))
        super().__init__(controls, figure=figure_widget(blank), title="Analogy explorer: a : b :: c : ?")

    def _use_preset(self, change) -> None:
        if change["new"] != CUSTOM:
            self.query.value = change["new"]

    def _mark_custom(self, change) -> None:
        if change["new"] not in self.preset.options and self.preset.value != CUSTOM:
            self.preset.unobserve(self._use_preset, names="value")
            try:
                self.preset.value = CUSTOM
            finally:
                self.preset.observe(self._use_preset, names="value")

    def solve_all(self, a: str, b: str, c: str, method: str) -> dict[str, list[tuple[str, float]] | UnknownWordError]:
        out: dict = {}
        for name, kv in self.vector_sets.items():
            try:
                out[name] = analogy.solve(kv, a, b, c, topn=self.topn, method=method,
                                          restrict_vocab=self.restrict.get(name))
            except UnknownWordError as err:
                out[name] = err
        return out

    def update(self, preset, query, method, picture) -> None:
        a, b, c = analogy.parse_query(query)
        method = METHOD_LABELS.get(method, method)
        results = self.solve_all(a, b, c, method)
        ok = {n: r for n, r in results.items() if not isinstance(r, Exception)}
        if not ok:
            raise results[picture]
        shown = picture if picture in ok else next(iter(ok))
        kv = self.vector_sets[shown]
        answers = ok[shown]
        plane = parallelogram_plane(kv, a, b, c, extra=[w for w, _ in answers])
        note = "" if shown == picture else f" (drawn with {shown}: {picture} does not know every word)"
        score = "cosine" if method == "3cosadd" else "3CosMul score"
        replace_figure(self.figure, parallelogram_figure(
            plane, answers, title=f"{a} : {b} :: {c} : {answers[0][0]}  — {shown}{note}"))
        cells = {n: (r if not isinstance(r, Exception) else str(r)) for n, r in results.items()}
        self.output.value = (f"<div>Top {self.topn} answers ({score}; a, b and c excluded):</div>"
                             + answers_table(cells, self.topn))


class SectionAccuracyApp(WidgetApp):
    """Per-section accuracy on the Google analogy set, one bar per vector set."""

    css_class = "course-analogy-accuracy"

    def __init__(self, vector_sets: Mapping[str, object], questions: Mapping[str, Sequence[tuple]],
                 restrict: Mapping[str, int | None] | None = None,
                 reports: Mapping[tuple[str, str], Mapping[str, analogy.AnalogyReport]] | None = None):
        self.vector_sets = dict(vector_sets)
        self.questions = questions
        self.restrict = dict(restrict or {})
        self._reports = {k: dict(v) for k, v in (reports or {}).items()}
        self._common = None
        controls = {
            "method": W.ToggleButtons(options=list(METHOD_LABELS), value="3CosAdd", description="method"),
            "subset": W.ToggleButtons(options=[("all questions", "all"), ("only those every set can answer", "common")],
                                      value="all", description="questions"),
            "view": W.ToggleButtons(options=[("by section", "sections"), ("semantic / syntactic", "kinds")],
                                    value="sections", description="group"),
            "value": W.ToggleButtons(options=[("accuracy", "accuracy"), ("coverage", "coverage")], value="accuracy",
                                     description="show"),
        }
        super().__init__(controls, figure=figure_widget(section_accuracy_figure(
            {n: analogy.AnalogyReport([], "3cosadd", None).table().reindex(
                columns=["section", "kind", "correct", "answered", "skipped", "accuracy"]) for n in self.vector_sets})),
            title="Google analogy accuracy by section")

    def common_questions(self):
        if self._common is None:
            qs = self.questions
            for name, kv in self.vector_sets.items():
                qs = analogy.covered_questions(kv, qs, self.restrict.get(name))
            self._common = qs
        return self._common

    def reports(self, method: str, subset: str) -> dict[str, analogy.AnalogyReport]:
        key = (method, subset)
        if key not in self._reports:
            qs = self.questions if subset == "all" else self.common_questions()
            self._reports[key] = {name: analogy.evaluate_analogies(kv, qs, restrict_vocab=self.restrict.get(name),
                                                                   method=method)
                                  for name, kv in self.vector_sets.items()}
        return self._reports[key]

    def update(self, method, subset, view, value) -> None:
        method = METHOD_LABELS.get(method, method)
        reports = self.reports(method, subset)
        if subset == "common" and not any(r.total for r in reports.values()):
            raise ValueError("No question can be answered by every vector set: the smallest vocabulary is too small.")
        tables = {name: r.table() for name, r in reports.items()}
        label = "all questions" if subset == "all" else "questions every set can answer"
        replace_figure(self.figure, section_accuracy_figure(
            tables, view=view, value=value, title=f"Google analogies, {method.replace('cos', 'Cos')}, {label}"))
        rows = "".join(
            f"<tr><td>{html.escape(n)}</td><td>{r.correct}/{r.total}</td><td><b>{r.accuracy:.1%}</b></td>"
            f"<td>{r.semantic:.1%}</td><td>{r.syntactic:.1%}</td><td>{r.skipped}</td></tr>"
            for n, r in reports.items())
        self.output.value = ("<table class='course-analogy-summary'><tr><th>vectors</th><th>right/answered</th>"
                             "<th>accuracy</th><th>semantic</th><th>syntactic</th><th>skipped</th></tr>"
                             f"{rows}</table>")
