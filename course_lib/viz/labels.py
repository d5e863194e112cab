"""Place text labels on scatter points so that they do not cover each other.

plotly draws every label where it is told, so close points give unreadable piles of words.
``place_labels`` estimates each label's box in data units (from an approximate plot size in
pixels and a character width) and greedily gives each point the first of four positions whose
box is free; a point with no free position gets ``None`` (show it on hover only).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

POSITIONS = ("top center", "bottom center", "middle right", "middle left")
CHAR_PX, LINE_PX, GAP_PX, EDGE_PX = 7.5, 16.0, 6.0, 30.0


def _box(x: float, y: float, n_chars: int, position: str, px: tuple[float, float]):
    """(left, right, bottom, top) of a label of ``n_chars`` at ``position`` next to (x, y); px = data units per pixel."""
    w, h, g = n_chars * CHAR_PX * px[0], LINE_PX * px[1], GAP_PX
    if position == "top center":
        return x - w / 2, x + w / 2, y + g * px[1], y + g * px[1] + h
    if position == "bottom center":
        return x - w / 2, x + w / 2, y - g * px[1] - h, y - g * px[1]
    if position == "middle right":
        return x + g * px[0], x + g * px[0] + w, y - h / 2, y + h / 2
    return x - g * px[0] - w, x - g * px[0], y - h / 2, y + h / 2


def _overlaps(a, b) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def place_labels(xy, texts: Sequence[str], fixed: Sequence[tuple] = (), all_points=None,
                 plot_px: tuple[float, float] = (800, 380)) -> list[str | None]:
    """A text position (one of ``POSITIONS``) per point, or ``None`` where every position collides.

    ``fixed``: labels already drawn, as (x, y, text, position); ``all_points``: every point of the
    plot (sets the data range, so the pixel scale); ``plot_px``: the plot area's approximate size."""
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    extent = [xy] + ([np.asarray(all_points, dtype=float).reshape(-1, 2)] if all_points is not None else [])
    extent += [np.array([[f[0], f[1]] for f in fixed], dtype=float)] if len(fixed) else []
    pts = np.vstack(extent)
    span = np.ptp(pts, axis=0) if len(pts) else np.ones(2)
    px = (float(span[0] or 1.0) / plot_px[0], float(span[1] or 1.0) / plot_px[1])
    boxes = [_box(float(x), float(y), len(str(t)), pos, px) for x, y, t, pos in fixed]
    # a label may stick out past the outermost points by the axis padding, not off the figure
    pad = EDGE_PX * px[0]
    left, right = float(pts[:, 0].min()) - pad, float(pts[:, 0].max()) + pad
    chosen: list[str | None] = []
    for (x, y), text in zip(xy, texts):
        for pos in POSITIONS:
            box = _box(float(x), float(y), len(str(text)), pos, px)
            if box[0] >= left and box[1] <= right and not any(_overlaps(box, other) for other in boxes):
                boxes.append(box)
                chosen.append(pos)
                break
        else:
            chosen.append(None)
    return chosen
