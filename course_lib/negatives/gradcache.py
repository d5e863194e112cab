"""GradCache (Gao, Zhang, Han & Callan 2021, "Scaling Deep Contrastive Learning Batch Size under
Memory Limited Setup"): a batch of any size with the memory of one chunk.

InfoNCE couples every query with every key of the batch, so the batch cannot simply be cut into
micro-batches (that is gradient accumulation: k small problems, not one big one). GradCache splits
the *computation* instead of the problem:

1. embed every chunk of queries and keys **without** a graph (no activations kept);
2. compute the loss on the whole batch of cached embeddings and back-propagate it to the
   embeddings only: ∂L/∂e for every row (cheap: a B × d tensor);
3. re-embed chunk by chunk **with** a graph and back-propagate ∂L/∂e into the encoder
   (``e.backward(gradient=∂L/∂e)``), one chunk's activations alive at a time.

The parameter gradient is the full-batch gradient (the chain rule, split by rows). Pass 3 must
reproduce pass 1 exactly, so the random state (dropout masks) of each chunk is saved in pass 1 and
replayed in pass 3. sentence-transformers ships this as ``CachedMultipleNegativesRankingLoss``.

``encoder`` below is any callable from a slice of the inputs (a tensor, or a list of texts) to an
embedding tensor; its parameters receive the gradients (``.grad`` accumulates, as after
``loss.backward()``).
"""
from __future__ import annotations

import torch

from ..infonce import info_nce
from .batches import check_chunk_size


class RandomState:
    """The CPU (and CUDA) random state at one moment, replayable later without disturbing the present."""

    def __init__(self):
        self.cpu = torch.get_rng_state()
        self.cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None

    def replay(self):
        devices = list(range(len(self.cuda))) if self.cuda is not None else []
        outer = self

        class _Replay:
            def __enter__(self):
                self.fork = torch.random.fork_rng(devices=devices)
                self.fork.__enter__()
                torch.set_rng_state(outer.cpu)
                if outer.cuda is not None:
                    torch.cuda.set_rng_state_all(outer.cuda)

            def __exit__(self, *exc):
                return self.fork.__exit__(*exc)

        return _Replay()


def _check_pair(queries, keys) -> int:
    if len(queries) != len(keys):
        raise ValueError(f"{len(queries)} queries and {len(keys)} keys: give one positive key per query.")
    if len(queries) == 0:
        raise ValueError("The batch is empty: give at least one (query, key) pair.")
    return len(queries)


def chunk_bounds(batch_size: int, chunk_size: int) -> list[tuple[int, int]]:
    check_chunk_size(chunk_size, batch_size)
    return [(s, min(s + chunk_size, batch_size)) for s in range(0, batch_size, chunk_size)]


def embed_without_graph(encoder, inputs, bounds) -> tuple[torch.Tensor, list[RandomState]]:
    """Pass 1: every chunk embedded with no graph; the random state before each chunk is kept."""
    states, parts = [], []
    with torch.no_grad():
        for a, b in bounds:
            states.append(RandomState())
            parts.append(encoder(inputs[a:b]))
    return torch.cat(parts), states


def backward_through_chunks(encoder, inputs, bounds, states, grads: torch.Tensor) -> None:
    """Pass 3: re-embed chunk by chunk (same random state) and inject the cached ∂L/∂e."""
    for (a, b), state in zip(bounds, states):
        with state.replay():
            emb = encoder(inputs[a:b])
        emb.backward(gradient=grads[a:b].to(emb.dtype))


def gradcache_step(encoder, queries, keys, chunk_size: int, temperature: float = 0.05) -> torch.Tensor:
    """One GradCache step of InfoNCE (in-batch negatives over the whole batch).

    Leaves the full-batch gradient in the encoder's parameters' ``.grad`` and returns the loss
    (a detached 0-d tensor). Peak activation memory is that of one chunk of ``chunk_size`` rows."""
    n = _check_pair(queries, keys)
    bounds = chunk_bounds(n, chunk_size)
    q, q_states = embed_without_graph(encoder, queries, bounds)
    k, k_states = embed_without_graph(encoder, keys, bounds)
    q, k = q.detach().requires_grad_(True), k.detach().requires_grad_(True)
    loss = info_nce(q, k, temperature)          # pass 2: the whole batch, on cached embeddings only
    loss.backward()
    backward_through_chunks(encoder, queries, bounds, q_states, q.grad)
    backward_through_chunks(encoder, keys, bounds, k_states, k.grad)
    return loss.detach()


def full_batch_step(encoder, queries, keys, temperature: float = 0.05) -> tuple[torch.Tensor, tuple[int, int]]:
    """The plain step GradCache must equal: embed everything with a graph, one N × N logit matrix."""
    _check_pair(queries, keys)
    q, k = encoder(queries), encoder(keys)
    loss = info_nce(q, k, temperature)
    loss.backward()
    return loss.detach(), (len(q), len(k))


def accumulated_step(encoder, queries, keys, micro_batch: int, temperature: float = 0.05):
    """Gradient accumulation: k micro-batches, each its own InfoNCE over its own keys, loss / k each.

    Returns (mean loss, the logit shape of every micro-batch): k blocks of N × N, never kN × kN."""
    n = _check_pair(queries, keys)
    bounds = chunk_bounds(n, micro_batch)
    if n % micro_batch:
        raise ValueError(f"A batch of {n} does not split into micro-batches of {micro_batch}.")
    total, shapes = 0.0, []
    for a, b in bounds:
        q, k = encoder(queries[a:b]), encoder(keys[a:b])
        loss = info_nce(q, k, temperature) / len(bounds)
        loss.backward()
        total += float(loss.detach())
        shapes.append((len(q), len(k)))
    return torch.tensor(total), shapes


def parameter_grads(module) -> list[torch.Tensor]:
    """Copies of every parameter's gradient (zeros where a parameter got none)."""
    return [(p.grad if p.grad is not None else torch.zeros_like(p)).detach().clone() for p in module.parameters()]


def max_abs_diff(grads_a, grads_b) -> float:
    return max(float((a - b).abs().max()) for a, b in zip(grads_a, grads_b))


def sentence_encoder(model):
    """A sentence-transformer as an ``encoder``: list of texts → sentence embeddings (with the
    model's own tokenizer and pooling, on the model's device)."""
    def encode(texts):
        features = model.preprocess(list(texts))
        features = {name: value.to(model.device) if hasattr(value, "to") else value for name, value in features.items()}
        return model(features)["sentence_embedding"]

    return encode
