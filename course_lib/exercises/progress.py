"""A learner's progress across the course, kept in data/cache/progress.json.

Every check cell records its latest outcome; the grader records full scores (hidden cases
included). ``show_progress()`` draws the table from inside any notebook.
"""
from __future__ import annotations

import html
import json
import os
import tempfile
import time
import weakref
from pathlib import Path

from .. import runtime
from .registry import load_all


def progress_file() -> Path:
    return Path(os.environ.get("COURSE_PROGRESS_FILE", runtime.cache_dir() / "progress.json"))


def load() -> dict:
    try:
        return json.loads(progress_file().read_text())
    except (OSError, ValueError):
        return {}


def _save(state: dict) -> None:
    path = progress_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".progress.")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def record(result, kind: str) -> None:
    """Store a CheckResult as the latest ``check`` (visible cases) or ``graded`` (all cases)."""
    if os.environ.get("COURSE_NO_PROGRESS"):
        return
    state = load()
    entry = state.setdefault(result.exercise.id, {})
    entry[kind] = {
        "passed": result.passed,
        "attempted": result.attempted,
        "score": round(result.score, 3),
        "points": result.exercise.points,
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    try:
        _save(state)
    except OSError:
        pass  # a read-only checkout must not break a check cell
    for view in list(_LIVE_VIEWS):
        view.refresh()


def table() -> list[dict]:
    """One row per exercise of the course, in notebook order, with its latest status."""
    state = load()
    rows = []
    for ex in sorted(load_all().values(), key=lambda e: (e.notebook, e.id)):
        entry = state.get(ex.id, {})
        checked, graded = entry.get("check", {}), entry.get("graded", {})
        if graded and graded["attempted"]:
            status = "graded ✅" if graded["passed"] else f"graded {graded['score']:g}/{ex.points}"
        elif checked:
            status = "passes ✅" if checked["passed"] else ("tried ❌" if checked["attempted"] else "not started")
        else:
            status = "not started"
        rows.append({"notebook": ex.notebook, "exercise": ex.id, "title": ex.title, "status": status,
                     "done": bool(graded.get("passed") or checked.get("passed"))})
    return rows


def summary() -> dict[str, tuple[int, int]]:
    """notebook → (exercises passed, exercises in total)."""
    out: dict[str, list[int]] = {}
    for row in table():
        done_total = out.setdefault(row["notebook"], [0, 0])
        done_total[0] += row["done"]
        done_total[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


_LIVE_VIEWS: "weakref.WeakSet[ProgressView]" = weakref.WeakSet()


class ProgressView:
    """The progress table; once displayed in a notebook it redraws itself after every check."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self._widget = None

    def refresh(self) -> None:
        self.rows = table()
        if self._widget is not None:
            self._widget.value = self._repr_html_()

    def _ipython_display_(self):
        import ipywidgets as W
        from IPython.display import display

        self._widget = W.HTML(self._repr_html_())
        _LIVE_VIEWS.add(self)
        display(self._widget)

    def __repr__(self) -> str:
        done = sum(r["done"] for r in self.rows)
        lines = [f"Course progress: {done}/{len(self.rows)} exercises passed"]
        lines += [f"  {r['notebook']}  {r['exercise']:<28} {r['status']}" for r in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        done = sum(r["done"] for r in self.rows)
        pct = 100 * done / max(1, len(self.rows))
        bar = (f'<div style="background:#eee;width:320px;height:12px;border-radius:6px">'
               f'<div style="background:#1a7f37;width:{pct:.0f}%;height:12px;border-radius:6px"></div></div>')
        body = "".join(
            f"<tr><td>{html.escape(r['notebook'])}</td><td><code>{html.escape(r['exercise'])}</code></td>"
            f"<td>{html.escape(r['title'])}</td><td>{html.escape(r['status'])}</td></tr>" for r in self.rows)
        return (f'<div class="course-progress"><b>Course progress: {done}/{len(self.rows)} exercises passed</b>{bar}'
                f"<table><tr><th>notebook</th><th>exercise</th><th>what</th><th>status</th></tr>{body}</table></div>")


def show_progress() -> ProgressView:
    return ProgressView(table())
