"""Your code drives the notebook: after an exercise's check passes, the cells that follow run on the
learner's function instead of the library's, and say which one they used.

``check`` remembers each function that passed all its visible cases, in this kernel only (a restart
forgets it, and the cells fall back to the library until the check cell runs again).
``yours_or_library(exercise_id, library_function)`` hands back the function to use and prints one
line saying whose it is. If the learner's function raises on the notebook's real data (an input
the checks did not cover), the call falls back to the library's for that call and says so once,
so the rest of the notebook still runs.
"""
from __future__ import annotations

import functools
from typing import Callable

from .registry import get

_PASSED: dict[str, Callable] = {}


def remember(exercise_id: str, fn: Callable, passed: bool) -> None:
    """Called by ``check``: keep ``fn`` when it passed, forget an earlier pass when it did not
    (a learner who breaks a working function sees the library take over again)."""
    if passed:
        _PASSED[exercise_id] = fn
    else:
        _PASSED.pop(exercise_id, None)


def forget_all() -> None:
    _PASSED.clear()


def yours_or_library(exercise_id: str, library_function: Callable) -> Callable:
    """The learner's function for ``exercise_id`` if its check passed in this kernel, else
    ``library_function``; prints which one the next cells use."""
    get(exercise_id)   # a typo in the id fails loudly here, not silently as "not passed"
    name = getattr(library_function, "__name__", exercise_id)
    yours = _PASSED.get(exercise_id)
    if yours is None:
        print(f"▶ Using the library's `{name}`: your `{exercise_id}` has not passed its check in this session yet.")
        return library_function
    print(f"▶ Using your `{exercise_id}` (it passed its check) in place of the library's `{name}`.")
    return _falls_back(exercise_id, yours, library_function)


def _falls_back(exercise_id: str, yours: Callable, library_function: Callable) -> Callable:
    warned = []

    @functools.wraps(yours)
    def call(*args, **kwargs):
        try:
            return yours(*args, **kwargs)
        except Exception as err:  # noqa: BLE001 - any failure of the learner's code falls back
            if not warned:
                warned.append(True)
                print(f"⚠ Your `{exercise_id}` raised {type(err).__name__}: {err} on this notebook's data; "
                     f"using the library's for this call. Look for an input your checks did not cover.")
            return library_function(*args, **kwargs)

    return call
