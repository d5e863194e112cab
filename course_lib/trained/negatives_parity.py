"""GradCache against the library (notebook 07, section 3): one batch of real train pairs on MiniLM,
stepped by sentence-transformers' ``CachedMultipleNegativesRankingLoss``.

Dropout is off (``eval()``) so that every method sees the same network; each method starts from an
identical copy of the model with no gradients.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from ..models import load_minilm
from ..negatives.gradcache import parameter_grads


@dataclass
class ParityBatch:
    queries: list
    keys: list
    model: object

    def fresh_model(self):
        """An identical copy of the model, dropout off, gradients cleared."""
        twin = copy.deepcopy(self.model)
        twin.eval()
        twin.zero_grad(set_to_none=True)
        return twin


def parity_batch(pairs, n: int, seq: int = 16, model=None) -> ParityBatch:
    """The first ``n`` (description, article) pairs and (a copy of) MiniLM reading ``seq`` tokens."""
    if n > len(pairs):
        raise ValueError(f"Only {len(pairs)} pairs; asked for {n}.")
    model = copy.deepcopy(model) if model is not None else load_minilm()
    model.max_seq_length = seq
    return ParityBatch(list(pairs["anchor"][:n]), list(pairs["positive"][:n]), model)


def library_cached_step(batch: ParityBatch, chunk: int, scale: float = 20.0):
    """Loss and parameter gradients of one ``CachedMultipleNegativesRankingLoss`` step (chunk = mini_batch_size)."""
    from sentence_transformers.sentence_transformer.losses import CachedMultipleNegativesRankingLoss

    model = batch.fresh_model()
    loss_fn = CachedMultipleNegativesRankingLoss(model, scale=scale, mini_batch_size=chunk)
    features = [{k: v.to(model.device) if hasattr(v, "to") else v for k, v in model.preprocess(texts).items()}
                for texts in (batch.queries, batch.keys)]
    loss = loss_fn(features, None)
    loss.backward()
    return float(loss.detach()), parameter_grads(model)
