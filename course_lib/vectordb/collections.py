"""The schema every course collection uses, and the batched ingest behind an alias.

Each row is one vector with its payload: ``title``, ``topic``, ``access_group`` and the
``model_version`` that made the vector. The collection records the same version in its
properties, which is what the version guard reads.

Applications search an **alias**, never a collection. ``ingest`` builds a *new* collection batch by
batch and only when every batch is in does it point the alias at it (one atomic call). An ingest
that fails half-way drops its half-built collection and leaves the alias where it was.
"""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from pymilvus import DataType, MilvusClient
from tqdm.auto import tqdm

from .client import VectorDBError, alias_target, require_collection

VECTOR, ID = "vector", "id"
PAYLOAD = ("title", "topic", "access_group", "model_version")
INDEXES = {"FLAT": {}, "HNSW": {"M": 16, "efConstruction": 64}, "HNSW_SQ": {"M": 16, "efConstruction": 64},
           "IVF_FLAT": {"nlist": 64}, "IVF_SQ8": {"nlist": 64}}
_counter = itertools.count()


@dataclass
class Documents:
    """Vectors with their payload, aligned row by row."""
    ids: np.ndarray
    vectors: np.ndarray
    titles: Sequence[str]
    topics: Sequence[str]
    groups: Sequence[str]

    def __post_init__(self):
        self.ids = np.asarray(self.ids, dtype=np.int64)
        self.vectors = np.asarray(self.vectors, dtype=np.float32)
        n = len(self.ids)
        if self.vectors.ndim != 2 or len(self.vectors) != n or not len(self.titles) == len(self.topics) == len(self.groups) == n:
            raise VectorDBError(f"Documents need one vector, title, topic and group per id: got {n} ids, "
                                f"vectors of shape {self.vectors.shape}, {len(self.titles)} titles, "
                                f"{len(self.topics)} topics, {len(self.groups)} groups.")
        if len(set(self.ids.tolist())) != n:
            raise VectorDBError("Document ids must be unique.")

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows) -> "Documents":
        rows = np.asarray(rows, dtype=np.int64)
        pick = lambda seq: [seq[i] for i in rows]  # noqa: E731
        return Documents(self.ids[rows], self.vectors[rows], pick(self.titles), pick(self.topics), pick(self.groups))

    def rows(self, model_version: str) -> list[dict]:
        return [{ID: int(i), VECTOR: v.tolist(), "title": t[:500], "topic": tp, "access_group": g,
                 "model_version": model_version}
                for i, v, t, tp, g in zip(self.ids, self.vectors, self.titles, self.topics, self.groups)]


def create_collection(client: MilvusClient, name: str, dim: int, model_version: str, index: str = "FLAT") -> str:
    """An empty collection for ``dim``-d unit vectors (inner product = cosine) made by ``model_version``."""
    if index not in INDEXES:
        raise VectorDBError(f"Unknown index {index!r}; choose one of {', '.join(INDEXES)}.")
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ID, DataType.INT64, is_primary=True)
    schema.add_field(VECTOR, DataType.FLOAT_VECTOR, dim=int(dim))
    for name_ in PAYLOAD:
        schema.add_field(name_, DataType.VARCHAR, max_length=512)
    params = client.prepare_index_params()
    params.add_index(VECTOR, index_type=index, metric_type="IP", params=INDEXES[index])
    client.create_collection(name, schema=schema, index_params=params,
                             properties={"model_version": model_version, "dim": str(dim)})
    return name


def collection_dim(client: MilvusClient, name: str) -> int:
    require_collection(client, name)
    props = client.describe_collection(name).get("properties", {})
    return int(props["dim"])


def check_vectors(client: MilvusClient, name: str, vectors) -> np.ndarray:
    """``vectors`` as a float32 matrix whose width matches the collection's, else a clear error."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    dim = collection_dim(client, name)
    if vectors.shape[1] != dim:
        raise VectorDBError(f"Dimension mismatch: {name!r} holds {dim}-d vectors, got {vectors.shape[1]}-d ones "
                            f"(a different or truncated model?).")
    return vectors


def insert_batches(client: MilvusClient, name: str, docs: Documents, model_version: str, batch_size: int = 512,
                   progress: bool = True, before_batch: Callable[[int], None] | None = None, upsert: bool = False) -> int:
    """Write ``docs`` into ``name`` in batches (with a progress bar); returns the rows written."""
    if len(docs) == 0:
        raise VectorDBError("The batch is empty: nothing to ingest.")
    check_vectors(client, name, docs.vectors[:1])
    write = client.upsert if upsert else client.insert
    starts = range(0, len(docs), batch_size)
    for b, start in enumerate(tqdm(starts, desc=f"ingest → {name}", unit="batch", disable=not progress)):
        if before_batch is not None:
            before_batch(b)
        write(name, docs.take(np.arange(start, min(start + batch_size, len(docs)))).rows(model_version))
    return len(docs)


@dataclass
class IngestReport:
    alias: str
    collection: str
    previous: str | None
    n_vectors: int
    seconds: float
    notes: list[str] = field(default_factory=list)

    @property
    def vectors_per_s(self) -> float:
        return self.n_vectors / self.seconds if self.seconds > 0 else float("inf")


def new_collection_name(alias: str, model_version: str) -> str:
    clean = "".join(ch if ch.isalnum() else "_" for ch in model_version)
    return f"{alias}__{clean}__{time.strftime('%H%M%S')}_{next(_counter)}"


def point_alias(client: MilvusClient, alias: str, collection: str) -> str | None:
    """Point ``alias`` at ``collection`` in one call; return the collection it pointed to before."""
    previous = alias_target(client, alias)
    if previous is None:
        client.create_alias(collection, alias)
    else:
        client.alter_alias(collection, alias)
    return previous


def build_collection(client: MilvusClient, alias: str, docs: Documents, model_version: str, *, index: str = "FLAT",
                     batch_size: int = 512, progress: bool = True, before_batch=None) -> tuple[str, float]:
    """A new collection holding ``docs`` (not yet behind any alias), and the seconds it took.

    If any batch fails, the half-built collection is dropped and the error raised."""
    if len(docs) == 0:
        raise VectorDBError("The batch is empty: nothing to ingest.")
    name = create_collection(client, new_collection_name(alias, model_version), docs.vectors.shape[1],
                             model_version, index=index)
    start = time.perf_counter()
    try:
        insert_batches(client, name, docs, model_version, batch_size, progress, before_batch)
        client.flush(name)
    except BaseException:
        client.drop_collection(name)
        raise
    return name, time.perf_counter() - start


def ingest(client: MilvusClient, alias: str, docs: Documents, model_version: str, **kwargs) -> IngestReport:
    """Build a new collection from ``docs``, then point ``alias`` at it (the old one is kept for rollback)."""
    name, seconds = build_collection(client, alias, docs, model_version, **kwargs)
    previous = point_alias(client, alias, name)
    return IngestReport(alias, name, previous, len(docs), seconds)
