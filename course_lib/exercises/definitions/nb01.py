"""Notebook 01 — one-hot vectors, cosine similarity, nearest neighbours.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.similarity``) add input checks and friendlier errors.
"""
import numpy as np

from ..core import Case, Exercise, register


def one_hot(word, vocab):
    """A 1-D float array of length ``len(vocab)``: 1.0 at the position of ``word`` in the word list
    ``vocab``, 0.0 everywhere else. (``vocab.index(word)`` finds the position.)"""
    vector = np.zeros(len(vocab))
    vector[vocab.index(word)] = 1.0
    return vector


def cosine_similarity(u, v):
    """cos(u, v) = u·v / (‖u‖ ‖v‖) as a float. If either vector is all zeros, return 0.0."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    if norms == 0:
        return 0.0
    return float(u @ v / norms)


def top_k_neighbours(word, words, vectors, k):
    """The ``k`` words most cosine-similar to ``word``, as a list of (word, similarity) pairs,
    most similar first, leaving out ``word`` itself. ``vectors[i]`` is the vector of ``words[i]``."""
    query = vectors[words.index(word)]
    scored = [(other, cosine_similarity(query, vec)) for other, vec in zip(words, vectors) if other != word]
    scored.sort(key=lambda pair: pair[1], reverse=True)  # sort() is stable: ties keep list order
    return scored[:k]


# ---- cases ----------------------------------------------------------------------------------------

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "qu", "ba", "do"]


def _random_words(rng, n):
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))))
    return sorted(words, key=lambda w: rng.random())


def _one_hot_cases():
    rng = np.random.default_rng(1)
    hidden = []
    for n in (1, 5, 40, 500):
        words = _random_words(rng, n)
        hidden.append(Case(args=(str(rng.choice(words)), words), hidden=True))
    return [
        Case(args=("cat", ["cat", "dog", "fish"]), label="first word of three", expected=np.array([1.0, 0.0, 0.0]),
             hint="The vector has one entry per vocabulary word; 'cat' is at position 0."),
        Case(args=("fish", ["cat", "dog", "fish"]), label="last word of three", expected=np.array([0.0, 0.0, 1.0])),
        Case(args=("dog", ["dog"]), label="a vocabulary of one word", expected=np.array([1.0])),
        Case(args=("the", ["a", "of", "the", "and", "to", "in"]), label="length equals the vocabulary size",
             expected=np.array([0.0, 0.0, 1.0, 0.0, 0.0, 0.0]),
             hint="Keep the vocabulary's own order (do not sort it or make a set): the entry for a word sits at "
                  "vocab.index(word). Start from np.zeros(len(vocab)) and set a single entry to 1."),
        *hidden,
    ]


def _cosine_cases():
    rng = np.random.default_rng(2)
    hidden = [Case(args=(rng.normal(size=n), rng.normal(size=n)), hidden=True) for n in (1, 3, 50, 300)]
    u = rng.normal(size=20)
    hidden += [
        Case(args=(u, 1e4 * u), hidden=True, expected=1.0),          # length does not matter
        Case(args=(u, -0.01 * u), hidden=True, expected=-1.0),
        Case(args=(np.zeros(20), u), hidden=True, expected=0.0),
        Case(args=(list(rng.integers(-5, 6, size=8)), list(rng.integers(-5, 6, size=8))), hidden=True),
    ]
    return [
        Case(args=(np.array([1.0, 0.0]), np.array([0.0, 1.0])), label="perpendicular vectors → 0", expected=0.0),
        Case(args=(np.array([1.0, 2.0]), np.array([2.0, 4.0])), label="same direction, different length → 1",
             expected=1.0, hint="Divide the dot product by the product of the two lengths (np.linalg.norm)."),
        Case(args=(np.array([1.0, 0.0]), np.array([-3.0, 0.0])), label="opposite directions → -1", expected=-1.0),
        Case(args=(np.array([3.0, 4.0]), np.array([4.0, 3.0])), label="[3,4]·[4,3] = 24, lengths 5 and 5 → 0.96",
             expected=0.96),
        Case(args=(np.zeros(3), np.array([1.0, 2.0, 3.0])), label="a zero vector gives 0.0 (not nan)", expected=0.0,
             hint="The zero vector has length 0: check for it before dividing and return 0.0."),
        *hidden,
    ]


_TOY_WORDS = ["cat", "dog", "car", "truck", "kitten"]
_TOY_VECTORS = np.array([
    [1.0, 0.1],    # cat
    [0.9, 0.3],    # dog
    [0.1, 1.0],    # car
    [0.2, 0.9],    # truck
    [2.0, 0.2],    # kitten: same direction as cat, twice as long
])


def _top_k_cases():
    rng = np.random.default_rng(3)
    hidden = []
    for n, dim, k in ((3, 2, 2), (30, 5, 1), (200, 16, 10), (1000, 50, 25)):
        words = _random_words(rng, n)
        hidden.append(Case(args=(str(rng.choice(words)), words, rng.normal(size=(n, dim)), k), hidden=True))
    with_zero = _TOY_VECTORS.copy()
    with_zero[2] = 0.0   # "car" has an all-zero vector
    # The first three cases each catch one typical mistake before the others can: a two-word
    # vocabulary (keeping the query word), unit vectors (sorting lowest first; dot product and
    # cosine agree on them), then lengths that differ (the dot product instead of the cosine).
    return [
        Case(args=("cat", ["cat", "dog"], np.array([[1.0, 0.0], [0.6, 0.8]]), 1), label="the word itself is left out",
             expected=[("dog", 0.6)],
             hint="Skip the query word: its similarity with itself is always 1."),
        Case(args=("cat", _UNIT_WORDS, _UNIT_VECTORS, 3), label="most similar first",
             expected=[("dog", 0.8), ("truck", 0.6), ("car", 0.0)],
             hint="Sort by similarity, highest first (sorted(..., reverse=True) or np.argsort(-sims))."),
        Case(args=("cat", _TOY_WORDS, _TOY_VECTORS, 1), label="nearest word to 'cat' is 'kitten' (same direction)",
             expected=[("kitten", 1.0)],
             hint="Use the cosine, not the dot product: cosine ignores length, and 'kitten' points exactly "
                  "the same way as 'cat' although it is twice as long."),
        Case(args=("cat", _TOY_WORDS, _TOY_VECTORS, 2), label="the two nearest to 'cat'",
             expected=[("kitten", 1.0), ("dog", _toy_cosine("cat", "dog"))]),
        Case(args=("kitten", _TOY_WORDS, _TOY_VECTORS, 4), label="all four other words, most similar first",
             hint="Sort by similarity, highest first (sorted(..., reverse=True) or np.argsort(-sims))."),
        Case(args=("cat", _TOY_WORDS, with_zero, 4), label="a word with an all-zero vector scores 0.0, not nan",
             hint="Use your cosine_similarity, which returns 0.0 for a zero vector."),
        *hidden,
    ]


_UNIT_WORDS = ["cat", "car", "dog", "truck"]
_UNIT_VECTORS = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, 0.6], [0.6, 0.8]])   # every row has length 1


def _toy_cosine(a, b):
    return cosine_similarity(_TOY_VECTORS[_TOY_WORDS.index(a)], _TOY_VECTORS[_TOY_WORDS.index(b)])


register(Exercise(
    id="one_hot", notebook="01", title="One-hot encoder", reference=one_hot, cases=_one_hot_cases,
    hint="np.zeros(len(vocab)), then put 1.0 at vocab.index(word).", returns=np.ndarray,
))
register(Exercise(
    id="cosine_similarity", notebook="01", title="Cosine similarity", reference=cosine_similarity,
    cases=_cosine_cases, hint="u·v / (‖u‖ ‖v‖): np.dot and np.linalg.norm; return 0.0 if a length is 0.",
    returns=(float, np.floating),
))
register(Exercise(
    id="top_k_neighbours", notebook="01", title="Top-k nearest neighbours", reference=top_k_neighbours,
    cases=_top_k_cases, returns=(list, tuple),
    hint="Compute the cosine of the query's vector with every other word's vector, sort highest first, keep k.",
))
