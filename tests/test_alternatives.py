"""Notebook 09's from-scratch pieces against the libraries that do them for real: model2vec's Zipf
weighting and static encoding, sentence-transformers' MaxSim, peft's LoRA parameter count; plus the
Pareto front and re-ranking on hand-checked cases."""
import numpy as np
import pytest
import torch

from course_lib.alternatives import late_interaction, lora, pareto, static
from course_lib.models import load_minilm


@pytest.mark.parametrize("n, a", [(1, 1e-4), (7, 0.3), (30522, 1e-4), (5000, 1e-3)])
def test_zipf_weights_equal_model2vec(n, a):
    from model2vec.distill.inference import compute_weights

    np.testing.assert_allclose(static.zipf_weights(n, a), compute_weights(n, a), rtol=0, atol=1e-15)


def test_zipf_weights_reject_bad_input():
    with pytest.raises(ValueError, match="whole number"):
        static.zipf_weights(0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        static.zipf_weights(10, 1.5)


@pytest.fixture(scope="module")
def tiny_static():
    from course_lib.trained.static import StaticRecipe, distil

    return distil(load_minilm("cpu"), StaticRecipe(pca_dims=8, vocabulary_tokens=300))


def test_static_mean_pool_equals_model2vec_encode(tiny_static):
    """Our pooling over the distilled table (token rows, mean, L2) is exactly what model2vec's encode does."""
    texts = ["the city of the river", "a new school in the state", "world war"]
    ours = static.mean_pool(np.asarray(tiny_static.embedding, dtype=np.float64), tiny_static.tokenize(texts))
    np.testing.assert_allclose(ours, tiny_static.encode(texts, normalize=True), atol=1e-6)
    assert tiny_static.embedding.shape == (302, 8)   # [PAD], [UNK] + 300 words


def test_static_distillation_applies_the_zipf_weights(tiny_static):
    """The distilled table is (PCA of the token vectors) × the Zipf weights: undoing the weights
    leaves rows whose norms no longer grow with rank the way the weights do."""
    from course_lib.trained.static import StaticRecipe, distil

    unweighted = distil(load_minilm("cpu"), StaticRecipe(pca_dims=8, vocabulary_tokens=300, sif_coefficient=None))
    ratio = np.linalg.norm(tiny_static.embedding, axis=1) / np.linalg.norm(unweighted.embedding, axis=1)
    np.testing.assert_allclose(ratio, static.zipf_weights(302, 1e-4), rtol=1e-4)


def test_static_encode_says_why_a_text_has_no_vector(tiny_static):
    from course_lib.trained.static import static_encode

    with pytest.raises(ValueError, match="empty"):
        static_encode(tiny_static, ["the city", "  "])
    with pytest.raises(ValueError, match="only tokens the static model does not know"):
        static_encode(tiny_static, ["🦜🦜"])
    assert static_encode(tiny_static, ["🦜🦜"], strict=False).sum() == 0


def test_maxsim_on_a_hand_case():
    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    d = np.array([[0.6, 0.8], [1.0, 0.0]])
    assert late_interaction.maxsim(q, d) == pytest.approx(1.0 + 0.8)
    with pytest.raises(ValueError, match="same width"):
        late_interaction.maxsim(q, np.ones((3, 3)))


def test_maxsim_equals_sentence_transformers_on_ragged_token_matrices():
    from sentence_transformers.util import maxsim as st_maxsim

    rng = np.random.default_rng(0)
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    queries = [unit(rng.normal(size=(n, 16))).astype(np.float32) for n in (3, 7, 1)]
    docs = [unit(rng.normal(size=(n, 16))).astype(np.float32) for n in (5, 40, 2, 11)]
    ours = late_interaction.maxsim_matrix(queries, docs)
    theirs = st_maxsim([torch.from_numpy(q) for q in queries], [torch.from_numpy(d) for d in docs]).numpy()
    assert np.abs(ours - theirs).max() <= 1e-5


def test_maxsim_equals_a_multi_vector_encoders_own_similarity():
    """On a real MultiVectorEncoder (MiniLM + PCA projection, untrained): its similarity() is our MaxSim."""
    from course_lib.trained.late_interaction import build_model, token_matrices

    texts = ["Paris is the capital of France.", "The Nile is a river in Africa.", "Jazz is a music genre."]
    model = build_model(32, texts, device="cpu")
    q = token_matrices(model, ["capital city", "long river"], "query")
    d = token_matrices(model, texts, "document")
    theirs = model.similarity([torch.from_numpy(x) for x in q], [torch.from_numpy(x) for x in d]).numpy()
    assert np.abs(late_interaction.maxsim_matrix(q, d) - theirs).max() <= 1e-5


def test_rerank_orders_candidates_by_score():
    docs = [np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), np.array([[0.6, 0.8]])]
    query = np.array([[0.0, 1.0]])
    assert late_interaction.rerank([[0, 2, 1]], [query], docs) == [[1, 2, 0]]
    assert late_interaction.bytes_per_document([10, 30], 128) == 20 * 128 * 4


@pytest.mark.parametrize("rank", [1, 4, 16])
def test_lora_parameter_count_equals_peft(rank):
    from course_lib.trained.lora import LORA_RECIPES, adapted_shapes, parameter_counts, with_lora

    base = load_minilm("cpu")
    shapes = adapted_shapes(base[0].auto_model)
    assert len(shapes) == 12   # query and value of six layers
    model = with_lora(load_minilm("cpu"), rank, LORA_RECIPES["ci"])
    trainable, total = parameter_counts(model)
    assert trainable == lora.lora_parameter_count(shapes, rank)
    assert trainable == sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert total == sum(p.numel() for p in base.parameters()) + trainable


def test_lora_rank_must_be_positive():
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="rank"):
            lora.lora_parameter_count([(4, 4)], bad)


def test_merging_an_adapter_keeps_the_embeddings():
    from course_lib.models import encode
    from course_lib.trained.lora import LORA_RECIPES, merged, with_lora

    model = with_lora(load_minilm("cpu"), 4, LORA_RECIPES["ci"])
    torch.manual_seed(0)
    with torch.no_grad():   # B starts at zero; give it values so that the adapter changes the model
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.02)
    texts = ["a city in France", "a large river"]
    before = encode(model, texts)
    assert np.abs(before - encode(load_minilm("cpu"), texts)).max() > 1e-3
    after = encode(merged(model), texts)
    assert np.abs(after - before).max() < 1e-5
    assert not any("lora_" in n for n, _ in model.named_parameters())


ROWS = [
    {"model": "a", "ndcg10": 0.8, "p50_ms": 10.0, "bytes_per_doc": 1536},
    {"model": "b", "ndcg10": 0.7, "p50_ms": 1.0, "bytes_per_doc": 1536},
    {"model": "c", "ndcg10": 0.6, "p50_ms": 2.0, "bytes_per_doc": 2000},   # b beats it on everything
    {"model": "d", "ndcg10": 0.5, "p50_ms": 5.0, "bytes_per_doc": 48},
]


def test_pareto_front_and_budget():
    assert [r["model"] for r in pareto.pareto_front(ROWS)] == ["a", "b", "d"]
    assert [r["model"] for r in pareto.pareto_front(ROWS, costs=("p50_ms",))] == ["a", "b"]
    assert pareto.best_within_budget(ROWS, 5.0, 2000)["model"] == "b"
    assert pareto.best_within_budget(ROWS, 5.0, 100)["model"] == "d"
    assert pareto.best_within_budget(ROWS, 0.5, 100) is None
    with pytest.raises(ValueError, match="positive"):
        pareto.within_budget(ROWS, 0, 100)


def test_vectorised_maxsim_over_padded_documents_equals_the_loop():
    rng = np.random.default_rng(1)
    docs = [rng.normal(size=(n, 8)).astype(np.float32) for n in (3, 9, 1, 5)]
    query = rng.normal(size=(4, 8)).astype(np.float32)
    stacked, mask = late_interaction.pad(docs)
    assert stacked.shape == (4, 9, 8) and mask.sum() == 18
    np.testing.assert_allclose(late_interaction.maxsim_all(query, stacked, mask),
                               late_interaction.maxsim_matrix([query], docs)[0], rtol=1e-5)


def test_bm25_idf_and_expansion_table_on_a_hand_case():
    from course_lib.alternatives import sparse

    idf = sparse.bm25_idf([["river", "nile"], ["river", "lake"], ["jazz"]])
    assert idf["river"] == pytest.approx(np.log(1 + (3 - 2 + 0.5) / (2 + 0.5)))
    assert idf["jazz"] == pytest.approx(np.log(1 + 2.5 / 1.5))
    vocab = ["[CLS]", "river", "lake", "jazz", "water"]
    rows = sparse.expansion_table(np.array([3.0, 2.0, 1.5, 0.0, 0.5]), vocab, ["river", "long"], idf, k=3)
    assert [r["token"] for r in rows] == ["river", "lake", "water"]          # [CLS] left out, zeros never listed
    assert rows[0]["in the text"] and rows[0]["BM25 weight"] == pytest.approx(idf["river"], abs=1e-3)
    assert not rows[1]["in the text"] and rows[1]["BM25 weight"] is None      # an expansion: BM25 cannot match it
    assert sparse.bytes_per_document([100, 300]) == 1600


def test_sparse_dot_product_equals_the_sparse_encoders_own_similarity():
    from course_lib.trained.sparse import build_model, sparse_vectors

    texts = ["Paris is the capital of France.", "The Nile is a river in Africa.", "Jazz is a music genre."]
    model = build_model(32, texts, device="cpu")
    q = sparse_vectors(model, ["capital city", "long river"], "query")
    d = sparse_vectors(model, texts, "document")
    assert 0 < q.getnnz(axis=1).max() < q.shape[1] // 20       # sparse: a few percent of the vocabulary at most
    theirs = model.similarity(model.encode_query(["capital city", "long river"]), model.encode_document(texts))
    np.testing.assert_allclose((q @ d.T).toarray(), theirs.to_dense().numpy(), rtol=1e-5, atol=1e-5)
    assert (q @ d.T).toarray().argmax(axis=1).tolist() == [0, 1]
