"""Execute course notebooks in a fresh kernel (ci profile), optionally with reference solutions."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib import runtime
from course_lib.exercises import core
from course_lib.exercises.grade import _grading_cell, grade_rows, notebook_id
from learner_solutions import alternative_sources

NOTEBOOKS = sorted(runtime.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def exercise_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and "exercise" in c.metadata.get("tags", [])]


def with_reference_solutions(nb, notebook: str):
    """Replace every exercise cell's stub with an import of the library's reference solution."""
    for cell in exercise_cells(nb):
        ex_id = cell.metadata["exercise"]
        cell.source = f"from course_lib.exercises.definitions.nb{notebook} import {ex_id}"
    return nb


def run(path: Path, *, solutions: bool = False, twice: bool = False, grade: bool = False,
        timeout_s: int = 600, env: dict | None = None, replace: dict | None = None):
    """Execute the notebook; return (executed notebook, grade rows or None).

    ``twice`` runs every cell a second time in the same kernel (the no-restart promise);
    ``replace`` maps an exercise id to the source its exercise cell gets (a learner's solution).
    Executions are memoised for the test session: the generic notebook tests and a notebook's
    own tests share one run instead of paying for it twice."""
    key = (Path(path).resolve(), solutions, twice, grade, tuple(sorted((env or {}).items())),
           tuple(sorted((replace or {}).items())))
    if key not in _RUNS:
        _RUNS[key] = _execute(path, solutions=solutions, twice=twice, grade=grade, timeout_s=timeout_s, env=env,
                              replace=replace)
    return _RUNS[key]


_RUNS: dict = {}


def _execute(path: Path, *, solutions: bool, twice: bool, grade: bool, timeout_s: int, env: dict | None,
             replace: dict | None = None):
    nb = nbformat.read(path, as_version=4)
    nid = notebook_id(path)
    if solutions:
        with_reference_solutions(nb, nid)
    for cell in exercise_cells(nb):
        if cell.metadata["exercise"] in (replace or {}):
            cell.source = replace[cell.metadata["exercise"]]
    cells = list(nb.cells)
    if twice:
        nb.cells = cells + [nbformat.from_dict(nbformat.v4.new_code_cell(c.source)) if c.cell_type == "code" else c
                            for c in cells]
    if grade:
        nb.cells.append(nbformat.v4.new_code_cell(_grading_cell(nid)))
    old = dict(os.environ)
    # The reference solutions come from course_lib, which check and the grader refuse from learners.
    allow = {core.ALLOW_REFERENCE_ENV: "1"} if solutions else {}
    os.environ.update({"COURSE_PROFILE": "ci", **allow, **(env or {})})
    try:
        NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                       extra_arguments=["--IPKernelApp.log_level=ERROR"], resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    rows = grade_rows(nb) if grade else None
    return nb, rows


def reference_run(path: Path):
    """The (memoised) graded run with the reference solutions, twice in one kernel; asserts that it
    raised nothing and scored full marks on exactly the notebook's exercises. Returns the notebook.

    One exercise per notebook gets a learner-style solution instead of the reference
    (``learner_solutions``), so that the same run also shows the learner's code driving the notebook."""
    nb, rows = run(path, solutions=True, twice=True, grade=True, replace=alternative_sources(notebook_id(path)))
    assert errors(nb) == []
    expected = {e.id for e in core.for_notebook(Path(path).name[:2])}
    assert rows is not None and {r["exercise"] for r in rows} == expected
    assert all(r["passed"] and r["score"] == r["points"] for r in rows), rows
    return nb


def errors(nb) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}\n  in cell:\n{c.source[:400]}"
            for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def stream_text(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("output_type") == "stream")
