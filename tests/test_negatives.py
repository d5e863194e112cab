"""Notebook 07's library: GradCache equals a full-batch step and sentence-transformers'
CachedMultipleNegativesRankingLoss; accumulation gives k blocks; the memory bank's queue and loss;
input checks; a memory measurement that sees a real allocation."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib import infonce
from course_lib.negatives import batches, gradcache, memory, memory_bank


class MLP(torch.nn.Module):
    def __init__(self, dropout=0.0, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.a = torch.nn.Linear(10, 16).double()
        self.b = torch.nn.Linear(16, 6).double()
        self.drop = torch.nn.Dropout(dropout)

    def forward(self, x):
        return self.b(self.drop(torch.tanh(self.a(x))))


def _batch(n, seed=1):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(n, 10, generator=g, dtype=torch.float64)
    return q, q + 0.3 * torch.randn(n, 10, generator=g, dtype=torch.float64)


@pytest.mark.parametrize("n, chunk", [(8, 2), (10, 4), (7, 7), (5, 1)])
def test_gradcache_equals_the_full_batch_step(n, chunk):
    q, k = _batch(n)
    full, step = MLP(), MLP()
    want, shape = gradcache.full_batch_step(full, q, k, 0.1)
    got = gradcache.gradcache_step(step, q, k, chunk, 0.1)
    assert shape == (n, n)
    assert float(got) == pytest.approx(float(want), rel=1e-12)
    assert gradcache.max_abs_diff(gradcache.parameter_grads(step), gradcache.parameter_grads(full)) < 1e-12


def test_gradcache_replays_dropout_so_one_chunk_is_the_full_batch_step():
    """With dropout, pass 3 must reuse pass 1's masks: chunk = N then reproduces the full-batch step exactly;
    without the replay it does not."""
    q, k = _batch(6)
    full, step = MLP(0.3), MLP(0.3)
    torch.manual_seed(5)
    gradcache.full_batch_step(full, q, k, 0.1)
    torch.manual_seed(5)
    gradcache.gradcache_step(step, q, k, 6, 0.1)
    assert gradcache.max_abs_diff(gradcache.parameter_grads(step), gradcache.parameter_grads(full)) < 1e-12

    class NoReplay:
        def __init__(self):
            pass

        def replay(self):
            import contextlib
            return contextlib.nullcontext()

    broken = MLP(0.3)
    original = gradcache.RandomState
    gradcache.RandomState = NoReplay
    try:
        torch.manual_seed(5)
        gradcache.gradcache_step(broken, q, k, 6, 0.1)
    finally:
        gradcache.RandomState = original
    assert gradcache.max_abs_diff(gradcache.parameter_grads(broken), gradcache.parameter_grads(full)) > 1e-6


def test_accumulation_gives_k_blocks_of_n_by_n_and_a_different_gradient():
    q, k = _batch(12)
    acc, full = MLP(), MLP()
    _, shapes = gradcache.accumulated_step(acc, q, k, 4, 0.1)
    _, full_shape = gradcache.full_batch_step(full, q, k, 0.1)
    assert shapes == [(4, 4)] * 3 and full_shape == (12, 12)
    assert batches.logit_shapes(4, 3) == shapes and batches.logit_shapes(4, 3, cached=True) == [(12, 12)]
    assert gradcache.max_abs_diff(gradcache.parameter_grads(acc), gradcache.parameter_grads(full)) > 1e-4
    assert batches.negatives_per_query(4, 3) == 3
    assert batches.negatives_per_query(4, 3, cached=True) == 11
    assert batches.negatives_per_query(16, processes=2) == 31
    assert batches.negatives_per_query(16, processes=2, gathered=False) == 15
    assert batches.negatives_per_query(8, bank=24) == 31


def test_gradcache_equals_cached_mnrl_and_full_batch_on_minilm():
    from datasets import Dataset

    from course_lib.trained.negatives_parity import library_cached_step, parity_batch

    pairs = Dataset.from_dict({"anchor": ["A capital city in Europe", "Large mammal", "Programming language",
                                          "River in Africa", "Physicist", "Musical instrument"],
                               "positive": ["Paris is the capital of France.", "The elephant is the largest land animal.",
                                            "Python is a language for programming.", "The Nile flows through Egypt.",
                                            "Albert Einstein developed relativity.", "The violin has four strings."]})
    batch = parity_batch(pairs, 6, seq=16)
    model = batch.fresh_model()
    full_loss, _ = gradcache.full_batch_step(gradcache.sentence_encoder(model), batch.queries, batch.keys, 0.05)
    full = gradcache.parameter_grads(model)
    model = batch.fresh_model()
    ours_loss = gradcache.gradcache_step(gradcache.sentence_encoder(model), batch.queries, batch.keys, 2, 0.05)
    ours = gradcache.parameter_grads(model)
    lib_loss, lib = library_cached_step(batch, 2, scale=20.0)
    assert abs(float(ours_loss) - lib_loss) <= 1e-5
    assert abs(float(ours_loss) - float(full_loss)) <= 1e-5
    assert gradcache.max_abs_diff(ours, lib) <= 1e-4
    assert gradcache.max_abs_diff(ours, full) <= 1e-4
    assert max(float(g.abs().max()) for g in ours) > 1e-3       # the gradients compared are not all zero


@pytest.mark.parametrize("chunk", [0, -3, 9, 2.5, True])
def test_bad_chunk_sizes_get_a_clear_message(chunk):
    q, k = _batch(8)
    with pytest.raises(ValueError, match="chunk size"):
        gradcache.gradcache_step(MLP(), q, k, chunk)


def test_process_split_and_queue_length_checks():
    assert batches.check_process_split(32, 2) == 16
    with pytest.raises(ValueError, match="cannot be split evenly over 3 processes"):
        batches.check_process_split(32, 3)
    with pytest.raises(ValueError, match="fewer than one global batch"):
        batches.check_process_split(32, 2, rows=20)
    with pytest.raises(ValueError, match="longer than the 100 training rows"):
        memory_bank.check_queue_length(101, 100)
    with pytest.raises(ValueError, match="whole number"):
        memory_bank.check_queue_length(-1)


def test_update_bank_is_a_fifo_of_normalised_detached_keys():
    bank = torch.zeros(0, 2)
    for step in range(4):
        keys = torch.tensor([[3.0 + step, 4.0], [0.0, 1.0 + step]], requires_grad=True)
        bank = memory_bank.update_bank(bank, keys, 5)
    assert bank.shape == (5, 2) and not bank.requires_grad
    assert torch.allclose(bank.norm(dim=1), torch.ones(5))
    assert torch.allclose(bank[-2], F.normalize(torch.tensor([6.0, 4.0]), dim=0))  # newest last, oldest gone
    assert memory_bank.update_bank(bank, keys, 0).shape == (0, 2)


def test_memory_bank_loss_equals_infonce_and_mnrl_with_the_bank_as_shared_negatives():
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    g = torch.Generator().manual_seed(3)
    q, k, bank = (torch.randn(6, 8, generator=g) for _ in range(3))
    ours = memory_bank.memory_bank_loss(q, k, bank, 0.05)
    assert float(ours) == pytest.approx(float(infonce.info_nce(q, k, 0.05, hard_negatives=bank)), rel=1e-6)
    mnrl = MultipleNegativesRankingLoss(model=None, scale=20.0)
    assert float(ours) == pytest.approx(float(mnrl.compute_loss_from_embeddings([q, k, bank], None)), rel=1e-5)
    assert float(memory_bank.memory_bank_loss(q, k, bank[:0], 0.05)) == pytest.approx(float(infonce.info_nce(q, k, 0.05)))


def test_staleness_is_zero_for_the_same_vectors_and_one_for_orthogonal():
    a = np.array([[1.0, 0.0], [0.0, 2.0]])
    assert np.allclose(memory_bank.staleness(a, a), 0)
    assert np.allclose(memory_bank.staleness(a, a[::-1]), 1)


def test_peak_rss_sees_an_allocation():
    def allocate():
        x = np.ones(200 * 1024 * 1024 // 8)   # 200 MB touched
        return float(x.sum())

    measured = memory.peak_step_memory_mb(allocate, "cpu")
    assert 150 <= measured["peak_mb"] <= 400


def test_duplicates_in_a_batch():
    from datasets import Dataset

    from course_lib.trained.negatives_duplicates import duplicate_rates, no_duplicate_batches

    assert batches.duplicate_pairs(["a", "b", "a", "c", "a"]) == [(0, 2), (0, 4), (2, 4)]
    assert batches.batches_with_duplicates([["a", "b"], ["c", "c"], ["d", "e"], ["f", "g"]]) == 0.25
    anchors = [f"desc {i % 5}" for i in range(40)]             # every description 8 times
    data = Dataset.from_dict({"anchor": anchors, "positive": [f"article {i}" for i in range(40)]})
    rows = duplicate_rates(data, [4], seed=0)[0]
    assert rows["plain sampler"] > 0.3 and rows["NoDuplicatesBatchSampler"] == 0.0
    for batch in no_duplicate_batches(data, 4):
        assert len({anchors[i] for i in batch}) == 4


def test_the_exercise_references_equal_the_library():
    from course_lib.exercises.definitions import nb07

    q, k = _batch(9)
    lib, ref = MLP(), MLP()
    want = gradcache.gradcache_step(lib, q, k, 4, 0.2)
    got = nb07.gradcache_step(ref, q, k, 4, 0.2)
    assert got == pytest.approx(float(want), rel=1e-12)
    assert gradcache.max_abs_diff(gradcache.parameter_grads(ref), gradcache.parameter_grads(lib)) < 1e-12
    g = torch.Generator().manual_seed(2)
    a, b, bank = (torch.randn(5, 4, generator=g) for _ in range(3))
    assert float(nb07.memory_bank_loss(a, b, bank, 0.1)) == pytest.approx(float(memory_bank.memory_bank_loss(a, b, bank, 0.1)))
    assert torch.allclose(nb07.update_bank(bank, a, 7), memory_bank.update_bank(bank, a, 7))
