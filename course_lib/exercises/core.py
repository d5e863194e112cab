"""Graded exercises: ``check`` for instant feedback in a notebook, and ``run_cases`` for the grader.

An exercise (see ``registry``) names the function a learner writes, a reference implementation,
and cases. Visible cases run in the notebook's check cell; hidden cases (usually random inputs
compared with the reference) run as well when the notebook is graded.

What makes a check honest:

* the expected value (and, for a loss, its gradients) is computed *before* the learner's function
  runs, and the learner's function gets its own deep copy of the arguments, so a function that
  changes its inputs cannot change what it is compared with;
* a time limit the learner's code cannot catch (``ExerciseTimeout`` is a ``BaseException``, and
  the alarm fires again every half second until the function gives up);
* a function that raises fails that case only; raising ``NotImplementedError`` on every case means
  "not attempted yet";
* a function that gives the same answer whatever its input, or hands an argument straight back,
  earns nothing, even on the cases where that answer happens to be right;
* the course's own solutions are refused in ``check`` and by the grader: learners write their own.
"""
from __future__ import annotations

import copy
import html
import inspect
import math
import os
import signal
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import progress
from .registry import MISSING, REGISTRY, Case, Exercise, for_notebook, get, load_all, register

_MISSING = MISSING  # older name, kept for code that imported it

# Set by the course's own tests (and nowhere else) so that a notebook run with the reference
# solutions imported from course_lib can be graded.
ALLOW_REFERENCE_ENV = "COURSE_ALLOW_REFERENCE"

__all__ = ["Case", "CheckResult", "Exercise", "Mismatch", "REGISTRY", "assert_close", "check", "for_notebook", "get",
           "load_all", "register", "run_cases"]


# ---- comparing results ---------------------------------------------------------------------------

def _short(value: Any, limit: int = 160) -> str:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=12, edgeitems=3)
        text = f"array(shape={value.shape}) {text}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Mismatch(AssertionError):
    """A compare function's failure that knows which mistake it saw, and so which hint to give."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


def assert_close(result: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Default comparison: numbers and arrays to a tolerance, containers element by element."""
    if hasattr(expected, "detach"):
        expected = expected.detach().cpu().numpy()
    if hasattr(result, "detach"):
        result = result.detach().cpu().numpy()
    if isinstance(expected, np.ndarray) or isinstance(result, np.ndarray):
        result_arr, expected_arr = np.asarray(result), np.asarray(expected)
        if result_arr.shape != expected_arr.shape:
            raise AssertionError(f"shape {result_arr.shape}, expected {expected_arr.shape}")
        if not np.allclose(result_arr.astype(float), expected_arr.astype(float), rtol=rtol, atol=atol, equal_nan=True):
            raise AssertionError(f"got {_short(result_arr)}, expected {_short(expected_arr)}")
        return
    if isinstance(expected, float) or (isinstance(expected, (int, np.number)) and isinstance(result, float)):
        if not isinstance(result, (int, float, np.number)) or not math.isclose(float(result), float(expected), rel_tol=rtol, abs_tol=atol):
            raise AssertionError(f"got {_short(result)}, expected {_short(expected)}")
        return
    if isinstance(expected, (list, tuple)):
        if not isinstance(result, (list, tuple)) or len(result) != len(expected):
            raise AssertionError(f"got {_short(result)}, expected {_short(expected)}")
        for i, (r, e) in enumerate(zip(result, expected)):
            try:
                assert_close(r, e, rtol, atol)
            except AssertionError as err:
                raise AssertionError(f"item {i}: {err}") from None
        return
    if isinstance(expected, dict):
        if not isinstance(result, dict) or set(result) != set(expected):
            raise AssertionError(f"got keys {_short(sorted(map(str, result)) if isinstance(result, dict) else result)}, expected keys {_short(sorted(map(str, expected)))}")
        for k in expected:
            try:
                assert_close(result[k], expected[k], rtol, atol)
            except AssertionError as err:
                raise AssertionError(f"key {k!r}: {err}") from None
        return
    if result != expected:
        raise AssertionError(f"got {_short(result)}, expected {_short(expected)}")


# ---- running a learner's function safely -----------------------------------------------------------

class ExerciseTimeout(BaseException):
    """Raised inside a learner's function that runs past its time limit.

    A ``BaseException``, not an ``Exception``: a learner's ``try: … except Exception:`` around a
    loop must not be able to swallow it."""


# After the limit, the alarm fires again this often, so that even ``except BaseException`` only
# buys a learner's loop a little more time per catch.
_REARM_S = 0.25


def call_with_timeout(fn: Callable, args: tuple, kwargs: dict, timeout_s: float):
    """Call ``fn``; raise ExerciseTimeout when it runs longer than ``timeout_s``.

    In the main thread (a notebook cell, the grader) a SIGALRM timer interrupts a Python loop
    that never ends. Elsewhere (or without SIGALRM) the call runs in a daemon thread and is
    abandoned after the limit."""
    if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        return _call_with_alarm(fn, args, kwargs, timeout_s)
    box: dict[str, Any] = {}

    def target():
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - reported to the caller
            box["error"] = e

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise ExerciseTimeout()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _call_with_alarm(fn: Callable, args: tuple, kwargs: dict, timeout_s: float):
    armed = [True]

    def on_alarm(signum, frame):
        if armed[0]:
            signal.setitimer(signal.ITIMER_REAL, _REARM_S)   # fire again if the learner catches this one
            raise ExerciseTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout_s)
    try:
        return fn(*args, **kwargs)
    finally:
        # An alarm can still arrive while we disarm; retry until the timer is off for sure.
        while True:
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except ExerciseTimeout:
                continue


@dataclass
class CaseResult:
    label: str
    passed: bool
    message: str = ""
    hint: str = ""
    hidden: bool = False


@dataclass
class CheckResult:
    exercise: Exercise
    cases: list[CaseResult]
    attempted: bool = True
    # Why the function earns nothing although some cases pass (a constant answer, an echoed
    # argument, the course's own solution); empty when it is scored case by case.
    refused: str = ""

    @property
    def passed(self) -> bool:
        return self.attempted and not self.refused and all(c.passed for c in self.cases)

    @property
    def score(self) -> float:
        """Points earned: the exercise's points times the share of cases passed."""
        if not self.attempted or self.refused or not self.cases:
            return 0.0
        return self.exercise.points * sum(c.passed for c in self.cases) / len(self.cases)

    @property
    def first_failure(self) -> CaseResult | None:
        return next((c for c in self.cases if not c.passed), None)

    def summary(self) -> str:
        ex = self.exercise
        if not self.attempted:
            return f"⏳ {ex.id}: not attempted yet — replace `raise NotImplementedError` with your code, then run this cell again."
        if self.refused:
            return f"❌ {ex.id}: no credit: {self.refused}"
        visible = [c for c in self.cases if not c.hidden]
        hidden = [c for c in self.cases if c.hidden]
        if self.passed:
            extra = f" (+{len(hidden)} hidden)" if hidden else ""
            return f"✅ {ex.id}: all {len(visible)} checks pass{extra}."
        failed = self.first_failure
        where = "a hidden check" if failed.hidden else f"check '{failed.label}'"
        lines = [f"❌ {ex.id}: {sum(c.passed for c in self.cases)}/{len(self.cases)} checks pass; {where} failed: {failed.message}"]
        if failed.hint:
            lines.append(f"   Hint: {failed.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else ("#9a6700" if not self.attempted else "#cf222e")
        body = html.escape(self.summary()).replace("\n", "<br>")
        return f'<div class="course-check" style="color:{colour};font-family:monospace;white-space:pre-wrap">{body}</div>'


def _describe_error(err: BaseException) -> str:
    if isinstance(err, ExerciseTimeout):
        return "it did not return in time (an endless loop?)"
    frames = traceback.extract_tb(err.__traceback__)
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"it raised {type(err).__name__}: {err}{where}"


# ---- private copies of a case's arguments -------------------------------------------------------

def _is_float_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "is_floating_point") and x.is_floating_point()


def _private_copy(args: tuple, kwargs: dict, track_gradients: bool) -> tuple[tuple, dict]:
    """Deep copies of a case's arguments, so that nobody's function can change them for the next
    caller. For a loss, every floating-point tensor argument becomes a fresh leaf that records
    gradients. Objects that cannot be copied (e.g. a FAISS index) are shared."""
    def one(x):
        if track_gradients and _is_float_tensor(x):
            return x.detach().clone().requires_grad_(True)
        try:
            return copy.deepcopy(x)
        except Exception:  # noqa: BLE001
            return x

    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


def _gradients(value: Any, args: tuple) -> list:
    import torch

    leaves = [a for a in args if _is_float_tensor(a) and a.requires_grad]
    return list(torch.autograd.grad(value.reshape(()), leaves, allow_unused=True))


def _check_gradients(exercise: Exercise, result: Any, args: tuple, expected_grads: list) -> str:
    """'' when the learner's loss has the reference's gradients, else what is wrong."""
    import torch

    if not isinstance(result, torch.Tensor) or result.grad_fn is None:
        return ("the loss is not connected to its inputs, so training could not learn from it: build it "
                "from the input tensors with torch operations only (no .detach(), .item(), float() or numpy).")
    names = [p for p in inspect.signature(exercise.reference).parameters]
    positions = [i for i, a in enumerate(args) if _is_float_tensor(a) and a.requires_grad]
    try:
        got = _gradients(result, args)
    except RuntimeError as err:
        return f"its gradient could not be computed: {err}"
    for pos, g, want in zip(positions, got, expected_grads):
        name = names[pos] if pos < len(names) else f"argument {pos + 1}"
        if want is None:
            continue
        if g is None:
            return f"the loss does not depend on {name}."
        tol = dict(rtol=1e-5, atol=1e-8) if g.dtype == torch.float64 else dict(rtol=1e-3, atol=1e-5)
        if not torch.allclose(g, want.to(g.dtype), **tol):
            return (f"the value is right but the gradient with respect to {name} is not "
                    f"(max error {float((g - want).abs().max()):.2e}).")
    return ""


# ---- answers that ignore the input ---------------------------------------------------------------

def _same(a: Any, b: Any) -> bool:
    try:
        assert_close(a, b, rtol=1e-9, atol=1e-12)
        return True
    except BaseException:  # noqa: BLE001 - anything that cannot be compared is not the same
        return False


def _ignores_input(returned: list[tuple[Case, Any, Any]]) -> str:
    """Why the answers show the function ignores its input ('' when they do not).

    ``returned`` holds (case, learner's result, expected value) for every case that returned. A
    function that gives one answer to every case, or hands one argument back unchanged, while
    the expected values differ, is refused: it would otherwise collect the cases whose answer
    happens to be that constant (a zero vector's cosine is 0.0) or that input."""
    if len(returned) < 2:
        return ""
    results = [r for _, r, _ in returned]
    expected = [e for _, _, e in returned]
    if all(_same(r, results[0]) for r in results[1:]) and not all(_same(e, expected[0]) for e in expected[1:]):
        return (f"it returns the same answer ({_short(results[0], 60)}) whatever its input. "
                "Compute the answer from the arguments.")
    n_args = min(len(c.args) for c, _, _ in returned)
    for pos in range(n_args):
        if all(_same(r, c.args[pos]) for c, r, _ in returned) and \
                not all(_same(e, c.args[pos]) for c, _, e in returned):
            return f"it returns its argument number {pos + 1} unchanged. Compute the answer from the arguments."
    return ""


# ---- refusing the course's own solutions ---------------------------------------------------------

def course_function(fn: Any) -> str:
    """The course module ``fn`` comes from ('' for a learner's own function)."""
    seen = 0
    while seen < 10:   # look through functools.partial and decorators
        inner = getattr(fn, "func", None) or getattr(fn, "__wrapped__", None)
        if inner is None:
            break
        fn, seen = inner, seen + 1
    module = getattr(fn, "__module__", None) or ""
    return module if module == "course_lib" or module.startswith("course_lib.") else ""


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
            ref_args, ref_kwargs = _private_copy(case.args, case.kwargs, exercise.gradients)
            ref_value = exercise.reference(*ref_args, **ref_kwargs)
            if expected is MISSING:
                expected = ref_value
            if exercise.gradients:
                expected_grads = _gradients(ref_value, ref_args)
                if hasattr(expected, "detach"):
                    expected = expected.detach()
        args, kwargs = _private_copy(case.args, case.kwargs, exercise.gradients)
        try:
            result = call_with_timeout(fn, args, kwargs, exercise.timeout_s)
        except KeyboardInterrupt:
            raise
        except NotImplementedError:
            not_implemented += 1
            results.append(CaseResult(label, False, "it raised NotImplementedError: this case is not done yet", hint, case.hidden))
            continue
        except BaseException as err:  # noqa: BLE001 - a learner's error is a failed case
            results.append(CaseResult(label, False, _describe_error(err), hint, case.hidden))
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
            problem = _check_gradients(exercise, result, args, expected_grads)
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
    refused = _ignores_input(returned) if any(r.passed for r in results) else ""
    return CheckResult(exercise, results, refused=refused)


def check(exercise_id: str, fn: Callable | None) -> CheckResult:
    """The check cell: run the visible cases, record progress, and show pass / fail with a hint."""
    exercise = get(exercise_id)
    if fn is None or not callable(fn):
        result = CheckResult(exercise, [CaseResult("definition", False, f"expected a function, got {type(fn).__name__}", exercise.hint)])
    else:
        result = refuse_course_function(exercise, fn) or run_cases(exercise, fn, include_hidden=False)
    progress.record(result, kind="check")
    return result
