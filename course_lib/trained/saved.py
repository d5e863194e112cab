"""Load-or-train for notebook 09's models: a saved folder holding the model and its training record.

The record is the model's provenance (recipe, training rows, course version: ``provenance``) plus
what training measured; the saved model is reused only when its provenance matches today's.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from typing import Callable

from dataclasses import asdict

from .. import runtime
from ..models import save_model, saved_model_path
from .bi_encoder import triplet_dataset
from .cross_encoder import load_or_train_cross_encoder
from .provenance import provenance, reusable
from .recipes import RECIPES, Recipe
from .train_split import train_split, training_rows

RECORD_FILE = "course_training.json"


def load_or_train(name: str, wanted: dict, load: Callable, train: Callable, write_model: Callable):
    """``(model, record)``: ``load(folder)`` of the saved ``name`` when its record matches ``wanted``;
    else ``train()`` → (model, measured), saved with ``write_model(model, folder)`` and the record."""
    wanted = json.loads(json.dumps(wanted))          # as a saved record reads back (tuples become lists)
    path = saved_model_path(name)
    record = json.loads((path / RECORD_FILE).read_text()) if path is not None and (path / RECORD_FILE).exists() else None
    if reusable(name, record, wanted, exists=path is not None):
        return load(path), record
    model, measured = train()
    record = {**wanted, **measured}

    def write(folder):
        write_model(model, folder)
        (folder / RECORD_FILE).write_text(json.dumps(record, indent=1, default=float))

    save_model(name, write)
    return model, record


def run_trainer(trainer_class, arguments_class, model, dataset, loss, recipe: Recipe, callbacks=()) -> list[dict]:
    """Train ``model`` with a sentence-transformers trainer (multi-vector, sparse …) for the recipe's
    steps and batch size, quietly and without checkpoints; returns the logged history."""
    folder = tempfile.mkdtemp(prefix="course-train-")
    try:
        cuda = runtime.cuda_available()
        args = arguments_class(
            output_dir=folder, max_steps=recipe.steps, per_device_train_batch_size=recipe.batch_size,
            learning_rate=recipe.learning_rate, warmup_steps=max(0, round(0.1 * recipe.steps)), seed=recipe.seed,
            data_seed=recipe.seed, use_cpu=not cuda, bf16=cuda, report_to="none", save_strategy="no",
            logging_steps=max(1, recipe.steps // 10), dataloader_drop_last=True, push_to_hub=False)
        trainer = trainer_class(model=model, args=args, train_dataset=dataset, loss=loss, callbacks=list(callbacks))
        trainer.train()
        return [dict(r) for r in trainer.state.log_history if "loss" in r]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def same_data_provenance(profile: str, **extra) -> dict:
    """The provenance of a model trained on the full fine-tune's rows with its recipe (+ ``extra``)."""
    recipe = RECIPES[profile]
    return provenance({"bi_encoder": asdict(recipe), **extra}, train_split().doc_ids[training_rows(recipe)].tolist())


def course_triplets(profile: str, triplets=None):
    """The full fine-tune's (anchor, positive, hard negative) rows for the profile (mined once, cached)."""
    if triplets is not None:
        return triplets
    return triplet_dataset(RECIPES[profile], load_or_train_cross_encoder(profile))[0]
