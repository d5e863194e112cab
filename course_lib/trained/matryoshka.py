"""The course's two notebook-05 models, trained from the same packaged MiniLM on the same data:

* ``mrl-minilm-{profile}``: trained with the Matryoshka loss over prefixes 32 … 384 (the MRL model);
* ``mnr-minilm-{profile}``: trained with plain MNR / InfoNCE at the full 384 dimensions (standard).

Both see the same (description → article) pairs of the training split, in the same batches, for
the same number of steps, at the same learning rate. Two ways to train, picked by the profile:

* ``head`` (ci, laptop): MiniLM stays frozen and a 384×384 linear layer on top of it is trained
  (initialised to the identity, so training starts from MiniLM itself). MiniLM's embeddings of the
  training pairs are computed once and cached, so hundreds of steps take seconds on a CPU, where a
  single full fine-tuning step of MiniLM takes several seconds. The saved model is MiniLM + Dense
  + Normalize: an ordinary sentence-transformer.
* ``full`` (gpu): the whole network is fine-tuned with ``fine_tune`` and sentence-transformers'
  ``MatryoshkaLoss(MultipleNegativesRankingLoss)`` (or plain MNR).

Saved with ``save_model`` so that later runs (and notebook 06) load them instead of training again.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from .. import runtime
from ..contrastive.training import fine_tune
from ..data.wiki import normalise_description
from ..matryoshka.nesting import EVAL_DIMS, MRL_DIMS, MatryoshkaInfoNCELoss, check_prefix_dims, mrl_info_nce
from ..models import encode, load_minilm, load_saved_sentence_model, save_model, saved_model_path
from ..retrieval.task import encode_task, evaluate_rankings
from ..vectors import exact_search, truncate
from .held_out import article_ids
from .provenance import provenance, reusable
from .train_split import train_split

KINDS = ("mrl", "standard")


@dataclass(frozen=True)
class TrainConfig:
    mode: str                 # "head" or "full"
    n_pairs: int | None       # training pairs used (None: all)
    steps: int
    batch_size: int
    learning_rate: float
    max_seq_length: int = 64
    temperature: float = 0.05


CONFIGS = {
    "ci": TrainConfig("head", n_pairs=300, steps=40, batch_size=64, learning_rate=1e-3, temperature=0.1),
    # chosen on the training pairs' fit vs. held-out quality at 32 / 64 / 384 dims (see notebook 05)
    "laptop": TrainConfig("head", n_pairs=3000, steps=300, batch_size=512, learning_rate=1e-3, temperature=0.1),
    "gpu": TrainConfig("full", n_pairs=None, steps=600, batch_size=128, learning_rate=5e-5, max_seq_length=128),
}


def config(profile: str | None = None) -> TrainConfig:
    return CONFIGS[runtime.check_profile(profile or runtime.get_profile())]


def eval_seq_length(profile: str | None = None) -> int:
    """Tokens per text when the notebook encodes (training pairs and the evaluation collection)."""
    return config(profile).max_seq_length


def train_pairs(n_pairs: int | None = None, seed: int = 0) -> list[tuple[str, str]]:
    """A seeded sample of the training split's (description, article) pairs, one per description
    and per article (a repeated text in a batch would be a false in-batch negative)."""
    split = train_split()   # (no evaluated article: see held_out)
    pairs = list(zip(split.descriptions, split.texts))
    order = np.random.default_rng(seed).permutation(len(pairs))
    seen_q, seen_d, keep = set(), set(), []
    for i in order:
        q, d = pairs[i]
        key = normalise_description(q)
        if key in seen_q or d in seen_d:
            continue
        seen_q.add(key)
        seen_d.add(d)
        keep.append((q, d))
        if n_pairs is not None and len(keep) == n_pairs:
            break
    return keep


# ---- head mode: a linear layer on frozen MiniLM ----------------------------------------------

def pair_embeddings(base_model, pairs, max_seq_length: int) -> tuple[np.ndarray, np.ndarray]:
    """MiniLM's (cached) embeddings of the pairs' descriptions and articles."""
    anchors = encode(base_model, [q for q, _ in pairs], max_seq_length=max_seq_length, cache_name="wiki-train-descriptions")
    positives = encode(base_model, [d for _, d in pairs], max_seq_length=max_seq_length, cache_name="wiki-train-articles")
    return anchors, positives


def train_linear_head(anchors: np.ndarray, positives: np.ndarray, kind: str, *, steps: int, batch_size: int,
                      learning_rate: float = 1e-3, temperature: float = 0.05, dims=MRL_DIMS, seed: int = 0):
    """Train W (d×d, starts as the identity) so that normalise(x W^T) minimises the loss:
    ``mrl``: Σ_m InfoNCE at every prefix m in ``dims``; ``standard``: InfoNCE at full d only.

    Every step draws the same batch for both kinds (seeded). Runs on one CPU thread: these small
    matrix products are fastest that way, and much faster than two threads on a busy machine.
    Returns (W as numpy, loss history)."""
    import torch

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}.")
    d = anchors.shape[1]
    dims = check_prefix_dims(dims, d) if kind == "mrl" else (d,)
    batch_size = min(batch_size, len(anchors))
    g = torch.Generator().manual_seed(seed)
    a, p = torch.from_numpy(np.asarray(anchors, np.float32)), torch.from_numpy(np.asarray(positives, np.float32))
    weight = torch.nn.Parameter(torch.eye(d))
    optimiser = torch.optim.Adam([weight], lr=learning_rate)
    history = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for step in range(steps):
            idx = torch.randperm(len(a), generator=g)[:batch_size]
            loss = mrl_info_nce(a[idx] @ weight.T, p[idx] @ weight.T, dims, temperature=temperature)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            history.append({"step": step + 1, "loss": loss.item()})
    finally:
        torch.set_num_threads(threads)
    return weight.detach().numpy().copy(), history


def with_linear_head(base_model, weight: np.ndarray):
    """MiniLM + Dense(W, no bias, no activation) + Normalize: a plain sentence-transformer."""
    import torch
    from sentence_transformers.base.modules import Dense, Normalize

    d_out, d_in = weight.shape
    dense = Dense(d_in, d_out, bias=False, activation_function=torch.nn.Identity(),
                  init_weight=torch.from_numpy(np.asarray(weight, np.float32)))
    base_model.append(dense.to(base_model.device))
    base_model.append(Normalize())
    return base_model


def apply_head(model, base_vectors: np.ndarray) -> np.ndarray:
    """What ``model`` outputs, computed from MiniLM's embeddings: the layers after MiniLM's own
    Normalize (for a head-trained model: Dense + Normalize). Identity for MiniLM itself."""
    import torch

    head = list(model)[3:]
    features = {"sentence_embedding": torch.from_numpy(np.asarray(base_vectors, np.float32)).to(model.device)}
    with torch.no_grad():
        for module in head:
            features = module(features)
    return features["sentence_embedding"].cpu().numpy().astype(np.float32)


# ---- training + saving -------------------------------------------------------------------------

def train(kind: str, profile: str | None = None, seed: int = 0, device=None, base_model=None):
    """A freshly trained model of ``kind`` ("mrl" or "standard") for the profile; history on
    ``model.training_history``."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}.")
    cfg = config(profile)
    runtime.seed_everything(seed)
    pairs = train_pairs(cfg.n_pairs, seed)
    if cfg.mode == "head":
        base = base_model or load_minilm(device)
        anchors, positives = pair_embeddings(base, pairs, cfg.max_seq_length)
        weight, history = train_linear_head(anchors, positives, kind, steps=cfg.steps, batch_size=cfg.batch_size,
                                            learning_rate=cfg.learning_rate, temperature=cfg.temperature, seed=seed)
        model = with_linear_head(load_minilm(device), weight)
        model.training_history = history
        return model

    from datasets import Dataset
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    model = load_minilm(device)
    reading_length = model.max_seq_length      # saved with it, so that it reads whole texts when loaded
    model.max_seq_length = cfg.max_seq_length
    if kind == "mrl":
        loss = MatryoshkaInfoNCELoss(MRL_DIMS, temperature=cfg.temperature).build(model)
    else:
        loss = MultipleNegativesRankingLoss(model, scale=1.0 / cfg.temperature)
    data = Dataset.from_dict({"anchor": [q for q, _ in pairs], "positive": [d for _, d in pairs]})
    model = fine_tune(model, data, loss, steps=cfg.steps, batch_size=cfg.batch_size,
                      learning_rate=cfg.learning_rate, seed=seed)
    model.max_seq_length = reading_length
    return model


RECIPE_FILE = "course_training.json"


def recipe(kind: str, profile: str) -> dict:
    """What a saved model was trained with; a saved model with another recipe (or other training
    pairs, or another course_lib version: see ``provenance``) is trained again."""
    return {"kind": kind, "profile": profile, "version": 2, **asdict(config(profile))}


def _load_or_train(kind: str, name: str, profile: str | None, device=None, seed: int = 0, base_model=None):
    profile = runtime.check_profile(profile or runtime.get_profile())
    full_name = f"{name}-{profile}"
    pairs = train_pairs(config(profile).n_pairs, seed)
    wanted = provenance({**recipe(kind, profile), "seed": seed}, pairs)
    path = saved_model_path(full_name)
    record = json.loads((path / RECIPE_FILE).read_text()) if path is not None and (path / RECIPE_FILE).exists() else None
    if reusable(full_name, record, wanted, exists=path is not None):
        model = load_saved_sentence_model(full_name, device=device)
        model.trained_now = False
        return model
    model = train(kind, profile, seed=seed, device=device, base_model=base_model)
    history = model.training_history

    def write(folder):
        model.save(str(folder))
        record = {**wanted, "article_ids": article_ids(d for _, d in pairs)}
        (folder / RECIPE_FILE).write_text(json.dumps(record, indent=1))

    save_model(full_name, write)
    model.trained_now = True
    model.training_history = history
    return model


def load_or_train_mrl_model(profile: str | None = None, device=None, seed: int = 0, base_model=None):
    """The course's MRL MiniLM (``mrl-minilm-{profile}``): loaded when saved, else trained and saved.

    Its first 64 dimensions, re-normalised (``truncate(x, 64)``), are a good small embedding."""
    return _load_or_train("mrl", "mrl-minilm", profile, device, seed, base_model)


def load_or_train_standard_model(profile: str | None = None, device=None, seed: int = 0, base_model=None):
    """The comparison model (``mnr-minilm-{profile}``): same data, batches and steps, plain MNR at 384-d."""
    return _load_or_train("standard", "mnr-minilm", profile, device, seed, base_model)


# ---- quality on the course's retrieval task -------------------------------------------------------

def ndcg_by_dims(task, queries: np.ndarray, docs: np.ndarray, dims: Sequence[int] = EVAL_DIMS,
                 truncate=truncate) -> dict[int, float]:
    """Held-out nDCG@10 when queries and documents are truncated to each of ``dims`` (then re-normalised).

    ``truncate`` is the function that cuts and re-normalises: notebook 05 passes the learner's
    once it has passed its check."""
    return {int(m): evaluate_rankings(task, exact_search(truncate(queries, m), truncate(docs, m), 100)[1])["ndcg@10"]
            for m in dims}


def task_embeddings(model, task, base_vectors: tuple[np.ndarray, np.ndarray] | None = None,
                    max_seq_length: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """(queries, documents) embeddings of ``model`` on the task.

    A head-trained model is MiniLM + Dense + Normalize: given MiniLM's own vectors (``base_vectors``)
    its vectors are the head applied to them — no second pass through the transformer."""
    if base_vectors is not None and len(model) > 3:
        return tuple(apply_head(model, x) for x in base_vectors)
    return encode_task(model, task, max_seq_length=max_seq_length)
