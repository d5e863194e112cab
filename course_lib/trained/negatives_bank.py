"""Notebook 07's memory-bank run: MiniLM trained with a queue of earlier keys as extra negatives.

A batch of ``bank_batch`` pairs plus a queue of ``bank_size`` keys gives each query as many
negatives as a batch of ``bank_batch + bank_size`` would, for the memory of the small batch.
The keys in the queue were embedded by earlier versions of the model: at the end of the run the
last ``staleness_window`` keys are embedded again by the final model and compared with how they
were stored (both without dropout), by age in steps.
"""
from __future__ import annotations

import time

import numpy as np

from .. import runtime
from ..negatives.gradcache import sentence_encoder
from ..negatives.memory_bank import check_queue_length, memory_bank_loss, staleness, update_bank
from .negatives import NegativesRecipe, cached_run, evaluate, fresh_minilm, training_pairs


def _eval_embed(model, encoder, texts):
    import torch

    was = model.training
    model.eval()
    with torch.no_grad():
        out = torch.nn.functional.normalize(encoder(texts), dim=-1).cpu().numpy()
    model.train(was)
    return out


def train_with_bank(recipe: NegativesRecipe, bank_size: int | None = None, log=print):
    """The training loop (AdamW, constant learning rate, one pass over the pairs). Returns
    (model, history, staleness record)."""
    import torch

    bank_size = recipe.bank_size if bank_size is None else bank_size
    pairs = training_pairs(recipe)
    check_queue_length(bank_size, len(pairs) - recipe.bank_batch)
    runtime.seed_everything(recipe.seed)
    model = fresh_minilm()
    model.max_seq_length = recipe.max_seq_length
    model.train()
    encoder = sentence_encoder(model)
    # the fused implementation, as the trainer uses: the plain loop over 100+ tensors is several times slower on a CPU
    optimiser = torch.optim.AdamW(model.parameters(), lr=recipe.learning_rate, fused=True)
    order = np.random.default_rng(recipe.seed).permutation(len(pairs))
    bank = torch.zeros(0, model.get_embedding_dimension())
    history, stored_texts, stored, stored_step = [], [], [], []
    steps = len(pairs) // recipe.bank_batch
    for step in range(steps):
        rows = order[step * recipe.bank_batch:(step + 1) * recipe.bank_batch].tolist()
        anchors, positives = [pairs[r]["anchor"] for r in rows], [pairs[r]["positive"] for r in rows]
        q, k = encoder(anchors), encoder(positives)
        loss = memory_bank_loss(q, k, bank, temperature=1.0 / recipe.scale)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        bank = update_bank(bank, k.cpu(), bank_size)
        history.append({"step": step + 1, "loss": float(loss.detach()), "bank": len(bank)})
        if steps - step <= -(-recipe.staleness_window // recipe.bank_batch):   # the keys whose drift we measure
            stored_texts += positives
            stored.append(_eval_embed(model, encoder, positives))
            stored_step += [step + 1] * len(positives)
    model.eval()
    now = _eval_embed(model, encoder, stored_texts)
    drift = staleness(np.concatenate(stored), now)
    record = {"age_steps": [steps - s for s in stored_step], "drift": drift.tolist(),
              "batch": recipe.bank_batch, "steps": steps}
    return model, history, record


def bank_run(recipe: NegativesRecipe, log=print) -> dict:
    """The memory-bank run (cached): dev/test metrics, loss history, staleness by age, seconds."""
    config = {"run": "memory bank", "batch_size": recipe.bank_batch, "bank_size": recipe.bank_size}

    def compute():
        t = time.perf_counter()
        model, history, record = train_with_bank(recipe, log=log)
        seconds = time.perf_counter() - t
        return {"config": config, "metrics": evaluate(model, recipe), "history": history, "staleness": record,
                "seconds": {"train": seconds}}

    return cached_run(f"bank-{recipe.bank_batch}+{recipe.bank_size}", recipe, config, compute, log)
