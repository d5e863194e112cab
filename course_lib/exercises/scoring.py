"""Judging one learner's answers: comparing a result with the expected value, checking a loss's
gradients, spotting answers that ignore the input, and the result objects a check shows.

``core.run_cases`` drives these; they never run a learner's function themselves (that is
``sandbox``), so a test can call them on plain values.
"""
from __future__ import annotations

import html
import inspect
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .registry import Case, Exercise
from .sandbox import is_float_tensor


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


# ---- what a check shows --------------------------------------------------------------------------

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


# ---- a loss's gradients --------------------------------------------------------------------------

def gradients(value: Any, args: tuple) -> list:
    """The gradient of a scalar loss with respect to each tensor argument that records gradients."""
    import torch   # only the loss exercises need torch

    leaves = [a for a in args if is_float_tensor(a) and a.requires_grad]
    return list(torch.autograd.grad(value.reshape(()), leaves, allow_unused=True))


def check_gradients(exercise: Exercise, result: Any, args: tuple, expected_grads: list) -> str:
    """'' when the learner's loss has the reference's gradients, else what is wrong."""
    import torch

    if not isinstance(result, torch.Tensor) or result.grad_fn is None:
        return ("the loss is not connected to its inputs, so training could not learn from it: build it "
                "from the input tensors with torch operations only (no .detach(), .item(), float() or numpy).")
    names = [p for p in inspect.signature(exercise.reference).parameters]
    positions = [i for i, a in enumerate(args) if is_float_tensor(a) and a.requires_grad]
    try:
        got = gradients(result, args)
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


def ignores_input(returned: list[tuple[Case, Any, Any]]) -> str:
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
