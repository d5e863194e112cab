"""The plane a word analogy is drawn in (notebook 03): geometry for ``analogy.parallelogram_figure``."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..analogy.solve import unit_vectors, word_index, word_indices


def parallelogram_plane(kv, a: str, b: str, c: str, extra: Sequence[str] = ()) -> dict:
    """2-D coordinates of a, b, c, the offset point b − a + c and ``extra`` words, in the plane
    through the unit vectors of a, b, c (so the parallelogram a, b, b − a + c, c is drawn exactly).

    The first axis follows b − a; ``off_plane`` is each extra word's distance from that plane."""
    unit = unit_vectors(kv)
    ia, ib, ic = word_indices(kv, (a, b, c))
    va, vb, vc = unit[ia].astype(np.float64), unit[ib].astype(np.float64), unit[ic].astype(np.float64)
    e1 = vb - va
    n1 = np.linalg.norm(e1)
    e1 = e1 / n1 if n1 > 0 else np.eye(len(va))[0]
    e2 = (vc - va) - ((vc - va) @ e1) * e1
    n2 = np.linalg.norm(e2)
    e2 = e2 / n2 if n2 > 1e-12 else np.eye(len(va))[1]
    basis = np.stack([e1, e2])

    def project(v):
        return basis @ (v - va)

    points = {"a": project(va), "b": project(vb), "c": project(vc), "offset": project(vb - va + vc)}
    extra_xy, off = [], []
    for w in extra:
        v = unit[word_index(kv, w)].astype(np.float64)
        p = project(v)
        extra_xy.append(p)
        off.append(float(np.linalg.norm((v - va) - basis.T @ p)))
    return {"words": (a, b, c), "points": points, "extra": list(extra), "extra_xy": np.array(extra_xy).reshape(-1, 2),
            "off_plane": np.array(off)}
