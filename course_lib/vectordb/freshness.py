"""Freshness: apply edits, additions and deletions to a live collection without rebuilding it.

An edited article gets a new vector under its old id (``upsert`` replaces the row), a new article
is inserted, a removed one is deleted by id. The test of the incremental path is that every query
then returns exactly what a collection rebuilt from scratch returns.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pymilvus import MilvusClient

from .client import VectorDBError, require_collection
from .collections import Documents, insert_batches
from .search import Hits


@dataclass
class Changes:
    upserts: Documents          # edited articles (ids already live) and new ones
    deletes: np.ndarray         # ids to remove

    def __post_init__(self):
        self.deletes = np.asarray(self.deletes, dtype=np.int64)
        both = set(self.upserts.ids.tolist()) & set(self.deletes.tolist())
        if both:
            raise VectorDBError(f"Ids both upserted and deleted in one batch: {sorted(both)[:5]}")
        if len(self.upserts) == 0 and len(self.deletes) == 0:
            raise VectorDBError("The batch of changes is empty: nothing to apply.")


def apply_changes(client: MilvusClient, name: str, changes: Changes, model_version: str,
                  batch_size: int = 512) -> dict[str, int]:
    """Upsert and delete in place; returns how many rows each step touched."""
    require_collection(client, name)
    upserted = 0
    if len(changes.upserts):
        upserted = insert_batches(client, name, changes.upserts, model_version, batch_size, progress=False, upsert=True)
    deleted = 0
    if len(changes.deletes):
        client.delete(name, ids=changes.deletes.tolist())
        deleted = len(changes.deletes)
    client.flush(name)
    return {"upserted": upserted, "deleted": deleted}


def rebuilt_documents(docs: Documents, changes: Changes) -> Documents:
    """What a from-scratch rebuild would ingest: ``docs`` with the changes applied."""
    replaced = set(changes.upserts.ids.tolist()) | set(changes.deletes.tolist())
    keep = [i for i, d in enumerate(docs.ids.tolist()) if d not in replaced]
    kept = docs.take(keep)
    up = changes.upserts
    return Documents(np.concatenate([kept.ids, up.ids]), np.concatenate([kept.vectors, up.vectors]),
                     [*kept.titles, *up.titles], [*kept.topics, *up.topics], [*kept.groups, *up.groups])


def same_results(a: Hits, b: Hits, atol: float = 1e-5) -> bool:
    """Every query got the same ids in the same order, with the same scores."""
    if a.ids != b.ids:
        return False
    return all(np.allclose(x, y, atol=atol) for x, y in zip(a.scores, b.scores))
