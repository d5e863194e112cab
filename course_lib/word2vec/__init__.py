"""Skip-gram with negative sampling from scratch (notebook 02), and the course's trained word vectors.

``course_vectors()`` is what later notebooks call: {"ours": KeyedVectors, "gensim": KeyedVectors}
for the current profile, loaded from ``data/cache/models/sgns-<profile>`` and
``gensim-w2v-<profile>``, or trained on the profile's corpus slice with the shared
hyperparameters (``config_for``) and saved when missing.
"""
from __future__ import annotations

from .. import runtime
from .gensim_compare import check_word, evaluate, neighbours, side_by_side, train_gensim
from .model import SGNS, sgns_loss, sgns_step
from .pairs import cbow_examples, skipgram_pairs, window_pairs
from .sampling import NoiseSampler, keep_probability, noise_distribution
from .train import SGNSConfig, TrainResult, config_for, to_keyed_vectors, train_sgns

__all__ = [
    "course_vectors", "save_course_vectors", "model_names", "corpus_for", "SGNS", "sgns_loss", "sgns_step",
    "skipgram_pairs", "cbow_examples", "window_pairs", "noise_distribution", "keep_probability",
    "NoiseSampler", "SGNSConfig", "TrainResult", "config_for", "train_sgns", "to_keyed_vectors",
    "train_gensim", "evaluate", "neighbours", "side_by_side", "check_word",
]


def model_names(profile: str | None = None) -> tuple[str, str]:
    profile = runtime.check_profile(profile or runtime.get_profile())
    return f"sgns-{profile}", f"gensim-w2v-{profile}"


def corpus_for(config: SGNSConfig):
    """The word2vec corpus slice the config names (tokenised sentences)."""
    from ..data import load_sentences

    return load_sentences(config.max_tokens)


def save_course_vectors(ours, gensim_kv, profile: str | None = None) -> None:
    """Save both KeyedVectors under the names ``course_vectors`` loads."""
    from ..models import save_model

    ours_name, gensim_name = model_names(profile)
    save_model(ours_name, ours)
    save_model(gensim_name, gensim_kv)


def course_vectors(profile: str | None = None, progress: bool = True) -> dict:
    """{"ours": ..., "gensim": ...} gensim KeyedVectors for the profile: loaded, else trained and saved."""
    from ..models import load_saved_keyed_vectors

    profile = runtime.check_profile(profile or runtime.get_profile())
    ours_name, gensim_name = model_names(profile)
    ours, theirs = load_saved_keyed_vectors(ours_name), load_saved_keyed_vectors(gensim_name)
    if ours is not None and theirs is not None:
        return {"ours": ours, "gensim": theirs}
    config = config_for(profile)
    sentences = corpus_for(config)
    if ours is None:
        ours = train_sgns(sentences, config, progress=progress).keyed_vectors()
        save_course_vectors_one(ours_name, ours)
    if theirs is None:
        theirs = train_gensim(sentences, config)[0].wv
        save_course_vectors_one(gensim_name, theirs)
    return {"ours": ours, "gensim": theirs}


def save_course_vectors_one(name: str, kv) -> None:
    from ..models import save_model

    save_model(name, kv)
