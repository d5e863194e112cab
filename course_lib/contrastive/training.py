"""Fine-tuning a sentence-transformer with the course's defaults.

``fine_tune`` wraps ``SentenceTransformerTrainer`` (sentence-transformers 6.x) so that every
notebook trains the same way:

* a fixed number of optimiser ``steps`` (not epochs), so a profile's budget is exact;
* GPU-ready: the trainer uses CUDA when present, bfloat16 mixed precision only there;
* offline and quiet: no hub, no wandb / tensorboard reporting, no checkpoints written (a temporary
  output folder is used and removed unless you pass ``output_dir``);
* ``NoDuplicatesBatchSampler`` for losses that use in-batch negatives (MNR and friends), so a batch
  never holds the same text twice — a duplicate would be a false negative by construction.

The training history (loss per logged step) is returned on ``model.training_history``.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .. import runtime

# Losses whose negatives come from the rest of the batch: duplicates in a batch would be false negatives.
IN_BATCH_LOSSES = (
    "MultipleNegativesRankingLoss", "CachedMultipleNegativesRankingLoss",
    "MultipleNegativesSymmetricRankingLoss", "CachedMultipleNegativesSymmetricRankingLoss",
    "GISTEmbedLoss", "CachedGISTEmbedLoss", "MegaBatchMarginLoss", "MatryoshkaLoss",
)


def uses_in_batch_negatives(loss) -> bool:
    """True for MNR-style losses (also when wrapped, e.g. MatryoshkaLoss(MNR))."""
    names = {type(loss).__name__}
    inner = getattr(loss, "loss", None)
    if inner is not None:
        names.add(type(inner).__name__)
    return bool(names & set(IN_BATCH_LOSSES))


def training_arguments(*, steps: int, batch_size: int, learning_rate: float, seed: int, output_dir: str,
                       no_duplicates: bool, warmup_ratio: float = 0.1, logging_steps: int | None = None, **extra):
    """The course's ``SentenceTransformerTrainingArguments`` (``extra``: further trainer arguments,
    e.g. ``gradient_accumulation_steps`` or ``ddp_backend``, passed through unchanged)."""
    from sentence_transformers import SentenceTransformerTrainingArguments
    from sentence_transformers.base.sampler import BatchSamplers

    cuda = runtime.cuda_available()
    return SentenceTransformerTrainingArguments(
        output_dir=output_dir,
        max_steps=int(steps),
        per_device_train_batch_size=int(batch_size),
        learning_rate=learning_rate,
        warmup_steps=max(0, int(round(warmup_ratio * steps))),
        seed=seed,
        data_seed=seed,
        bf16=cuda,
        use_cpu=not cuda and runtime.pick_device().type == "cpu",
        report_to="none",
        save_strategy="no",
        logging_strategy="steps",
        logging_steps=logging_steps or max(1, steps // 10),
        dataloader_num_workers=0,
        dataloader_drop_last=True,
        batch_sampler=BatchSamplers.NO_DUPLICATES if no_duplicates else BatchSamplers.BATCH_SAMPLER,
        push_to_hub=False,
        **extra,
    )


def fine_tune(model, train_dataset, loss, *, steps: int, batch_size: int, learning_rate: float = 5e-5,
              seed: int = 0, output_dir: str | Path | None = None, callbacks=None, warmup_ratio: float = 0.1,
              logging_steps: int | None = None):
    """Train ``model`` in place with ``loss`` on ``train_dataset`` for ``steps`` optimiser steps.

    ``train_dataset``: a ``datasets.Dataset`` whose columns are the loss's inputs in order
    (e.g. anchor, positive[, negative_1 …] for MNR; sentence1, sentence2, label for
    CosineSimilarityLoss). Returns the model; ``model.training_history`` holds the trainer's log
    (one dict per logged step with ``loss``, ``learning_rate``, ``step``)."""
    from sentence_transformers import SentenceTransformerTrainer

    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}.")
    if len(train_dataset) < batch_size:
        raise ValueError(f"The training set has {len(train_dataset)} rows, fewer than one batch of {batch_size}.")
    runtime.seed_everything(seed)
    temporary = output_dir is None
    folder = Path(tempfile.mkdtemp(prefix="course-train-")) if temporary else Path(output_dir)
    try:
        args = training_arguments(steps=steps, batch_size=batch_size, learning_rate=learning_rate, seed=seed,
                                  output_dir=str(folder), no_duplicates=uses_in_batch_negatives(loss),
                                  warmup_ratio=warmup_ratio, logging_steps=logging_steps)
        trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=train_dataset, loss=loss,
                                             callbacks=list(callbacks or []))
        trainer.train()
        model.training_history = [dict(row) for row in trainer.state.log_history if "loss" in row]
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
    model.eval()
    return model
