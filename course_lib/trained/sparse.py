"""Notebook 09's SPLADE-style sparse model ``splade-minilm-{profile}`` (sentence-transformers'
``SparseEncoder``): MiniLM with a masked-language-model head, max-pooled ``log(1 + relu(·))``.

MiniLM ships without its MLM head. We start one that reads MiniLM's own vocabulary: the head's
transform is the identity and its output matrix is MiniLM's word-embedding table (tied, as in
BERT), so a position's logit for token t is how close the contextual vector is to t's embedding;
its bias is set so that about one token in a thousand is active at each position. That model
already expands texts sensibly; it is then trained with SPLADE's loss (in-batch MNR plus FLOPS
regularisers that push weights to zero) on the full fine-tune's triplets, batches and steps.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse as sp

from .. import runtime
from ..data import cache
from ..models import minilm_path, model_fingerprint
from .recipes import RECIPES
from .saved import course_triplets, load_or_train, run_trainer, same_data_provenance

ACTIVE_PER_POSITION = 1e-3        # share of the vocabulary above zero at one position, at the start
REGULARISERS = {"document_regularizer_weight": 3e-5, "query_regularizer_weight": 5e-5}


def build_model(max_seq_length: int, init_texts, device="cpu"):
    import torch
    from sentence_transformers import SparseEncoder
    from sentence_transformers.base.modules import Transformer
    from sentence_transformers.sparse_encoder.modules import SpladePooling

    mlm = Transformer(str(minilm_path()), transformer_task="fill-mask", max_seq_length=max_seq_length)
    head = mlm.auto_model.cls.predictions
    with torch.no_grad():
        head.transform.dense.weight.copy_(torch.eye(head.transform.dense.weight.shape[0]))
        head.transform.dense.bias.zero_()
        head.bias.zero_()
        features = mlm.preprocess(list(init_texts))
        logits = mlm.auto_model(input_ids=features["input_ids"], attention_mask=features["attention_mask"]).logits
        real = logits[features["attention_mask"].bool()].flatten().numpy()
        sample = real[np.random.default_rng(0).integers(0, len(real), size=200_000)]
        head.bias.fill_(-float(np.quantile(sample, 1 - ACTIVE_PER_POSITION)))
    return SparseEncoder(modules=[mlm, SpladePooling("max", activation_function="log1p_relu")], device=str(device))


def train_sparse(profile: str, triplets=None):
    """Build the sparse model and train it with SPLADE's loss. Returns (model, {history})."""
    from sentence_transformers.sparse_encoder import SparseEncoderTrainer, SparseEncoderTrainingArguments
    from sentence_transformers.sparse_encoder.callbacks.splade_callbacks import SpladeRegularizerWeightSchedulerCallback
    from sentence_transformers.sparse_encoder.losses import SparseMultipleNegativesRankingLoss, SpladeLoss

    recipe, triplets = RECIPES[profile], course_triplets(profile, triplets)
    runtime.seed_everything(recipe.seed)
    model = build_model(recipe.max_seq_length, triplets["positive"][:16])
    loss = SpladeLoss(model, SparseMultipleNegativesRankingLoss(model), **REGULARISERS)
    # the regularisers' weights grow from 0 during the first third of training (SPLADE's schedule), as the
    # trainer would add by default; passed here so that it does not warn about adding it
    history = run_trainer(SparseEncoderTrainer, SparseEncoderTrainingArguments, model, triplets, loss, recipe,
                          callbacks=[SpladeRegularizerWeightSchedulerCallback(loss)])
    model.eval()
    return model, {"history": history}


def load_or_train_sparse(profile: str | None = None, triplets=None, device=None):
    """The saved ``splade-minilm-{profile}``, or train and save it. Returns (model, record)."""
    from sentence_transformers import SparseEncoder

    profile = runtime.check_profile(profile or runtime.get_profile())
    device = str(device or runtime.pick_device())
    return load_or_train(f"splade-minilm-{profile}", same_data_provenance(profile, active=ACTIVE_PER_POSITION, **REGULARISERS, version=1),
                         lambda path: SparseEncoder(str(path), device=device, local_files_only=True),
                         lambda: train_sparse(profile, triplets), lambda model, folder: model.save(str(folder)))


def sparse_vectors(model, texts, kind: str = "document", max_seq_length: int | None = None,
                   cache_name: str | None = None):
    """A scipy CSR matrix (texts × vocabulary) of the model's weights; cached on disk when named."""
    if max_seq_length is not None:
        model[0].max_seq_length = max_seq_length

    def run():
        encode = model.encode_document if kind == "document" else model.encode_query
        coo = encode(list(texts), batch_size=32, convert_to_sparse_tensor=True).coalesce().cpu()
        rows, cols = coo.indices().numpy()
        return sp.csr_matrix((coo.values().numpy().astype(np.float32), (rows, cols)), shape=tuple(coo.shape))

    if cache_name is None:
        return run()
    key = cache.fingerprint(model_fingerprint(model), model[0].max_seq_length, kind, list(texts))

    def build(folder):
        sp.save_npz(folder / "vectors.npz", run())

    return sp.load_npz(cache.prepared(f"embeddings/{cache_name}-{key}", build, version=1) / "vectors.npz").tocsr()
