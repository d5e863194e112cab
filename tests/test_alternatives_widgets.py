"""Notebook 09 widgets, driven without a browser, on hand-made measured rows."""
from course_lib.widgets.alternatives import BudgetApp, LoraRankApp
from widget_helpers import assert_changes, assert_rejects, set_control
from test_alternatives import ROWS

RECORDS = [{"rank": 4, "trainable": 36864, "total": 22750000, "adapter_bytes": 147456, "train_seconds": 20.0,
            "steps": 10, "dev_ndcg10": 0.81},
           {"rank": 16, "trainable": 147456, "total": 22860000, "adapter_bytes": 589824, "train_seconds": 22.0,
            "steps": 10, "dev_ndcg10": 0.83}]


def test_budget_app_names_the_best_model_within_the_budget():
    app = BudgetApp(ROWS, label="hand-made")
    app.show()
    assert "<b>a</b>" in app.output.value
    fast = min(v for _, v in app.controls["max_ms"].options if v >= 1.0)
    after = assert_changes(app, "max_ms", fast)
    assert "<b>b</b>" in after[1] and "Pareto front" in after[1]
    small = min(v for _, v in app.controls["max_bytes"].options if v >= 48)
    assert "<b>d</b>" in assert_changes(app, "max_bytes", small)[1] or "No model" in app.output.value


def test_budget_app_says_when_nothing_fits_and_keeps_working():
    app = BudgetApp(ROWS, label="hand-made")
    app.show()
    set_control(app, "max_ms", app.controls["max_ms"].options[0][1])
    set_control(app, "max_bytes", app.controls["max_bytes"].options[0][1])
    assert "No model" in app.output.value and app.last_error is None
    assert_changes(app, "max_ms", app.controls["max_ms"].options[-1][1])


def test_lora_rank_app_reads_each_measured_rank():
    app = LoraRankApp(RECORDS, full_ndcg=0.84, base_ndcg=0.78, label="hand-made")
    app.show()
    assert "r = 4" in app.output.value
    after = assert_changes(app, "rank", 16)
    assert "r = 16" in after[1] and "0.830" in after[1]


def test_lora_rank_app_rejects_an_untrained_rank():
    app = LoraRankApp(RECORDS, full_ndcg=0.84, base_ndcg=0.78, label="hand-made")
    app.show()
    app.controls["rank"].options = [4, 16, 64]
    assert_rejects(app, "rank", 64, "not trained")
    assert_changes(app, "rank", 4)


def test_sparse_terms_app_lists_expansions_and_rejects_an_empty_query():
    from scipy import sparse as sp

    from course_lib.widgets.alternatives import SparseTermsApp

    vocab = ["[CLS]", "river", "lake", "jazz", "water"]

    def encode(text):
        return sp.csr_matrix([[1.0, 2.0, 1.0, 0.0, 0.5]] if "river" in text else [[1.0, 0.0, 0.0, 3.0, 0.0]])

    app = SparseTermsApp(encode, vocab, {"river": 0.4, "jazz": 1.1}, "a long river")
    app.show()
    assert "expansion" in app.output.value and "river" in app.output.value
    after = assert_changes(app, "query", "jazz")
    assert "jazz" in after[1] and "1.100" in after[1]
    assert_rejects(app, "query", "   ", "empty")
    assert_changes(app, "query", "river")
