"""word2vec compute layer: pairs, sampling formulas, the SGNS loss and its closed-form update."""
import math

import numpy as np
import pytest
import torch

from course_lib.text import Vocab
from course_lib.word2vec import (SGNS, NoiseSampler, cbow_examples, keep_probability, noise_distribution,
                                 sgns_loss, sgns_step, skipgram_pairs, window_pairs)


# ---- pairs -------------------------------------------------------------------------------------

def test_pairs_on_a_hand_written_sentence():
    assert skipgram_pairs(["the", "cat", "sat", "down"], 1) == [
        ("the", "cat"), ("cat", "the"), ("cat", "sat"), ("sat", "cat"), ("sat", "down"), ("down", "sat")]
    assert skipgram_pairs(["the", "cat", "sat", "down"], 2) == [
        ("the", "cat"), ("the", "sat"), ("cat", "the"), ("cat", "sat"), ("cat", "down"),
        ("sat", "the"), ("sat", "cat"), ("sat", "down"), ("down", "cat"), ("down", "sat")]
    # a window wider than the sentence pairs everything with everything else
    assert len(skipgram_pairs(list("abcde"), 10)) == 5 * 4
    assert skipgram_pairs(["solo"], 3) == []
    assert cbow_examples(["a", "b", "c"], 1) == [(["b"], "a"), (["a", "c"], "b"), (["b"], "c")]


@pytest.mark.parametrize("window", [0, -1, 1.5, "2", True])
def test_bad_window_is_a_clear_value_error(window):
    with pytest.raises(ValueError, match="window"):
        skipgram_pairs(["a", "b"], window)


def test_empty_sentence_is_a_clear_value_error():
    with pytest.raises(ValueError, match="empty"):
        skipgram_pairs([], 2)
    with pytest.raises(ValueError, match="tokens"):
        skipgram_pairs("a plain string", 2)


def test_vectorised_pairs_equal_the_loop_and_never_cross_sentences():
    sentences = [["a", "b", "c", "d"], ["e", "f"], ["g"], ["h", "i", "j"]]
    vocab = Vocab.build(sentences, min_count=1)
    ids = torch.tensor([vocab.id(w) for s in sentences for w in s])
    sent = torch.tensor([i for i, s in enumerate(sentences) for _ in s])
    c, x = window_pairs(ids, sent, 2, dynamic=False)
    got = sorted((vocab.words[a], vocab.words[b]) for a, b in zip(c.tolist(), x.tolist()))
    want = sorted(p for s in sentences for p in skipgram_pairs(s, 2))
    assert got == want
    # dynamic windows only ever drop pairs, and drop far ones more often than near ones
    gen = torch.Generator().manual_seed(0)
    long = torch.arange(2000) % 50
    c, x = window_pairs(long, torch.zeros(2000, dtype=torch.long), 5, generator=gen)
    dist = ((c - x) % 50).tolist()
    near = sum(d in (1, 49) for d in dist)
    far = sum(d in (5, 45) for d in dist)
    assert near == 2 * 1999 and 0.1 < far / near < 0.3  # P(b ≥ 5) = 1/5


# ---- sampling ----------------------------------------------------------------------------------

def test_noise_distribution_sums_to_one_and_matches_the_formula():
    p = noise_distribution([1, 16, 81])
    np.testing.assert_allclose(p, np.array([1, 8, 27]) / 36)
    counts = np.array([1000, 300, 20, 7, 1])
    for power in (0.0, 0.5, 0.75, 1.0):
        p = noise_distribution(counts, power)
        assert math.isclose(p.sum(), 1.0, abs_tol=1e-12)
        np.testing.assert_allclose(p, counts ** power / (counts ** power).sum())
    # 0.75 flattens: the rarest word gains, the most frequent loses, relative to the unigram distribution
    p1, p75 = noise_distribution(counts, 1.0), noise_distribution(counts, 0.75)
    assert p75[-1] > p1[-1] and p75[0] < p1[0]
    assert noise_distribution([0, 4])[0] == 0.0


def test_negative_count_is_a_clear_value_error():
    with pytest.raises(ValueError, match="negative"):
        noise_distribution([3, -1, 2])
    with pytest.raises(ValueError, match="≥ 0"):
        keep_probability([3, -1, 2])


def test_sampler_draws_from_the_noise_distribution():
    counts = np.array([1000, 300, 20, 7, 1])
    sampler = NoiseSampler(counts)
    draws = sampler.sample((200_000,), generator=torch.Generator().manual_seed(0)).numpy()
    freq = np.bincount(draws, minlength=5) / len(draws)
    np.testing.assert_allclose(freq, noise_distribution(counts), atol=3e-3)


def test_subsampling_probabilities_follow_the_formulas():
    counts = np.array([9000, 900, 90, 10])   # shares f = 0.9, 0.09, 0.009, 0.001 of 10,000 tokens
    f = counts / counts.sum()
    t = 1e-3
    paper = keep_probability(counts, t, formula="paper")
    np.testing.assert_allclose(paper, np.minimum(1, np.sqrt(t / f)))
    assert math.isclose(paper[0], math.sqrt(1e-3 / 0.9))      # "the"-like word: kept 3.3 % of the time
    assert paper[-1] == 1.0                                    # f = t: always kept
    w2v = keep_probability(counts, t)                          # word2vec / gensim
    np.testing.assert_allclose(w2v, np.minimum(1, (np.sqrt(f / t) + 1) * t / f))
    assert math.isclose(w2v[0], (math.sqrt(900) + 1) * 1e-3 / 0.9)
    assert np.all(np.diff(w2v) >= 0)                           # rarer words are kept more often
    assert np.all(keep_probability(counts, 0) == 1.0)


def test_subsampling_matches_gensim():
    from gensim.models import Word2Vec

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    sentences = [list(rng.choice(words, size=20, p=np.arange(30, 0, -1) / 465)) for _ in range(300)]
    model = Word2Vec(min_count=1, sample=1e-2, vector_size=4)
    model.build_vocab(sentences)
    vocab = Vocab.build(sentences, min_count=1)
    ours = dict(zip(vocab.words, keep_probability(vocab.counts, 1e-2)))
    theirs = {w: model.wv.get_vecattr(w, "sample_int") / 2 ** 32 for w in vocab.words}
    for w in vocab.words:
        assert abs(ours[w] - theirs[w]) < 1e-6


# ---- the loss, its gradient, the closed-form step ------------------------------------------------

def test_loss_on_a_hand_computed_example():
    v_w = torch.tensor([[1.0, 0.0]])
    v_c = torch.tensor([[2.0, 0.0]])
    v_n = torch.tensor([[[0.0, 1.0], [-1.0, 0.0]]])
    sig = lambda s: 1 / (1 + math.exp(-s))
    want = -(math.log(sig(2)) + math.log(sig(0)) + math.log(sig(1)))
    assert math.isclose(float(sgns_loss(v_w, v_c, v_n)), want, rel_tol=1e-6)
    assert math.isclose(float(sgns_loss(torch.zeros(1, 2), v_c, v_n)), 3 * math.log(2), rel_tol=1e-6)


def test_gradient_check_autograd_vs_finite_differences():
    gen = torch.Generator().manual_seed(0)
    v_w = torch.randn(3, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    v_c = torch.randn(3, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    v_n = torch.randn(3, 5, 4, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(sgns_loss, (v_w, v_c, v_n), eps=1e-6, atol=1e-7)
    # and by hand, central differences on every entry of v_w
    grad = torch.autograd.grad(sgns_loss(v_w, v_c, v_n), v_w)[0]
    eps, numeric = 1e-6, torch.zeros_like(v_w)
    with torch.no_grad():
        for idx in np.ndindex(*v_w.shape):
            plus, minus = v_w.clone(), v_w.clone()
            plus[idx] += eps
            minus[idx] -= eps
            numeric[idx] = (sgns_loss(plus, v_c, v_n) - sgns_loss(minus, v_c, v_n)) / (2 * eps)
    assert torch.allclose(grad, numeric, atol=1e-8)


@pytest.mark.parametrize("group", [1, 3])
def test_closed_form_step_equals_an_autograd_sgd_step(group):
    """sgns_step (hand-written gradients, index_add_) == SGD on the SGNS module's loss via autograd,
    including repeated words in one batch and negatives shared by groups of pairs."""
    V, d, B, k, lr = 7, 4, 6, 3, 0.1
    gen = torch.Generator().manual_seed(1)
    model = SGNS(V, d, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        model.output.weight.normal_(generator=gen)
    center = torch.tensor([0, 1, 1, 2, 3, 0])          # repeats on purpose
    context = torch.tensor([1, 0, 2, 1, 1, 4])
    negatives = torch.randint(0, V, (B // group, k), generator=gen)
    W_in, W_out = model.input.weight.detach().clone(), model.output.weight.detach().clone()
    losses = sgns_step(W_in, W_out, center, context, negatives, lr)
    # autograd: each pair's negatives are its group's negatives; summed loss = B × mean loss
    per_pair_neg = negatives.repeat_interleave(group, dim=0)
    loss = model(center, context, per_pair_neg) * B
    loss.backward()
    with torch.no_grad():
        assert math.isclose(float(losses.sum()), float(loss), rel_tol=1e-12)
        assert torch.allclose(W_in, model.input.weight - lr * model.input.weight.grad, atol=1e-12)
        assert torch.allclose(W_out, model.output.weight - lr * model.output.weight.grad, atol=1e-12)
    assert not torch.equal(W_in, model.input.weight.detach())  # the step did move something


def test_step_reduces_the_loss_on_a_tiny_problem():
    gen = torch.Generator().manual_seed(0)
    W_in = torch.randn(5, 3, generator=gen) * 0.1
    W_out = torch.zeros(5, 3)
    center, context = torch.tensor([0, 1]), torch.tensor([1, 0])
    negatives = torch.tensor([[3, 4], [4, 3]])
    first = sgns_step(W_in, W_out, center, context, negatives, 0.5).sum()
    for _ in range(50):
        last = sgns_step(W_in, W_out, center, context, negatives, 0.5).sum()
    assert float(last) < 0.2 * float(first)


def test_step_under_bfloat16_autocast_stays_float32_and_close():
    """The CUDA path runs sgns_step under bfloat16 autocast; the same code on the CPU's autocast must
    keep the tables float32 and land close to the float32 step (no GPU needed for this check)."""
    gen = torch.Generator().manual_seed(0)
    W_in, W_out = torch.randn(50, 16, generator=gen) * 0.3, torch.randn(50, 16, generator=gen) * 0.3
    c, x = torch.randint(0, 50, (64,), generator=gen), torch.randint(0, 50, (64,), generator=gen)
    n = torch.randint(0, 50, (8, 5), generator=gen)
    A_in, A_out = W_in.clone(), W_out.clone()
    sgns_step(W_in, W_out, c, x, n, 0.05)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        sgns_step(A_in, A_out, c, x, n, 0.05)
    assert A_in.dtype == torch.float32 and A_out.dtype == torch.float32
    assert torch.allclose(A_in, W_in, atol=2e-2) and torch.allclose(A_out, W_out, atol=2e-2)


def test_train_sgns_rejects_bad_settings():
    from course_lib.word2vec import SGNSConfig, train_sgns

    with pytest.raises(ValueError, match="window"):
        train_sgns([["a", "b"]], SGNSConfig(window=0, min_count=1), progress=False)
    with pytest.raises(ValueError, match="epochs"):
        train_sgns([["a", "b"]], SGNSConfig(epochs=0, min_count=1), progress=False)
    with pytest.raises(ValueError, match="fewer than 2 words"):
        train_sgns([["a", "b"]], SGNSConfig(min_count=5), progress=False)


def test_one_thread_training_repeats_exactly_and_records_history():
    from course_lib.word2vec import SGNSConfig, train_sgns

    rng = np.random.default_rng(0)
    sentences = [[f"w{int(i)}" for i in rng.zipf(1.5, size=15) if i < 200] for _ in range(400)]
    config = SGNSConfig(dim=8, min_count=2, epochs=2, batch_size=64, group=4)
    a = train_sgns(sentences, config, device="cpu", threads=1, progress=False, log_every=5)
    b = train_sgns(sentences, config, device="cpu", threads=1, progress=False, log_every=5)
    assert np.array_equal(a.input_vectors, b.input_vectors)
    assert a.history and a.history[0]["loss"] == pytest.approx(6 * math.log(2), rel=1e-3)  # all scores ≈ 0 at the start
    assert a.history[-1]["loss"] < a.history[0]["loss"]
    assert a.words == 2 * sum(map(len, sentences)) and a.pairs > 0
    assert a.keyed_vectors().vector_size == 8
