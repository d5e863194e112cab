"""Notebook 08 widgets: the model-version switcher, the user picker, the drift monitor."""
from __future__ import annotations

import html
from typing import Mapping, Sequence

import ipywidgets as W
import numpy as np

from ..trained.production import ndcg10
from ..vectordb import acl, versions
from ..vectordb.search import search
from ..viz.vectordb import canary_bars, drift_monitor
from .base import WidgetApp, figure_widget, replace_figure


class VersionSwitcherApp(WidgetApp):
    """Pick which collection answers the canary queries, encoded by which model: live nDCG@10.

    ``options``: label → (collection or alias, query model version, query vectors). A pairing
    the version guard refuses shows its message instead of a score."""

    css_class = "course-version-switcher"

    def __init__(self, client, options: Mapping[str, tuple[str, str, np.ndarray]], relevant: Sequence[set],
                 label: str = ""):
        self.client, self.options, self.relevant, self.label = client, dict(options), list(relevant), label
        self.scores: dict[str, float] = {}
        controls = {"choice": W.Dropdown(options=list(self.options), description="serve",
                                         layout=W.Layout(width="520px"))}
        super().__init__(controls, figure_widget(canary_bars({}, self._title())), title="Model-version switcher")

    def _title(self) -> str:
        return f"nDCG@10 on the canary queries ({self.label})"

    def update(self, choice: str) -> None:
        if choice not in self.options:
            raise ValueError(f"Unknown choice {choice!r}; pick one of {', '.join(self.options)}.")
        name, version, queries = self.options[choice]
        versions.check_version(self.client, name, version)     # raises ModelVersionMismatch (a ValueError)
        self.scores[choice] = ndcg10(self.client, name, queries, self.relevant)
        replace_figure(self.figure, canary_bars(self.scores, self._title()))
        self.output.value = (f"<b>{html.escape(choice)}</b>: nDCG@10 = {self.scores[choice]:.3f} on "
                             f"{len(self.relevant)} canary queries")


class UserPickerApp(WidgetApp):
    """Pick a user and a query: the unfiltered top k, which hits the user's filter removes, and
    what pre- and post-filtering return."""

    css_class = "course-user-picker"

    def __init__(self, client, alias: str, users: Mapping[str, Sequence[str]], queries: Sequence[str],
                 vectors: np.ndarray, k: int = 10):
        self.client, self.alias, self.users, self.k = client, alias, dict(users), k
        self.queries, self.vectors = list(queries), np.asarray(vectors, np.float32)
        controls = {"user": W.Combobox(value=sorted(self.users)[0], options=sorted(self.users), description="user"),
                    "query": W.Dropdown(options=[(f"{i}: {q[:55]}", i) for i, q in enumerate(self.queries)],
                                        description="query",
                                        layout=W.Layout(width="460px"))}
        super().__init__(controls, title="Whose results does the filter remove?")

    def update(self, user: str, query: int) -> None:
        groups = acl.user_groups(self.users, user)
        q = self.vectors[query][None]
        everything = search(self.client, self.alias, q, self.k)
        pre = acl.pre_filter_search(self.client, self.alias, q, groups, self.k)
        post = acl.post_filter_search(self.client, self.alias, q, groups, self.k)
        rows = []
        for rank, (doc, p) in enumerate(zip(everything.ids[0], everything.payload[0]), 1):
            allowed = p["access_group"] in groups
            mark = "kept" if allowed else "<span style='color:#cf222e'>removed</span>"
            rows.append(f"<tr><td>{rank}</td><td>{html.escape(p['title'])}</td>"
                        f"<td>{html.escape(p['access_group'])}</td><td>{mark}</td></tr>")
        self.output.value = (
            f"<div>{html.escape(user)} may read: {html.escape(', '.join(groups))}</div>"
            f"<table><tr><th>rank</th><th>unfiltered top {self.k}</th><th>group</th><th>filter</th></tr>{''.join(rows)}</table>"
            f"<div>post-filtering returns {len(post.ids[0])} of {self.k}; pre-filtering returns {len(pre.ids[0])}: "
            f"{html.escape(', '.join(p['title'] for p in pre.payload[0][:5]))} …</div>")


class DriftMonitorApp(WidgetApp):
    """Step through time: the drift statistic per window against its alarm threshold, and quality."""

    css_class = "course-drift-monitor"

    def __init__(self, scores: Sequence[float], threshold: float, ndcg: Sequence[float], shares: Sequence[float],
                 label: str = ""):
        self.scores, self.threshold, self.ndcg, self.shares = list(scores), threshold, list(ndcg), list(shares)
        self.label = label
        n = len(self.scores)
        controls = {"window": W.IntSlider(value=n, min=1, max=n, description="up to window")}
        super().__init__(controls, figure_widget(self._figure(n)), title="Drift monitor")

    def _figure(self, window: int):
        return drift_monitor(self.scores, self.threshold, self.ndcg, self.shares, upto=window,
                             title=f"Query drift over time ({self.label})")

    def update(self, window: int) -> None:
        if not 1 <= window <= len(self.scores):
            raise ValueError(f"window must be between 1 and {len(self.scores)}, got {window}.")
        replace_figure(self.figure, self._figure(window))
        fired = [i + 1 for i in range(window) if self.scores[i] > self.threshold]
        self.output.value = (f"First alarm at window {fired[0]} (drift {self.scores[fired[0] - 1]:.4f} > "
                             f"{self.threshold:.4f})." if fired else
                             f"No alarm up to window {window} (threshold {self.threshold:.4f}).")
