"""The course's cross-encoder, trained from MiniLM on the description → article train split.

A cross-encoder reads the query and the document *together* and outputs one relevance score
(Nogueira & Cho 2019 used BERT this way for passage re-ranking). It is far more accurate than
comparing two separately computed vectors, and far too slow to search a collection with — so it
is used to re-rank a shortlist (notebook 06), to filter false negatives, and to label "silver"
pairs for a bi-encoder (Augmented SBERT, Thakur et al. 2021).

No cross-encoder is packaged offline, so we train one: ``CrossEncoder(minilm_path, num_labels=1)``
puts a fresh one-logit head on MiniLM; ``BinaryCrossEntropyLoss`` on (query, passage, 0/1) rows.
"""
from __future__ import annotations

import shutil
import tempfile
from typing import Sequence

from .. import runtime
from ..models import minilm_path


def cross_encoder_rows(queries: Sequence[str], positives: Sequence[str], negatives: Sequence[Sequence[str]]):
    """A ``datasets.Dataset`` (query, passage, label): each positive labelled 1, each negative 0."""
    from datasets import Dataset

    if not (len(queries) == len(positives) == len(negatives)):
        raise ValueError(f"{len(queries)} queries, {len(positives)} positives and {len(negatives)} negative lists: give one each.")
    rows = {"query": [], "passage": [], "label": []}
    for q, p, negs in zip(queries, positives, negatives):
        rows["query"].append(q), rows["passage"].append(p), rows["label"].append(1.0)
        for n in negs:
            rows["query"].append(q), rows["passage"].append(n), rows["label"].append(0.0)
    return Dataset.from_dict(rows)


NEW_HEAD_NOTE = ("New cross-encoder: MiniLM's encoder with a freshly initialised scoring head, "
                 "so its scores mean nothing until it is trained.")


def new_cross_encoder(max_length: int = 128, device=None, quiet: bool = False):
    """MiniLM's encoder with a fresh single-logit head (sigmoid → relevance probability).

    transformers reports the new head as "MISSING" weights in a red load report (silenced by
    ``runtime.QUIET_SWITCHES``); ``NEW_HEAD_NOTE`` says the same thing in the course's words.
    """
    from sentence_transformers import CrossEncoder

    if not quiet:
        print(NEW_HEAD_NOTE)
    return CrossEncoder(str(minilm_path()), num_labels=1, max_length=max_length, local_files_only=True,
                        device=str(device or runtime.pick_device()))


def train_cross_encoder(train_dataset, *, steps: int, batch_size: int = 16, learning_rate: float = 5e-5,
                        seed: int = 0, max_length: int = 128, model=None):
    """Train a cross-encoder with BinaryCrossEntropyLoss for ``steps`` steps; ``model.training_history`` holds the log."""
    from sentence_transformers.cross_encoder import CrossEncoderTrainer, CrossEncoderTrainingArguments
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss

    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    if len(train_dataset) < batch_size:
        raise ValueError(f"The training set has {len(train_dataset)} rows, fewer than one batch of {batch_size}.")
    runtime.seed_everything(seed)
    model = model or new_cross_encoder(max_length)
    folder = tempfile.mkdtemp(prefix="course-ce-")
    cuda = runtime.cuda_available()
    try:
        args = CrossEncoderTrainingArguments(
            output_dir=folder, max_steps=int(steps), per_device_train_batch_size=int(batch_size),
            learning_rate=learning_rate, warmup_steps=max(0, round(0.1 * steps)), seed=seed, data_seed=seed,
            bf16=cuda, use_cpu=not cuda and runtime.pick_device().type == "cpu", report_to="none",
            save_strategy="no", logging_steps=max(1, steps // 10), dataloader_num_workers=0, push_to_hub=False)
        trainer = CrossEncoderTrainer(model=model, args=args, train_dataset=train_dataset,
                                      loss=BinaryCrossEntropyLoss(model))
        trainer.train()
        model.training_history = [dict(r) for r in trainer.state.log_history if "loss" in r]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    model.eval()
    return model


def load_cross_encoder(path, device=None):
    from sentence_transformers import CrossEncoder

    return CrossEncoder(str(path), local_files_only=True, device=str(device or runtime.pick_device()))
