"""Notebook 05 widgets, driven without a browser."""
import numpy as np
import pytest

from course_lib.matryoshka import LatencyTable, storage_bytes
from course_lib.retrieval.task import make_task
from course_lib.widgets.matryoshka import StorageLatencyApp, TruncationApp
from widget_helpers import assert_changes, assert_rejects


@pytest.fixture(scope="module")
def latency():
    seconds = {(t, d): f * d * 1e-6 for t, f in (("float32", 4), ("float16", 3), ("int8", 2), ("binary", 0.2))
               for d in (8, 64, 384)}
    return LatencyTable(n_docs=10_000, n_queries=16, k=10, seconds=seconds)


@pytest.fixture(scope="module")
def task():
    return make_task("test", n_queries=20, n_distractors=100)


def _fake_embeddings(task, seed, noise):
    """Queries near their first relevant document: quality depends on how much noise is added."""
    rng = np.random.default_rng(seed)
    docs = rng.normal(size=(len(task.doc_ids), 384)).astype(np.float32)
    rel = [sorted(r)[0] for r in task.relevant_positions()]
    queries = docs[rel] + noise * rng.normal(size=(len(rel), 384)).astype(np.float32)
    norm = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
    return norm(queries), norm(docs)


def test_truncation_slider_updates_quality_storage_and_latency(task, latency):
    app = TruncationApp(task, {"A": _fake_embeddings(task, 0, 0.5), "B": _fake_embeddings(task, 1, 2.0)}, latency, dims=64)
    app.show()
    assert app.last_error is None and "nDCG@10 at 64 dims" in app.output.value
    assert set(app.curves) == {"A", "B"} and app.curves["A"][384] >= app.curves["B"][384]
    after = assert_changes(app, "dims", 8)
    assert "nDCG@10 at 8 dims" in after[1]
    n = len(task.doc_ids)
    expected_bytes = storage_bytes(n, 8)
    from course_lib.matryoshka import format_bytes
    assert format_bytes(expected_bytes) in after[1]
    # the table's score is the live nDCG at 8 dims
    assert f"{app.ndcg('A', 8):.3f}" in after[1]
    # the figure marks the chosen dimension
    assert any("8 dims" in (a.text or "") for a in app.figure.layout.annotations)
    with pytest.raises(ValueError, match="at least 1"):
        app.update(dims=0)
    with pytest.raises(ValueError, match="between 1 and 384"):
        app.update(dims=400)


def test_storage_calculator_numbers_and_messages(latency):
    app = StorageLatencyApp(latency, n_docs=1_000_000, dims=384, dtype="float32")
    app.show()
    assert app.last_error is None
    assert "1.5 GB" in app.output.value and "1,536,000,000 bytes" in app.output.value
    assert "the float32 size itself" in app.output.value and "1× smaller" not in app.output.value
    assert "extrapolated" in app.output.value
    storage_bars = app.figure.data[0].y
    assert np.allclose(storage_bars, [1536.0, 768.0, 384.0, 48.0])          # MB: float32, float16, int8, binary
    after = assert_changes(app, "dtype", "binary")
    assert "48.0 MB" in after[1] and "32× smaller" in after[1]
    after = assert_changes(app, "dims", 64)
    assert "8,000,000 bytes" in after[1]                                     # 1M × 64 bits
    # measured size and dimension: no extrapolation, the measured time itself
    app.controls["n_docs"].value = 10_000
    assert "measured with FAISS" in app.output.value
    assert np.isclose(app.figure.data[1].y[3], 0.2 * 64 * 1e-6 * 1e3)     # binary ms at 64 dims
    assert_rejects(app, "dims", 0, "at least 1")
    assert_rejects(app, "dims", 1000, "between 1 and 384")
    assert_rejects(app, "n_docs", 0, "at least one document")
    app.controls["n_docs"].value = 5                                      # recovers after bad input
    app.controls["dims"].value = 384
    assert app.last_error is None
