"""The MRL loss against sentence-transformers' MatryoshkaLoss(MNR), and the linear-head MRL model."""
import numpy as np
import pytest
import torch

from course_lib.exercises.definitions import nb05
from course_lib.matryoshka import MatryoshkaInfoNCELoss, mrl_info_nce, truncate
from course_lib.trained.matryoshka import apply_head, train_linear_head, with_linear_head
from course_lib.models import load_minilm

ANCHORS = ["Edible berry", "Largest planet of the Solar System", "Family of birds", "Capital of France"]
POSITIVES = ["The tomato is the edible berry of the plant Solanum lycopersicum.",
             "Jupiter is the fifth planet from the Sun and the largest in the Solar System.",
             "Parrots are a family of birds found in tropical regions.",
             "Paris is the capital and largest city of France."]


@pytest.fixture(scope="module")
def model():
    m = load_minilm("cpu")
    m.max_seq_length = 32
    m.eval()  # no dropout: two forward passes give the same embeddings
    return m


def _features(model, texts):
    return model.preprocess(texts)


@pytest.mark.parametrize("dims, weights, temperature", [
    ((32, 64, 128, 256, 384), None, 0.05),
    ((8, 100, 384), (2.0, 0.5, 1.0), 0.1),
    ((16,), (3.0,), 0.05),
])
def test_mrl_wrapper_equals_matryoshka_loss_of_mnr(model, dims, weights, temperature):
    features = [_features(model, ANCHORS), _features(model, POSITIVES)]
    st_loss = MatryoshkaInfoNCELoss(dims, weights, temperature).build(model)
    with torch.no_grad():
        theirs = float(st_loss([dict(f) for f in features], None))
        q = model(dict(features[0]))["sentence_embedding"]
        k = model(dict(features[1]))["sentence_embedding"]
    ours = float(mrl_info_nce(q, k, dims, weights, temperature))
    assert ours == pytest.approx(theirs, abs=1e-5)
    learner = float(nb05.mrl_info_nce(q, k, dims, weights or [1.0] * len(dims), temperature))
    assert learner == pytest.approx(theirs, abs=1e-5)


def test_linear_head_model_equals_head_on_minilm_vectors(model):
    rng = np.random.default_rng(0)
    weight = np.eye(384, dtype=np.float32) + 0.05 * rng.normal(size=(384, 384)).astype(np.float32)
    base_vectors = model.encode(POSITIVES, normalize_embeddings=True)
    headed = with_linear_head(load_minilm("cpu"), weight)
    headed.max_seq_length = 32
    direct = headed.encode(POSITIVES)
    expected = base_vectors @ weight.T
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(direct, expected, atol=1e-5)
    assert np.allclose(apply_head(headed, base_vectors), direct, atol=1e-5)
    assert np.allclose(apply_head(model, base_vectors), base_vectors)          # MiniLM itself: no head


def test_linear_head_training_starts_at_identity_and_lowers_its_loss():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(64, 32)).astype(np.float32)
    p = a + 0.8 * rng.normal(size=(64, 32)).astype(np.float32)
    dims = (4, 8, 32)
    w0, h0 = train_linear_head(a, p, "mrl", steps=1, batch_size=64, learning_rate=0.0, dims=dims)
    assert np.allclose(w0, np.eye(32))
    at_start = float(mrl_info_nce(torch.tensor(a), torch.tensor(p), dims))
    assert h0[0]["loss"] == pytest.approx(at_start, rel=1e-5)
    w, h = train_linear_head(a, p, "mrl", steps=60, batch_size=64, learning_rate=1e-2, dims=dims)
    after = float(mrl_info_nce(torch.tensor(a @ w.T), torch.tensor(p @ w.T), dims))
    assert after < 0.7 * at_start
    # same seed → same batches and the same weights; the standard kind trains the full dimension only
    w_again, _ = train_linear_head(a, p, "mrl", steps=60, batch_size=64, learning_rate=1e-2, dims=dims)
    assert np.array_equal(w, w_again)
    _, hs = train_linear_head(a, p, "standard", steps=1, batch_size=64, learning_rate=0.0)
    assert hs[0]["loss"] == pytest.approx(float(mrl_info_nce(torch.tensor(a), torch.tensor(p), (32,))), rel=1e-5)
    with pytest.raises(ValueError, match="kind"):
        train_linear_head(a, p, "other", steps=1, batch_size=8)


def test_truncation_of_real_embeddings_is_a_unit_prefix(model):
    x = model.encode(POSITIVES, normalize_embeddings=True)
    t = truncate(x, 64)
    assert np.allclose(np.linalg.norm(t, axis=1), 1.0)
    assert np.allclose(t * np.linalg.norm(x[:, :64], axis=1, keepdims=True), x[:, :64], atol=1e-6)


def test_saved_mrl_model_is_reused_only_while_its_record_matches(capsys, monkeypatch):
    """Issue 12, item 9: the saved MRL model records recipe, training pairs and course version; a
    second load reuses it, and a record that no longer matches makes it train again, with a message."""
    import json

    from course_lib.models import saved_model_path
    from course_lib.trained import matryoshka as training
    from course_lib.trained import provenance

    training.load_or_train_mrl_model("ci", device="cpu")            # shared with notebook 05's ci run
    record = json.loads((saved_model_path("mrl-minilm-ci") / training.RECIPE_FILE).read_text())
    assert set(record) == {"recipe", "trained_on", "course_lib", "article_ids"} and record["recipe"]["kind"] == "mrl"
    assert len(record["article_ids"]) == training.config("ci").n_pairs
    assert training.load_or_train_mrl_model("ci", device="cpu").trained_now is False
    capsys.readouterr()
    monkeypatch.setattr(provenance, "course_version", lambda: "0.0.0-other")
    assert training.load_or_train_mrl_model("ci", device="cpu").trained_now is True
    assert "out of date (its course_lib differ from today's)" in capsys.readouterr().out
    monkeypatch.undo()                                                  # leave today's model saved
    assert training.load_or_train_mrl_model("ci", device="cpu").trained_now is True
    assert json.loads((saved_model_path("mrl-minilm-ci") / training.RECIPE_FILE).read_text()) == record
