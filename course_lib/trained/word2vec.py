"""The course's trained word vectors, shared by notebooks 02 and 03.

``course_vectors()`` is what later notebooks call: {"ours": KeyedVectors, "gensim": KeyedVectors}
for the current profile, loaded from ``data/cache/models/sgns-<profile>`` and
``gensim-w2v-<profile>``, or trained on the profile's corpus slice with the shared
hyperparameters (``config_for``) and saved when missing or out of date (each saved set records
its hyperparameters, the corpus checksum and the course_lib version: ``provenance``).
"""
from __future__ import annotations

import json

from .. import runtime
from ..data import load_sentences
from ..data.corpus import corpus_checksum
from ..models import load_saved_keyed_vectors, save_model, saved_model_path
from ..word2vec import SGNSConfig, config_for, train_gensim, train_sgns
from .provenance import provenance, reusable

RECORD_FILE = "course_provenance.json"


def model_names(profile: str | None = None) -> tuple[str, str]:
    profile = runtime.check_profile(profile or runtime.get_profile())
    return f"sgns-{profile}", f"gensim-w2v-{profile}"


def corpus_for(config: SGNSConfig):
    """The word2vec corpus slice the config names (tokenised sentences)."""
    return load_sentences(config.max_tokens)


def vectors_provenance(config: SGNSConfig, trainer: str) -> dict:
    """What a saved set of word vectors must match: hyperparameters, trainer, corpus, course version."""
    return provenance({**config.as_dict(), "trainer": trainer}, [corpus_checksum(), str(config.max_tokens)])


def _save(name: str, kv, wanted: dict) -> None:
    def write(folder):
        kv.save(str(folder / "vectors.kv"))
        (folder / RECORD_FILE).write_text(json.dumps(wanted, indent=1))

    save_model(name, write)


def _load(name: str, wanted: dict):
    path = saved_model_path(name)
    record = json.loads((path / RECORD_FILE).read_text()) if path is not None and (path / RECORD_FILE).exists() else None
    return load_saved_keyed_vectors(name) if reusable(name, record, wanted, exists=path is not None) else None


def save_course_vectors(ours, gensim_kv, profile: str | None = None) -> None:
    """Save both KeyedVectors under the names ``course_vectors`` loads, with their records."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    config = config_for(profile)
    ours_name, gensim_name = model_names(profile)
    _save(ours_name, ours, vectors_provenance(config, "ours"))
    _save(gensim_name, gensim_kv, vectors_provenance(config, "gensim"))


def course_vectors(profile: str | None = None, progress: bool = True) -> dict:
    """{"ours": ..., "gensim": ...} gensim KeyedVectors for the profile: loaded, else trained and saved."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    config = config_for(profile)
    ours_name, gensim_name = model_names(profile)
    wanted = {"ours": vectors_provenance(config, "ours"), "gensim": vectors_provenance(config, "gensim")}
    ours, theirs = _load(ours_name, wanted["ours"]), _load(gensim_name, wanted["gensim"])
    if ours is not None and theirs is not None:
        return {"ours": ours, "gensim": theirs}
    sentences = corpus_for(config)
    if ours is None:
        ours = train_sgns(sentences, config, progress=progress).keyed_vectors()
        _save(ours_name, ours, wanted["ours"])
    if theirs is None:
        theirs = train_gensim(sentences, config)[0].wv
        _save(gensim_name, theirs, wanted["gensim"])
    return {"ours": ours, "gensim": theirs}
