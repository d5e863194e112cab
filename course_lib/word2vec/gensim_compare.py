"""gensim's Word2Vec on the same corpus and hyperparameters, and the side-by-side evaluation.

Word-similarity (WordSim353, SimLex-999: Spearman ρ between cosine and human ratings) and the
Google analogy accuracy use gensim's own ``KeyedVectors.evaluate_word_pairs`` /
``evaluate_word_analogies`` with the files bundled in gensim (``gensim.test.utils.datapath``).
"""
from __future__ import annotations

import contextlib
import logging
import time

from .explore import known_word as check_word
from .train import SGNSConfig


@contextlib.contextmanager
def _quiet_gensim():
    logger = logging.getLogger("gensim")
    old = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def train_gensim(sentences, config: SGNSConfig, workers: int = 2):
    """Train gensim skip-gram (negative sampling) with ``config``; returns (model, seconds of train())."""
    from gensim.models import Word2Vec

    sentences = [list(s) for s in sentences]
    with _quiet_gensim():
        model = Word2Vec(**config.gensim_kwargs(workers))
        model.build_vocab(sentences)
        start = time.perf_counter()
        model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
        seconds = time.perf_counter() - start
    return model, seconds


def evaluate(kv, restrict_vocab: int = 30_000) -> dict:
    """WordSim353 and SimLex-999 Spearman ρ, Google analogy accuracy, and how much of each set was covered.

    Pairs / questions with a word outside the vectors are skipped (gensim's default); the analogy
    search is restricted to the ``restrict_vocab`` most frequent words.
    """
    from gensim.test.utils import datapath
    from threadpoolctl import threadpool_limits

    out = {}
    # One BLAS thread: these are thousands of small matrix-vector products, and on a busy 2-core
    # machine two BLAS threads spend most of their time waiting for each other (measured 2 s vs 40 s).
    with _quiet_gensim(), threadpool_limits(1):
        for name, file in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
            _pearson, spearman, oov = kv.evaluate_word_pairs(datapath(file))
            out[name] = float(spearman[0])
            out[f"{name}_oov_percent"] = float(oov)
        score, sections = kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=restrict_vocab)
        total = next(s for s in sections if s["section"] == "Total accuracy")
        out["analogy_accuracy"] = float(score)
        out["analogy_questions"] = len(total["correct"]) + len(total["incorrect"])
    return out


def neighbours(kv, word: str, topn: int = 10) -> list[tuple[str, float]]:
    """The ``topn`` nearest words by cosine similarity (the word itself left out)."""
    if topn < 1:
        raise ValueError(f"topn must be ≥ 1, got {topn}.")
    return [(w, float(s)) for w, s in kv.most_similar(check_word(kv, word), topn=topn)]


def side_by_side(kvs: dict, word: str, topn: int = 10):
    """A table (pandas DataFrame) of each model's neighbours of ``word``: 'word (cos)' per cell."""
    import pandas as pd

    cols = {}
    for name, kv in kvs.items():
        cols[name] = [f"{w} ({s:.2f})" for w, s in neighbours(kv, word, topn)]
    return pd.DataFrame(cols, index=range(1, topn + 1))
