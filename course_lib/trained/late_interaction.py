"""Notebook 09's late-interaction model ``colbert-minilm-{profile}``: MiniLM's token vectors,
projected to 128 dimensions and normalised (sentence-transformers' ``MultiVectorEncoder``),
trained with MaxSim in-batch negatives on the full fine-tune's triplets, batches and steps.

The 384 → 128 projection starts as the PCA of MiniLM's token vectors on training texts (not at
random), so the untrained model is already MiniLM's tokens + MaxSim and a few steps can improve it.
Token matrices of a collection are cached on disk per model × texts.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict

import numpy as np

from .. import runtime
from ..data import cache
from ..models import minilm_path, model_fingerprint, save_model, saved_model_path
from .bi_encoder import triplet_dataset
from .cross_encoder import load_or_train_cross_encoder
from .provenance import provenance, reusable
from .recipes import RECIPES
from .train_split import train_split, training_rows

DIMS = 128
RECORD_FILE = "course_training.json"


def build_model(max_seq_length: int, init_texts, device="cpu"):
    """MiniLM → Dense(384 → 128, PCA-initialised) → mask → normalise, as a MultiVectorEncoder."""
    import torch
    from sentence_transformers import MultiVectorEncoder
    from sentence_transformers.base.modules import Dense, Normalize, Transformer
    from sentence_transformers.multi_vector_encoder.modules import MultiVectorMask

    transformer = Transformer(str(minilm_path()), max_seq_length=max_seq_length)
    dense = Dense(in_features=transformer.get_embedding_dimension(), out_features=DIMS, bias=False,
                  activation_function=torch.nn.Identity(), module_input_name="token_embeddings")
    model = MultiVectorEncoder(modules=[transformer, dense, MultiVectorMask(), Normalize(module_input_name="token_embeddings")],
                               device=str(device))
    # PCA of MiniLM's own token vectors on training texts: the top 128 directions
    raw = _raw_token_vectors(model, init_texts)
    centred = raw - raw.mean(axis=0)
    _, eigenvectors = np.linalg.eigh(centred.T @ centred)      # ascending: the last columns vary most
    with torch.no_grad():
        dense.linear.weight.copy_(torch.as_tensor(eigenvectors[:, ::-1][:, :DIMS].T.copy(), dtype=torch.float32))
    return model


def _raw_token_vectors(model, texts) -> np.ndarray:
    """MiniLM's 384-d token vectors (before the projection) for PCA."""
    import torch

    features = model[0].preprocess(list(texts))
    with torch.no_grad():
        out = model[0](dict(features))
    mask = features["attention_mask"].bool()
    return out["token_embeddings"][mask].cpu().numpy()


def _provenance(profile: str) -> dict:
    recipe = RECIPES[profile]
    return provenance({"bi_encoder": asdict(recipe), "dims": DIMS, "version": 1},
                      train_split().doc_ids[training_rows(recipe)].tolist())


def train_late(profile: str, triplets=None):
    from sentence_transformers.multi_vector_encoder import (MultiVectorEncoderTrainer,
                                                            MultiVectorEncoderTrainingArguments)
    from sentence_transformers.multi_vector_encoder.losses import MultiVectorMultipleNegativesRankingLoss

    recipe = RECIPES[profile]
    if triplets is None:
        triplets, _ = triplet_dataset(recipe, load_or_train_cross_encoder(profile))
    runtime.seed_everything(recipe.seed)
    model = build_model(recipe.max_seq_length, triplets["positive"][:64])
    folder = tempfile.mkdtemp(prefix="course-late-")
    try:
        args = MultiVectorEncoderTrainingArguments(
            output_dir=folder, max_steps=recipe.steps, per_device_train_batch_size=recipe.batch_size,
            learning_rate=recipe.learning_rate, warmup_steps=max(0, round(0.1 * recipe.steps)), seed=recipe.seed,
            data_seed=recipe.seed, use_cpu=not runtime.cuda_available(), bf16=runtime.cuda_available(),
            report_to="none", save_strategy="no", logging_steps=max(1, recipe.steps // 10),
            dataloader_drop_last=True, push_to_hub=False)
        trainer = MultiVectorEncoderTrainer(model=model, args=args, train_dataset=triplets,
                                            loss=MultiVectorMultipleNegativesRankingLoss(model))
        trainer.train()
        history = [dict(r) for r in trainer.state.log_history if "loss" in r]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    model.eval()
    return model, history


def load_or_train_late(profile: str | None = None, triplets=None, device=None):
    """The saved ``colbert-minilm-{profile}``, or train and save it. Returns (model, record)."""
    from sentence_transformers import MultiVectorEncoder

    profile = runtime.check_profile(profile or runtime.get_profile())
    name, wanted = f"colbert-minilm-{profile}", _provenance(profile)
    path = saved_model_path(name)
    record = json.loads((path / RECORD_FILE).read_text()) if path is not None and (path / RECORD_FILE).exists() else None
    if reusable(name, record, wanted, exists=path is not None):
        return MultiVectorEncoder(str(path), device=str(device or runtime.pick_device()), local_files_only=True), record
    model, history = train_late(profile, triplets)
    record = {**wanted, "history": history}

    def write(folder):
        model.save(str(folder))
        (folder / RECORD_FILE).write_text(json.dumps(record, indent=1, default=float))

    save_model(name, write)
    return model, record


def token_matrices(model, texts, kind: str = "document", max_seq_length: int | None = None,
                   cache_name: str | None = None) -> list[np.ndarray]:
    """One float32 (tokens × 128) matrix per text; cached on disk by model × texts when named."""
    if max_seq_length is not None:
        model[0].max_seq_length = max_seq_length

    def run() -> list[np.ndarray]:
        encode = model.encode_document if kind == "document" else model.encode_query
        return [np.asarray(t, dtype=np.float32) for t in encode(list(texts), batch_size=32, convert_to_numpy=True)]

    if cache_name is None:
        return run()
    key = cache.fingerprint(model_fingerprint(model), model[0].max_seq_length, kind, list(texts))

    def build(folder):
        mats = run()
        np.savez(folder / "tokens.npz", flat=np.concatenate(mats), counts=np.array([len(m) for m in mats]))

    with np.load(cache.prepared(f"embeddings/{cache_name}-{key}", build, version=1) / "tokens.npz") as z:
        flat, counts = z["flat"], z["counts"]
    return np.split(flat, np.cumsum(counts)[:-1])
