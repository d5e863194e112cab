"""The course's trained word vectors, shared by notebooks 02 and 03.

``course_vectors()`` is what later notebooks call: {"ours": KeyedVectors, "gensim": KeyedVectors}
for the current profile, loaded from ``data/cache/models/sgns-<profile>`` and
``gensim-w2v-<profile>``, or trained on the profile's corpus slice with the shared
hyperparameters (``config_for``) and saved when missing.
"""
from __future__ import annotations

from .. import runtime
from ..data import load_sentences
from ..models import load_saved_keyed_vectors, save_model
from ..word2vec import SGNSConfig, config_for, train_gensim, train_sgns


def model_names(profile: str | None = None) -> tuple[str, str]:
    profile = runtime.check_profile(profile or runtime.get_profile())
    return f"sgns-{profile}", f"gensim-w2v-{profile}"


def corpus_for(config: SGNSConfig):
    """The word2vec corpus slice the config names (tokenised sentences)."""
    return load_sentences(config.max_tokens)


def save_course_vectors(ours, gensim_kv, profile: str | None = None) -> None:
    """Save both KeyedVectors under the names ``course_vectors`` loads."""
    ours_name, gensim_name = model_names(profile)
    save_model(ours_name, ours)
    save_model(gensim_name, gensim_kv)


def course_vectors(profile: str | None = None, progress: bool = True) -> dict:
    """{"ours": ..., "gensim": ...} gensim KeyedVectors for the profile: loaded, else trained and saved."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    ours_name, gensim_name = model_names(profile)
    ours, theirs = load_saved_keyed_vectors(ours_name), load_saved_keyed_vectors(gensim_name)
    if ours is not None and theirs is not None:
        return {"ours": ours, "gensim": theirs}
    config = config_for(profile)
    sentences = corpus_for(config)
    if ours is None:
        ours = train_sgns(sentences, config, progress=progress).keyed_vectors()
        save_model(ours_name, ours)
    if theirs is None:
        theirs = train_gensim(sentences, config)[0].wv
        save_model(gensim_name, theirs)
    return {"ours": ours, "gensim": theirs}

