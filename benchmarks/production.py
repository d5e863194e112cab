"""Notebook 08's vector database in production: ACL, freshness, swap, versions, and scale.

    .venv/bin/python benchmarks/production.py [--profile ci|laptop|gpu]

Embedded Milvus Lite (pymilvus MilvusClient on a local folder) holding the dev task's collection
(base MiniLM live, the course's fine-tuned MiniLM as the shadow). Prints progress on stderr and
one JSON object last on stdout:

* ``acl_leaks`` over ``acl_queries`` queries from users with random group sets (half of each
  user's queries are verbatim copies of documents they may not read), pre- and post-filtered;
  ``post_filter_lost_results``: result places post-filtering leaves empty that pre-filtering fills;
* ``incremental_equals_rebuild``: edits + additions + deletions applied with upsert/delete return
  exactly what a from-scratch rebuild returns, on every probe query;
* ``swap_failed_queries`` / ``swap_ok_queries``: a background thread querying the alias while it is
  switched to the shadow and rolled back; ``rollback_restores_results``;
* ``live_ndcg10``, ``half_migrated_ndcg10`` (half the articles re-encoded by the fine-tuned model,
  queries still base), ``shadow_ndcg10`` on all dev queries; ``version_guard_error``;
* ``scale``: per size (real vectors + synthetic ones drawn from their mean and covariance),
  ``ingest_vectors_per_s``, ``query_p50_ms``, ``query_p95_ms`` (one query at a time) for Milvus Lite
  (FLAT) and for an in-process FAISS ``IndexFlatIP`` (notebook 06's exact index).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import Timer, emit, log, parse_args  # noqa: E402


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    import numpy as np

    from course_lib import runtime
    from course_lib.retrieval import indexes
    from course_lib.retrieval.metrics import ndcg_at_k
    from course_lib.trained import production
    from course_lib.vectordb import acl, client, collections, freshness, scale, swap, versions
    from course_lib.vectordb.search import search

    runtime.seed_everything(0)
    n_users = runtime.by_profile(ci=20, laptop=100)
    sizes = runtime.by_profile(ci=(2_000, 5_000), laptop=(10_000, 200_000))
    log(f"profile {args.profile}: loading models and cached embeddings …")
    setup = production.production_setup(args.profile, train_if_missing=False)
    db = client.connect(client.database_path("bench", tempfile.mkdtemp(prefix="course-bench-nb08-")))
    base, tuned = setup.docs["base"], setup.docs["fine-tuned"]
    live = collections.ingest(db, "articles", base, setup.versions["base"], progress=False)
    out = {"profile": args.profile, "collection": setup.task.label, "models": setup.versions,
           "ingest_vectors_per_s_collection": round(live.vectors_per_s, 1)}

    log("versions …")
    try:
        versions.guarded_search(db, "articles", setup.queries["fine-tuned"][:1], setup.versions["fine-tuned"])
    except versions.ModelVersionMismatch as err:
        out["version_guard_error"] = str(err)
    half = versions.build_half_migrated(db, "half", base, tuned, setup.versions["base"], setup.versions["fine-tuned"])
    shadow, _ = collections.build_collection(db, "articles", tuned, setup.versions["fine-tuned"], progress=False)
    out["live_ndcg10"] = round(production.ndcg10(db, "articles", setup.queries["base"], setup.relevant), 4)
    out["half_migrated_ndcg10"] = round(production.ndcg10(db, half, setup.queries["base"], setup.relevant), 4)
    out["shadow_ndcg10"] = round(production.ndcg10(db, shadow, setup.queries["fine-tuned"], setup.relevant), 4)
    out["n_dev_queries"] = len(setup.relevant)
    canary = swap.canary_compare(db, "articles", shadow, setup.queries["base"], setup.queries["fine-tuned"],
                                 setup.relevant, ndcg_at_k)
    out["canary_agreement"] = round(canary["agreement"], 4)

    log("swap under load …")
    before = search(db, "articles", setup.queries["base"], k=10).ids
    load_queries = {setup.versions[m]: setup.queries[m] for m in ("base", "fine-tuned")}
    with swap.QueryLoad(db, "articles", load_queries) as load:
        time.sleep(0.5)
        previous = swap.safe_swap(db, "articles", shadow, lambda c, name: True)
        time.sleep(0.5)
        swap.rollback(db, "articles", previous)
        time.sleep(0.5)
    out.update(swap_failed_queries=load.failed, swap_ok_queries=load.ok, swap_retried_queries=load.retried,
               rollback_restores_results=search(db, "articles", setup.queries["base"], k=10).ids == before)

    log("freshness …")
    changes = production.article_changes(setup, "base", *runtime.by_profile(ci=(5, 5, 5), laptop=(40, 20, 20)))
    freshness.apply_changes(db, "articles", changes, setup.versions["base"])
    rebuilt, _ = collections.build_collection(db, "rebuilt", freshness.rebuilt_documents(base, changes),
                                              setup.versions["base"], progress=False)
    probe = np.concatenate([setup.queries["base"], changes.upserts.vectors, base.vectors[:100]])
    out["incremental_equals_rebuild"] = freshness.same_results(search(db, "articles", probe, k=10),
                                                               search(db, rebuilt, probe, k=10))
    out["freshness_probe_queries"] = len(probe)

    log("access control …")
    users = acl.random_users(production.GROUPS, n_users, seed=0)
    group_of = setup.group_of | dict(zip(changes.upserts.ids.tolist(), changes.upserts.groups))
    rng = np.random.default_rng(0)
    leaks = pre_n = post_n = n_queries = 0
    for groups in users.values():
        forbidden = np.flatnonzero([g not in groups for g in base.groups])
        q = np.concatenate([setup.queries["base"][rng.choice(len(setup.queries["base"]), 5, replace=False)],
                            base.vectors[rng.choice(forbidden, 5, replace=False)]])
        pre = acl.pre_filter_search(db, "articles", q, groups, k=10)
        post = acl.post_filter_search(db, "articles", q, groups, k=10)
        leaks += acl.leaks(pre, groups, group_of) + acl.leaks(post, groups, group_of)
        pre_n, post_n, n_queries = pre_n + sum(map(len, pre.ids)), post_n + sum(map(len, post.ids)), n_queries + len(q)
    out.update(acl_leaks=leaks, acl_queries=n_queries, acl_users=len(users), pre_filter_results=pre_n,
               post_filter_results=post_n, post_filter_lost_results=pre_n - post_n)

    out["scale"] = {}
    queries = setup.queries["base"][:100]
    for n in sizes:
        log(f"scale: {n:,} vectors ({len(base):,} real + synthetic) …")
        vectors = np.concatenate([base.vectors, scale.synthetic_like(base.vectors, n - len(base), seed=1)])
        docs = collections.Documents(np.arange(n), vectors, ["synthetic"] * n, ["-"] * n,
                                     acl.assign_groups(n, production.GROUPS, 0))
        name, seconds = collections.build_collection(db, f"scale{n}", docs, "synthetic", batch_size=1000, progress=False)
        db_lat = scale.latency_ms(lambda q: search(db, name, q[None], k=10, output_fields=()), queries)
        with Timer() as t:
            index = indexes.build_flat(vectors)
        faiss_lat = scale.latency_ms(lambda q: index.search(q[None], 10), queries)
        out["scale"][str(n)] = {
            "synthetic_vectors": n - len(base),
            "milvus_lite_flat": {"ingest_vectors_per_s": round(n / seconds, 1), "query_p50_ms": round(db_lat["p50_ms"], 3),
                                 "query_p95_ms": round(db_lat["p95_ms"], 3)},
            "faiss_flat_in_process": {"ingest_vectors_per_s": round(n / t.seconds, 1),
                                      "query_p50_ms": round(faiss_lat["p50_ms"], 3),
                                      "query_p95_ms": round(faiss_lat["p95_ms"], 3)},
        }
        db.drop_collection(name)
        log(out["scale"][str(n)])
    emit(out)


if __name__ == "__main__":
    main()
