"""Ours vs gensim, same corpus and hyperparameters: they must learn the same thing.

1. A synthetic language with a known answer: 12 topics of 15 words; each sentence mixes frequent
   function words with words of one topic. Good vectors put a word's nearest neighbours in its
   own topic. Both trainers must get there, ours no worse than gensim by more than a few points.
2. The real corpus (ci slice): WordSim353 ρ of ours within 0.1 of gensim's, and the two models
   agree with each other on which WordSim pairs are similar far more than chance.
"""
import numpy as np
import pytest

from course_lib.word2vec import SGNSConfig, evaluate, train_gensim, train_sgns


def _topic_corpus(seed=0, n_topics=12, per_topic=15, n_sentences=4000, length=12):
    rng = np.random.default_rng(seed)
    topics = [[f"t{t}w{i}" for i in range(per_topic)] for t in range(n_topics)]
    function_words = ["the", "of", "and", "a", "to"]
    sentences = []
    for _ in range(n_sentences):
        topic = topics[rng.integers(n_topics)]
        words = [str(w) for w in rng.choice(topic, size=length)]
        for pos in rng.choice(length, size=3, replace=False):
            words[pos] = str(rng.choice(function_words))
        sentences.append(words)
    return sentences, {w: t for t, ws in enumerate(topics) for w in ws}


def _purity(kv, topic_of, k=10):
    words = [w for w in topic_of if w in kv.key_to_index]
    return float(np.mean([np.mean([topic_of.get(n) == topic_of[w] for n, _ in kv.most_similar(w, topn=k)])
                          for w in words]))


def test_synthetic_topics_ours_matches_gensim():
    sentences, topic_of = _topic_corpus()
    config = SGNSConfig(dim=24, window=4, negative=5, min_count=1, sample=1e-3, epochs=3, batch_size=256, group=4)
    ours = train_sgns(sentences, config, progress=False, device="cpu", threads=1).keyed_vectors()
    theirs = train_gensim(sentences, config, workers=2)[0].wv
    p_ours, p_gensim = _purity(ours, topic_of), _purity(theirs, topic_of)
    assert p_gensim > 0.9, p_gensim                 # the task is learnable
    assert p_ours > 0.9 and p_ours >= p_gensim - 0.05, (p_ours, p_gensim)


@pytest.fixture(scope="module")
def ci_vectors():
    from course_lib.trained.word2vec import course_vectors

    return course_vectors("ci", progress=False)


def test_real_corpus_wordsim_parity(ci_vectors):
    from scipy.stats import spearmanr

    from course_lib.data import wordsim353

    ours, theirs = ci_vectors["ours"], ci_vectors["gensim"]
    e_ours, e_gensim = evaluate(ours), evaluate(theirs)
    assert abs(e_ours["wordsim353"] - e_gensim["wordsim353"]) < 0.1, (e_ours, e_gensim)
    assert e_ours["wordsim353_oov_percent"] == e_gensim["wordsim353_oov_percent"]   # same vocabulary
    pairs = [(a, b) for a, b, _ in wordsim353() if a in ours.key_to_index and b in ours.key_to_index]
    agreement = spearmanr([ours.similarity(a, b) for a, b in pairs], [theirs.similarity(a, b) for a, b in pairs])[0]
    assert len(pairs) > 150 and agreement > 0.5, (len(pairs), agreement)


def test_saved_word_vectors_record_what_they_trained_on(ci_vectors, capsys, monkeypatch):
    """Issue 12, item 9: the saved vectors record hyperparameters, corpus checksum and course
    version, and a changed setting makes course_vectors train them again (with a message)."""
    import json

    from course_lib.models import saved_model_path
    from course_lib.trained import word2vec as saved
    from course_lib.word2vec import config_for

    record = json.loads((saved_model_path("sgns-ci") / saved.RECORD_FILE).read_text())
    assert record == json.loads(json.dumps(saved.vectors_provenance(config_for("ci"), "ours")))
    assert record["recipe"]["trainer"] == "ours" and len(record["trained_on"]) > 8
    capsys.readouterr()
    changed = saved.vectors_provenance(config_for("ci"), "gensim")
    assert saved._load("sgns-ci", changed) is None             # another trainer's record: not reused
    assert "out of date (its recipe differ from today's)" in capsys.readouterr().out
    assert saved._load("sgns-ci", record) is not None
