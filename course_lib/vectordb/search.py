"""Search a collection (or an alias) and get plain lists back: ids, scores and payload per query."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

from .client import VectorDBError, require_collection
from .collections import ID, VECTOR, check_vectors


@dataclass
class Hits:
    ids: list[list[int]]           # per query, best first (may be shorter than k)
    scores: list[list[float]]
    payload: list[list[dict]]

    def __len__(self) -> int:
        return len(self.ids)


def search(client: MilvusClient, name: str, queries, k: int = 10, filter: str = "",
           output_fields=("title", "access_group"), search_params: dict | None = None) -> Hits:
    """The top ``k`` of collection or alias ``name`` for each query vector, under an optional scalar
    ``filter`` (Milvus applies it *before* ranking: pre-filtering)."""
    require_collection(client, name)
    queries = check_vectors(client, name, queries)
    if k < 1:
        raise VectorDBError(f"k must be at least 1, got {k}.")
    try:
        result = client.search(name, data=queries.tolist(), limit=int(k), filter=filter or "", anns_field=VECTOR,
                               output_fields=list(output_fields), search_params=search_params or {})
    except MilvusException as err:
        raise VectorDBError(f"Search in {name!r} failed: {err.message}") from None
    ids = [[int(h[ID]) for h in row] for row in result]
    scores = [[float(h["distance"]) for h in row] for row in result]
    payload = [[{f: h["entity"].get(f) for f in output_fields} for h in row] for row in result]
    return Hits(ids, scores, payload)


def ids_matrix(hits: Hits, k: int) -> np.ndarray:
    """The hits' ids as an (n_queries, k) array, padded with -1 where a query got fewer than k."""
    out = np.full((len(hits), k), -1, dtype=np.int64)
    for i, row in enumerate(hits.ids):
        out[i, :len(row[:k])] = row[:k]
    return out
