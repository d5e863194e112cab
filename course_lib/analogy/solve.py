"""Solving word analogies, batched.

An analogy question ``a : b :: c : ?`` (man : king :: woman : ?) is answered by the word whose
vector is closest to the *offset* point ``b − a + c``; the three query words are never allowed as
answers (Mikolov, Yih & Zweig, 2013, "Linguistic Regularities in Continuous Space Word
Representations"). Two ways to score a candidate ``d`` (Levy & Goldberg, 2014, "Linguistic
Regularities in Sparse and Explicit Word Representations"):

* **3CosAdd**  ``cos(d, b − a + c)``, which ranks like ``cos(d, b) − cos(d, a) + cos(d, c)``
  on unit vectors;
* **3CosMul**  ``cos'(d, b) · cos'(d, c) / (cos'(d, a) + ε)`` with ``cos' = (1 + cos) / 2``,
  so that one large similarity cannot drown the other two.

``nearest-c`` is a baseline, not a solver: the nearest word to c alone (a and b still excluded),
which shows how much of an accuracy figure needs no offset at all (Linzen, 2016, "Issues in
evaluating semantic spaces using word analogies").
"""
from __future__ import annotations

import re
import weakref
from typing import Iterable, Sequence

import numpy as np

from ..text import UnknownWordError, close_matches
from ..vectors import l2_normalise
from ..vectors import word_index as list_index

METHODS = ("3cosadd", "3cosmul", "nearest-c")  # nearest-c: a baseline that ignores a and b (Linzen, 2016)
COSMUL_EPS = 0.001  # Levy & Goldberg (2014) use ε = 0.001; gensim's most_similar_cosmul uses 1e-6

Question = tuple[str, str, str, str]

# ---- unit vectors ------------------------------------------------------------------------------

_UNIT_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def unit_vectors(kv) -> np.ndarray:
    """The rows of ``kv.vectors`` scaled to length 1 (float32, cached per KeyedVectors).

    The cache is refreshed when ``kv.vectors`` is replaced (e.g. by ``add_vectors``), not when it
    is edited in place."""
    cached = _UNIT_CACHE.get(kv)
    if cached is not None and cached[0] is kv.vectors and cached[1].shape == kv.vectors.shape:
        return cached[1]
    kv.fill_norms(force=True)
    norms = kv.norms.astype(np.float32)
    unit = (kv.vectors / np.where(norms > 0, norms, 1)[:, None]).astype(np.float32)
    _UNIT_CACHE[kv] = (kv.vectors, unit)
    return unit


def restricted_vocab(kv, restrict_vocab: int | None = None, case_insensitive: bool = True) -> dict[str, int]:
    """Word → row among the first ``restrict_vocab`` words, as gensim's evaluators build it.

    With ``case_insensitive`` the keys are upper-cased and, when several case variants exist
    (``Paris``, ``paris``), the first one (the most frequent) wins."""
    keys = kv.index_to_key[:restrict_vocab]
    if case_insensitive:
        vocab: dict[str, int] = {}
        for i, k in enumerate(keys):
            vocab.setdefault(k.upper(), i)
        return vocab
    return {k: i for i, k in enumerate(keys)}


# ---- input checking -------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s:,;+\-−–=?]+")


def parse_query(text: str | Sequence[str]) -> tuple[str, str, str]:
    """``"man : king :: woman"`` (or ``"man king woman"``, ``"king - man + woman"``, or a list)
    → ``("man", "king", "woman")``.

    Raises ``ValueError`` with an explanation for fewer or more than three words, or repeats."""
    if isinstance(text, str) and ":" not in text and re.search(r"[+\-−]", text):
        words = _parse_arithmetic(text)
    else:
        words = [w for w in (_SPLIT.split(text.strip()) if isinstance(text, str) else text) if w]
    if len(words) < 3:
        got = f"only {len(words)} word{'s' if len(words) != 1 else ''}" if words else "no words"
        raise ValueError(
            f"An analogy needs three words, a : b :: c (e.g. 'man : king :: woman'); got {got}"
            + (f" ({', '.join(words)})." if words else "."))
    if len(words) > 3:
        raise ValueError(f"An analogy takes exactly three words, a : b :: c; got {len(words)}: {', '.join(words)}. "
                         "The fourth word is what the model answers.")
    lowered = [w.lower() for w in words]
    repeated = sorted({w for w in lowered if lowered.count(w) > 1})
    if repeated:
        raise ValueError(
            f"The word{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} appear{'s' if len(repeated) == 1 else ''} "
            "twice. With a = b the offset b − a is zero and the 'analogy' is just the neighbours of c; "
            "with a = c the answer is b by construction. Use three different words.")
    return words[0], words[1], words[2]


def _parse_arithmetic(text: str) -> list[str]:
    """``"king - man + woman"`` (b − a + c) → ``["man", "king", "woman"]``."""
    terms = re.findall(r"([+\-−]?)\s*([^\s+\-−:,;=?]+)", text)
    plus = [w for sign, w in terms if sign in ("", "+")]
    minus = [w for sign, w in terms if sign in ("-", "−")]
    if len(plus) != 2 or len(minus) != 1:
        raise ValueError(f"Write the arithmetic as b − a + c (e.g. 'king - man + woman'): two words added and one "
                         f"subtracted; got {len(plus)} added ({', '.join(plus) or 'none'}) and {len(minus)} "
                         f"subtracted ({', '.join(minus) or 'none'}).")
    return [minus[0], plus[0], plus[1]]


def word_index(kv, word: str, restrict_vocab: int | None = None) -> int:
    """Row of ``word`` (tried as typed, then lower-cased) or UnknownWordError with close matches."""
    limit = len(kv.index_to_key) if restrict_vocab is None else min(restrict_vocab, len(kv.index_to_key))
    for candidate in (word, word.lower()):
        i = kv.key_to_index.get(candidate)
        if i is not None and i < limit:
            return i
    pool = kv.index_to_key[:min(limit, 50_000)]  # difflib over 400k words would take seconds
    return_err = UnknownWordError(word, close_matches(word.lower(), pool, n=5))
    raise return_err


def word_indices(kv, words: Iterable[str], restrict_vocab: int | None = None) -> list[int]:
    """Rows of several words; one error naming *every* unknown word with its close matches."""
    rows, errors = [], []
    for w in words:
        try:
            rows.append(word_index(kv, w, restrict_vocab))
        except UnknownWordError as err:
            errors.append(err)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        first = errors[0]
        combined = UnknownWordError(first.word, first.suggestions)
        combined.args = (" ".join(str(e) for e in errors),)
        combined.words = [e.word for e in errors]
        raise combined
    return rows


# ---- scoring ------------------------------------------------------------------------------------

def offset_queries(unit: np.ndarray, ia, ib, ic) -> np.ndarray:
    """Unit-length ``b − a + c`` for each question (float32, computed as gensim does)."""
    ua, ub, uc = unit[np.asarray(ia)], unit[np.asarray(ib)], unit[np.asarray(ic)]
    mean = ((ub + uc) + (-1.0 * ua).astype(np.float32)) / np.float32(3.0)
    norms = np.linalg.norm(mean, axis=-1, keepdims=True)
    return (mean / np.where(norms > 0, norms, 1)).astype(np.float32)


def _scores_block(unit, candidates, ia, ib, ic, method: str, eps: float) -> np.ndarray:
    """Scores of every candidate row (columns) for a block of questions (rows): a q × V array."""
    if method == "3cosadd":
        return offset_queries(unit, ia, ib, ic) @ candidates.T
    if method == "3cosmul":
        shifted = [(unit[np.asarray(i)] @ candidates.T + 1) * 0.5 for i in (ia, ib, ic)]
        sa, sb, sc = shifted
        sb *= sc
        sa += eps
        sb /= sa
        return sb
    if method == "nearest-c":
        return unit[np.asarray(ic)] @ candidates.T
    raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")


def top_candidates(kv, ia, ib, ic, *, topn: int = 5, method: str = "3cosadd", restrict_vocab: int | None = None,
                   exclude: bool = True, eps: float = COSMUL_EPS, block_size: int | None = None):
    """Batched ``a : b :: c : ?``: the ``topn`` best rows and their scores for every question.

    ``ia, ib, ic`` are row indices (arrays of equal length). Candidates are the first
    ``restrict_vocab`` rows; with ``exclude`` the rows of a, b and c are never returned.
    Questions are scored in blocks (one matrix product each) so that memory stays near 128 MB."""
    import torch

    method = method.lower()
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    ia, ib, ic = (np.atleast_1d(np.asarray(x, dtype=np.int64)) for x in (ia, ib, ic))
    unit_all = unit_vectors(kv)
    n_rows = len(unit_all) if restrict_vocab is None else min(restrict_vocab, len(unit_all))
    unit = unit_all[:n_rows]
    k = min(topn, n_rows)
    block = block_size or max(1, int(32_000_000 // max(n_rows, 1)) // (3 if method == "3cosmul" else 1))
    top_idx = np.empty((len(ia), k), dtype=np.int64)
    top_val = np.empty((len(ia), k), dtype=np.float32)
    for start in range(0, len(ia), block):
        sl = slice(start, start + block)
        a, b, c = ia[sl], ib[sl], ic[sl]
        scores = _scores_block(unit_all, unit, a, b, c, method, eps)
        if exclude:
            rows = np.repeat(np.arange(len(a)), 3)
            cols = np.stack([a, b, c], axis=1).ravel()
            inside = cols < n_rows
            scores[rows[inside], cols[inside]] = -np.inf
        values, indices = torch.topk(torch.from_numpy(scores), k, dim=1)  # much faster than argpartition
        top_idx[sl], top_val[sl] = indices.numpy(), values.numpy()
    return top_idx, top_val


def solve(kv, a: str, b: str, c: str, *, topn: int = 5, method: str = "3cosadd",
          restrict_vocab: int | None = None, exclude: bool = True, eps: float = COSMUL_EPS) -> list[tuple[str, float]]:
    """``a : b :: c : ?`` → the ``topn`` answers with their scores (cosines for 3CosAdd).

    Unknown words raise UnknownWordError naming them with close matches."""
    a, b, c = parse_query([a, b, c])
    ia, ib, ic = word_indices(kv, (a, b, c), restrict_vocab)
    idx, val = top_candidates(kv, [ia], [ib], [ic], topn=topn, method=method, restrict_vocab=restrict_vocab,
                              exclude=exclude, eps=eps)
    return [(kv.index_to_key[i], float(v)) for i, v in zip(idx[0], val[0])]


def solve_analogy(a: str, b: str, c: str, words: Sequence[str], vectors, method: str = "3cosadd",
                  eps: float = COSMUL_EPS) -> str:
    """One question on a plain word list and its matrix (row i is the vector of ``words[i]``): the
    best answer other than a, b and c. Notebook 03's exercise has this signature; ``solve`` is the
    batched, gensim-compatible form on KeyedVectors."""
    words = list(words)
    rows = [list_index(w, words) for w in (a, b, c)]
    unit = l2_normalise(vectors).astype(np.float32)
    scores = _scores_block(unit, unit, *([r] for r in rows), method.lower(), eps)[0]
    scores[rows] = -np.inf
    return words[int(np.argmax(scores))]
