"""Notebook 09's LoRA models: MiniLM with rank-r adapters on its attention's query and value
matrices, trained on exactly the data, batches and steps of the course's full fine-tune
(``finetuned-minilm-{profile}``, notebook 04), saved as adapters ``lora-r{rank}-{profile}``.

The adapter is what is saved (a few hundred KB); loading puts it back on the packaged MiniLM. The
learning rate is LoRA's own (adapters start at zero and need a larger step than full fine-tuning,
Hu et al. 2021); everything else is the full fine-tune's recipe.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, replace

import numpy as np

from .. import runtime
from ..alternatives.lora import check_rank
from ..data import cache
from ..models import encode, load_minilm
from .bi_encoder import train_mnr
from .recipes import RECIPES
from .saved import course_triplets, load_or_train, same_data_provenance

TARGETS = ("query", "value")


@dataclass(frozen=True)
class LoraRecipe:
    ranks: tuple[int, ...]         # the ranks trained (the widget's slider); the best on dev is used
    learning_rate: float
    alpha_over_rank: float = 2.0   # LoRA's scale α / r, the same at every rank


LORA_RECIPES = {
    "ci": LoraRecipe(ranks=(2, 8), learning_rate=5e-4),
    "laptop": LoraRecipe(ranks=(4, 16), learning_rate=5e-4),
    "gpu": LoraRecipe(ranks=(4, 16, 64), learning_rate=3e-4),
}


def lora_config(rank: int, recipe: LoraRecipe):
    from peft import LoraConfig

    rank = check_rank(rank)
    return LoraConfig(r=rank, lora_alpha=recipe.alpha_over_rank * rank, lora_dropout=0.0,
                      target_modules=list(TARGETS), bias="none")


def with_lora(model, rank: int, recipe: LoraRecipe):
    """Wrap ``model``'s transformer in a peft LoRA model (base weights frozen, adapters trainable)."""
    import warnings

    from peft import get_peft_model

    with warnings.catch_warnings():   # transformers' deprecation notice inside peft: nothing a learner can act on
        warnings.simplefilter("ignore", FutureWarning)
        model[0].model = get_peft_model(model[0].auto_model, lora_config(rank, recipe))
    return model


def adapted_shapes(transformer, targets=TARGETS) -> list[tuple[int, int]]:
    """(d_out, d_in) of every linear layer LoRA adapts (its name ends with one of ``targets``)."""
    import torch

    return [tuple(m.weight.shape) for name, m in transformer.named_modules()
            if isinstance(m, torch.nn.Linear) and name.split(".")[-1] in targets]


def parameter_counts(model) -> tuple[int, int]:
    """(trainable, all) parameters of the model's peft transformer (peft's own count)."""
    return model[0].auto_model.get_nb_trainable_parameters()


def adapter_bytes(model) -> int:
    """Bytes of the adapter's tensors as float32 (what ``save_pretrained`` writes, less the header)."""
    return int(sum(p.numel() * 4 for n, p in model[0].auto_model.named_parameters() if "lora_" in n))


def merged(model):
    """Fold ``B·A`` into the frozen weights: an ordinary MiniLM again, as fast as the base."""
    model[0].model = model[0].auto_model.merge_and_unload()
    return model


def train_lora(profile: str, rank: int, triplets=None):
    """Train rank-``rank`` adapters with the full fine-tune's triplets, batches and steps."""
    recipe, lora, triplets = RECIPES[profile], LORA_RECIPES[profile], course_triplets(profile, triplets)
    model = with_lora(load_minilm(), rank, lora)
    reading_length = model.max_seq_length
    t0 = time.perf_counter()
    train_mnr(triplets, replace(recipe, learning_rate=lora.learning_rate), model=model)
    seconds = time.perf_counter() - t0
    model.max_seq_length = reading_length
    trainable, total = parameter_counts(model)
    return model, {"rank": rank, "trainable": trainable, "total": total, "adapter_bytes": adapter_bytes(model),
                   "train_seconds": seconds, "steps": recipe.steps, "history": model.training_history}


def load_or_train_lora(profile: str | None = None, rank: int = 8, triplets=None, device=None):
    """The saved adapter ``lora-r{rank}-{profile}`` on the packaged MiniLM, or train and save it.
    Returns (model, record: trainable / total parameters, adapter bytes, training seconds, history)."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    return load_or_train(f"lora-r{check_rank(rank)}-{profile}", same_data_provenance(profile, **asdict(LORA_RECIPES[profile]), rank=rank),
                         lambda path: load_adapters({f"r{rank}": path / "adapter"}, device),
                         lambda: train_lora(profile, rank, triplets),
                         lambda model, folder: model[0].auto_model.save_pretrained(str(folder / "adapter")))


def load_adapters(paths: dict, device=None):
    """One packaged MiniLM carrying every adapter in ``paths`` (name → saved adapter folder); the
    first is active (``model[0].auto_model.set_adapter(name)`` switches)."""
    import warnings

    from peft import PeftModel

    model = load_minilm(device)
    names = list(paths)
    with warnings.catch_warnings():   # transformers' deprecation notice inside peft
        warnings.simplefilter("ignore", FutureWarning)
        model[0].model = PeftModel.from_pretrained(model[0].auto_model, str(paths[names[0]]), adapter_name=names[0])
        for name in names[1:]:
            model[0].auto_model.load_adapter(str(paths[name]), adapter_name=name)
    model[0].auto_model.set_adapter(names[0])
    model.eval()
    return model


def seconds_per_step(model, triplets, profile: str, steps: int = 2, learning_rate: float | None = None,
                     warm_up: bool = True) -> float:
    """Median wall seconds of one optimiser step (forward, MNR loss, backward, AdamW) on the recipe's
    first batch, after one warm-up step (unless ``warm_up`` is False); only parameters that require a gradient are stepped (the
    adapters for a LoRA model). Trains ``model`` in place: pass a throw-away copy."""
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    recipe = RECIPES[profile]
    model.max_seq_length = recipe.max_seq_length
    model.train()
    loss = MultipleNegativesRankingLoss(model, scale=recipe.scale)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                  lr=learning_rate or recipe.learning_rate)
    batch = triplets[:recipe.batch_size]
    features = [{k: v.to(model.device) if hasattr(v, "to") else v for k, v in model.preprocess(batch[c]).items()}
                for c in ("anchor", "positive", "negative")]
    times = []
    for _ in range(steps + int(warm_up)):
        t0 = time.perf_counter()
        loss(features, None).backward()
        optimiser.step()
        optimiser.zero_grad()
        times.append(time.perf_counter() - t0)
    model.eval()
    return float(np.median(times[int(warm_up):]))


def spearman_upper(similarities: np.ndarray, human: np.ndarray) -> float:
    """Spearman ρ between model and human similarities over the pairs i < j (human matrix symmetrised)."""
    from scipy.stats import spearmanr

    human = (np.asarray(human) + np.asarray(human).T) / 2
    i, j = np.triu_indices(len(human), k=1)
    return float(spearmanr(similarities[i, j], human[i, j]).statistic)


def encode_with_adapter(model, texts, max_seq_length: int, cache_name: str | None = None) -> np.ndarray:
    """Normalised embeddings of a LoRA model, cached on disk by its *adapter* weights × texts
    (``models.encode``'s key samples a few tensors, which may all be frozen base weights here)."""
    if cache_name is None:
        return encode(model, list(texts), max_seq_length=max_seq_length)
    adapter = [p.detach().float().cpu().numpy().tobytes() for n, p in model[0].auto_model.named_parameters()
               if "lora_" in n]
    key = cache.fingerprint(b"".join(adapter), max_seq_length, list(texts))

    def build(folder):
        np.save(folder / "embeddings.npy", encode(model, list(texts), max_seq_length=max_seq_length))

    return np.load(cache.prepared(f"embeddings/{cache_name}-{key}", build, version=1) / "embeddings.npy")
