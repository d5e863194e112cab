"""Notebook 08 widgets, driven without a browser, on a tiny collection of random vectors."""
import numpy as np
import pytest

from course_lib.vectordb import acl, client, collections, drift
from course_lib.widgets.vectordb import DriftMonitorApp, UserPickerApp, VersionSwitcherApp
from widget_helpers import assert_changes, assert_rejects, set_control

DIM, N = 8, 60
GROUPS = ["public", "staff", "finance"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(N, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    docs = collections.Documents(np.arange(N), vectors, [f"doc {i}" for i in range(N)], ["t"] * N,
                                 acl.assign_groups(N, GROUPS, 0))
    db = client.connect(client.database_path("w", tmp_path_factory.mktemp("db")))
    collections.ingest(db, "live", docs, "m1", progress=False)
    noisy = docs.take(range(N))
    noisy.vectors = vectors[::-1].copy()                        # a "model" that ranks everything wrong
    other, _ = collections.build_collection(db, "live", noisy, "m2", progress=False)
    return db, docs, other


def test_version_switcher_scores_each_choice_and_shows_the_guard(world):
    db, docs, other = world
    relevant = [{i} for i in range(10)]
    app = VersionSwitcherApp(db, {"good": ("live", "m1", docs.vectors[:10]),
                                  "bad": (other, "m2", docs.vectors[:10]),
                                  "mismatch": ("live", "m2", docs.vectors[:10])}, relevant, label="10 queries")
    app.show()
    assert app.last_error is None and app.scores["good"] == pytest.approx(1.0)   # each query is its own document
    assert_changes(app, "choice", "bad")
    assert app.scores["bad"] < 0.5 and "nDCG@10 = " in app.output.value
    assert list(app.figure.data[0].x) == ["good", "bad"]
    assert_rejects(app, "choice", "mismatch", "refused", "m2", "m1")
    assert_changes(app, "choice", "good")                         # other controls keep working


def test_user_picker_marks_what_the_filter_removes_and_rejects_unknown_users(world):
    db, docs, _ = world
    users = {"alice": ["public"], "bob": ["public", "staff", "finance"]}
    app = UserPickerApp(db, "live", users, [f"query {i}" for i in range(5)], docs.vectors[:5], k=10)
    app.show()
    removed = app.output.value.count(">removed<")
    assert app.last_error is None and removed == sum(g != "public" for g in
                                                     [docs.groups[i] for i in np.argsort(-(docs.vectors @ docs.vectors[0]))[:10]])
    after = assert_changes(app, "user", "bob")
    assert ">removed<" not in after[1] and "post-filtering returns 10 of 10" in after[1]
    assert_rejects(app, "user", "mallory", "unknown user")
    set_control(app, "query", 3)
    assert "mallory" in app.last_error                             # still mallory: the message stays, nothing froze
    assert_changes(app, "user", "alice")
    assert "query 3" not in app.output.value and "alice may read: public" in app.output.value


def test_drift_monitor_steps_through_windows_and_names_the_first_alarm():
    scores, threshold = [0.01, 0.02, 0.2, 0.4], 0.1
    app = DriftMonitorApp(scores, threshold, [0.9, 0.9, 0.8, 0.7], [0, 0.3, 0.6, 1.0], label="test")
    app.show()
    assert "First alarm at window 3" in app.output.value
    after = assert_changes(app, "window", 2)
    assert "No alarm up to window 2" in after[1] and list(app.figure.data[0].y) == [0.01, 0.02]
    with pytest.raises(ValueError, match="between 1 and 4"):
        app.update(window=9)
    assert drift.drift_score([[1.0, 0.0]], [[0.0, 1.0]]) == pytest.approx(1.0)
