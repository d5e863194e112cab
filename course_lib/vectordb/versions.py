"""Every vector records the model (and recipe) that made it; a query from another model is refused.

Two vectors from different models live in different spaces: their cosine means nothing, yet the
database happily ranks by it. The guard compares the query's model version with the version the
collection records and with the versions its rows carry, and refuses a mismatch with a clear error.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from pymilvus import MilvusClient

from .client import VectorDBError, alias_target, require_collection
from .collections import create_collection, insert_batches
from .search import Hits, search


class ModelVersionMismatch(VectorDBError):
    """The query was encoded by a different model than the vectors it would be compared with."""


def model_version(model_name: str, recipe: str = "") -> str:
    """The label a vector carries: model name plus the recipe (profile, training data) that made it."""
    return f"{model_name}@{recipe}" if recipe else model_name


def collection_version(client: MilvusClient, name: str) -> str:
    require_collection(client, name)
    return client.describe_collection(name).get("properties", {}).get("model_version", "unknown")


def row_versions(client: MilvusClient, name: str) -> Counter:
    """How many rows of ``name`` carry each model version (a half-migrated collection has two)."""
    rows = client.query(name, filter="id >= 0", output_fields=["model_version"])
    return Counter(r["model_version"] for r in rows)


def check_version(client: MilvusClient, name: str, query_version: str, check_rows: bool = False) -> str:
    """Raise ``ModelVersionMismatch`` unless ``name``'s vectors were made by ``query_version``."""
    stored = collection_version(client, name)
    target = alias_target(client, name) or name
    if stored != query_version:
        raise ModelVersionMismatch(
            f"Refused: the query was encoded by {query_version!r}, but {name!r} (collection {target!r}) holds "
            f"vectors made by {stored!r}. Encode the query with the collection's model, or search a "
            f"collection built with {query_version!r}.")
    if check_rows:
        others = {v: n for v, n in row_versions(client, name).items() if v != query_version}
        if others:
            raise ModelVersionMismatch(
                f"Refused: {name!r} mixes model versions ({', '.join(f'{n} rows of {v!r}' for v, n in others.items())} "
                f"besides {query_version!r}); a half-migrated index ranks vectors from different spaces together.")
    return stored


def guarded_search(client: MilvusClient, name: str, queries, query_version: str, k: int = 10,
                   check_rows: bool = False, **kwargs) -> Hits:
    """``search``, after the version guard."""
    check_version(client, name, query_version, check_rows=check_rows)
    return search(client, name, queries, k, **kwargs)


def build_half_migrated(client: MilvusClient, name: str, old, new, old_version: str, new_version: str,
                        share: float = 0.5, seed: int = 0) -> str:
    """A collection where a random ``share`` of the documents already carry the new model's vectors
    (``new``) and the rest the old model's (``old``): what an in-place migration looks like half-way.

    The collection still claims ``old_version``; only the rows tell the truth."""
    rng = np.random.default_rng(seed)
    moved = rng.random(len(old)) < share
    create_collection(client, name, old.vectors.shape[1], old_version)
    insert_batches(client, name, old.take(np.flatnonzero(~moved)), old_version, progress=False)
    insert_batches(client, name, new.take(np.flatnonzero(moved)), new_version, progress=False)
    client.flush(name)
    return name
