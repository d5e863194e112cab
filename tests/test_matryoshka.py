"""Notebook 05 compute: truncation, the MRL loss, storage maths, two-stage search, quantisation."""
import numpy as np
import pytest
import torch

from course_lib.infonce import info_nce
from course_lib.exercises.definitions import nb05
from course_lib.matryoshka import (Int8Quantiser, LatencyTable, binary_search, build_quantised_index, bytes_per_vector,
                                   check_prefix_dims, exact_search, hamming_distances, int8_search,
                                   measure_latency, mrl_info_nce, overlap_at_k, pack_binary, rescore, storage_bytes,
                                   truncate, two_stage_search, unpack_binary)


def unit(n, d, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---- truncation -----------------------------------------------------------------------------------

def test_truncate_then_renormalise_by_hand():
    x = np.array([[3.0, 4.0, 12.0], [0.0, 0.0, 2.0]], dtype=np.float32)  # lengths 13 and 2
    out = truncate(x, 2)
    assert np.allclose(out[0], [0.6, 0.8])
    assert np.allclose(truncate(x, 3)[1], [0.0, 0.0, 1.0])
    assert np.allclose(truncate(x[0], 1), [1.0])                      # a single vector works too
    t = truncate(torch.tensor(x), 2)                                   # torch in, torch out
    assert isinstance(t, torch.Tensor) and torch.allclose(t[0], torch.tensor([0.6, 0.8]))
    assert np.allclose(np.linalg.norm(truncate(unit(5, 384), 64), axis=1), 1.0)


@pytest.mark.parametrize("dims, words", [(0, "at least 1"), (-3, "at least 1"), (385, "between 1 and 384"), (2.5, "whole")])
def test_bad_truncation_dimension_is_a_clear_error(dims, words):
    with pytest.raises(ValueError, match=words):
        truncate(unit(2, 384), dims)


@pytest.mark.parametrize("dims, words", [([64, 32], "increasing"), ([32, 64, 64], "duplicate"),
                                         ([32, 512], "between 1 and 384"), ([], "at least one"), ([0, 64], "at least 1")])
def test_non_prefix_dimension_lists_are_rejected(dims, words):
    with pytest.raises(ValueError, match=words):
        check_prefix_dims(dims, 384)
    with pytest.raises(ValueError, match=words):
        mrl_info_nce(torch.randn(4, 384), torch.randn(4, 384), dims)


# ---- the MRL loss ------------------------------------------------------------------------------------

def test_mrl_loss_is_the_weighted_sum_of_infonce_at_each_prefix():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(8, 64, generator=g), torch.randn(8, 64, generator=g)
    dims, weights = (8, 16, 64), (2.0, 1.0, 0.5)
    expected = sum(w * info_nce(q[:, :m], k[:, :m], temperature=0.1) for m, w in zip(dims, weights))
    assert float(mrl_info_nce(q, k, dims, weights, temperature=0.1)) == pytest.approx(float(expected), rel=1e-6)
    # one prefix at full dimension is plain InfoNCE; the learner's reference solution agrees
    assert float(mrl_info_nce(q, k, (64,))) == pytest.approx(float(info_nce(q, k)), rel=1e-6)
    assert float(nb05.mrl_info_nce(q, k, dims, weights, 0.1)) == pytest.approx(float(expected), rel=1e-5)
    with pytest.raises(ValueError, match="weight"):
        mrl_info_nce(q, k, dims, (1.0, 1.0))


def test_mrl_loss_by_hand():
    # At m = 2 each query equals its key and is orthogonal to the other: logits [[2, 0], [0, 2]] at τ = 0.5.
    q = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    k = torch.tensor([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])
    at_2 = np.log(1 + np.exp(-2.0))
    assert float(mrl_info_nce(q, k, (2,), temperature=0.5)) == pytest.approx(at_2, rel=1e-6)
    # At m = 4 every cosine is 0.5: equal logits, loss log 2.
    assert float(mrl_info_nce(q, k, (2, 4), temperature=0.5)) == pytest.approx(at_2 + np.log(2), rel=1e-6)


# ---- storage -----------------------------------------------------------------------------------------

def test_storage_formula_on_hand_computed_cases():
    assert storage_bytes(1_000_000, 384, "float32") == 1_536_000_000
    assert storage_bytes(1_000_000, 64, "float32") == 256_000_000          # 6× smaller than 384-d
    assert storage_bytes(1_000_000, 384, "float16") == 768_000_000
    assert storage_bytes(1_000_000, 384, "int8") == 384_000_000
    assert storage_bytes(1_000_000, 384, "binary") == 48_000_000            # 32× smaller than float32
    assert bytes_per_vector(10, "binary") == 2                              # 10 bits round up to 2 bytes
    assert storage_bytes(0, 384) == 0
    for n, d, t in ((7, 1, "binary"), (99, 33, "int8"), (12345, 768, "float16")):
        assert storage_bytes(n, d, t) == nb05.storage_bytes(n, d, t)
    with pytest.raises(ValueError, match="Unknown type"):
        storage_bytes(10, 384, "float8")
    with pytest.raises(ValueError, match="positive"):
        storage_bytes(10, 0)
    with pytest.raises(ValueError, match="documents"):
        storage_bytes(-1, 384)


def test_latency_table_scales_measured_time_linearly_and_says_when_it_extrapolates():
    table = LatencyTable(n_docs=1000, n_queries=10, k=10, seconds={("float32", 64): 1e-3, ("float32", 384): 6e-3})
    assert table.estimate(1000, 64) == (pytest.approx(1e-3), False)
    assert table.estimate(2000, 64) == (pytest.approx(2e-3), True)
    assert table.estimate(1000, 224)[0] == pytest.approx(3.5e-3)           # interpolated between 64 and 384
    with pytest.raises(ValueError, match="int8"):
        table.per_query(64, "int8")


def test_measure_latency_times_every_dimension_and_type():
    table = measure_latency(500, (8, 12, 64), n_queries=8, repeats=1)
    assert set(table.seconds) == {(t, d) for t in ("float32", "float16", "int8") for d in (8, 12, 64)} | {
        ("binary", 8), ("binary", 64)}                                     # binary needs multiples of 8
    assert all(s > 0 for s in table.seconds.values())


# ---- two-stage search -------------------------------------------------------------------------------

def test_exact_search_matches_numpy():
    q, d = unit(20, 32, 1), unit(300, 32, 2)
    assert np.array_equal(exact_search(q, d, 10)[1], np.argsort(-(q @ d.T), axis=1, kind="stable")[:, :10])


def test_two_stage_equals_exact_search_when_the_shortlist_keeps_everything():
    q, d = unit(25, 384, 3), unit(400, 384, 4)
    exact = exact_search(q, d, 10)[1]
    assert np.array_equal(two_stage_search(q, d, coarse_dims=16, shortlist=400, k=10), exact)
    assert np.array_equal(two_stage_search(q, d, coarse_dims=384, shortlist=10, k=10), exact)
    assert overlap_at_k(two_stage_search(q, d, coarse_dims=16, shortlist=400), exact) == 1.0
    with pytest.raises(ValueError, match="shortlist"):
        two_stage_search(q, d, shortlist=5, k=10)
    with pytest.raises(ValueError, match="between 1 and 384"):
        two_stage_search(q, d, coarse_dims=500)


def test_rescore_and_overlap_by_hand():
    q = np.array([[1.0, 0.0]], dtype=np.float32)
    docs = np.array([[0.0, 1.0], [1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    assert rescore(q, docs, np.array([[0, 2, 1]]), k=2).tolist() == [[1, 2]]
    assert overlap_at_k(np.array([[1, 2, 3, 4]]), np.array([[4, 3, 9, 8]]), k=4) == 0.5


# ---- quantisation -------------------------------------------------------------------------------------

def test_int8_round_trip_error_is_at_most_half_a_step():
    x = unit(200, 64, 5)
    quant = Int8Quantiser.fit(x)
    codes = quant.encode(x)
    assert codes.dtype == np.int8 and codes.min() == -128 and codes.max() == 127   # the range is used end to end
    assert codes.nbytes * 4 == x.nbytes                                              # 4× smaller than float32
    err = np.abs(quant.decode(codes) - x)
    assert np.all(err <= quant.step / 2 + 1e-6)
    assert np.array_equal(quant.encode(quant.decode(codes)), codes)                  # decoding is stable
    assert quant.encode(x.min(axis=0, keepdims=True) - 1).min() == -128             # clipped outside the range


def test_int8_search_keeps_almost_every_neighbour():
    q, d = unit(30, 64, 6), unit(500, 64, 7)
    quant = Int8Quantiser.fit(d)
    assert overlap_at_k(int8_search(q, quant.encode(d), quant, 10), exact_search(q, d, 10)[1]) > 0.9


def test_binary_codes_round_trip_signs_and_hamming_distance():
    x = unit(50, 64, 8)
    bits = pack_binary(x)
    assert bits.shape == (50, 8) and bits.nbytes * 32 == x.nbytes                    # 32× smaller than float32
    signs = unpack_binary(bits, 64)
    assert np.array_equal(signs, np.where(x > 0, 1.0, -1.0))
    ham = hamming_distances(bits[:5], bits)
    assert np.array_equal(np.diag(ham[:, :5]), np.zeros(5))
    assert np.allclose(signs[:5] @ signs.T, 64 - 2 * ham)                          # ±1 dot = d − 2·Hamming
    index = build_quantised_index(x, "binary")
    dist, ids = index.search(bits[:5], 50)
    assert np.array_equal(np.sort(dist, axis=1), np.sort(ham, axis=1))             # FAISS agrees
    with pytest.raises(ValueError, match="divisible by 8"):
        pack_binary(x[:, :10])


def test_binary_search_with_full_rescoring_is_sign_vector_search():
    q, d = unit(10, 64, 9), unit(80, 64, 10)
    bits = pack_binary(d)
    full = binary_search(q, bits, k=5, rescore_multiplier=16)                       # 80 candidates: everything
    assert np.array_equal(full, exact_search(q, unpack_binary(bits, 64), 5)[1])
    hamming_only = binary_search(q, bits, k=5, rescore_multiplier=0)
    assert hamming_only.shape == (10, 5)


def test_faiss_float_indexes_agree_with_exact_search():
    q, d = unit(20, 64, 11), unit(300, 64, 12)
    exact = exact_search(q, d, 10)[1]
    _, ids32 = build_quantised_index(d, "float32").search(q, 10)
    _, ids16 = build_quantised_index(d, "float16").search(q, 10)
    _, ids8 = build_quantised_index(d, "int8").search(q, 10)
    assert np.array_equal(ids32, exact)
    assert overlap_at_k(ids16, exact) > 0.98 and overlap_at_k(ids8, exact) > 0.9


def test_targets_report_by_how_much_they_are_missed():
    from course_lib.matryoshka import check_targets

    rows = check_targets({32: 0.5, 64: 0.72, 384: 0.8}, {32: 0.55, 64: 0.6, 384: 0.81}, 0.97)
    assert [ok for _, ok, _ in rows] == [False, True, False, False]
    assert "missed by 5.0 points" in rows[0][2]                       # 0.72 / 0.8 = 90 %
    assert "(-0.050)" in rows[2][2] and "missed by 0.010" in rows[3][2]


def test_quantisation_matches_sentence_transformers():
    """Binary codes are sentence-transformers' "ubinary" bit for bit. int8 uses the same per-dimension
    ranges and 255 steps; sentence-transformers floors to the step below, we round to the nearest
    step, so codes differ by at most one and our reconstruction error is the smaller one."""
    from sentence_transformers.util.quantization import quantize_embeddings

    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 64)).astype(np.float32)
    np.testing.assert_array_equal(pack_binary(x), quantize_embeddings(x, precision="ubinary"))
    ours = Int8Quantiser.fit(x)
    theirs = quantize_embeddings(x, precision="int8", calibration_embeddings=x)
    diff = ours.encode(x).astype(int) - theirs.astype(int)
    assert set(np.unique(diff)) <= {0, 1} and diff.mean() > 0.3      # rounding moves about half a step up
    err_ours = np.abs(ours.decode(ours.encode(x)) - x).mean()
    err_theirs = np.abs(ours.decode(theirs) - x).mean()
    assert err_ours < 0.75 * err_theirs


def test_reading_of_the_quality_curves_follows_the_numbers():
    """Notebook 05's 'Reading the results' is built from the curves, so it cannot claim what a run did not show."""
    from course_lib.matryoshka import reading

    curves = {"base MiniLM": {64: 0.60, 384: 0.80}, "standard (MNR)": {64: 0.62, 384: 0.805},
              "MRL": {64: 0.76, 384: 0.80}}
    holds = reading(curves)
    assert "75.0%" in holds[0] and "95.0%" in holds[0] and "77.0%" in holds[0] and "holds on longer" in holds[1]
    assert "neither trained model beats base MiniLM" in holds[2]          # +0.005 is within 0.01
    flat = reading({**curves, "MRL": {64: 0.62, 384: 0.90}})
    assert "does **not** clearly hold on longer" in flat[1] and "training helped" in flat[2]
