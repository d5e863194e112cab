"""Graded exercises: a registry of exercises, and ``check`` for instant feedback in a notebook.

An exercise names the function a learner writes, a reference implementation, and cases. Visible
cases run in the notebook's check cell; hidden cases (usually random inputs compared with the
reference) run as well when the notebook is graded. A learner's function that raises, returns
the wrong type or runs past its time limit fails that case: it never crashes the notebook.
"""
from __future__ import annotations

import html
import math
import signal
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

_MISSING = object()


@dataclass
class Case:
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""            # what the case tests, shown when it fails
    hint: str = ""             # shown when it fails (the exercise's hint otherwise)
    hidden: bool = False
    expected: Any = _MISSING   # computed from the reference when omitted


@dataclass
class Exercise:
    id: str                                   # unique in the course, e.g. "cosine_similarity"
    notebook: str                             # "01"
    title: str
    reference: Callable
    cases: Callable[[], list[Case]]           # built lazily: cases may load data
    hint: str = ""
    compare: Callable[[Any, Any], None] | None = None   # raises AssertionError(message) on mismatch
    returns: type | tuple[type, ...] | None = None      # expected type of the result
    points: int = 1
    timeout_s: float = 10.0


REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.id in REGISTRY and REGISTRY[exercise.id].notebook != exercise.notebook:
        raise ValueError(f"Exercise id {exercise.id!r} is already used in notebook {REGISTRY[exercise.id].notebook}.")
    REGISTRY[exercise.id] = exercise
    return exercise


def load_all() -> dict[str, Exercise]:
    """Import every notebook's exercise definitions (they register themselves)."""
    from . import definitions  # noqa: F401

    return REGISTRY


def get(exercise_id: str) -> Exercise:
    load_all()
    try:
        return REGISTRY[exercise_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(exercise_id, REGISTRY, n=3)
        raise KeyError(f"No exercise called {exercise_id!r}." + (f" Did you mean {', '.join(close)}?" if close else "")) from None


def for_notebook(notebook: str) -> list[Exercise]:
    return [e for e in load_all().values() if e.notebook == notebook]


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

class ExerciseTimeout(Exception):
    pass


def call_with_timeout(fn: Callable, args: tuple, kwargs: dict, timeout_s: float):
    """Call ``fn``; raise ExerciseTimeout when it runs longer than ``timeout_s``.

    In the main thread (a notebook cell, the grader) a SIGALRM timer interrupts a Python loop
    that never ends. Elsewhere (or without SIGALRM) the call runs in a daemon thread and is
    abandoned after the limit."""
    if hasattr(signal, "SIGALRM") and threading.current_thread() is threading.main_thread():
        def on_alarm(signum, frame):
            raise ExerciseTimeout()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            return fn(*args, **kwargs)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
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

    @property
    def passed(self) -> bool:
        return self.attempted and all(c.passed for c in self.cases)

    @property
    def score(self) -> float:
        """Points earned: the exercise's points times the share of cases passed."""
        if not self.attempted or not self.cases:
            return 0.0
        return self.exercise.points * sum(c.passed for c in self.cases) / len(self.cases)

    def summary(self) -> str:
        ex = self.exercise
        if not self.attempted:
            return f"⏳ {ex.id}: not attempted yet — replace `raise NotImplementedError` with your code, then run this cell again."
        visible = [c for c in self.cases if not c.hidden]
        hidden = [c for c in self.cases if c.hidden]
        if self.passed:
            extra = f" (+{len(hidden)} hidden)" if hidden else ""
            return f"✅ {ex.id}: all {len(visible)} checks pass{extra}."
        failed = next(c for c in self.cases if not c.passed)
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


def run_cases(exercise: Exercise, fn: Callable, include_hidden: bool) -> CheckResult:
    """Run the cases of ``exercise`` on ``fn``; every failure becomes a message, never an exception."""
    results = []
    cases = [c for c in exercise.cases() if include_hidden or not c.hidden]
    compare = exercise.compare or assert_close
    for i, case in enumerate(cases, 1):
        label = case.label or f"case {i}"
        hint = case.hint or exercise.hint
        try:
            result = call_with_timeout(fn, case.args, case.kwargs, exercise.timeout_s)
        except NotImplementedError:
            return CheckResult(exercise, [], attempted=False)
        except BaseException as err:  # noqa: BLE001 - a learner's error is a failed case
            if isinstance(err, KeyboardInterrupt):
                raise
            results.append(CaseResult(label, False, _describe_error(err), hint, case.hidden))
            if isinstance(err, ExerciseTimeout):  # the rest would hang too: fail them without waiting
                results += [CaseResult(c.label or f"case {j}", False, "not run after a time-out", hint, c.hidden)
                            for j, c in enumerate(cases[i:], i + 1)]
                break
            continue
        if exercise.returns is not None and not isinstance(result, exercise.returns):
            wanted = exercise.returns if isinstance(exercise.returns, tuple) else (exercise.returns,)
            results.append(CaseResult(label, False, f"returned {type(result).__name__}, expected {' or '.join(t.__name__ for t in wanted)}", hint, case.hidden))
            continue
        expected = case.expected
        if expected is _MISSING:
            expected = exercise.reference(*case.args, **case.kwargs)
        try:
            compare(result, expected)
            results.append(CaseResult(label, True, hidden=case.hidden))
        except AssertionError as err:
            results.append(CaseResult(label, False, str(err), hint, case.hidden))
        except Exception as err:  # noqa: BLE001 - e.g. comparing incompatible types
            results.append(CaseResult(label, False, f"could not compare the result: {err}", hint, case.hidden))
    return CheckResult(exercise, results)


def check(exercise_id: str, fn: Callable | None) -> CheckResult:
    """The check cell: run the visible cases, record progress, and show pass / fail with a hint."""
    exercise = get(exercise_id)
    if fn is None or not callable(fn):
        result = CheckResult(exercise, [CaseResult("definition", False, f"expected a function, got {type(fn).__name__}", exercise.hint)])
    else:
        result = run_cases(exercise, fn, include_hidden=False)
    from . import progress

    progress.record(result, kind="check")
    return result
