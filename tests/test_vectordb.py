"""Notebook 08's vector database, on tiny collections of random unit vectors (seconds, no model)."""
import json

import numpy as np
import pytest

from course_lib.vectordb import acl, client, collections, drift, freshness, scale, swap, versions
from course_lib.vectordb.client import VectorDBError
from course_lib.vectordb.search import search

DIM, N = 16, 300
GROUPS = ["public", "staff", "finance", "legal", 'we"ird', "back\\slash"]


def unit(x):
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def make_docs(n=N, seed=0, start=0):
    rng = np.random.default_rng(seed)
    ids = np.arange(start, start + n)
    return collections.Documents(ids, unit(rng.normal(size=(n, DIM))), [f"doc {i}" for i in ids],
                                 [("a", "b", "c")[i % 3] for i in ids], acl.assign_groups(n, GROUPS, seed))


@pytest.fixture
def db(tmp_path):
    return client.connect(client.database_path("test", tmp_path))


@pytest.fixture
def live(db):
    docs = make_docs()
    report = collections.ingest(db, "live", docs, "m1", batch_size=64, progress=False)
    return db, docs, report


def test_ingest_builds_then_points_the_alias_and_search_is_exact(live):
    db, docs, report = live
    assert report.previous is None and report.n_vectors == N
    assert client.alias_target(db, "live") == report.collection
    queries = unit(np.random.default_rng(1).normal(size=(5, DIM)))
    hits = search(db, "live", queries, k=10)
    exact = np.argsort(-(queries @ docs.vectors.T), axis=1)[:, :10]
    assert [row for row in hits.ids] == docs.ids[exact].tolist()


def test_an_interrupted_ingest_leaves_the_live_alias_and_its_results_untouched(live):
    db, docs, report = live
    q = docs.vectors[:3]
    before = search(db, "live", q, k=5).ids

    def crash(batch):
        if batch == 2:
            raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        collections.ingest(db, "live", make_docs(seed=5), "m2", batch_size=64, progress=False, before_batch=crash)
    assert client.alias_target(db, "live") == report.collection
    assert search(db, "live", q, k=5).ids == before
    assert sorted(db.list_collections()) == [report.collection]      # the half-built one is gone


def test_bad_inputs_give_clear_messages_and_write_nothing(live):
    db, docs, report = live
    with pytest.raises(VectorDBError, match="no collection or alias called 'missing'"):
        search(db, "missing", docs.vectors[:1])
    with pytest.raises(VectorDBError, match="Dimension mismatch: 'live' holds 16-d vectors, got 8-d"):
        search(db, "live", docs.vectors[:1, :8])
    with pytest.raises(VectorDBError, match="empty"):
        collections.ingest(db, "live", make_docs(n=0), "m1")
    with pytest.raises(VectorDBError, match="Unknown user 'mallory'"):
        acl.user_groups({"alice": ["public"]}, "mallory")
    with pytest.raises(VectorDBError, match="one vector, title, topic and group per id"):
        collections.Documents([1, 2], np.zeros((1, DIM)), ["a", "b"], ["t", "t"], ["g", "g"])
    assert sorted(db.list_collections()) == [report.collection]


def test_the_version_guard_refuses_a_query_from_another_model(live):
    db, docs, _ = live
    with pytest.raises(versions.ModelVersionMismatch, match="encoded by 'm2'.*made by 'm1'"):
        versions.guarded_search(db, "live", docs.vectors[:1], "m2")
    assert versions.guarded_search(db, "live", docs.vectors[:1], "m1", k=1).ids == [[int(docs.ids[0])]]
    # a half-migrated collection: some rows re-made by m2 under the same collection-level label
    half = docs.take(range(0, N, 2))
    freshness.apply_changes(db, "live", freshness.Changes(half, []), "m2")
    assert versions.row_versions(db, "live") == {"m1": N // 2, "m2": N // 2}
    with pytest.raises(versions.ModelVersionMismatch, match="mixes model versions"):
        versions.guarded_search(db, "live", docs.vectors[:1], "m1", check_rows=True)


def test_acl_filter_escapes_group_names_and_matches_nothing_for_no_groups():
    assert acl.acl_filter(["staff", "public"]) == 'access_group in ["public", "staff"]'
    assert json.loads(acl.acl_filter(['x"] or access_group != ["']).split(" in ", 1)[1]) == ['x"] or access_group != ["']
    assert acl.acl_filter([]) == "access_group in []"
    with pytest.raises(VectorDBError, match="list of groups"):
        acl.acl_filter("staff")


def test_acl_never_leaks_even_for_verbatim_copies_of_forbidden_documents(live):
    db, docs, _ = live
    group_of = dict(zip(docs.ids.tolist(), docs.groups))
    users = acl.random_users(GROUPS, 40, seed=3)
    total_leaks = total_lost = n_queries = 0
    for u, groups in users.items():
        forbidden = [i for i, g in enumerate(docs.groups) if g not in groups][:3]
        allowed = [i for i, g in enumerate(docs.groups) if g in groups][:2]
        q = docs.vectors[forbidden + allowed]          # verbatim copies: each forbidden doc is its own top hit
        pre = acl.pre_filter_search(db, "live", q, groups, k=10)
        post = acl.post_filter_search(db, "live", q, groups, k=10)
        unfiltered = search(db, "live", q, k=10)
        assert acl.leaks(unfiltered, groups, group_of) > 0            # the test would see a leak
        total_leaks += acl.leaks(pre, groups, group_of) + acl.leaks(post, groups, group_of)
        assert all(len(row) == 10 for row in pre.ids)                  # pre-filtering fills every place
        total_lost += acl.lost_results(pre, post)
        n_queries += len(q)
    assert total_leaks == 0 and n_queries == 200
    assert total_lost > 0


def test_incremental_changes_equal_a_rebuild(live):
    db, docs, report = live
    rng = np.random.default_rng(7)
    edited = docs.take(range(0, 30))
    edited.vectors = unit(rng.normal(size=(30, DIM)))
    added = make_docs(n=25, seed=9, start=10_000)
    new = collections.Documents(np.concatenate([edited.ids, added.ids]), np.concatenate([edited.vectors, added.vectors]),
                                [*edited.titles, *added.titles], [*edited.topics, *added.topics],
                                [*edited.groups, *added.groups])
    changes = freshness.Changes(new, docs.ids[100:120])
    assert freshness.apply_changes(db, "live", changes, "m1") == {"upserted": 55, "deleted": 20}
    rebuilt = collections.build_collection(db, "rebuilt", freshness.rebuilt_documents(docs, changes), "m1",
                                           progress=False)[0]
    q = np.concatenate([unit(rng.normal(size=(20, DIM))), docs.vectors[95:125], added.vectors[:5]])
    a, b = search(db, "live", q, k=10), search(db, rebuilt, q, k=10)
    assert freshness.same_results(a, b)
    assert not set(docs.ids[100:120].tolist()) & {i for row in a.ids for i in row}
    assert db.get_collection_stats(report.collection)["row_count"] == N + 25 - 20
    with pytest.raises(VectorDBError, match="empty"):
        freshness.Changes(make_docs(n=0), [])


def test_a_swap_under_query_load_fails_no_query_and_rollback_restores_results(live):
    db, docs, report = live
    shadow, _ = collections.build_collection(db, "live", make_docs(seed=11), "m2", progress=False)
    q = docs.vectors[:8]
    before = search(db, "live", q, k=10).ids
    with swap.QueryLoad(db, "live", {"m1": q, "m2": q[::-1]}) as load:
        previous = swap.safe_swap(db, "live", shadow, lambda c, name: True)
        after = search(db, "live", q, k=10).ids
        swap.rollback(db, "live", previous)
    assert load.failed == 0 and load.ok > 0, load.errors[:3]
    assert previous == report.collection and after != before
    assert search(db, "live", q, k=10).ids == before
    # a failing canary leaves the alias where it was
    assert swap.safe_swap(db, "live", shadow, lambda c, name: False) == report.collection
    assert client.alias_target(db, "live") == report.collection


def test_embedded_and_local_server_modes_give_the_same_results(tmp_path):
    docs = make_docs()
    q = unit(np.random.default_rng(4).normal(size=(6, DIM)))
    embedded = client.connect(client.database_path("emb", tmp_path))
    collections.ingest(embedded, "live", docs, "m1", progress=False)
    with client.start_local_server(tmp_path / "server") as server:
        remote = client.connect(uri=server.uri)
        collections.ingest(remote, "live", docs, "m1", progress=False)
        a = search(embedded, "live", q, k=10, filter=acl.acl_filter(["staff", 'we"ird']))
        b = search(remote, "live", q, k=10, filter=acl.acl_filter(["staff", 'we"ird']))
        remote.close()
    assert a.ids == b.ids and np.allclose(a.scores, b.scores, atol=1e-6)
    with pytest.raises(VectorDBError, match="exactly one"):
        client.connect()


def test_drift_score_is_zero_for_the_same_mix_and_grows_as_the_mix_shifts():
    rng = np.random.default_rng(0)
    centres = unit(rng.normal(size=(2, DIM)))
    labels = np.array(["old"] * 200 + ["new"] * 200)
    emb = np.concatenate([centres[0] + 0.3 * rng.normal(size=(200, DIM)), centres[1] + 0.3 * rng.normal(size=(200, DIM))])
    assert drift.drift_score(emb[:200], emb[:200]) == pytest.approx(0.0, abs=1e-12)
    windows = drift.shifting_stream(labels, ["old"], ["new"], n_windows=5, window=40)
    assert [int((labels[w] == "new").sum()) for w in windows] == [0, 10, 20, 30, 40]
    scores = [drift.drift_score(emb[:200], emb[w]) for w in windows]
    assert all(a < b for a, b in zip(scores, scores[1:]))
    threshold = drift.alarm_threshold(emb[:200], window=40)
    assert scores[0] < threshold < scores[-1]
    with pytest.raises(VectorDBError, match="Dimension mismatch"):
        drift.drift_score(emb[:5], emb[:5, :3])


def test_synthetic_vectors_match_the_real_mean_and_are_unit():
    real = unit(np.random.default_rng(0).normal(loc=0.3, size=(500, DIM)))
    fake = scale.synthetic_like(real, 2000, seed=1)
    assert fake.shape == (2000, DIM) and np.allclose(np.linalg.norm(fake, axis=1), 1, atol=1e-5)
    cos = real.mean(0) @ fake.mean(0) / np.linalg.norm(real.mean(0)) / np.linalg.norm(fake.mean(0))
    assert cos > 0.99
    stats = scale.latency_ms(lambda q: q @ real.T, real[:20])
    assert stats["n_queries"] == 20 and 0 < stats["p50_ms"] <= stats["p95_ms"]
