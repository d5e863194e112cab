"""Notebook 00 — the warm-up exercise."""
import numpy as np

from ..core import Case, Exercise, register


def vector_length(v):
    """The Euclidean (L2) length of a 1-D vector: the square root of the sum of squares."""
    return float(np.sqrt(np.sum(np.asarray(v, dtype=float) ** 2)))


def _cases():
    rng = np.random.default_rng(0)
    return [
        Case(args=(np.array([3.0, 4.0]),), label="[3, 4] has length 5", expected=5.0),
        Case(args=(np.zeros(5),), label="the zero vector has length 0", expected=0.0),
        Case(args=(np.array([-2.0]),), label="a negative entry still gives a positive length", expected=2.0,
             hint="Square each entry before adding: (-2)² = 4."),
        *[Case(args=(rng.normal(size=n),), hidden=True) for n in (1, 7, 384)],
    ]


register(Exercise(
    id="vector_length", notebook="00", title="Length of a vector", reference=vector_length, cases=_cases,
    hint="Square every entry, add them up, take the square root (np.sqrt).",
    returns=(float, np.floating),
))
