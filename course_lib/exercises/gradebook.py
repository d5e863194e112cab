"""An instructor's gradebook: grade a folder of learners' notebooks.

    python -m course_lib.exercises.gradebook SUBMISSIONS [--out DIR] [--limit 600] [--workers N] [--tests DIR]

Every ``*.ipynb`` under SUBMISSIONS is one submission (``alice.ipynb``, or ``alice/01_….ipynb``).
Each runs in its own worker process and a fresh kernel, with a time limit for the whole notebook,
up to one at a time per core. The gradebook (``gradebook.csv`` and ``gradebook.json``) has one row
per submission: its status, wall time, total, and per exercise the score and the first failure.

status: ``ok`` (ran to the end and was graded), ``timeout`` (still running at the limit),
``crashed`` (the kernel died or the notebook could not be run) or ``invalid`` (not a notebook, or
not one of the course's). A bad submission gets its row and never stops the run.

``--tests DIR`` adds an instructor's own hidden cases, kept outside the learners' installation:
every ``*.py`` file in DIR may define ``HIDDEN_CASES = {"exercise_id": [Case(...), ...]}``. (The
hidden cases shipped with the course are hidden from view in the notebook, not secret: a learner
can read them in ``course_lib``.)
"""
from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from .. import runtime
from .grade import cell_errors, grade_rows, with_grading_cell
from .registry import REGISTRY, for_notebook, load_all

STATUSES = ("ok", "timeout", "crashed", "invalid")
_RESULT = "@@GRADEBOOK-ROW@@"


# ---- finding submissions -----------------------------------------------------------------------------

def find_submissions(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def learner_of(path: Path, folder: Path) -> str:
    return Path(path).relative_to(folder).with_suffix("").as_posix()


def which_notebook(path: Path, nb) -> str | None:
    """The course notebook a submission is: from its exercise cells, else from its file name."""
    load_all()
    for cell in nb.cells:
        ex_id = cell.get("metadata", {}).get("exercise")
        if ex_id in REGISTRY:
            return REGISTRY[ex_id].notebook
    match = re.match(r"(\d\d)_", Path(path).name)
    return match.group(1) if match else None


# ---- grading one submission (in the parent) --------------------------------------------------------

def _row(learner: str, path: Path, notebook: str | None, status: str, wall_s: float, message: str = "",
         exercises: dict | None = None, errors: list | None = None) -> dict:
    exercises = exercises or {}
    return {"learner": learner, "path": str(path), "notebook": notebook, "status": status,
            "wall_s": round(wall_s, 2), "score": round(sum(e["score"] for e in exercises.values()), 3),
            "points": sum(e["points"] for e in exercises.values()), "message": message,
            "exercises": exercises, "errors": errors or []}


def _empty_exercises(notebook: str | None, why: str) -> dict:
    """Every exercise of the notebook at 0, with the reason as its first failure."""
    if notebook is None:
        return {}
    return {ex.id: {"score": 0.0, "points": ex.points, "first_failure": why} for ex in for_notebook(notebook)}


def grade_submission(path: Path, folder: Path, *, limit_s: float, profile: str = "ci",
                     tests_dir: Path | None = None) -> dict:
    """One gradebook row. Never raises: every way a submission can fail becomes its status."""
    import nbformat

    learner, start = learner_of(path, folder), time.monotonic()
    try:
        nb = nbformat.read(path, as_version=4)
        notebook = which_notebook(path, nb)
    except Exception as err:  # noqa: BLE001 - not JSON, not a notebook
        return _row(learner, path, None, "invalid", time.monotonic() - start, f"not a notebook: {type(err).__name__}: {err}")
    if notebook is None:
        return _row(learner, path, None, "invalid", time.monotonic() - start, "no course exercise found in this notebook")
    # The limit counts from now, in wall-clock time, so the worker's own start-up is part of it.
    cmd = [sys.executable, "-m", "course_lib.exercises.gradebook", "--worker", str(path), "--notebook", notebook,
           "--profile", profile, "--limit", str(limit_s), "--deadline", repr(time.time() + limit_s)] \
        + (["--tests", str(tests_dir)] if tests_dir else [])
    try:
        # The worker keeps the limit itself; this backstop only catches a worker that cannot.
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit_s + 60,
                              env={**os.environ, "COURSE_NO_PROGRESS": "1"})
        report = next((json.loads(line[len(_RESULT):]) for line in proc.stdout.splitlines() if line.startswith(_RESULT)), None)
    except subprocess.TimeoutExpired:
        report = {"status": "timeout", "message": f"the notebook did not finish within {limit_s:g} s"}
    if report is None:
        report = {"status": "crashed", "message": f"the grader's worker failed: {proc.stderr.strip()[-300:]}"}
    exercises = _empty_exercises(notebook, report.get("message", "") or "not graded")
    for r in report.get("rows", []):
        first = r["first_failure"] or (None if r["attempted"] else "not attempted")
        exercises[r["exercise"]] = {"score": r["score"], "points": r["points"], "first_failure": first}
    return _row(learner, path, notebook, report["status"], time.monotonic() - start, report.get("message", ""),
                exercises, report.get("errors", []))


# ---- the worker: one notebook, one fresh kernel, one deadline ----------------------------------------

def run_worker(path: Path, notebook: str, profile: str, limit_s: float, tests_dir: str | None,
               deadline_epoch: float | None = None) -> dict:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb = with_grading_cell(path, notebook, tests_dir)
    os.environ[runtime.PROFILE_ENV] = profile
    left = limit_s if deadline_epoch is None else deadline_epoch - time.time()
    deadline = time.monotonic() + left
    client = NotebookClient(nb, kernel_name="python3", allow_errors=True, shutdown_kernel="immediate",
                            timeout_func=lambda cell: max(1, int(deadline - time.monotonic() + 0.999)),
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(Path(path).parent)}})
    try:
        client.execute()
    except CellTimeoutError:
        return {"status": "timeout", "message": f"the notebook did not finish within {limit_s:g} s"}
    except DeadKernelError as err:
        return {"status": "crashed", "message": f"the kernel died: {err}"}
    except Exception as err:  # noqa: BLE001 - anything else that stops the run
        return {"status": "crashed", "message": f"the notebook could not be run: {type(err).__name__}: {err}"}
    rows, errors = grade_rows(nb), cell_errors(nb)
    if rows is None:
        return {"status": "crashed", "message": "the grading cell did not report", "errors": errors}
    return {"status": "ok", "rows": rows, "errors": errors}


# ---- the whole folder ------------------------------------------------------------------------------------

def grade_folder(folder: Path, *, limit_s: float = 600, workers: int | None = None, profile: str = "ci",
                 tests_dir: Path | None = None) -> list[dict]:
    folder = Path(folder)
    paths = find_submissions(folder)
    workers = max(1, workers or os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:   # threads only wait on processes
        futures = [pool.submit(grade_submission, p, folder, limit_s=limit_s, profile=profile, tests_dir=tests_dir)
                   for p in paths]
        return [f.result() for f in futures]


def write_gradebook(rows: list[dict], out: Path) -> tuple[Path, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = out / "gradebook.json", out / "gradebook.csv"
    json_path.write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    exercise_ids = list(dict.fromkeys(ex for r in rows for ex in r["exercises"]))
    with csv_path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["learner", "notebook", "status", "wall_s", "score", "points", "message"]
                        + [c for ex in exercise_ids for c in (ex, f"{ex} first failure")])
        for r in rows:
            cells = []
            for ex in exercise_ids:
                e = r["exercises"].get(ex)
                cells += ["" if e is None else e["score"], "" if e is None else (e["first_failure"] or "")]
            writer.writerow([r["learner"], r["notebook"] or "", r["status"], r["wall_s"], r["score"], r["points"],
                             r["message"]] + cells)
    return csv_path, json_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a folder of learners' notebooks")
    parser.add_argument("--out", type=Path, help="where to write gradebook.csv and .json (default: the folder)")
    parser.add_argument("--limit", type=float, default=900, help="seconds per notebook (default 900)")
    parser.add_argument("--workers", type=int, default=None, help="notebooks at a time (default: one per core)")
    parser.add_argument("--tests", type=Path, help="a folder of extra hidden cases (HIDDEN_CASES in *.py)")
    parser.add_argument("--profile", default="ci", choices=runtime.PROFILES)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--notebook", help=argparse.SUPPRESS)
    parser.add_argument("--deadline", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        report = run_worker(args.worker, args.notebook, args.profile, args.limit, str(args.tests) if args.tests else None,
                            args.deadline)
        print(_RESULT + json.dumps(report), flush=True)
        return 0
    if args.folder is None or not args.folder.is_dir():
        parser.error("give a folder of notebooks")
    rows = grade_folder(args.folder, limit_s=args.limit, workers=args.workers, profile=args.profile, tests_dir=args.tests)
    csv_path, json_path = write_gradebook(rows, args.out or args.folder)
    for r in rows:
        print(f"{r['learner']:<30} {r['status']:<8} {r['score']:>6g}/{r['points']:<4g} {r['wall_s']:>7.1f} s  {r['message']}")
    print(f"gradebook: {csv_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
