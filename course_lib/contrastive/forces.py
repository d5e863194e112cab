"""How training moves one example: anchor, positive and negatives across checkpoints.

InfoNCE's gradient pulls the anchor and its positive together and pushes the negatives away, each
negative in proportion to its softmax weight — a hard negative (high similarity) is pushed hardest.
``project_snapshots`` puts every checkpoint's vectors in one shared 2-D plane (PCA fitted on all
checkpoints together, so movement between checkpoints is real movement, not a change of axes).
"""
from __future__ import annotations

import numpy as np


def project_snapshots(snapshots: np.ndarray) -> np.ndarray:
    """(checkpoints, points, dim) unit vectors → (checkpoints, points, 2) on shared PCA axes."""
    snapshots = np.asarray(snapshots, dtype=np.float64)
    if snapshots.ndim != 3 or snapshots.shape[0] == 0 or snapshots.shape[1] < 2:
        raise ValueError("snapshots must be checkpoints × points × dim with at least one checkpoint and two points.")
    flat = snapshots.reshape(-1, snapshots.shape[-1])
    centre = flat.mean(axis=0)
    _, _, vt = np.linalg.svd(flat - centre, full_matrices=False)
    axes = vt[:2]
    # fix the sign so the anchor of the first checkpoint has positive coordinates (stable pictures)
    signs = np.sign((snapshots[0, 0] - centre) @ axes.T)
    signs[signs == 0] = 1
    return ((snapshots - centre) @ axes.T) * signs


def anchor_similarities(snapshots: np.ndarray) -> np.ndarray:
    """cos(anchor, point) for every checkpoint and point (the anchor is point 0): checkpoints × points."""
    snapshots = np.asarray(snapshots, dtype=np.float64)
    unit = snapshots / np.linalg.norm(snapshots, axis=-1, keepdims=True).clip(1e-12)
    return np.einsum("cd,cpd->cp", unit[:, 0], unit)
