"""Graded exercises: ``check`` for instant feedback in a notebook, and ``run_cases`` for the grader.

An exercise (see ``registry``) names the function a learner writes, a reference implementation,
and cases. Visible cases run in the notebook's check cell; hidden cases (usually random inputs
compared with the reference) run as well when the notebook is graded.

What makes a check honest:

* the expected value (and, for a loss, its gradients) is computed *before* the learner's function
  runs, and the learner's function gets its own deep copy of the arguments, so a function that
  changes its inputs cannot change what it is compared with;
* a time limit the learner's code cannot catch (``ExerciseTimeout`` is a ``BaseException``, and
  the alarm fires again every quarter second until the function gives up);
* a function that raises fails that case only; raising ``NotImplementedError`` on every case means
  "not attempted yet";
* a function that gives the same answer whatever its input, or hands an argument straight back,
  earns nothing, even on the cases where that answer happens to be right;
* the course's own solutions are refused in ``check`` and by the grader: learners write their own.

The parts live in their own modules: ``sandbox`` runs a learner's function (time limit, private
copies, spotting the course's solutions) and ``scoring`` judges what it returned (comparisons,
gradients, result objects). This module ties them together; the names below are re-exported so
that ``from course_lib.exercises.core import …`` keeps working for the definitions and the tests.
"""
from __future__ import annotations

import os
from typing import Any, Callable

from . import progress, yours
from .registry import MISSING, REGISTRY, Case, Exercise, for_notebook, get, load_all, register
from .sandbox import (ALLOW_REFERENCE_ENV, ExerciseTimeout, call_with_timeout, course_function, describe_error,
                      private_copy)
from .scoring import (CaseResult, CheckResult, Mismatch, assert_close, check_gradients, gradients,
                      ignores_input)

__all__ = ["Case", "CheckResult", "Exercise", "Mismatch", "REGISTRY", "assert_close", "check", "for_notebook", "get",
           "load_all", "register", "run_cases"]


# ---- refusing the course's own solutions ---------------------------------------------------------

def refuse_course_function(exercise: Exercise, fn: Any) -> CheckResult | None:
    """A failed result when ``fn`` is one of the course's own functions, else None."""
    module = course_function(fn)
    if not module or os.environ.get(ALLOW_REFERENCE_ENV):
        return None
    name = getattr(fn, "__name__", exercise.id)
    why = (f"`{name}` is the course's own solution (imported from {module}), not yours. "
           f"Write your own `def {exercise.id}(...)` in the exercise cell; the point is to build it yourself.")
    return CheckResult(exercise, [CaseResult("definition", False, why, exercise.hint)], refused=why)


# ---- running the cases ------------------------------------------------------------------------------

def run_cases(exercise: Exercise, fn: Callable, include_hidden: bool, extra_cases: list[Case] = ()) -> CheckResult:
    """Run the cases of ``exercise`` on ``fn``; every failure becomes a message, never an exception.

    ``extra_cases`` (an instructor's own hidden cases) run only with ``include_hidden``."""
    cases = [c for c in exercise.cases() if include_hidden or not c.hidden]
    if include_hidden:
        cases += list(extra_cases)
    compare = exercise.compare or assert_close
    results: list[CaseResult] = []
    returned: list[tuple[Case, Any, Any]] = []
    not_implemented = 0
    timed_out = False
    for i, case in enumerate(cases, 1):
        label = case.label or f"case {i}"
        hint = case.hint or exercise.hint
        if timed_out:   # the rest would hang too: fail them without waiting
            results.append(CaseResult(label, False, "not run after a time-out", hint, case.hidden))
            continue
        # The expected answer first, from the reference's own copy of the arguments.
        expected, expected_grads = case.expected, None
        if exercise.gradients or expected is MISSING:
            ref_args, ref_kwargs = private_copy(case.args, case.kwargs, exercise.gradients)
            ref_value = exercise.reference(*ref_args, **ref_kwargs)
            if expected is MISSING:
                expected = ref_value
            if exercise.gradients:
                expected_grads = gradients(ref_value, ref_args)
                if hasattr(expected, "detach"):
                    expected = expected.detach()
        args, kwargs = private_copy(case.args, case.kwargs, exercise.gradients)
        try:
            result = call_with_timeout(fn, args, kwargs, exercise.timeout_s)
        except KeyboardInterrupt:
            raise
        except NotImplementedError:
            not_implemented += 1
            results.append(CaseResult(label, False, "it raised NotImplementedError: this case is not done yet", hint, case.hidden))
            continue
        except BaseException as err:  # noqa: BLE001 - a learner's error is a failed case
            results.append(CaseResult(label, False, describe_error(err), hint, case.hidden))
            timed_out = isinstance(err, ExerciseTimeout)
            continue
        returned.append((case, result, expected))
        if exercise.returns is not None and not isinstance(result, exercise.returns):
            wanted = exercise.returns if isinstance(exercise.returns, tuple) else (exercise.returns,)
            results.append(CaseResult(label, False, f"returned {type(result).__name__}, expected {' or '.join(t.__name__ for t in wanted)}", hint, case.hidden))
            continue
        try:
            compare(result, expected)
        except AssertionError as err:
            results.append(CaseResult(label, False, str(err), getattr(err, "hint", "") or hint, case.hidden))
            continue
        except Exception as err:  # noqa: BLE001 - e.g. comparing incompatible types
            results.append(CaseResult(label, False, f"could not compare the result: {err}", hint, case.hidden))
            continue
        if exercise.gradients:
            problem = check_gradients(exercise, result, args, expected_grads)
            if problem:
                # A loss cut off from autograd gets the exercise's word on that; a connected loss
                # with the wrong gradient has the wrong formula, which the case's hint is about.
                detached = problem.startswith("the loss is not connected")
                results.append(CaseResult(label, False, problem, (exercise.gradient_hint if detached else "") or hint, case.hidden))
                continue
        results.append(CaseResult(label, True, hidden=case.hidden))
    if cases and not_implemented == len(cases):
        return CheckResult(exercise, [], attempted=False)
    # Only worth saying when it would otherwise earn something: else the failed case says more.
    refused = ignores_input(returned) if any(r.passed for r in results) else ""
    return CheckResult(exercise, results, refused=refused)


def check(exercise_id: str, fn: Callable | None) -> CheckResult:
    """The check cell: run the visible cases, record progress, and show pass / fail with a hint."""
    exercise = get(exercise_id)
    if fn is None or not callable(fn):
        result = CheckResult(exercise, [CaseResult("definition", False, f"expected a function, got {type(fn).__name__}", exercise.hint)])
    else:
        result = refuse_course_function(exercise, fn) or run_cases(exercise, fn, include_hidden=False)
    progress.record(result, kind="check")
    yours.remember(exercise_id, fn, result.passed)
    return result
