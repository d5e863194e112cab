"""A zero-downtime model swap: shadow collection, canary comparison, atomic alias switch, rollback.

The order is what makes it safe. (1) Build the new model's vectors into a *shadow* collection
beside the live one; nothing reads it yet. (2) Compare the two on canary queries whose answers
are known. (3) Only if the shadow passes, point the alias at it in one call (``alter_alias``):
every query before that call reads the old collection, every query after it the new one, and
none finds the alias missing. (4) Keep the old collection: rolling back is the same one call.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
from pymilvus import MilvusClient

from .client import VectorDBError, alias_target
from .search import search


def safe_swap(client: MilvusClient, alias: str, shadow: str, canary: Callable[[MilvusClient, str], bool]) -> str:
    """Switch ``alias`` to the collection ``shadow`` if ``canary(client, shadow)`` passes; return
    the collection the alias pointed to before (kept, so that ``rollback`` is one call)."""
    previous = alias_target(client, alias)
    if previous is None:
        raise VectorDBError(f"There is no alias {alias!r} to swap; create it with the first ingest.")
    if not client.has_collection(shadow):
        raise VectorDBError(f"There is no shadow collection {shadow!r} to swap to.")
    client.load_collection(shadow)
    if canary(client, shadow):
        client.alter_alias(shadow, alias)
    return previous


def rollback(client: MilvusClient, alias: str, previous: str) -> None:
    """Point ``alias`` back at ``previous`` in one call."""
    if not client.has_collection(previous):
        raise VectorDBError(f"Cannot roll back: the collection {previous!r} no longer exists.")
    client.alter_alias(previous, alias)


def canary_compare(client: MilvusClient, live: str, shadow: str, live_queries, shadow_queries,
                   relevant: Sequence[set], metric: Callable, k: int = 10) -> dict[str, float]:
    """Live vs shadow on canary queries (each side encoded by its own model): the mean share of the
    top ``k`` the two agree on, and ``metric(ranking, relevant, k)`` averaged for each side."""
    a = search(client, live, live_queries, k, output_fields=()).ids
    b = search(client, shadow, shadow_queries, k, output_fields=()).ids
    agreement = float(np.mean([len(set(x) & set(y)) / k for x, y in zip(a, b)]))
    return {"agreement": agreement,
            "live": float(np.mean([metric(r, rel, k) for r, rel in zip(a, relevant)])),
            "shadow": float(np.mean([metric(r, rel, k) for r, rel in zip(b, relevant)]))}


@dataclass
class QueryLoad:
    """A background thread that keeps querying ``alias`` and counts what succeeded and what failed.

    ``queries`` is a matrix, or a dict model version → matrix: then each query is encoded by the
    model of the collection the alias points to (read from the collection's properties) and the
    version is read again after the search; if the alias moved in between, the query is retried,
    so no answer ever comes from a model other than the query's."""
    client: MilvusClient
    alias: str
    queries: np.ndarray | dict
    k: int = 10
    pause_s: float = 0.0
    ok: int = 0
    failed: int = 0
    retried: int = 0
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _version(self) -> str | None:
        if not isinstance(self.queries, dict):
            return None
        target = alias_target(self.client, self.alias) or self.alias
        return self.client.describe_collection(target)["properties"]["model_version"]

    def _one(self, i: int) -> None:
        while True:
            version = self._version()
            matrix = self.queries if version is None else self.queries[version]
            hits = search(self.client, self.alias, matrix[i % len(matrix)][None], self.k, output_fields=())
            if not hits.ids[0]:
                raise VectorDBError("empty result")
            if self._version() == version:
                return
            self.retried += 1

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            try:
                self._one(i)
                self.ok += 1
            except Exception as err:  # noqa: BLE001 - every failure is counted, none stops the load
                self.failed += 1
                self.errors.append(f"{type(err).__name__}: {err}")
            i += 1
            time.sleep(self.pause_s)

    def __enter__(self) -> "QueryLoad":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        while self.ok + self.failed == 0 and self._thread.is_alive():   # the load is running before we go on
            time.sleep(0.005)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
