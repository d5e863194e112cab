"""Notebook 09's static models: the course's fine-tuned MiniLM distilled into a lookup table
(``static-finetuned-{profile}``, model2vec), and notebook 02's skip-gram vectors mean-pooled.

The distillation passes every token of MiniLM's vocabulary through the fine-tuned model on its own,
keeps PCA's first ``pca_dims`` directions and weights each token by model2vec's Zipf/SIF weight
(``alternatives.static.zipf_weights``). The ``ci`` profile distils a tiny vocabulary (the most
frequent whole-word tokens) so that it takes a second; ``laptop`` and ``gpu`` take the whole one.
"""
from __future__ import annotations

import contextlib
import io
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .. import runtime
from ..alternatives.static import check_texts, mean_pool, word_rows
from ..models import model_fingerprint
from ..text import tokenize
from .provenance import provenance
from .saved import load_or_train
FIRST_WORD_ID = 1996          # BERT's vocabulary: ids below are [PAD], [unused…], specials and single characters


@dataclass(frozen=True)
class StaticRecipe:
    pca_dims: int
    sif_coefficient: float = 1e-4
    vocabulary_tokens: int | None = None     # None: MiniLM's whole vocabulary; else the first N word tokens


STATIC_RECIPES = {
    "ci": StaticRecipe(pca_dims=32, vocabulary_tokens=600),
    "laptop": StaticRecipe(pca_dims=256),
    "gpu": StaticRecipe(pca_dims=256),
}


def keep_only_pattern(tokenizer, n_words: int | None) -> str | None:
    """A regex for model2vec's ``token_remove_pattern`` that removes every token but [PAD], [UNK] and
    the first ``n_words`` word tokens (None: remove only BERT's [unused…] slots, model2vec's default)."""
    if n_words is None:
        return r"\[unused\d+\]"
    vocab = sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])
    keep = ["[PAD]", "[UNK]"] + [t for t, i in vocab if FIRST_WORD_ID <= i < FIRST_WORD_ID + n_words]
    return r"(?!(?:" + "|".join(map(re.escape, keep)) + r")$)"


def distil(sentence_model, recipe: StaticRecipe):
    """model2vec's distillation of a sentence-transformer (its transformer and tokenizer)."""
    from model2vec.distill import distill_from_model

    tokenizer = sentence_model.tokenizer
    with _no_progress_bars():   # model2vec's plain-tqdm bar prints to stderr: red text in a notebook
        return distill_from_model(sentence_model[0].auto_model, tokenizer, pca_dims=recipe.pca_dims,
                                  sif_coefficient=recipe.sif_coefficient, quantize_to="float32",
                                  token_remove_pattern=keep_only_pattern(tokenizer, recipe.vocabulary_tokens))


def _no_progress_bars():
    """Swallow what model2vec writes to stderr while distilling: its plain-tqdm progress bar."""
    return contextlib.redirect_stderr(io.StringIO())


def load_or_distil_static(source_model, profile: str | None = None, name: str = "static-finetuned"):
    """The saved ``{name}-{profile}`` when it was distilled from this very source model with today's
    recipe, else distil it (model2vec) and save it. Returns (StaticModel, seconds spent distilling)."""
    from model2vec import StaticModel

    profile = runtime.check_profile(profile or runtime.get_profile())
    recipe = STATIC_RECIPES[profile]

    def train():
        t0 = time.perf_counter()
        model = distil(source_model, recipe)
        return model, {"seconds": time.perf_counter() - t0}

    model, record = load_or_train(f"{name}-{profile}", provenance(asdict(recipe), [model_fingerprint(source_model)]),
                                  lambda path: StaticModel.from_pretrained(str(path), force_download=False), train,
                                  lambda model, folder: model.save_pretrained(str(folder)))
    return model, record["seconds"]


def static_encode(model, texts, strict: bool = True) -> np.ndarray:
    """L2-normalised static embeddings; ``strict``: a text with no known token raises a clear message
    (else it gets the zero vector, as model2vec gives it)."""
    texts = check_texts(texts)
    if strict:
        for i, ids in enumerate(model.tokenize(texts)):
            if not ids:
                raise ValueError(f"Text {i + 1} ({texts[i][:40]!r}) has only tokens the static model does not "
                                 "know: it has no vector. Use words from its vocabulary.")
    return np.asarray(model.encode(texts, normalize=True, use_multiprocessing=False), dtype=np.float32)


def size_on_disk(path) -> int:
    """Bytes of a saved model's files."""
    return int(sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()))


def word_vector_encode(kv, texts, strict: bool = False) -> np.ndarray:
    """Skip-gram vectors mean-pooled over each text's known words (gensim KeyedVectors ``kv``).
    Unknown-only texts: zero vectors, or with ``strict`` a clear message."""
    texts = check_texts(texts)
    rows = word_rows([tokenize(t) for t in texts], kv.key_to_index)
    table = np.asarray(kv.vectors, dtype=np.float32)
    if strict:
        return mean_pool(table, rows)
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    known = [i for i, r in enumerate(rows) if r]
    if known:
        out[known] = mean_pool(table, [rows[i] for i in known])
    return out
