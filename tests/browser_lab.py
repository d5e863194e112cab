"""JupyterLab in headless Chromium, for the real-browser tests (tests/test_browser.py).

* :class:`LabServer` starts ``jupyter lab`` on a free local port with a throw-away configuration
  (JUPYTER_CONFIG_DIR / DATA / RUNTIME, IPYTHONDIR, TMPDIR in a temporary folder, a random token,
  the news toast off, every notebook cell rendered) serving a temporary *copy* of ``notebooks/``,
  so nothing is written back into the repository. Its kernels run with ``COURSE_PROFILE=ci``.
* :func:`launch_browser` starts Debian's Chromium through Playwright (Playwright's own browser
  download does not work offline); :func:`chromium_path` finds it, or returns ``None``.
* Page helpers: open a notebook, run all cells, wait for the kernel, list error outputs, and read
  a widget app's *signature* — what its plot and table show, taken from the page's DOM.

Recipe: ../shared/BROWSER_TESTING.md (verified on the project's machines).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

INSTALL_HINT = ("Chromium is not installed: the browser tests need Debian's Chromium "
                "(`apt-get install -y chromium`, as root) and the Python package playwright "
                "(`pip install playwright`; do not run `playwright install`).")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    """Debian's Chromium, or ``None`` (then the browser tests skip with :data:`INSTALL_HINT`)."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the server ---------------------------------------------------------------------------------

LAB_SETTINGS = {
    # no "would you like to receive news?" toast over the notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                        "checkForUpdates": False},
    # render every cell (JupyterLab 4 may otherwise leave off-screen cells out of the DOM)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class LabServer:
    """``with LabServer(notebooks_dir) as lab:`` — a fresh JupyterLab serving a copy of the notebooks."""

    def __init__(self, notebooks_dir: Path, env: dict | None = None, startup_timeout_s: float = 90):
        self.source = Path(notebooks_dir)
        self.extra_env = dict(env or {})
        self.startup_timeout_s = startup_timeout_s
        self.proc: subprocess.Popen | None = None

    # the temporary tree: home/ (all Jupyter configuration) and notebooks/ (the copy served)
    def __enter__(self) -> "LabServer":
        self.tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root = self.tmp / "notebooks"
        shutil.copytree(self.source, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        home = self.tmp / "home"
        dirs = {"JUPYTER_CONFIG_DIR": home / "config", "JUPYTER_DATA_DIR": home / "data",
                "JUPYTER_RUNTIME_DIR": home / "runtime", "IPYTHONDIR": home / "ipython",
                "TMPDIR": home / "tmp"}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        for rel, settings in LAB_SETTINGS.items():
            path = dirs["JUPYTER_CONFIG_DIR"] / "lab" / "user-settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **{k: str(v) for k, v in dirs.items()},
               "COURSE_PROFILE": "ci", "COURSE_NO_PROGRESS": "1", "PYTHONUNBUFFERED": "1",
               # a private, empty progress file: the page never shows (or writes) the learner's
               "COURSE_PROGRESS_FILE": str(home / "progress.json"),
               **self.extra_env}
        env.pop("JUPYTER_PATH", None)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.news_url=None", "--ServerApp.port_retries=0", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = self.tmp / "lab.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, env=env, cwd=self.root, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"jupyter lab did not answer within {self.startup_timeout_s:.0f} s:\n{self.log_tail()}")

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def read_notebook(self, name: str) -> dict:
        """The notebook as the page last saved it (outputs included)."""
        return json.loads((self.root / name).read_text())

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels") or []:
            try:
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            except OSError:
                pass

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode(errors="replace")
        except OSError:
            return ""

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except OSError:
                pass
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: the server and its kernels
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if getattr(self, "_log", None):
            self._log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# -- the browser --------------------------------------------------------------------------------

class Browser:
    """``with Browser() as page:`` — one headless Chromium page (a persistent, throw-away profile)."""

    def __init__(self, viewport=(1400, 1000)):
        self.viewport = {"width": viewport[0], "height": viewport[1]}

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        self.ctx = self._pw.chromium.launch_persistent_context(
            self.profile, executable_path=chromium_path(), args=CHROMIUM_FLAGS, headless=True,
            viewport=self.viewport)
        self.page = self.ctx.pages[0] if self.ctx.pages else self.ctx.new_page()
        return self.page

    def __exit__(self, *exc):
        try:
            self.ctx.close()
        finally:
            self._pw.stop()
            shutil.rmtree(self.profile, ignore_errors=True)


# -- page helpers -------------------------------------------------------------------------------

def wait_idle(page, timeout_s: float = 120) -> None:
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=timeout_s * 1000)


def open_notebook(page, lab: LabServer, name: str, timeout_s: float = 120) -> None:
    page.goto(lab.notebook_url(name), wait_until="domcontentloaded", timeout=timeout_s * 1000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=timeout_s * 1000)
    wait_idle(page, timeout_s)  # the kernel has started


def is_modified(page) -> bool:
    """Whether the open notebook's tab shows the unsaved-changes dot."""
    return page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() > 0


def _run_command(page, menu: str, command: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(f'li.lm-Menu-item[data-command="{command}"]').click()


# a code cell's prompt: "[ ]:" never run, "[*]:" queued or running, "[12]:" done
_PROMPTS_JS = """() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"""


def run_all(page, timeout_s: float = 300) -> float:
    """Run > Run All Cells, then wait until every code cell has an execution count. Returns seconds."""
    start = time.monotonic()
    _run_command(page, "Run", "runmenu:run-all")
    page.wait_for_function(
        f"""() => {{ const p = ({_PROMPTS_JS})();
                    return p.length > 0 && p.every(t => /^\\[\\d+\\]:?$/.test(t)); }}""",
        timeout=timeout_s * 1000, polling=500)
    wait_idle(page, timeout_s)
    return time.monotonic() - start


def prompts(page) -> list[str]:
    return page.evaluate(_PROMPTS_JS)


def save(page) -> None:
    _run_command(page, "File", "docmanager:save")
    page.wait_for_timeout(300)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-mod-dirty").first.wait_for(state="detached", timeout=30000)


_ERRORS_JS = """() => {
  const found = [];
  for (const cell of document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')) {
    const src = (cell.querySelector('.jp-InputArea-editor') || {}).textContent || '';
    for (const out of cell.querySelectorAll('.jp-OutputArea-output')) {
      const text = out.textContent || '';
      const isErr = /Traceback \\(most recent call last\\)/.test(text) ||
                    (out.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr'
                     && /^\\s*-{20,}\\s*\\n?\\s*\\w+(Error|Exception)\\b/.test(text)) ||
                    /Error displaying widget|Failed to load model class|Error rendering output/.test(text);
      if (isErr) found.push(src.slice(0, 120) + '\\n  -> ' + text.slice(0, 600));
    }
  }
  return found;
}"""


def page_errors(page) -> list[str]:
    """Error outputs (tracebacks, widgets that failed to render) as shown on the page."""
    return page.evaluate(_ERRORS_JS)


def saved_errors(nb: dict) -> list[str]:
    """Error outputs in a notebook file saved by the page."""
    return [f"{o.get('ename')}: {o.get('evalue')}\n  in cell: {''.join(c.get('source', ''))[:200]}"
            for c in nb.get("cells", []) if c.get("cell_type") == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


# What a widget app shows, read from the page: its plots' data layers (trace paths, heatmap
# images, points, text), its plots' titles and its .course-output HTML. Axis ticks, hover layers
# and ids are left out so that the signature only changes when the data shown does.
_SIGNATURE_JS = """(app) => {
  const DATA = '.overplot, .cartesianlayer .plot, .polarlayer, .ternarylayer, .pielayer, .sunburstlayer, ' +
               '.treemaplayer, .iciclelayer, .funnelarealayer, .indicatorlayer, .geolayer';
  const plots = Array.from(app.querySelectorAll('.js-plotly-plot')).map(p => {
    const layers = Array.from(p.querySelectorAll(DATA)).map(l => l.innerHTML).filter(h => h.trim());
    const imgs = Array.from(p.querySelectorAll('image')).map(i => i.getAttribute('href') || i.getAttribute('xlink:href') || '');
    const titles = Array.from(p.querySelectorAll('.gtitle')).map(t => t.textContent);
    // WebGL traces (scatter3d, scattergl) draw on a canvas: read the data the page plotted instead
    const gl = p.querySelector('.gl-container canvas, canvas.gl-canvas') ?
        JSON.stringify((p.data || []).map(t => [t.x, t.y, t.z, t.text].map(a => a ? Array.from(a) : null))) : '';
    // drawn marks: trace groups that hold any shape, heatmap images, pie slices (an empty plot has none)
    const marks = Array.from(p.querySelectorAll('.trace')).filter(t => t.querySelector('path, image, text, rect')).length +
                  imgs.filter(Boolean).length + p.querySelectorAll('.slice').length + (gl ? (p.data || []).length : 0);
    return {data: layers.join('|'), images: imgs.filter(Boolean).join('|'), titles: titles.join('|'), gl, marks};
  });
  const outs = Array.from(app.querySelectorAll('.course-output')).map(o => o.innerHTML);
  const msgs = Array.from(app.querySelectorAll('.course-message')).map(o => o.textContent.trim()).filter(Boolean);
  return {plots, outputs: outs, messages: msgs};
}"""


def signature(locator) -> dict:
    return locator.evaluate(_SIGNATURE_JS)


def view(sig: dict, watch: str) -> str:
    """The part of a signature a spec watches: ``plot`` (data layers + images), ``title``, ``output``."""
    if watch == "plot":
        return json.dumps([[p["data"], p["images"], p["gl"]] for p in sig["plots"]])
    if watch == "title":
        return json.dumps([p["titles"] for p in sig["plots"]])
    if watch == "output":
        return json.dumps(sig["outputs"])
    if watch == "any":
        return json.dumps([view(sig, w) for w in ("plot", "title", "output")])
    raise ValueError(f"unknown watch {watch!r}")


def shows_something(sig: dict, watch: str) -> bool:
    """Whether the watched part holds anything at all (drawn traces, an image, text)."""
    if watch == "plot":
        return any(p["marks"] > 0 for p in sig["plots"])
    if watch == "title":
        return any(p["titles"].strip() for p in sig["plots"])
    if watch == "output":
        return any(re.sub(r"<[^>]*>", "", o).strip() for o in sig["outputs"])
    return any(shows_something(sig, w) for w in ("plot", "title", "output"))


def wait_for_change(locator, before: dict, watch: str, timeout_s: float = 60) -> dict:
    """Poll the page until what ``watch`` reads differs from ``before``; return the new signature."""
    old = view(before, watch)
    deadline = time.monotonic() + timeout_s
    while True:
        now = signature(locator)
        if view(now, watch) != old:
            # let a redraw in several steps finish, then read again
            locator.page.wait_for_timeout(400)
            return signature(locator)
        if time.monotonic() > deadline:
            raise AssertionError(f"the widget's {watch} did not change within {timeout_s:.0f} s")
        locator.page.wait_for_timeout(250)


# -- moving controls ------------------------------------------------------------------------------
# Each returns a function (page, app locator) -> None that moves one control like a learner would.

def _control(app, css: str, label: str | None):
    loc = app.locator(css)
    if label is not None:
        loc = loc.filter(has=app.page.locator(".widget-label", has_text=label))
    return loc.first


def slider(label: str | None = None, presses: int = 3, key: str = "ArrowRight"):
    """Focus an int/float slider's handle (``.noUi-handle``) and press an arrow key."""
    def move(page, app):
        handle = _control(app, ".widget-slider", label).locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(presses):
            page.keyboard.press(key)
        handle.blur()
    move.__name__ = f"slider({label!r}, {key}×{presses})"
    return move


def toggle(option: str, label: str | None = None):
    """Click one button of a ToggleButtons control."""
    def move(page, app):
        if label is None:  # the button with this text, in whichever ToggleButtons control holds it
            app.locator(".widget-toggle-buttons button", has_text=option).first.click()
        else:
            _control(app, ".widget-toggle-buttons", label).locator("button", has_text=option).first.click()
    move.__name__ = f"toggle({option!r})"
    return move


def dropdown(option: str, label: str | None = None):
    def move(page, app):
        _control(app, ".widget-dropdown", label).locator("select").select_option(label=option)
    move.__name__ = f"dropdown({option!r})"
    return move


def type_text(text: str, label: str | None = None):
    """Replace a Text / Textarea control's value and press Enter (continuous_update is off)."""
    def move(page, app):
        box = _control(app, ".widget-text, .widget-textarea", label).locator("input, textarea").first
        box.fill(text)
        box.press("Enter")
        box.blur()
    move.__name__ = f"type_text({text!r})"
    return move


def click_button(text: str):
    def move(page, app):
        app.locator("button.widget-button, .widget-button", has_text=text).first.click()
    move.__name__ = f"click_button({text!r})"
    return move


# -- a kernel restart, as a learner does it ------------------------------------------------------

def restart_kernel(page, timeout_s: float = 60) -> None:
    """Kernel > Restart Kernel…, confirm, and wait for the new kernel."""
    _run_command(page, "Kernel", "kernelmenu:restart")
    page.locator(".jp-Dialog button.jp-mod-accept").first.click()
    page.wait_for_timeout(1000)
    wait_idle(page, timeout_s)


_LAST_CHECK_JS = r"""() => {
  const cells = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell'));
  // innerText keeps the editor's line breaks (textContent runs "…show_progress" into "check(")
  const src = c => (c.querySelector('.jp-InputArea-editor') || {}).innerText || '';
  for (let i = cells.length - 1; i > 0; i--) if (/(^|[^.\w])check\(/.test(src(cells[i]))) return i;
  return -1;
}"""


def run_last_exercise_after_restart(page, timeout_s: float = 120) -> str:
    """Restart the kernel, then run only the last exercise cell and its check cell (the top of the
    exercise's section). Returns the check cell's output text."""
    index = page.evaluate(_LAST_CHECK_JS)
    assert index > 0, "no check cell found on the page"
    restart_kernel(page)
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell")
    for count, i in enumerate((index - 1, index), start=1):
        cell = cells.nth(i)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-prompt").click()
        page.keyboard.press("Shift+Enter")
        page.wait_for_function(
            "([el, n]) => el.textContent.trim().replace(/:$/, '') === `[${n}]`",
            arg=[cell.locator(".jp-InputArea-prompt").element_handle(), count], timeout=timeout_s * 1000)
    wait_idle(page, timeout_s)
    return cells.nth(index).locator(".jp-OutputArea").inner_text()
