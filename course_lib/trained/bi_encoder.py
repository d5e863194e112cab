"""The course's fine-tuned bi-encoder ``finetuned-minilm-{profile}`` (notebook 04; notebook 06 retrieves with it).

MiniLM fine-tuned with MultipleNegativesRankingLoss on (description, article, hard negative)
triplets of the train split; the hard negative is BM25-mined and filtered (same description as the
positive removed; the cross-encoder's likely answers removed). Loaded when saved, else trained and
saved with its training record (history, mining counts, probe snapshots).
"""
from __future__ import annotations

import json
from dataclasses import asdict

import numpy as np

from .. import runtime
from ..contrastive.snapshots import SnapshotCallback, probe_example
from ..contrastive.training import fine_tune
from ..data import cache
from ..models import load_minilm, load_saved_sentence_model, model_fingerprint, save_model, saved_model_path
from .cross_encoder import load_or_train_cross_encoder
from .held_out import article_ids
from .provenance import provenance, reusable
from .recipes import BI_ENCODER, RECIPES, Recipe, config_key
from .train_split import mine_triplets, train_split, training_rows


def triplet_dataset(recipe: Recipe, cross_encoder=None):
    """(anchor, positive, negative) rows with filtered BM25 hard negatives, and the mining counts."""
    from datasets import Dataset

    split = train_split()
    rows = training_rows(recipe)
    ce_id = "none" if cross_encoder is None else model_fingerprint(getattr(cross_encoder, "model", cross_encoder))

    def build(folder):  # mining costs a cross-encoder pass per checked candidate: cache it on disk
        negatives, counts = mine_triplets(rows, recipe, cross_encoder)
        np.save(folder / "negatives.npy", np.asarray(negatives, dtype=np.int64))
        (folder / "counts.json").write_text(json.dumps(counts))

    folder = cache.prepared(f"nb04/triplets-{config_key(recipe, ce_id)}", build, version=1)
    negatives = np.load(folder / "negatives.npy").tolist()
    counts = json.loads((folder / "counts.json").read_text())
    data = Dataset.from_dict({"anchor": [split.descriptions[r] for r in rows],
                              "positive": [split.texts[r] for r in rows],
                              "negative": [split.texts[n] for n in negatives]})
    return data, counts


def train_mnr(triplets, recipe: Recipe, *, hard_negatives: bool = True, callbacks=None, model=None):
    """MiniLM + MultipleNegativesRankingLoss on the triplets (or on their pairs only)."""
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    model = model or load_minilm()
    model.max_seq_length = recipe.max_seq_length
    data = triplets if hard_negatives else triplets.select_columns(["anchor", "positive"])
    return fine_tune(model, data, MultipleNegativesRankingLoss(model, scale=recipe.scale), steps=recipe.steps,
                     batch_size=recipe.batch_size, learning_rate=recipe.learning_rate, seed=recipe.seed,
                     callbacks=callbacks)


def training_record(name: str) -> dict | None:
    """What was saved next to a trained bi-encoder: history, mining counts, probe snapshots."""
    path = saved_model_path(name)
    if path is None or not (path / "course_training.json").exists():
        return None
    record = json.loads((path / "course_training.json").read_text())
    with np.load(path / "course_snapshots.npz") as z:
        record["snapshot_steps"], record["snapshots"] = z["steps"], z["embeddings"]
    return record


def bi_encoder_provenance(recipe: Recipe) -> dict:
    """The recipe, the training articles and the course version the saved bi-encoder must match."""
    split = train_split()
    return provenance(asdict(recipe), split.doc_ids[training_rows(recipe)].tolist())


def load_or_train_bi_encoder(profile: str | None = None, device=None, *, triplets=None, mining_counts=None):
    """The saved ``finetuned-minilm-{profile}``, or train it (MNR + filtered hard negatives) and save it.

    The saved model is reused only when its recipe, training rows and course_lib version match
    today's (else it is retrained, with a message). It is saved with MiniLM's own ``max_seq_length``
    so that it reads whole texts when loaded as it is; the (shorter) training length is in the record.
    Next to the model are ``course_training.json`` (history, mining counts, probe texts) and
    ``course_snapshots.npz`` (the probe's embeddings at successive steps, for notebook 04)."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    name = f"{BI_ENCODER}-{profile}"
    recipe = RECIPES[profile]
    wanted = bi_encoder_provenance(recipe)
    if reusable(name, training_record(name), wanted, exists=saved_model_path(name) is not None):
        return load_saved_sentence_model(name, device=device)
    if triplets is None:  # (notebook 04 passes the triplets it has just mined: the same recipe)
        triplets, mining_counts = triplet_dataset(recipe, load_or_train_cross_encoder(profile))
    counts = mining_counts

    model = load_minilm()
    reading_length = model.max_seq_length   # what the model is saved with: whole texts when loaded as it is
    model.max_seq_length = recipe.max_seq_length
    probe = probe_example(triplets)
    snaps = SnapshotCallback(model, [probe["anchor"], probe["positive"], *probe["negatives"]],
                             every=max(1, recipe.steps // 8))
    model = train_mnr(triplets, recipe, hard_negatives=True, callbacks=[snaps.callback], model=model)
    record = {"profile": profile, **wanted, "trained_max_seq_length": recipe.max_seq_length,
              "article_ids": article_ids(list(triplets["positive"]) + list(triplets["negative"])),
              "mining": counts, "probe": probe, "history": model.training_history}

    def write(folder):
        model.max_seq_length = reading_length
        model.save(str(folder))
        (folder / "course_training.json").write_text(json.dumps(record, indent=1, default=float))
        np.savez(folder / "course_snapshots.npz", steps=np.array(snaps.steps), embeddings=np.stack(snaps.embeddings))

    save_model(name, write)
    return load_saved_sentence_model(name, device=device)
