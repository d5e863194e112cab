"""Running a learner's function so that it cannot cheat or hang the checker.

* ``call_with_timeout``: a time limit the learner's code cannot catch (``ExerciseTimeout`` is a
  ``BaseException``, and the alarm fires again every quarter second until the function gives up);
* ``private_copy``: every caller gets its own deep copy of a case's arguments, so a function that
  changes its inputs cannot change what it is compared with;
* ``course_function``: spots the course's own solutions, which learners may not hand in.

Nothing here knows about cases or scores (that is ``scoring``), so this module imports no other
part of the checker.
"""
from __future__ import annotations

import copy
import signal
import threading
import traceback
from typing import Any, Callable

# Set by the course's own tests (and nowhere else) so that a notebook run with the reference
# solutions imported from course_lib can be graded.
ALLOW_REFERENCE_ENV = "COURSE_ALLOW_REFERENCE"


# ---- an uncatchable time limit -------------------------------------------------------------------

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


def describe_error(err: BaseException) -> str:
    """What a learner's function did wrong when it raised, in one line for the check's message."""
    if isinstance(err, ExerciseTimeout):
        return "it did not return in time (an endless loop?)"
    frames = traceback.extract_tb(err.__traceback__)
    where = f" (line {frames[-1].lineno})" if frames else ""
    return f"it raised {type(err).__name__}: {err}{where}"


# ---- private copies of a case's arguments -------------------------------------------------------

def is_float_tensor(x: Any) -> bool:
    # Checked by module name so that exercises without torch never import it.
    return type(x).__module__.startswith("torch") and hasattr(x, "is_floating_point") and x.is_floating_point()


def private_copy(args: tuple, kwargs: dict, track_gradients: bool) -> tuple[tuple, dict]:
    """Deep copies of a case's arguments, so that nobody's function can change them for the next
    caller. For a loss, every floating-point tensor argument becomes a fresh leaf that records
    gradients. Objects that cannot be copied (e.g. a FAISS index) are shared."""
    def one(x):
        if track_gradients and is_float_tensor(x):
            return x.detach().clone().requires_grad_(True)
        try:
            return copy.deepcopy(x)
        except Exception:  # noqa: BLE001
            return x

    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


# ---- the course's own solutions ------------------------------------------------------------------

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
