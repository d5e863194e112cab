"""Notebook 09's late-interaction model ``colbert-minilm-{profile}``: MiniLM's token vectors,
projected to 128 dimensions and normalised (sentence-transformers' ``MultiVectorEncoder``),
trained with MaxSim in-batch negatives on the full fine-tune's triplets, batches and steps.

The 384 → 128 projection starts as the PCA of MiniLM's token vectors on training texts (not at
random), so the untrained model is already MiniLM's tokens + MaxSim and a few steps can improve it.
Token matrices of a collection are cached on disk per model × texts.
"""
from __future__ import annotations

import numpy as np

from .. import runtime
from ..data import cache
from ..models import minilm_path, model_fingerprint
from .recipes import RECIPES
from .saved import course_triplets, load_or_train, run_trainer, same_data_provenance

DIMS = 128


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


def train_late(profile: str, triplets=None):
    """Build the PCA-initialised model and train it with MaxSim in-batch negatives. Returns (model, {history})."""
    from sentence_transformers.multi_vector_encoder import (MultiVectorEncoderTrainer,
                                                            MultiVectorEncoderTrainingArguments)
    from sentence_transformers.multi_vector_encoder.losses import MultiVectorMultipleNegativesRankingLoss

    recipe, triplets = RECIPES[profile], course_triplets(profile, triplets)
    runtime.seed_everything(recipe.seed)
    model = build_model(recipe.max_seq_length, triplets["positive"][:64])
    history = run_trainer(MultiVectorEncoderTrainer, MultiVectorEncoderTrainingArguments, model, triplets,
                          MultiVectorMultipleNegativesRankingLoss(model), recipe)
    model.eval()
    return model, {"history": history}


def load_or_train_late(profile: str | None = None, triplets=None, device=None):
    """The saved ``colbert-minilm-{profile}``, or train and save it. Returns (model, record)."""
    from sentence_transformers import MultiVectorEncoder

    profile = runtime.check_profile(profile or runtime.get_profile())
    device = str(device or runtime.pick_device())
    return load_or_train(f"colbert-minilm-{profile}", same_data_provenance(profile, dims=DIMS, version=1),
                         lambda path: MultiVectorEncoder(str(path), device=device, local_files_only=True),
                         lambda: train_late(profile, triplets), lambda model, folder: model.save(str(folder)))


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
