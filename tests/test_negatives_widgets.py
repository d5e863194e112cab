"""Notebook 07's widgets, driven without a browser."""
import numpy as np

from course_lib.widgets.negatives import BatchNegativesApp, MemoryBankApp

MEMORY = {"plain": {"8": {"peak_mb": 50.0}, "32": {"peak_mb": 180.0}},
          "gradcache": {"8": {"peak_mb": 40.0}, "32": {"peak_mb": 45.0}}}


def _batch_app():
    logits = np.random.default_rng(0).normal(size=(32, 32))
    app = BatchNegativesApp(logits, {(8, 1): 0.81, (32, 1): 0.83, (8, 4): 0.80}, MEMORY, batch=8, accumulation=4, chunk=8)
    app.show()
    return app


def test_batch_app_shows_blocks_negatives_memory_and_quality():
    app = _batch_app()
    assert app.last_error is None
    z = np.array(app.figure.data[0].z, dtype=float)
    assert z.shape == (32, 32) and np.isnan(z).sum() == 32 * 32 - 4 * 8 * 8     # 4 blocks of 8×8 computed
    text = app.output.value
    assert "4 × 8×8" in text and ">7<" in text and ">31<" in text and "0.800" in text and "180 MB" in text
    app.controls["view"].value = "GradCache"
    assert not np.isnan(np.array(app.figure.data[0].z, dtype=float)).any()
    app.controls["accumulation"].value = 1
    assert "1 × 8×8" in app.output.value and "0.810" in app.output.value


def test_batch_app_bad_chunk_sizes_are_messages_and_the_other_controls_keep_working():
    app = _batch_app()
    app.controls["chunk"].value = 0
    assert app.last_error and "chunk size" in app.last_error
    app.controls["chunk"].value = 1000
    assert "larger than the batch" in app.last_error
    app.controls["chunk"].value = 4
    assert app.last_error is None and app.figure_is_shown


def test_memory_bank_app_slider_and_a_queue_longer_than_the_data():
    record = {"age_steps": [1] * 4 + [2] * 4 + [3] * 4, "drift": [0.01] * 4 + [0.02] * 4 + [0.04] * 4,
              "batch": 4, "steps": 10}
    app = MemoryBankApp(record, n_rows=40, queue=4, label="test")
    app.show()
    assert "<b>7</b> negatives" in app.output.value and "0.0100" in app.output.value
    app.controls["queue"].value = 12
    assert "<b>15</b> negatives" in app.output.value and "0.0233" in app.output.value
    app.controls["queue"].value = 60
    assert app.last_error and "longer than the 36 training rows" in app.last_error
    app.controls["queue"].value = 8
    assert app.last_error is None
