"""The checker cannot be fooled: by a function that changes its inputs, by a loop that swallows the
time-out, by the course's own solution, or by an answer that ignores the input. And a function that
raises on one case loses that case only."""
import _thread
import copy
import functools
import threading
import time

import numpy as np
import pytest
import torch

from course_lib.exercises import check, core
from course_lib.exercises.definitions import nb01
from course_lib.exercises.registry import MISSING
from course_lib.exercises.grade import grade_namespace

EXERCISES = sorted(core.load_all())


def test_a_function_that_zeroes_its_inputs_and_returns_zero_scores_nothing():
    # Before: the expected value was computed after the learner's call, on the zeroed arrays, so
    # every case without a fixed answer "expected" 0.0 as well.
    def cosine_similarity(u, v):
        u[...] = 0
        v[...] = 0
        return 0.0

    for hidden in (False, True):
        result = core.run_cases(core.get("cosine_similarity"), cosine_similarity, include_hidden=hidden)
        assert result.score == 0 and not result.passed


def test_a_function_that_rewrites_its_inputs_to_match_its_answer_fails_those_cases():
    """Not a constant: it returns the sign of u·v and overwrites u and v with vectors whose cosine is
    exactly that sign. Compared with the reference run on the rewritten inputs, it would pass."""
    def cosine_similarity(u, v):
        u, v = np.asarray(u), np.asarray(v)
        answer = float(np.sign(u.astype(float) @ v.astype(float)))
        u[...] = 0
        v[...] = 0
        u[0], v[0] = answer, 1
        return answer

    result = core.run_cases(core.get("cosine_similarity"), cosine_similarity, include_hidden=True)
    random_cases = [c for c in result.cases if c.hidden][1:4]   # random vectors of 3, 50, 300 entries: the sign is not the cosine
    assert len(random_cases) == 3 and not any(c.passed for c in random_cases)


def test_an_honest_solution_that_normalises_in_place_gets_full_marks():
    def cosine_similarity(u, v):
        u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
        nu, nv = np.linalg.norm(u), np.linalg.norm(v)
        if nu == 0 or nv == 0:
            return 0.0
        u /= nu   # in place: on the caller's array when it was already a float array
        v /= nv
        return float(u @ v)

    assert core.run_cases(core.get("cosine_similarity"), cosine_similarity, include_hidden=True).score == 1


def _watchdog(seconds):
    """Interrupt the main thread after ``seconds`` so that a broken time limit fails this test
    instead of hanging the test run."""
    timer = threading.Timer(seconds, _thread.interrupt_main)
    timer.start()
    return timer


@pytest.mark.parametrize("catches", ["nothing", "Exception"])
def test_an_endless_loop_fails_within_the_limit_plus_one_second(monkeypatch, catches):
    limit = 0.5
    monkeypatch.setattr(core.get("cosine_similarity"), "timeout_s", limit)

    def endless(u, v):
        n = 0
        while True:
            n += 1

    def endless_swallowing(u, v):
        while True:
            try:
                time.sleep(0.01)   # the alarm arrives inside the try, as in most real loop bodies
            except Exception:      # the learner's catch-all must not swallow the time-out
                pass

    fn = endless if catches == "nothing" else endless_swallowing
    timer = _watchdog(limit + 5)
    start = time.monotonic()
    try:
        result = check("cosine_similarity", fn)
    except KeyboardInterrupt:
        pytest.fail("the time limit was swallowed: the loop was still running after the limit + 5 s")
    finally:
        timer.cancel()
    elapsed = time.monotonic() - start
    assert elapsed < limit + 1, elapsed
    assert not result.passed and result.score == 0
    assert "did not return in time" in result.summary()


def test_the_time_limit_is_disarmed_after_a_time_out(monkeypatch):
    monkeypatch.setattr(core.get("cosine_similarity"), "timeout_s", 0.3)

    def endless(u, v):
        while True:
            pass

    check("cosine_similarity", endless)
    time.sleep(0.8)   # a timer left running would raise ExerciseTimeout here
    assert check("cosine_similarity", _learners_cosine).passed


def _learners_cosine(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    n = np.linalg.norm(u) * np.linalg.norm(v)
    return 0.0 if n == 0 else float(u @ v / n)


@pytest.mark.parametrize("fn", [
    nb01.cosine_similarity,                                   # the course's reference solution
    __import__("course_lib.similarity", fromlist=["x"]).cosine_similarity,   # the library's own
    functools.partial(nb01.cosine_similarity),                # wrapped
], ids=["reference", "library", "partial"])
def test_the_course_s_own_solution_is_refused(fn, monkeypatch):
    monkeypatch.delenv("COURSE_ALLOW_REFERENCE", raising=False)
    result = check("cosine_similarity", fn)
    assert not result.passed and result.score == 0
    assert "course's own solution" in result.summary() and "Write your own" in result.summary()
    rows = grade_namespace("01", {"cosine_similarity": fn}, record=False)
    row = next(r for r in rows if r["exercise"] == "cosine_similarity")
    assert row["score"] == 0 and "course's own solution" in row["first_failure"]


def test_the_course_s_own_tests_may_still_grade_the_reference(monkeypatch):
    monkeypatch.setenv("COURSE_ALLOW_REFERENCE", "1")
    assert check("cosine_similarity", nb01.cosine_similarity).passed


def test_a_learner_s_own_correct_function_is_not_refused():
    assert check("cosine_similarity", _learners_cosine).passed


def test_raising_on_one_case_loses_that_case_only():
    def cosine_similarity(u, v):
        u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
        if not u.any() or not v.any():
            raise NotImplementedError("zero vectors: later")
        return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))

    result = core.run_cases(core.get("cosine_similarity"), cosine_similarity, include_hidden=True)
    failed = [c for c in result.cases if not c.passed]
    zero_cases = 2   # one visible, one hidden case has a zero vector
    assert result.attempted and len(failed) == zero_cases
    assert all("NotImplementedError" in c.message for c in failed)
    assert result.score == pytest.approx((len(result.cases) - zero_cases) / len(result.cases))


def test_raising_not_implemented_on_every_case_is_not_attempted():
    def cosine_similarity(u, v):
        raise NotImplementedError

    result = check("cosine_similarity", cosine_similarity)
    assert not result.attempted and result.score == 0


# ---- answers that ignore the input score 0 on every exercise ----------------------------------------

def _expected_values(ex):
    """Every expected value of the exercise's cases: the strongest constants a learner could return."""
    values = []
    for case in ex.cases():
        value = case.expected
        if value is MISSING:
            value = ex.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        values.append(value.detach() if hasattr(value, "detach") else value)
    return values


SIMPLE_CONSTANTS = [0, 0.0, 1.0, -1.0, None, [], (), "", np.zeros(1), torch.tensor(0.0)]


def _constant(value):
    return lambda *args, **kwargs: value


@pytest.fixture
def built_once(monkeypatch):
    """The exercise with its cases built once (they are rebuilt on every run otherwise, which is
    slow for large random vocabularies). Safe: every run works on private copies of them."""
    def get(ex_id):
        ex = core.get(ex_id)
        cases = ex.cases()
        monkeypatch.setattr(ex, "cases", lambda: cases)
        return ex

    return get


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_constant_answers_score_zero(ex_id, built_once):
    ex = built_once(ex_id)
    constants = SIMPLE_CONSTANTS + _expected_values(ex)
    for value in constants:
        for hidden in (False, True):
            result = core.run_cases(ex, _constant(value), include_hidden=hidden)
            assert result.score == 0, f"{ex_id} returning {value!r}: {result.summary()}"


@pytest.mark.parametrize("ex_id", EXERCISES)
def test_identity_and_echoed_inputs_score_zero(ex_id, built_once):
    ex = built_once(ex_id)
    n_args = min(len(c.args) for c in ex.cases())
    for pos in range(n_args):
        def echo(*args, _pos=pos, **kwargs):
            return args[_pos]

        for hidden in (False, True):
            result = core.run_cases(ex, echo, include_hidden=hidden)
            assert result.score == 0, f"{ex_id} echoing argument {pos + 1}: {result.summary()}"


def test_a_constant_is_told_why_it_earns_nothing():
    result = check("cosine_similarity", lambda u, v: 0.0)
    assert result.score == 0 and "the same answer (0.0) whatever its input" in result.summary()


@pytest.mark.parametrize("ex_id", ["sgns_loss", "info_nce", "mrl_info_nce"])
def test_losses_check_gradients_not_only_values(ex_id):
    ex = core.get(ex_id)

    def detached(*args):
        return ex.reference(*[a.detach() if hasattr(a, "detach") else a for a in args]).detach()

    result = core.run_cases(ex, detached, include_hidden=True)
    assert result.score == 0
    assert "not connected to its inputs" in result.cases[0].message
