"""The learner's code drives the notebook (issue 14, part 3).

In each notebook's reference run (``notebook_runner.reference_run``, shared with
tests/test_notebooks.py so that no notebook runs an extra time) one exercise is solved correctly
but written differently from the reference solution (``learner_solutions.ALTERNATIVES``). The
cells that take that function through ``yours_or_library`` must say they used the learner's
function and show exactly what the untouched run (on the library's function) showed.
"""
import re
import textwrap

import pytest

from course_lib.exercises import core, yours
from learner_solutions import ALTERNATIVES
from notebook_runner import NOTEBOOKS, reference_run, run

def _ids(paths):
    return [p.stem for p in paths]


def _define(source: str, name: str):
    namespace: dict = {}
    exec(textwrap.dedent(source), namespace)  # noqa: S102 - the test's own solution text
    return namespace[name]


@pytest.mark.parametrize("nid", sorted(ALTERNATIVES))
def test_each_alternative_solution_is_correct(nid):
    """Otherwise the notebook test below would prove nothing: the solution must pass every case."""
    ex_id, source = ALTERNATIVES[nid]
    exercise = core.get(ex_id)
    assert exercise.notebook == nid
    result = core.run_cases(exercise, _define(source, ex_id), include_hidden=True)
    assert result.passed, result.summary()


def test_yours_or_library_follows_the_latest_check(capsys):
    """A pass hands out the learner's function; a later failed check takes it back."""
    from course_lib.exercises import check, yours_or_library
    from course_lib.vectors import vector_length

    good = _define(ALTERNATIVES["00"][1], "vector_length")
    yours.forget_all()
    assert yours_or_library("vector_length", vector_length) is vector_length
    assert "Using the library's `vector_length`" in capsys.readouterr().out
    check("vector_length", good)
    chosen = yours_or_library("vector_length", vector_length)
    assert "Using your `vector_length`" in capsys.readouterr().out
    assert chosen([3.0, 4.0]) == 5.0
    check("vector_length", lambda v: 1.0)
    assert yours_or_library("vector_length", vector_length) is vector_length
    with pytest.raises(KeyError, match="No exercise called"):
        yours_or_library("vector_lenght", vector_length)
    yours.forget_all()


def test_a_learner_function_that_raises_on_real_data_falls_back(capsys):
    from course_lib.exercises import yours_or_library
    from course_lib.vectors import vector_length

    def picky(v):
        if len(v) > 3:
            raise ValueError("too long")
        return float(sum(x * x for x in v) ** 0.5)

    yours.remember("vector_length", picky, passed=True)
    chosen = yours_or_library("vector_length", vector_length)
    assert chosen([3.0, 4.0]) == 5.0 and chosen([1.0, 1.0, 1.0, 1.0]) == 2.0
    assert chosen([2.0, 2.0, 2.0, 2.0]) == 4.0
    out = capsys.readouterr().out
    assert out.count("raised ValueError: too long") == 1, out     # said once, not on every call
    yours.forget_all()


def _shown(cell) -> list:
    """What a learner sees in a cell's output, minus the line saying whose function ran."""
    shown = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            shown.append("".join(line for line in o["text"].splitlines(True) if not line.startswith("▶")))
        for kind in ("text/plain", "text/html", "text/markdown", "application/vnd.plotly.v1+json"):
            if kind in o.get("data", {}):
                shown.append(str(o["data"][kind]))
    return shown


def _driven_cells(nb, ex_id: str) -> list:
    """The cell that asks for ``ex_id``'s function, and every later cell using the name it was given."""
    asked = [c for c in nb.cells if c.cell_type == "code" and f'yours_or_library("{ex_id}"' in c.source]
    names = {m.group(1) for c in asked for m in re.finditer(rf'(\w+) = yours_or_library\("{ex_id}"', c.source)}
    return [c for c in nb.cells if c.cell_type == "code" and any(re.search(rf"\b{n}\b", c.source) for n in names)]


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_learner_function_drives_later_cells(path):
    ex_id, _ = ALTERNATIVES[path.name[:2]]
    learner = reference_run(path)                  # both runs are shared with tests/test_notebooks.py
    untouched, _ = run(path, grade=True)
    by_id = {c.id: c for c in untouched.cells}
    driven = [c for c in _driven_cells(learner, ex_id) if c.id in by_id]   # the first pass of the twice-run
    assert driven, f"no cell of {path.name} runs on the learner's {ex_id}"
    said = "".join(o.get("text", "") for c in driven for o in c.outputs if o.get("output_type") == "stream")
    assert f"Using your `{ex_id}`" in said and "raised" not in said, said
    library_said = "".join(o.get("text", "") for c in driven for o in by_id[c.id].outputs
                           if o.get("output_type") == "stream")
    assert "Using the library's" in library_said
    for cell in driven:
        assert _shown(cell) == _shown(by_id[cell.id]), cell.source[:300]
