"""Retrieve, then re-rank with a cross-encoder (Nogueira & Cho 2019, "Passage re-ranking with BERT").

A bi-encoder embeds the question and each passage *separately*, so passages can be embedded once
and searched fast. A cross-encoder reads the question and one passage *together* and outputs one
relevance score: more accurate, but it must run once per (question, passage) pair, so it only
re-orders the top few candidates of a fast first stage.

The course trains its own cross-encoder from MiniLM in notebook 04 (no pretrained one is
packaged); ``course_lib.trained.load_course_cross_encoder`` loads it, or says why it cannot, and the
caller passes the model in here.
"""
from __future__ import annotations

import warnings


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
