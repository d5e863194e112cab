"""Probing a direction in word-vector space, e.g. gender (Bolukbasi et al. 2016, "Man is to Computer
Programmer as Woman is to Homemaker?"): analogies asked both ways, and projections on a direction."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..text import UnknownWordError
from .solve import top_candidates, unit_vectors, word_index, word_indices


def _known_rows(kv, words: Sequence[str], restrict_vocab: int | None) -> tuple[list[str], list[str], list[int]]:
    """(known words, unknown words, rows of the known ones): a probe skips the words a model lacks."""
    known, unknown, rows = [], [], []
    for w in words:
        try:
            rows.append(word_index(kv, w, restrict_vocab))
            known.append(w)
        except UnknownWordError:
            unknown.append(w)
    return known, unknown, rows


def both_ways(kv, words: Sequence[str], pair: tuple[str, str] = ("man", "woman"), *, topn: int = 1,
              restrict_vocab: int | None = None, exclude: bool = True):
    """For each word w: ``x : w :: y : ?`` and ``y : w :: x : ?`` for the pair (x, y), batched.

    Returns a DataFrame with the two answers and their cosines; words the model does not know
    are left out (listed in ``df.attrs['unknown']``)."""
    import pandas as pd

    x, y = pair
    ix, iy = word_indices(kv, (x, y), restrict_vocab)
    known, unknown, rows = _known_rows(kv, words, restrict_vocab)
    if not rows:
        raise ValueError("None of the words is in the vocabulary.")
    r = np.asarray(rows)
    n = len(r)
    fwd_i, fwd_v = top_candidates(kv, np.full(n, ix), r, np.full(n, iy), topn=topn, restrict_vocab=restrict_vocab,
                                  exclude=exclude)
    back_i, back_v = top_candidates(kv, np.full(n, iy), r, np.full(n, ix), topn=topn,
                                    restrict_vocab=restrict_vocab, exclude=exclude)
    keys = kv.index_to_key
    df = pd.DataFrame({
        "word": known,
        f"{x} : w :: {y} : ?": [", ".join(keys[i] for i in row) for row in fwd_i],
        "cos →": np.round(fwd_v[:, 0], 3),
        f"{y} : w :: {x} : ?": [", ".join(keys[i] for i in row) for row in back_i],
        "cos ←": np.round(back_v[:, 0], 3),
    })
    df.attrs["unknown"] = unknown
    return df


def direction_projection(kv, words: Sequence[str], pair: tuple[str, str] = ("he", "she"),
                         restrict_vocab: int | None = None) -> tuple[list[str], np.ndarray]:
    """Cosine of each known word with the direction ``v(y) − v(x)`` (unit vectors), e.g. he → she."""
    unit = unit_vectors(kv)
    ix, iy = word_indices(kv, pair, restrict_vocab)
    direction = unit[iy] - unit[ix]
    direction = direction / np.linalg.norm(direction)
    known, _, rows = _known_rows(kv, words, restrict_vocab)
    return known, unit[rows] @ direction
