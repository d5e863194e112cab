"""Notebook 08's glue: the course's articles and models as vector-database documents and queries.

The collection is the dev task's (``retrieval.task.make_task("dev")``): every article relevant to
the dev queries plus seeded distractors in ``ci``/``laptop``, all 10,033 in ``gpu``. The live model
is base MiniLM; the shadow model is the course's fine-tuned MiniLM (notebook 04). Every embedding
goes through ``models.encode``'s on-disk cache, so a second run encodes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import runtime
from ..data import load_articles
from ..models import encode, load_minilm, load_saved_sentence_model
from ..retrieval.metrics import ndcg_at_k
from ..retrieval.task import RetrievalTask, encode_task, make_task
from ..vectordb import acl
from ..vectordb.collections import Documents
from ..vectordb.freshness import Changes
from ..vectordb.search import search
from ..vectordb.versions import model_version
from .bi_encoder import load_or_train_bi_encoder

GROUPS = ("public", "staff", "finance", "legal", "research", "hr")


@dataclass
class ProductionSetup:
    task: RetrievalTask
    models: dict                          # name → sentence-transformer ("base", "fine-tuned")
    versions: dict[str, str]              # name → the model-version label its vectors carry
    docs: dict[str, Documents]            # name → the collection's documents, vectors by that model
    queries: dict[str, np.ndarray]        # name → the dev queries' vectors by that model
    relevant: list[set[int]]              # per query: relevant doc ids
    query_topics: list[str]               # per query: the topic of its (first) relevant article
    notes: list[str] = field(default_factory=list)

    @property
    def group_of(self) -> dict[int, str]:
        docs = next(iter(self.docs.values()))
        return dict(zip(docs.ids.tolist(), docs.groups))


def load_models(profile: str, train_if_missing: bool = True) -> tuple[dict, dict[str, str], list[str]]:
    """Base MiniLM and the course's fine-tuned one, with their version labels and a note on each."""
    base = load_minilm()
    models, versions = {"base": base}, {"base": model_version("all-MiniLM-L6-v2", "packaged")}
    notes = ["base: all-MiniLM-L6-v2 as packaged (the live model)"]
    name = f"finetuned-minilm-{profile}"
    tuned = load_or_train_bi_encoder(profile=profile) if train_if_missing else load_saved_sentence_model(name)
    if tuned is None:   # only without training: fall back to the ci model, and say so
        name = "finetuned-minilm-ci"
        tuned = load_or_train_bi_encoder(profile="ci")
    models["fine-tuned"], versions["fine-tuned"] = tuned, model_version(name, "notebook 04 recipe")
    notes.append(f"fine-tuned: the course's {name} (notebook 04; the shadow model)")
    return models, versions, notes


def production_setup(profile: str | None = None, seed: int = 0, train_if_missing: bool = True) -> ProductionSetup:
    profile = runtime.check_profile(profile or runtime.get_profile())
    task = make_task("dev", seed=seed)
    models, versions, notes = load_models(profile, train_if_missing)
    articles = load_articles().set_index("doc_id")
    rows = articles.loc[task.doc_ids]
    groups = acl.assign_groups(len(task.doc_ids), GROUPS, seed)
    docs, queries = {}, {}
    for name, model in models.items():
        q, d = encode_task(model, task)
        docs[name] = Documents(task.doc_ids, d, rows.title.tolist(), rows.topic.tolist(), groups)
        queries[name] = q
    relevant = [set(q.relevant) for q in task.queries]
    topics = [articles.topic[min(q.relevant)] for q in task.queries]
    return ProductionSetup(task, models, versions, docs, queries, relevant, topics, notes)


def ndcg10(client, name: str, query_vectors, relevant, k: int = 10, **search_kwargs) -> float:
    """Mean nDCG@10 of searching collection/alias ``name`` with ``query_vectors``."""
    hits = search(client, name, query_vectors, k, output_fields=(), **search_kwargs)
    return float(np.mean([ndcg_at_k(r, rel, k) for r, rel in zip(hits.ids, relevant)]))


def article_changes(setup: ProductionSetup, model: str, n_edit: int, n_add: int, n_delete: int,
                    seed: int = 0) -> Changes:
    """Edits (an article cut to its first sentence, re-encoded), new articles from outside the
    collection, and deletions, with vectors by ``model``."""
    rng = np.random.default_rng(seed)
    docs = setup.docs[model]
    articles = load_articles().set_index("doc_id")
    picked = rng.choice(len(docs), size=n_edit + n_delete, replace=False)
    edit_rows, delete_rows = picked[:n_edit], picked[n_edit:]
    outside = np.setdiff1d(articles.index.to_numpy(), docs.ids)
    added_ids = np.sort(rng.choice(outside, size=n_add, replace=False))
    edited_ids = docs.ids[edit_rows]
    texts = [articles.text[i].split(". ")[0] + "." for i in edited_ids] + [articles.text[i] for i in added_ids]
    vectors = encode(setup.models[model], texts, max_seq_length=runtime.by_profile(ci=64, laptop=128, gpu=256),
                     cache_name="nb08-changes")
    ids = np.concatenate([edited_ids, added_ids])
    groups = [docs.groups[r] for r in edit_rows] + acl.assign_groups(n_add, GROUPS, seed + 1)
    upserts = Documents(ids, vectors, articles.title[ids].tolist(), articles.topic[ids].tolist(), groups)
    return Changes(upserts, docs.ids[delete_rows])
