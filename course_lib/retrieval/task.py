"""The course's running retrieval task: a Wikipedia short description → its article.

Evaluated on held-out queries (test split by default) against a collection of summaries. The
``gpu`` profile searches the full 10,033 articles; on a CPU, encoding them all with every model
takes minutes, so ``ci`` and ``laptop`` search a fixed sub-collection that always contains every
article relevant to the evaluated queries plus seeded random distractors. Figures say which.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .. import runtime
from ..data import Query, load_articles, retrieval_queries
from ..models import encode
from ..vectors import exact_search, truncate
from .metrics import mean_metrics


@dataclass(frozen=True)
class RetrievalTask:
    queries: tuple[Query, ...]
    doc_ids: np.ndarray          # collection, as doc_ids into load_articles()
    texts: tuple[str, ...]       # the documents' texts, aligned with doc_ids
    split: str

    @property
    def label(self) -> str:
        """How to name the set-up in a figure or table."""
        n_all = len(load_articles())
        where = "full collection" if len(self.doc_ids) == n_all else "sub-collection"
        return f"{len(self.queries)} {self.split} queries, {where} of {len(self.doc_ids):,} / {n_all:,} articles"

    def relevant_positions(self) -> list[set[int]]:
        pos = {int(d): i for i, d in enumerate(self.doc_ids)}
        return [{pos[d] for d in q.relevant} for q in self.queries]


PROFILE_DEFAULT = "profile"


def make_task(split: str = "test", n_queries: int | None | str = PROFILE_DEFAULT,
              n_distractors: int | None | str = PROFILE_DEFAULT, seed: int = 0) -> RetrievalTask:
    """Queries of ``split`` (a seeded sample of ``n_queries``) and the collection to search.

    ``None`` means all queries / the full collection; by default the active profile decides."""
    if n_queries == PROFILE_DEFAULT:
        n_queries = runtime.by_profile(ci=60, laptop=400, gpu=None)
    if n_distractors == PROFILE_DEFAULT:
        n_distractors = runtime.by_profile(ci=500, laptop=2500, gpu=None)
    rng = np.random.default_rng(seed)
    queries = list(retrieval_queries(split))
    if n_queries is not None and n_queries < len(queries):
        keep = sorted(rng.choice(len(queries), size=n_queries, replace=False))
        queries = [queries[i] for i in keep]
    articles = load_articles()
    if n_distractors is None:
        doc_ids = articles["doc_id"].to_numpy()
    else:
        needed = sorted({d for q in queries for d in q.relevant})
        others = np.setdiff1d(articles["doc_id"].to_numpy(), needed)
        extra = rng.choice(others, size=min(n_distractors, len(others)), replace=False)
        doc_ids = np.sort(np.concatenate([needed, extra]))
    texts = tuple(articles["text"].to_numpy()[doc_ids])
    return RetrievalTask(tuple(queries), doc_ids, texts, split)


def evaluate_rankings(task: RetrievalTask, rankings: Sequence[Sequence[int]]) -> dict[str, float]:
    """Mean nDCG@10, recall@10, MRR@10, MAP@100 of rankings given as positions in the collection."""
    return mean_metrics(rankings, task.relevant_positions())


def encode_task(model, task: RetrievalTask, max_seq_length: int | None = None, batch_size: int = 64,
                dims: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Query and document embeddings (cached on disk per model × texts); ``dims`` truncates + renormalises."""
    if max_seq_length is None:
        max_seq_length = runtime.by_profile(ci=64, laptop=128, gpu=256)
    docs = encode(model, list(task.texts), batch_size=batch_size, max_seq_length=max_seq_length,
                  cache_name="wiki-docs")
    queries = encode(model, [q.query for q in task.queries], batch_size=batch_size,
                     max_seq_length=max_seq_length, cache_name=f"wiki-queries-{task.split}")
    if dims is not None:
        queries, docs = (truncate(x, dims) for x in (queries, docs))
    return queries, docs


def evaluate_model(model, task: RetrievalTask, dims: int | None = None, **encode_kwargs) -> dict[str, float]:
    """The held-out metrics of a sentence-transformer on the task (optionally at ``dims`` dimensions)."""
    queries, docs = encode_task(model, task, dims=dims, **encode_kwargs)
    return evaluate_rankings(task, exact_search(queries, docs, 100)[1])


def evaluate_search(task: RetrievalTask, search: Callable[[str], Sequence[int]]) -> dict[str, float]:
    """Metrics of any search function from query text to ranked positions in the collection."""
    return evaluate_rankings(task, [search(q.query) for q in task.queries])
