"""Notebook 03's graded exercises: references pass, typical mistakes fail the intended case,
and the references agree with the batched library (course_lib.analogy)."""
import numpy as np
import pytest
from gensim.models import KeyedVectors

from course_lib import analogy
from course_lib.exercises import core
from course_lib.exercises.definitions import nb03

IDS = ["solve_analogy", "analogy_accuracy", "solve_analogy_cosmul"]


@pytest.mark.parametrize("ex_id", IDS)
def test_reference_gets_full_marks(ex_id):
    ex = core.get(ex_id)
    assert ex.notebook == "03" and ex.reference.__name__ == ex_id
    result = core.run_cases(ex, getattr(nb03, ex_id), include_hidden=True)
    assert result.passed and result.score == ex.points, result.summary()
    assert any(c.hidden for c in result.cases) and any(not c.hidden for c in result.cases)


def _unit(vectors):
    vectors = np.asarray(vectors, dtype=float)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def forgets_exclusion(a, b, c, words, vectors):
    unit = _unit(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    return words[int(np.argmax(unit @ target))]


def forgets_normalising(a, b, c, words, vectors):
    vectors = np.asarray(vectors, dtype=float)
    ia, ib, ic = words.index(a), words.index(b), words.index(c)
    scores = vectors @ (vectors[ib] - vectors[ia] + vectors[ic])
    scores[[ia, ib, ic]] = -np.inf
    return words[int(np.argmax(scores))]


def uses_3cosadd(a, b, c, words, vectors, eps=0.001):
    return nb03.solve_analogy(a, b, c, words, vectors)


@pytest.mark.parametrize("ex_id, wrong, failing_label", [
    ("solve_analogy", forgets_exclusion, "the query words are never the answer"),
    ("solve_analogy", forgets_normalising, "lengths must not matter"),
    ("solve_analogy_cosmul", uses_3cosadd, "a case where 3CosMul and 3CosAdd disagree"),
])
def test_typical_mistakes_fail_the_intended_case(ex_id, wrong, failing_label):
    result = core.run_cases(core.get(ex_id), wrong, include_hidden=False)
    failed = [c.label for c in result.cases if not c.passed]
    assert failing_label in failed


def test_accuracy_that_counts_unknown_questions_as_wrong_fails():
    def counts_skipped(questions, words, vectors):
        right = sum(set(q) <= set(words) and nb03.solve_analogy(*q[:3], words, vectors) == q[3] for q in questions)
        return right / len(questions)

    result = core.run_cases(core.get("analogy_accuracy"), counts_skipped, include_hidden=False)
    assert "a question with unknown words is skipped, not counted wrong" in [c.label for c in result.cases if not c.passed]


def _kv(words, vectors):
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, np.asarray(vectors, dtype=np.float32))
    return kv


def test_references_agree_with_the_batched_library():
    rng = np.random.default_rng(5)
    words, vectors = nb03._random_vocab(rng, 300, 12)
    questions, vectors = nb03._planted_questions(rng, words, vectors, 150)
    kv = _kv(words, vectors)
    report = analogy.evaluate_analogies(kv, {"all": questions}, restrict_vocab=None, case_insensitive=False)
    assert report.accuracy == pytest.approx(nb03.analogy_accuracy(questions, words, vectors))
    assert 0.3 < report.accuracy < 1
    for a, b, c, _ in questions[:40]:
        assert analogy.solve(kv, a, b, c, topn=1)[0][0] == nb03.solve_analogy(a, b, c, words, vectors)
        assert analogy.solve(kv, a, b, c, topn=1, method="3cosmul")[0][0] == \
            nb03.solve_analogy_cosmul(a, b, c, words, vectors)
