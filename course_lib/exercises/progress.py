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


STATUSES = ("passed", "partial", "failed", "not started")
_MARKS = {"passed": "✅", "partial": "◐", "failed": "❌", "not started": "·"}


def _latest(entry: dict) -> dict:
    """The most recent of an exercise's check and graded records (graded wins a tie)."""
    records = [r for r in (entry.get("graded"), entry.get("check")) if r]
    return max(records, key=lambda r: r.get("time", "")) if records else {}


def status_of(record: dict, points: float) -> str:
    """passed / partial (some cases pass) / failed (none pass) / not started (no attempt yet)."""
    if not record or not record.get("attempted"):
        return "not started"
    if record.get("passed"):
        return "passed"
    return "partial" if 0 < record.get("score", 0) < points else "failed"


def table() -> list[dict]:
    """One row per exercise of the course, in notebook order (and the order each notebook sets
    them), with the status of its latest check or grade."""
    state = load()
    rows = []
    for ex in sorted(load_all().values(), key=lambda e: e.notebook):   # stable: keeps each notebook's order
        latest = _latest(state.get(ex.id, {}))
        status = status_of(latest, ex.points)
        rows.append({"notebook": ex.notebook, "exercise": ex.id, "title": ex.title, "status": status,
                     "score": latest.get("score", 0.0) if status != "not started" else 0.0, "points": ex.points,
                     "done": status == "passed"})
    return rows


def next_unfinished(rows: list[dict]) -> dict | None:
    return next((r for r in rows if r["status"] != "passed"), None)


def summary() -> dict[str, tuple[int, int]]:
    """notebook → (exercises passed, exercises in total)."""
    out: dict[str, list[int]] = {}
    for row in table():
        done_total = out.setdefault(row["notebook"], [0, 0])
        done_total[0] += row["done"]
        done_total[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def _status_text(row: dict) -> str:
    if row["status"] == "partial":
        return f"partial {row['score']:g}/{row['points']:g}"
    return row["status"]


def _next_text(rows: list[dict]) -> str:
    nxt = next_unfinished(rows)
    if nxt is None:
        return "Every exercise passes. Well done!"
    return (f"Next: notebook {nxt['notebook']}, `{nxt['exercise']}` ({nxt['title']}), "
            f"{_status_text(nxt)}.")


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

    def _notebooks(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in self.rows:
            out.setdefault(r["notebook"], []).append(r)
        return out

    def __repr__(self) -> str:
        done = sum(r["done"] for r in self.rows)
        lines = [f"Course progress: {done}/{len(self.rows)} exercises passed"]
        for nb, rows in self._notebooks().items():
            lines.append(f"Notebook {nb}: {sum(r['done'] for r in rows)}/{len(rows)} passed")
            lines += [f"  {_MARKS[r['status']]} {r['exercise']:<24} {_status_text(r)}" for r in rows]
        lines.append(_next_text(self.rows))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        done = sum(r["done"] for r in self.rows)
        pct = 100 * done / max(1, len(self.rows))
        bar = (f'<div style="background:#eee;width:320px;height:12px;border-radius:6px">'
               f'<div style="background:#1a7f37;width:{pct:.0f}%;height:12px;border-radius:6px"></div></div>')
        body = ""
        for nb, rows in self._notebooks().items():
            body += (f'<tr><th colspan="4" style="text-align:left">Notebook {html.escape(nb)}: '
                     f"{sum(r['done'] for r in rows)}/{len(rows)} passed</th></tr>")
            body += "".join(
                f"<tr><td>{_MARKS[r['status']]}</td><td><code>{html.escape(r['exercise'])}</code></td>"
                f"<td>{html.escape(r['title'])}</td><td>{html.escape(_status_text(r))}</td></tr>" for r in rows)
        return (f'<div class="course-progress"><b>Course progress: {done}/{len(self.rows)} exercises passed</b>{bar}'
                f"<table><tr><th></th><th>exercise</th><th>what</th><th>status</th></tr>{body}</table>"
                f"<p>{html.escape(_next_text(self.rows))}</p></div>")


def show_progress() -> ProgressView:
    return ProgressView(table())
