"""Every notebook in JupyterLab, in headless Chromium: run all cells, no error output, the main
widgets render, and moving one control of each changes what its plot or table shows *on the page*.

One fresh JupyterLab server (ci profile, a temporary copy of notebooks/) serves the whole module.
Screenshots land in test-artifacts/browser/. Without Chromium the tests skip with how to install it
(`apt-get install -y chromium`); `.ci/run` installs it, so CI always runs them.

Widget specs: notebook number → the main widget apps, each as (css class of the app's root box,
how to move one of its controls, what must change: "plot" = the plot's data layers / heatmap image,
"output" = the .course-output HTML, "title" = the plot titles). Classes come from
course_lib/widgets/*.py (``css_class``).
"""
from __future__ import annotations

import importlib.util
import platform
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import browser_lab as bl
import figure_layout
from browser_lab import click_button, dropdown, slider, toggle, type_text  # noqa: F401 (used in SPECS)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts" / "browser"


@dataclass
class App:
    css: str                      # the app's css_class, e.g. "course-neighbour-bars"
    move: object                  # a browser_lab action: slider(...), toggle(...), type_text(...), ...
    watch: str = "plot"           # "plot" | "output" | "title" | "any"
    index: int = 0                # which instance, when a notebook shows the app more than once
    timeout_s: float = 60
    notes: str = field(default="")
    message: str = ""             # bad input: the message must contain this ("" = no message at all)
    plot_shown: bool | None = None  # after the move: is a plot on screen (False = the stale one hidden)?
    max_px: int | None = None     # after the move: the app is at most this tall (a capped output)

    def __str__(self):
        return f"{self.css}[{self.index}] {getattr(self.move, '__name__', self.move)} → {self.watch}"


# notebook number → main widget apps. A notebook missing here is only checked for errors.
SPECS: dict[str, list[App]] = {
    "00": [],  # no widget: environment panel, warm-up exercise, progress table
    "01": [
        App("course-neighbour-bars", toggle("one-hot"), "plot"),           # dense → one-hot: all bars drop to 0
        App("course-similarity-heatmap", toggle("one-hot"), "plot"),       # heatmap image becomes the identity
        App("course-similarity-heatmap", type_text("king, queen, water, wine"), "output"),  # new words → new summary
        # stale figure: an unknown word hides the old heatmap (and its summary) until the box is fixed
        App("course-similarity-heatmap", type_text("king, qzxv"), "plot", message="qzxv", plot_shown=False),
        App("course-similarity-heatmap", type_text("king, queen, water"), "plot", plot_shown=True),
    ],
    "02": [
        App("course-window-pairs", slider("window", 1), "plot"),            # wider window → more context cells
        App("course-noise-exponent", slider("exponent", 3, "ArrowLeft"), "plot"),  # α 0.75 → 0.60: bars move
        App("course-training-steps", slider("step", 5), "plot"),            # step 0 → 5: σ(score) markers move
        App("course-loss-curve", toggle("step"), "plot"),                   # x axis words → steps
        App("course-vector-map", slider("words", 3), "plot"),               # 30 more words on the map
        # frozen widget: a typo in the highlight box is a note, and the other controls keep working
        App("course-vector-map", type_text("king, qzxv", "highlight"), "plot", message="qzxv"),
        App("course-vector-map", slider("words", 2), "plot", message="qzxv"),
        App("course-w2v-neighbours", slider("neighbours", 3), "plot"),      # 3 more neighbours per model
    ],
    "03": [
        App("course-analogy-accuracy", toggle("coverage"), "plot"),        # accuracy → coverage bars
        App("course-analogy-explorer", toggle("3CosMul"), "any"),          # 3CosAdd → 3CosMul scores
    ],
    "04": [
        App("course-temperature", slider("τ", 4), "plot"),                 # higher τ → flatter softmax bars
        App("course-logit-matrix", slider("batch N", 2, "ArrowLeft"), "plot"),  # smaller batch → smaller matrix
        App("course-negatives", toggle("random"), "output"),               # dense → random negatives table
        App("course-forces", slider("checkpoint", 1), "plot"),             # next training checkpoint: points move
    ],
    "05": [
        App("course-truncation", slider("dimensions", 5, "ArrowLeft"), "plot"),  # fewer dimensions kept
        App("course-storage-latency", type_text("128", "dimensions"), "plot"),   # the notebook opens at 64 dims
    ],
    "06": [
        App("course-rag-search", type_text("Which planet is closest to the Sun?", "question"), "output"),
        # huge k: capped with a note instead of a page tens of thousands of pixels tall
        App("course-rag-search", type_text("1000", "k"), "output", message="showing the top 50", max_px=9000),
        App("course-rag-stepper", toggle("2 · search"), "any"),            # embed → search step
        App("course-chunk-explorer", slider("size", 2), "plot"),           # bigger chunks → fewer spans
        App("course-index-explorer", slider("nprobe", 1), "plot"),         # probe one more IVF list
    ],
    "07": [
        App("course-batch-negatives", toggle("GradCache"), "plot"),           # k blocks → one full logit matrix
        App("course-batch-negatives", slider("accum. k", 2, "ArrowLeft"), "plot"),  # fewer micro-batches
        # a chunk of 0 is a message, the stale figure hidden; a valid chunk brings it back
        App("course-batch-negatives", type_text("0", "chunk"), "any", message="chunk size", plot_shown=False),
        App("course-batch-negatives", type_text("2", "chunk"), "any", plot_shown=True),
        # ci trains on 12 rows and starts at a queue of 12: two steps right ask for more keys than rows
        App("course-memory-bank", slider("queue K", 2), "any", message="longer than"),
        App("course-temperature", slider("τ", 4), "plot"),                    # scale = 1/τ: flatter softmax
    ],
    "08": [
        App("course-version-switcher", dropdown("fine-tuned queries → shadow (fine-tuned vectors)"), "plot"),
        App("course-version-switcher", dropdown("fine-tuned queries → live collection (refused)"), "any",
            message="Refused", plot_shown=False),                           # the version guard's message
        App("course-user-picker", type_text("user001", "user"), "output"),  # another user's groups
        App("course-user-picker", type_text("nobody", "user"), "any", message="Unknown user"),
        App("course-drift-monitor", slider("up to window", 3, "ArrowLeft"), "plot"),  # back in time
    ],
    "09": [
        App("course-lora-rank", slider("LoRA rank r", 1), "plot"),             # next trained rank: its bars turn red
        App("course-budget", slider("max ms", 6, "ArrowLeft"), "plot"),        # tighter latency budget: points fade
        App("course-budget", slider("max bytes", 6, "ArrowLeft"), "output"),   # tighter memory budget: another best model
    ],
}


def spec_for(notebook: str) -> list[App] | None:
    return SPECS.get(notebook[:2])


# -- fixtures -------------------------------------------------------------------------------------

def _skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is missing (`pip install playwright`; no `playwright install`)"
    if bl.chromium_path() is None:
        return bl.INSTALL_HINT
    return None


@pytest.fixture(scope="module")
def lab():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with bl.LabServer(NOTEBOOKS_DIR) as server:
        yield server


@pytest.fixture(scope="module")
def page(lab):
    with bl.Browser() as p:
        p.set_default_timeout(60_000)
        yield p


def _screenshot(page, name: str, locator=None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        (locator or page).screenshot(path=str(ARTIFACTS / f"{name}.png"), timeout=20_000)
    except Exception:  # noqa: BLE001 - an artefact, never the reason a test fails
        pass


def _record(artifact: str, notebook: str, value) -> None:
    """Add one notebook's figure to a JSON artefact (run-all seconds, figure-layout findings)."""
    import json

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / artifact
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    data[notebook] = value
    path.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))


_APPS_ON_PAGE_JS = """() => Array.from(new Set(Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .widget-box[class*="course-"]')).flatMap(
    e => Array.from(e.classList).filter(c => c.startsWith('course-')))))"""


def _wait_rendered(app, spec: App, timeout_s: float = 60) -> None:
    """The app is visible and its watched part (plot / title / output) shows something."""
    import time

    app.wait_for(state="visible", timeout=timeout_s * 1000)
    app.scroll_into_view_if_needed()
    deadline = time.monotonic() + timeout_s
    while not bl.shows_something(bl.signature(app), spec.watch):
        if time.monotonic() > deadline:
            raise AssertionError(f".{spec.css} rendered no {spec.watch} within {timeout_s:.0f} s: {bl.signature(app)}")
        app.page.wait_for_timeout(250)
    app.page.wait_for_timeout(300)  # a plot may still be drawing its last layer


# -- the tests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_in_lab(lab, page, notebook):
    stem = Path(notebook).stem
    specs = spec_for(notebook)
    try:
        bl.open_notebook(page, lab, notebook)
        # JupyterLab rewrites a notebook's kernelspec and language_info when the kernel starts; the
        # stored ones match this Python, so opening it must not mark it modified.
        page.wait_for_timeout(1500)
        if lab.read_notebook(notebook)["metadata"]["language_info"]["version"] == platform.python_version():
            assert not bl.is_modified(page), f"{notebook} shows as modified as soon as it opens"
        seconds = bl.run_all(page, timeout_s=400)
        print(f"{notebook}: run all {seconds:.1f} s")
        _record("run_all_seconds.json", notebook, round(seconds, 1))
        shown = bl.page_errors(page)
        bl.save(page)
        saved = bl.saved_errors(lab.read_notebook(notebook))
        assert not shown and not saved, "error output in the notebook:\n" + "\n\n".join(shown + saved)
        n_figures, figure_problems = figure_layout.figure_problems(page)
        _record("figure_layout.json", notebook, {"figures": n_figures, "problems": figure_problems})

        on_page = page.evaluate(_APPS_ON_PAGE_JS)
        given_bad_input: set[str] = set()  # apps whose message is expected to stay until fixed
        for spec in specs or []:
            app = page.locator(f".jp-NotebookPanel:not(.lm-mod-hidden) .{spec.css}").nth(spec.index)
            assert spec.css in on_page, f"widget app .{spec.css} not rendered (apps on the page: {on_page})"
            if spec.css in given_bad_input:  # its bad input may have hidden the (stale) plot
                app.scroll_into_view_if_needed()
                before = bl.signature(app)
            else:
                _wait_rendered(app, spec)
                before = bl.signature(app)
                assert not before["messages"], f"{spec.css} shows a message before any change: {before['messages']}"
                assert bl.shows_something(before, spec.watch), f"{spec.css} shows no {spec.watch}: {before}"
            # the reading is stable without a change (so a difference below means the widget reacted)
            page.wait_for_timeout(500)
            assert bl.view(bl.signature(app), spec.watch) == bl.view(before, spec.watch), \
                f"{spec.css}: the page reading changes by itself; the spec cannot tell a reaction"
            spec.move(page, app)
            after = bl.wait_for_change(app, before, spec.watch, timeout_s=spec.timeout_s)
            if spec.message:
                given_bad_input.add(spec.css)
                assert any(spec.message in m for m in after["messages"]), f"{spec} → no message about {spec.message!r}: {after}"
            else:
                assert not after["messages"], f"{spec} → the widget shows a message: {after['messages']}"
            if spec.plot_shown is not None:
                assert bool(after["plots"]) == spec.plot_shown, f"{spec} → plot shown: {bool(after['plots'])}"
            if spec.max_px is not None:
                height = app.evaluate("(el) => el.getBoundingClientRect().height")
                assert height <= spec.max_px, f"{spec} → the app is {height:.0f} px tall"
            _screenshot(page, f"{stem}--{spec.css}", app)
        assert not figure_problems, f"{len(figure_problems)} of {n_figures} figures are hard to read:\n" + "\n".join(figure_problems)
        # after a restart, the last exercise's section runs on its own (its check cell imports check)
        restarted = bl.run_last_exercise_after_restart(page)
        assert not bl.page_errors(page) and "NameError" not in restarted, restarted
        assert restarted.strip(), "the check cell printed nothing after a restart"
        uncovered = sorted(set(on_page) - {s.css for s in specs or []})
        if uncovered:
            print(f"{notebook}: widget apps on the page without a browser spec: {uncovered}")
        _screenshot(page, stem)
    except BaseException:
        _screenshot(page, f"{stem}--FAILED")
        print(lab.log_tail(2000))
        raise
    finally:
        try:
            lab.shutdown_kernels()  # free the kernel's memory before the next notebook
        except OSError:
            pass
    if specs is None:
        warnings.warn(f"{notebook}: ran without error in the browser; no widget spec yet, so no widget was driven")


# -- the detectors themselves: an error cell is caught, a widget that does not react fails ----------

SELFTEST_CELLS = [
    '''import ipywidgets as W
import plotly.graph_objects as go
from course_lib.widgets.base import WidgetApp, figure_widget


class Live(WidgetApp):
    css_class = "course-selftest-live"

    def __init__(self):
        controls = {"n": W.IntSlider(value=3, min=1, max=10, description="n"),
                    "kind": W.ToggleButtons(options=["up", "flat"], description="kind"),
                    "label": W.Text(value="hello", description="label")}
        super().__init__(controls, figure_widget(go.Figure(go.Scatter(y=[0, 1, 2]), layout={"title": "t"})))

    def update(self, n, kind, label):
        if label == "bad":
            raise ValueError("bad label")
        with self.figure.batch_update():
            self.figure.data[0].y = list(range(n)) if kind == "up" else [1] * n
        self.output.value = f"<div>n={n} kind={kind} label={label}</div>"


class Dead(Live):
    css_class = "course-selftest-dead"

    def update(self, n, kind, label):
        pass''',
    "Live()",
    "Dead()",
    # figures a reader cannot read: the figure-layout checks must name each problem
    '''from IPython.display import display
display(go.Figure(go.Scatter(x=[2, 10, 50, 300], y=[1, 2, 3, 4]),
                  layout=dict(xaxis_type="log", title="selftest: a title far too long to fit " * 8)))
display(go.Figure(go.Scatter(x=[0, 5, 5.05, 10], y=[1, 1, 1, 1], mode="markers+text", text=["x", "alpha", "beta", "y"])))
display(go.Figure([go.Bar(x=list("abcd"), y=[5, 5, 5, 5], name="one"), go.Bar(x=list("abcd"), y=[5, 5, 5, 5], name="two")],
                  layout=dict(legend=dict(x=0.3, y=0.5))))''',
    "raise RuntimeError('selftest: this error must be detected')",
]


def test_detectors_read_the_page(lab, page):
    """The checks above really read the page: they see an error output and a widget that stays put."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in SELFTEST_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, lab.root / "zz_selftest.ipynb")
    try:
        bl.open_notebook(page, lab, "zz_selftest.ipynb")
        bl.run_all(page, timeout_s=120)
        errors = bl.page_errors(page)
        assert len(errors) == 1 and "selftest: this error must be detected" in errors[0], errors

        live = page.locator(".course-selftest-live").first
        dead = page.locator(".course-selftest-dead").first
        for app in (live, dead):
            _wait_rendered(app, App("x", None, "plot"))
        assert bl.shows_something(bl.signature(live), "output") and not bl.shows_something(bl.signature(dead), "output")
        for move, watch in ((slider("n", 2), "plot"), (toggle("flat"), "plot"), (type_text("world"), "output")):
            before = bl.signature(live)
            move(page, live)
            after = bl.wait_for_change(live, before, watch, timeout_s=30)
            assert bl.view(after, watch) != bl.view(before, watch)
            dead_before = bl.signature(dead)
            move(page, dead)
            with pytest.raises(AssertionError, match="did not change"):
                bl.wait_for_change(dead, dead_before, watch, timeout_s=2)
        type_text("bad")(page, live)
        page.wait_for_function("(el) => el.textContent.includes('bad label')",
                               arg=live.locator(".course-message").element_handle(), timeout=30_000)
        assert bl.signature(live)["messages"], "a widget's error message is not read from the page"
        n_figures, problems = figure_layout.figure_problems(page)
        found = "\n".join(problems)
        assert n_figures >= 3, problems  # at least the three bad figures
        for expected in ("title runs outside the figure", "minor-tick digits", "overlapping text label",
                         "legend covers"):
            assert expected in found, f"the figure-layout check missed «{expected}»:\n{found}"
    finally:
        lab.shutdown_kernels()
