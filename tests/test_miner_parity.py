"""The course's hard-negative miner against sentence-transformers' ``mine_hard_negatives`` (issue 12,
item 10): the same model, candidates and margin give the same negatives in the same order.

Settings that line up: ``sampling_strategy="top"`` (best-scoring first), ``absolute_margin=m``
(sentence-transformers drops a candidate when ``score + m > positive score``; the course drops it
when ``score > positive score − m``: the same test) and, because sentence-transformers excludes the
positive by its text, one answer group per text in the course's miner. sentence-transformers only
looks at the first ``range_max`` candidates; with a margin the course's miner looks further, so the
test gives both the whole corpus.
"""
import numpy as np
import pytest

from course_lib.contrastive import negatives
from course_lib.contrastive.negatives import select_negatives
from course_lib.exercises.definitions import nb04
from course_lib.data import load_articles
from course_lib.models import load_minilm

N_DOCS, N_QUERIES, K, MARGIN = 160, 30, 3, 0.05


@pytest.fixture(scope="module")
def mined():
    from datasets import Dataset
    from sentence_transformers.util import mine_hard_negatives

    articles = load_articles()
    articles = articles[articles.description != ""].drop_duplicates("description").drop_duplicates("text")
    articles = articles.sample(N_DOCS, random_state=0)
    corpus = [t[:300] for t in articles.text]
    anchors = list(articles.description[:N_QUERIES])
    model = load_minilm("cpu")
    model.max_seq_length = 64
    theirs = mine_hard_negatives(Dataset.from_dict({"anchor": anchors, "positive": corpus[:N_QUERIES]}), model,
                                 corpus=corpus, absolute_margin=MARGIN, num_negatives=K, range_max=N_DOCS - 1,
                                 sampling_strategy="top", output_format="n-tuple", batch_size=64, verbose=False)
    q = model.encode(anchors, batch_size=64, convert_to_numpy=True)
    d = model.encode(corpus, batch_size=64, convert_to_numpy=True)
    return corpus, anchors, q @ d.T, theirs


def test_course_miner_and_exercise_equal_sentence_transformers(mined):
    corpus, anchors, scores, theirs = mined
    by_anchor = {row["anchor"]: [row[f"negative_{i}"] for i in range(1, K + 1)] for row in theirs}
    assert len(by_anchor) >= N_QUERIES - 2          # nearly every query found K negatives
    compared = 0
    for i, anchor in enumerate(anchors):
        if anchor not in by_anchor:
            continue
        groups = list(range(len(corpus)))
        ours = negatives.mine_hard_negatives(scores[i], i, groups, K, MARGIN)
        assert [corpus[j] for j in ours] == by_anchor[anchor], anchor
        assert nb04.mine_hard_negatives(scores[i], i, groups, K, MARGIN) == ours   # the exercise's reference too
        compared += 1
    assert compared >= N_QUERIES - 2


def test_the_margin_really_removed_candidates(mined):
    """Otherwise the parity above would say nothing about the margin."""
    corpus, anchors, scores, _ = mined
    removed = sum(sum(1 for c in select_negatives(scores[i], i, list(range(len(corpus))), K, MARGIN) if not c.kept)
                  for i in range(len(anchors)))
    assert removed > 0
    assert np.all(np.isfinite(scores))
