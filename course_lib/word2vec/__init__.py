"""Skip-gram with negative sampling from scratch (notebook 02), and gensim's word2vec beside it.

The course's trained word vectors (``course_vectors``) are in ``course_lib.trained.word2vec``.
"""
from __future__ import annotations

from .gensim_compare import check_word, evaluate, neighbours, side_by_side, train_gensim
from .model import SGNS, sgns_loss, sgns_step
from .pairs import cbow_examples, skipgram_pairs, window_pairs
from .sampling import NoiseSampler, keep_probability, noise_distribution
from .train import SGNSConfig, TrainResult, config_for, to_keyed_vectors, train_sgns

__all__ = [
    "SGNS", "sgns_loss", "sgns_step",
    "skipgram_pairs", "cbow_examples", "window_pairs", "noise_distribution", "keep_probability",
    "NoiseSampler", "SGNSConfig", "TrainResult", "config_for", "train_sgns", "to_keyed_vectors",
    "train_gensim", "evaluate", "neighbours", "side_by_side", "check_word",
]
