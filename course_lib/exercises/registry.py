"""The exercise registry: what an exercise is, and where to find it by id.

Kept apart from ``core`` (which runs checks) and ``progress`` (which records them) so that
neither of those has to import the other's module to look an exercise up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

MISSING = object()


@dataclass
class Case:
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    label: str = ""            # what the case tests, shown when it fails
    hint: str = ""             # shown when it fails (the exercise's hint otherwise)
    hidden: bool = False
    expected: Any = MISSING    # computed from the reference when omitted


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
    # A loss: the learner's result must be a torch tensor whose gradients with respect to every
    # floating-point tensor argument match the reference's (a detached loss cannot train anything).
    gradients: bool = False
    gradient_hint: str = ""


REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.id in REGISTRY and REGISTRY[exercise.id].notebook != exercise.notebook:
        raise ValueError(f"Exercise id {exercise.id!r} is already used in notebook {REGISTRY[exercise.id].notebook}.")
    REGISTRY[exercise.id] = exercise
    return exercise


def load_all() -> dict[str, Exercise]:
    """Import every notebook's exercise definitions (they register themselves)."""
    from . import definitions  # noqa: F401  # local import: each definition registers itself through core, which imports this module

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
