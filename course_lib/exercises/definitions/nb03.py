"""Notebook 03 — analogy arithmetic: the 3CosAdd solver, an accuracy evaluator, 3CosMul.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.analogy``) are batched over thousands of questions and
reproduce gensim's evaluator exactly.
"""
import numpy as np

from ..core import Case, Exercise, register


def solve_analogy(a, b, c, words, vectors):
    """Answer ``a : b :: c : ?`` with 3CosAdd and return the answer word (a string).

    ``vectors[i]`` is the vector of ``words[i]``. Steps: scale every vector to length 1; compute
    the target ``t = v_b − v_a + v_c`` from the unit vectors; return the word with the highest
    cosine similarity to ``t``, never one of ``a``, ``b`` or ``c``."""
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    ia, ib, ic = words.index(a), words.index(b), words.index(c)
    target = unit[ib] - unit[ia] + unit[ic]
    scores = unit @ target / np.linalg.norm(target)
    scores[[ia, ib, ic]] = -np.inf      # the query words are not allowed as answers
    return words[int(np.argmax(scores))]


def analogy_accuracy(questions, words, vectors):
    """The share of questions ``(a, b, c, d)`` for which ``solve_analogy(a, b, c, ...)`` returns ``d``.

    Questions with any word missing from ``words`` are skipped (not counted at all), as gensim
    does. Return a float between 0 and 1; return 0.0 when no question can be answered."""
    known = set(words)
    answered = correct = 0
    for a, b, c, d in questions:
        if not {a, b, c, d} <= known:
            continue
        answered += 1
        correct += solve_analogy(a, b, c, words, vectors) == d
    return correct / answered if answered else 0.0


def solve_analogy_cosmul(a, b, c, words, vectors, eps=0.001):
    """Answer ``a : b :: c : ?`` with 3CosMul (Levy & Goldberg, 2014) and return the answer word.

    For every candidate d, with cosines shifted to [0, 1] by ``s(x, y) = (1 + cos(x, y)) / 2``:
    ``score(d) = s(d, b) · s(d, c) / (s(d, a) + eps)``. Return the best word other than a, b, c."""
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    ia, ib, ic = words.index(a), words.index(b), words.index(c)
    shifted = (1 + unit @ unit[[ia, ib, ic]].T) / 2      # one column per query word
    scores = shifted[:, 1] * shifted[:, 2] / (shifted[:, 0] + eps)
    scores[[ia, ib, ic]] = -np.inf
    return words[int(np.argmax(scores))]


# ---- toy data --------------------------------------------------------------------------------------

_ROYAL_WORDS = ["man", "woman", "king", "queen", "apple"]
_ROYAL = np.array([
    [1.0, 0.0, 0.0],    # man
    [0.0, 1.0, 0.0],    # woman
    [1.0, 0.0, 1.0],    # king  = man + "royal"
    [0.0, 1.0, 1.0],    # queen = woman + "royal"
    [0.2, 0.2, -1.0],   # apple: unrelated
])

# "woman" is almost "man", so the target lands on "king" itself: the exclusion decides the answer.
_NEAR_WORDS = ["man", "woman", "king", "queen", "prince", "castle"]
_NEAR = np.array([
    [1.0, 0.0, 0.0],
    [0.95, 0.1, 0.0],
    [0.0, 0.0, 1.0],
    [0.0, 0.5, 0.8],
    [0.3, -0.4, 0.8],
    [-0.5, 0.0, 0.6],
])

# The same directions as _ROYAL, but "king" is six times longer than "man" and "woman": without
# normalising first, king dominates the target b − a + c, which then points at "crown".
_LONG_WORDS = ["man", "woman", "king", "queen", "crown"]
_LONG = np.array([
    [0.5, 0.0, 0.0],
    [0.0, 0.5, 0.0],
    [3.0, 0.0, 3.0],
    [0.0, 2.0, 2.0],
    [3.0, 1.0, 2.0],
])

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "ba", "do"]


def _random_vocab(rng, n, dim):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))))
    words = sorted(words, key=lambda w: rng.random())
    vectors = rng.normal(size=(n, dim)) * rng.uniform(0.2, 5.0, size=(n, 1))   # lengths vary
    return words, vectors


def _planted_questions(rng, words, vectors, n_questions, plant=0.5):
    """Random questions; for a share of them the answer d is moved close to b − a + c (unit vectors)."""
    vectors = vectors.copy()
    questions = []
    for _ in range(n_questions):
        a, b, c, d = rng.choice(len(words), size=4, replace=False)
        if rng.random() < plant:
            unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
            target = unit[b] - unit[a] + unit[c]
            vectors[d] = (target / np.linalg.norm(target) + 0.05 * rng.normal(size=vectors.shape[1])) \
                * np.linalg.norm(vectors[d])
        questions.append((words[a], words[b], words[c], words[d]))
    return questions, vectors


def _random_query_cases(rng, sizes):
    """Hidden cases: one random a : b :: c query per (vocabulary size, dimension)."""
    cases = []
    for n, dim in sizes:
        words, vectors = _random_vocab(rng, n, dim)
        a, b, c = (words[i] for i in rng.choice(n, size=3, replace=False))
        cases.append(Case(args=(a, b, c, words, vectors), hidden=True))
    return cases


# ---- cases -----------------------------------------------------------------------------------------

def _solve_cases():
    hidden = _random_query_cases(np.random.default_rng(31), ((4, 2), (20, 5), (300, 16), (1500, 50)))
    return [
        Case(args=("man", "king", "woman", _ROYAL_WORDS, _ROYAL), label="man : king :: woman : queen",
             expected="queen", hint="t = v_king − v_man + v_woman points at 'queen' once every vector has length 1."),
        Case(args=("woman", "queen", "man", _ROYAL_WORDS, _ROYAL), label="the analogy read backwards",
             expected="king"),
        Case(args=("man", "king", "woman", _NEAR_WORDS, _NEAR), label="the query words are never the answer",
             expected="queen",
             hint="Here the target lands almost on 'king' itself: set the scores of a, b and c to -inf "
                  "before taking the argmax."),
        Case(args=("man", "king", "woman", _LONG_WORDS, _LONG), label="lengths must not matter",
             expected="queen",
             hint="Divide every vector by its length (np.linalg.norm(vectors, axis=1, keepdims=True)) "
                  "before the arithmetic, and compare with cosine, not the raw dot product."),
        *hidden,
    ]


def _accuracy_cases():
    rng = np.random.default_rng(32)
    hidden = []
    for n, dim, q in ((10, 3, 5), (80, 8, 40), (400, 20, 120)):
        words, vectors = _random_vocab(rng, n, dim)
        questions, vectors = _planted_questions(rng, words, vectors, q)
        questions.append((words[0], "notaword", words[1], words[2]))   # skipped
        hidden.append(Case(args=(questions, words, vectors), hidden=True))
    return [
        Case(args=([("man", "king", "woman", "queen")], _ROYAL_WORDS, _ROYAL), label="one question, answered right",
             expected=1.0),
        Case(args=([("man", "king", "woman", "queen"), ("man", "king", "woman", "apple")], _ROYAL_WORDS, _ROYAL),
             label="one right, one wrong → 0.5", expected=0.5),
        Case(args=([("man", "king", "woman", "queen"), ("man", "prince", "woman", "princess")], _ROYAL_WORDS, _ROYAL),
             label="a question with unknown words is skipped, not counted wrong", expected=1.0,
             hint="'prince' and 'princess' are not in the vocabulary: skip that question entirely."),
        Case(args=([("boy", "prince", "girl", "princess")], _ROYAL_WORDS, _ROYAL),
             label="no answerable question → 0.0", expected=0.0,
             hint="Guard the division: with nothing answered, return 0.0."),
        *hidden,
    ]


def _cosmul_cases():
    hidden = _random_query_cases(np.random.default_rng(33), ((5, 2), (30, 4), (300, 16), (1500, 50)))
    # Found by a search over tiny 2-D examples: 3CosAdd answers "y", 3CosMul answers "x".
    words = ["a", "b", "c", "x", "y"]
    vectors = np.array([
        [0.1, -0.4],
        [0.2, -0.3],
        [-0.2, 0.8],
        [-0.5, 0.2],
        [-0.8, 0.7],
    ])
    return [
        Case(args=("man", "king", "woman", _ROYAL_WORDS, _ROYAL), label="man : king :: woman : queen",
             expected="queen"),
        Case(args=("man", "king", "woman", _NEAR_WORDS, _NEAR), label="the query words are never the answer",
             expected="queen",
             hint="Set the scores of a, b and c to -inf before the argmax."),
        Case(args=("a", "b", "c", words, vectors), label="a case where 3CosMul and 3CosAdd disagree",
             expected="x",
             hint="Shift every cosine to (1 + cos) / 2, then score = s(d, b) · s(d, c) / (s(d, a) + eps)."),
        *hidden,
    ]


register(Exercise(
    id="solve_analogy", notebook="03", title="Solve a : b :: c : ? with 3CosAdd", reference=solve_analogy,
    cases=_solve_cases, returns=str,
    hint="Normalise the rows, t = u_b − u_a + u_c, cosine of every row with t, exclude a, b, c, argmax.",
))

register(Exercise(
    id="analogy_accuracy", notebook="03", title="Accuracy over a list of analogy questions",
    reference=analogy_accuracy, cases=_accuracy_cases, returns=(float, int, np.floating), timeout_s=30.0,
    hint="Loop over the questions, skip those with unknown words, count how often solve_analogy returns d.",
))

register(Exercise(
    id="solve_analogy_cosmul", notebook="03", title="3CosMul (Levy & Goldberg, 2014)",
    reference=solve_analogy_cosmul, cases=_cosmul_cases, returns=str,
    hint="s = (1 + cos) / 2 for each of a, b, c; score = s_b · s_c / (s_a + eps); exclude a, b, c; argmax.",
))
