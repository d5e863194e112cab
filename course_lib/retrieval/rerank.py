"""Retrieve, then re-rank with a cross-encoder (Nogueira & Cho 2019, "Passage re-ranking with BERT").

A bi-encoder embeds the question and each passage *separately*, so passages can be embedded once
and searched fast. A cross-encoder reads the question and one passage *together* and outputs one
relevance score: more accurate, but it must run once per (question, passage) pair, so it only
re-orders the top few candidates of a fast first stage.

The course trains its own cross-encoder from MiniLM in notebook 04 (no pretrained one is
packaged); ``load_course_cross_encoder`` loads it, or says why it cannot.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass
class ModelLoad:
    """A model, or ``None`` with a note saying why (shown in the notebook)."""
    model: object | None
    note: str


def load_course_cross_encoder(profile: str | None = None, int8: bool = False) -> ModelLoad:
    """Notebook 04's cross-encoder (``cross-encoder-{profile}``), trained there if missing;
    ``int8=True`` serves it quantised (``quantize_for_cpu``)."""
    loaded = _load_course_cross_encoder(profile)
    if int8 and loaded.model is not None:
        quantize_for_cpu(loaded.model)
        if is_int8(loaded.model):   # (not on a GPU)
            return ModelLoad(loaded.model, loaded.note + ", its linear layers in int8 for the CPU")
    return loaded


def _load_course_cross_encoder(profile: str | None) -> ModelLoad:
    try:
        from ..contrastive.course_models import load_or_train_cross_encoder
    except ImportError as err:
        return _saved_cross_encoder(profile, f"notebook 04's loader is not available ({err})")
    try:
        return ModelLoad(load_or_train_cross_encoder(profile=profile), "the course's cross-encoder (notebook 04)")
    except Exception as err:  # noqa: BLE001 - any failure becomes a visible note and a fallback
        return _saved_cross_encoder(profile, f"loading or training it failed: {type(err).__name__}: {err}")


def _saved_cross_encoder(profile: str | None, why: str) -> ModelLoad:
    from .. import runtime
    from ..models import saved_model_path

    profile = profile or runtime.get_profile()
    path = saved_model_path(f"cross-encoder-{profile}")
    if path is not None:
        from sentence_transformers import CrossEncoder

        return ModelLoad(CrossEncoder(str(path), device=str(runtime.pick_device()), local_files_only=True),
                         f"the saved cross-encoder-{profile} ({why})")
    return ModelLoad(None, f"No cross-encoder: {why}. Re-ranking is skipped (the '+ re-rank' rows equal "
                           "the rows without it) until notebook 04 has been run.")


def quantize_for_cpu(model):
    """A model (here the cross-encoder) with its linear layers in int8: PyTorch dynamic quantisation.

    Weights are stored as 8-bit integers and activations are quantised on the fly, so the matrix
    products, where a transformer spends its time, run in integer arithmetic: on this course's
    2-core CPU re-ranking 20 passages takes about a third less time, and the scores move a little
    (notebook 06 measures both). A model on a GPU is returned unchanged. Works in place and
    returns the model."""
    import torch

    if next(model.parameters()).device.type != "cpu":
        return model
    with warnings.catch_warnings():   # torch 2.13 recommends torchao; the eager API still works and needs no extra package
        warnings.simplefilter("ignore")
        torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    model.course_int8 = True
    return model


def is_int8(model) -> bool:
    return bool(getattr(model, "course_int8", False))


def cross_encoder_scores(model, query: str, passages: Sequence[str], batch_size: int = 32) -> np.ndarray:
    """One relevance score per (query, passage) pair, higher is better."""
    if not passages:
        return np.zeros(0, dtype=np.float32)
    scores = model.predict([(query, p) for p in passages], batch_size=batch_size, show_progress_bar=False,
                           convert_to_numpy=True)
    return np.asarray(scores, dtype=np.float32).reshape(-1)


def rerank(scores: Sequence[float], ids: Sequence, top: int | None = None) -> list[tuple[object, float]]:
    """Order ``ids`` by ``scores`` (best first, stable on ties) and keep ``top``."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    pairs = [(ids[i], float(scores[i])) for i in order]
    return pairs if top is None else pairs[:top]
