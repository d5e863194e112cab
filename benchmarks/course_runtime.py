"""Course-wide runtime and memory: every notebook executed top to bottom, per profile.

    .venv/bin/python benchmarks/course_runtime.py                 # ci, then laptop
    .venv/bin/python benchmarks/course_runtime.py --profile ci    # just one profile
    .venv/bin/python benchmarks/course_runtime.py --profile ci --notebooks 00 01

Each notebook runs in a fresh kernel (nbclient) on a temporary copy of notebooks/, in order
(a later notebook may load a model an earlier one saved), with COURSE_PROFILE set and the
learner's progress file untouched. Figures per profile: total_s and, per notebook, wall_s,
peak_rss_mb (the kernel process's VmHWM, read from /proc before the kernel stops),
peak_tree_rss_mb (the largest summed RSS of the kernel and its child processes, sampled every
0.2 s with psutil) and errors (cells with an error output). Targets on a 2-core CPU: all
notebooks under 8 min in ci and 30 min in laptop; under 4 GiB peak resident memory per notebook.
Progress goes to stderr; the JSON object is the last line of stdout.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import Timer, emit, log  # noqa: E402

from course_lib import runtime  # noqa: E402

TARGETS = {"ci_total_s": 8 * 60, "laptop_total_s": 30 * 60, "peak_rss_mb": 4 * 1024}


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class TreeSampler(threading.Thread):
    """Largest summed RSS of a process and its descendants, sampled until stopped."""

    def __init__(self, pid: int, every_s: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.peak_mb = 0.0
        self.hwm_mb: float | None = None
        self._halt = threading.Event()

    def run(self):
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._halt.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_mb = max(self.peak_mb, total / 2**20)
                self.hwm_mb = _vm_hwm_mb(self.pid) or self.hwm_mb
            except psutil.Error:
                break
            self._halt.wait(self.every_s)

    def stop(self):
        self.hwm_mb = _vm_hwm_mb(self.pid) or self.hwm_mb
        self._halt.set()
        self.join(timeout=5)


def run_notebook(path: Path, profile: str, timeout_s: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    holder: dict = {}

    def on_start(**_):
        proc = getattr(getattr(client.km, "provisioner", None), "process", None)
        pid = getattr(proc, "pid", None)
        if pid:
            holder["sampler"] = TreeSampler(pid)
            holder["sampler"].start()

    def on_complete(**_):  # still inside the kernel's lifetime: read its high-water mark now
        if "sampler" in holder:
            holder["sampler"].stop()

    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}},
                            on_notebook_start=on_start, on_notebook_complete=on_complete)
    with Timer() as t:
        try:
            client.execute()
        except Exception as err:  # noqa: BLE001 - a timeout or dead kernel is a figure, not a crash
            holder["failure"] = f"{type(err).__name__}: {str(err)[:300]}"
    sampler = holder.get("sampler")
    if sampler is not None and sampler.is_alive():
        sampler.stop()
    errors = [f"{o.get('ename')}: {str(o.get('evalue'))[:200]}" for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    row = {"wall_s": round(t.seconds, 1),
           "peak_rss_mb": round(sampler.hwm_mb, 1) if sampler and sampler.hwm_mb else None,
           "peak_tree_rss_mb": round(sampler.peak_mb, 1) if sampler else None,
           "errors": len(errors)}
    if errors:
        row["first_error"] = errors[0]
    if "failure" in holder:
        row["failure"] = holder["failure"]
    return row


def run_profile(profile: str, notebooks: list[Path], timeout_s: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"course-bench-{profile}-"))
    old = dict(os.environ)
    os.environ.update({"COURSE_PROFILE": profile, "COURSE_NO_PROGRESS": "1",
                       "COURSE_PROGRESS_FILE": str(tmp / "progress.json")})
    rows: dict[str, dict] = {}
    import nbclient  # noqa: F401 - imported before the clock starts
    import nbformat  # noqa: F401
    try:
        copy = tmp / "notebooks"
        shutil.copytree(runtime.NOTEBOOKS_DIR, copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        with Timer() as total:
            for src in notebooks:
                log(f"[{profile}] {src.name} …")
                rows[src.stem] = row = run_notebook(copy / src.name, profile, timeout_s)
                log(f"[{profile}] {src.name}: {row['wall_s']} s, peak RSS {row['peak_rss_mb']} MB "
                    f"(tree {row['peak_tree_rss_mb']} MB), {row['errors']} error(s)")
    finally:
        os.environ.clear()
        os.environ.update(old)
        shutil.rmtree(tmp, ignore_errors=True)
    peaks = [r["peak_rss_mb"] or 0 for r in rows.values()] + [r["peak_tree_rss_mb"] or 0 for r in rows.values()]
    total_target = TARGETS.get(f"{profile}_total_s")
    return {"total_s": round(total.seconds, 1), "notebooks": rows,
            "max_peak_rss_mb": round(max(peaks, default=0), 1),
            "errors": sum(r["errors"] for r in rows.values()),
            "within_targets": (all(p < TARGETS["peak_rss_mb"] for p in peaks)
                               and (total_target is None or total.seconds < total_target)
                               and not any(r["errors"] or "failure" in r for r in rows.values()))}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=runtime.PROFILES, default=None,
                        help="run only this profile (default: ci, then laptop)")
    parser.add_argument("--notebooks", nargs="*", default=None, metavar="NN",
                        help="only these notebooks, by number (default: all)")
    parser.add_argument("--timeout", type=int, default=3600, help="per-cell timeout in seconds")
    args = parser.parse_args()
    notebooks = sorted(runtime.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        notebooks = [p for p in notebooks if p.name[:2] in set(args.notebooks)]
    profiles = [args.profile] if args.profile else ["ci", "laptop"]
    result = {p: run_profile(p, notebooks, args.timeout) for p in profiles}
    result["meta"] = {"cpus": os.cpu_count(), "load_avg_1m_at_end": round(os.getloadavg()[0], 2),
                      "targets": TARGETS, "notebooks": [p.name for p in notebooks]}
    emit(result)


if __name__ == "__main__":
    main()
