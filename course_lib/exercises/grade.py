"""Grade learners' notebooks: ``python -m course_lib.exercises.grade [NOTEBOOK ...]``.

Each notebook is executed top to bottom in a fresh kernel (``ci`` profile unless --profile says
otherwise; a failing cell does not stop the run), then every exercise of that notebook is run
against its visible *and* hidden cases. A score table is printed and the scores are recorded in
the learner's progress file. With no argument, every notebook in notebooks/ is graded.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .. import runtime
from . import progress
from .core import CaseResult, CheckResult, for_notebook, refuse_course_function, run_cases

MARKER = "@@COURSE-GRADES@@"


def notebook_id(path: Path) -> str:
    return Path(path).name[:2]


def load_extra_cases(tests_dir: str | Path | None) -> dict[str, list]:
    """An instructor's own hidden cases: ``HIDDEN_CASES = {exercise_id: [Case, ...]}`` in any
    ``*.py`` file of ``tests_dir`` (kept outside the learners' installation)."""
    import dataclasses
    import importlib.util

    extra: dict[str, list] = {}
    if not tests_dir:
        return extra
    for path in sorted(Path(tests_dir).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"_course_hidden_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for ex_id, cases in getattr(module, "HIDDEN_CASES", {}).items():
            cases = cases() if callable(cases) else cases
            extra.setdefault(ex_id, []).extend(dataclasses.replace(c, hidden=True) for c in cases)
    return extra


def grade_namespace(notebook: str, namespace: dict, record: bool = True, tests_dir: str | None = None) -> list[dict]:
    """Grade the functions a learner defined (found by exercise id in ``namespace``)."""
    extra = load_extra_cases(tests_dir)
    rows = []
    for ex in for_notebook(notebook):
        fn = namespace.get(ex.id)
        if not callable(fn):
            result = CheckResult(ex, [CaseResult("definition", False, f"no function named {ex.id}")])
        else:
            result = refuse_course_function(ex, fn) or run_cases(ex, fn, include_hidden=True,
                                                                 extra_cases=extra.get(ex.id, []))
        if record:
            progress.record(result, kind="graded")
        failed = next((c for c in result.cases if not c.passed), None)
        rows.append({
            "exercise": ex.id, "points": ex.points, "score": round(result.score, 3),
            "passed": result.passed, "attempted": result.attempted,
            "cases": len(result.cases), "cases_passed": sum(c.passed for c in result.cases),
            "first_failure": result.refused or (None if failed is None else failed.message),
        })
    return rows


def _grading_cell(notebook: str, tests_dir: str | None = None) -> str:
    return (
        "import json as _course_json\n"
        "from course_lib.exercises.grade import grade_namespace as _course_grade\n"
        f"print({MARKER!r} + _course_json.dumps(_course_grade({notebook!r}, globals(), tests_dir={tests_dir!r})))\n"
    )


def with_grading_cell(path: Path, notebook: str | None = None, tests_dir: str | None = None):
    """The notebook at ``path`` with a last cell that grades it and prints its rows after ``MARKER``."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_grading_cell(notebook or notebook_id(path), tests_dir)))
    return nb


def cell_errors(nb) -> list[str]:
    """One line per error output of an executed notebook."""
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def grade_rows(nb) -> list[dict] | None:
    """The rows the grading cell printed, or None when it printed none (it never ran to the end)."""
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []) if o.get("output_type") == "stream")
    return json.loads(text.split(MARKER, 1)[1]) if MARKER in text else None


def execute_and_grade(path: Path, profile: str = "ci", timeout_s: int = 900) -> dict:
    """Run the notebook in a fresh kernel and return its grade rows (and any cell errors)."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = with_grading_cell(path)
    os.environ[runtime.PROFILE_ENV] = profile
    client = NotebookClient(nb, timeout=timeout_s, kernel_name="python3", allow_errors=True,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as err:  # noqa: BLE001 - a dead kernel is a result, not a crash of the grader
        return {"notebook": path.name, "rows": [], "errors": [f"the notebook did not run to the end: {err}"]}
    return {"notebook": path.name, "rows": grade_rows(nb) or [], "errors": cell_errors(nb)}


def format_table(reports: list[dict]) -> str:
    w = max([len("notebook")] + [len(rep["notebook"]) for rep in reports])
    lines = [f"{'notebook':<{w}} {'exercise':<28} {'score':>7}  result"]
    total = possible = 0.0
    for rep in reports:
        for row in rep["rows"]:
            total += row["score"]
            possible += row["points"]
            if row["passed"]:
                result = "pass"
            elif not row["attempted"]:
                result = "not attempted"
            else:
                result = f"{row['cases_passed']}/{row['cases']} cases — {row['first_failure']}"
            lines.append(f"{rep['notebook']:<{w}} {row['exercise']:<28} {row['score']:>3g}/{row['points']:<3g}  {result}")
        for err in rep["errors"]:
            lines.append(f"{rep['notebook']:<{w}} (cell error) {err}")
    lines.append(f"{'TOTAL':<{w}} {'':<28} {total:>3g}/{possible:<3g}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to grade (default: all)")
    parser.add_argument("--profile", default="ci", choices=runtime.PROFILES)
    parser.add_argument("--json", type=Path, help="also write the full report as JSON here")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(runtime.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    reports = []
    for path in paths:
        print(f"grading {path} …", file=sys.stderr, flush=True)
        reports.append(execute_and_grade(path, args.profile))
    print(format_table(reports))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
