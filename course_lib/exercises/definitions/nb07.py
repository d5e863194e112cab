"""Notebook 07 — GradCache's two passes, a memory bank's queue and its loss.

The functions below are the reference solutions, written the way a learner might write them.
``gradcache_step`` is graded on what it leaves in the encoder: the parameter gradients must equal
those of one full-batch step (InfoNCE over the whole batch), the encoder must only ever see one
chunk at a time with a graph, and the first pass must keep no graph. The encoder is a small
stand-in (float64, so that the comparison can be tight) that records how it was called.
"""
import math

import torch
import torch.nn.functional as F

from ..core import Case, Exercise, Mismatch, assert_close, register


def gradcache_step(encoder, queries, keys, chunk_size, temperature):
    """One GradCache step of InfoNCE over the whole batch; returns the loss.

    Pass 1: embed queries and keys chunk by chunk under torch.no_grad(). Pass 2: make the cached
    embeddings require grad, compute InfoNCE on all of them (cosine / τ, positives on the
    diagonal), loss.backward(). Pass 3: re-embed each chunk with a graph and call
    emb.backward(gradient=<the cached embeddings' .grad for those rows>)."""
    n = len(queries)
    starts = range(0, n, chunk_size)
    with torch.no_grad():
        q = torch.cat([encoder(queries[s:s + chunk_size]) for s in starts])
        k = torch.cat([encoder(keys[s:s + chunk_size]) for s in starts])
    q.requires_grad_(True)
    k.requires_grad_(True)
    logits = F.normalize(q, dim=1) @ F.normalize(k, dim=1).T / temperature
    loss = F.cross_entropy(logits, torch.arange(n))
    loss.backward()
    for s in starts:
        encoder(queries[s:s + chunk_size]).backward(q.grad[s:s + chunk_size])
        encoder(keys[s:s + chunk_size]).backward(k.grad[s:s + chunk_size])
    return float(loss.detach())


def memory_bank_loss(queries, keys, bank, temperature):
    """InfoNCE over the batch's keys followed by the bank's rows (all cosine / τ); the positive of
    query i is key i. The bank is a constant: no gradient flows into it. Mean over the batch."""
    q = F.normalize(queries, dim=1)
    candidates = F.normalize(torch.cat([keys, bank.detach()]), dim=1)
    logits = q @ candidates.T / temperature
    return F.cross_entropy(logits, torch.arange(len(q)))


def update_bank(bank, keys, size):
    """Enqueue the batch's keys (L2-normalised, detached) after the bank's rows; keep only the
    newest ``size`` rows (the oldest, at the front, leave)."""
    queue = torch.cat([bank, F.normalize(keys.detach(), dim=1)])
    return queue[max(0, len(queue) - size):] if size > 0 else queue[:0]


# ---- gradcache_step: a recording encoder ---------------------------------------------------------

class RecordingEncoder(torch.nn.Module):
    """A small two-layer encoder (float64) that records every call: (rows, graph kept?)."""

    def __init__(self, d_in=6, d_out=5, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.shape = (d_in, d_out, seed)
        self.w1 = torch.nn.Parameter(torch.randn(d_in, 8, generator=g, dtype=torch.float64) / math.sqrt(d_in))
        self.w2 = torch.nn.Parameter(torch.randn(8, d_out, generator=g, dtype=torch.float64) / math.sqrt(8))
        self.calls = []

    def forward(self, x):
        self.calls.append((len(x), torch.is_grad_enabled()))
        return torch.tanh(x @ self.w1) @ self.w2

    def __deepcopy__(self, memo):
        twin = RecordingEncoder(*self.shape)
        _SEEN.append(twin)          # the grader's copy: its gradients and calls are read after the call
        return twin

    def __repr__(self):
        return f"encoder({self.shape[0]} → {self.shape[1]})"


_SEEN: list = []


class FullBatch:
    """What one full-batch step gives: its loss and the encoder's parameter gradients."""

    def __init__(self, loss, grads, batch, chunk):
        self.loss, self.grads, self.batch, self.chunk = loss, grads, batch, chunk

    def __repr__(self):
        return f"FullBatch(loss={self.loss:.6f})"


def _gradcache_case(n, chunk, tau=0.5, seed=0, **kw):
    g = torch.Generator().manual_seed(100 + seed)
    queries = torch.randn(n, 6, generator=g, dtype=torch.float64)
    keys = queries + 0.5 * torch.randn(n, 6, generator=g, dtype=torch.float64)
    encoder = RecordingEncoder(seed=seed)
    q, k = F.normalize(encoder(queries), dim=1), F.normalize(encoder(keys), dim=1)
    loss = F.cross_entropy(q @ k.T / tau, torch.arange(n))
    loss.backward()
    expected = FullBatch(float(loss.detach()), [p.grad.detach().clone() for p in encoder.parameters()], n, chunk)
    return Case(args=(RecordingEncoder(seed=seed), queries, keys, chunk, tau), expected=expected, **kw)


def _compare_gradcache(result, expected):
    if not isinstance(expected, FullBatch):
        raise AssertionError("internal: the expected value is not a full-batch step")
    encoder = _SEEN[-1] if _SEEN else None
    _SEEN.clear()
    value = result.detach() if hasattr(result, "detach") else result
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise AssertionError(f"return the loss (a number), got {type(result).__name__}") from None
    if not math.isclose(value, expected.loss, rel_tol=1e-6, abs_tol=1e-9):
        raise Mismatch(f"loss {value:.6f}, expected the full-batch InfoNCE {expected.loss:.6f}",
                       hint="Pass 2 computes ONE InfoNCE on all the cached embeddings (every query against every "
                            "key of the batch). A loss per chunk is gradient accumulation: separate blocks, fewer negatives.")
    if encoder is None:
        raise AssertionError("internal: the encoder copy was not recorded")
    with_graph = [rows for rows, graph in encoder.calls if graph]
    without = sum(rows for rows, graph in encoder.calls if not graph)
    if without < 2 * expected.batch:
        raise Mismatch(f"only {without} of the {2 * expected.batch} rows were embedded without a graph",
                       hint="Pass 1 embeds every chunk of queries and keys under torch.no_grad(): no activations kept.")
    if with_graph and max(with_graph) > expected.chunk:
        raise Mismatch(f"the encoder was called on {max(with_graph)} rows with a graph (chunk_size {expected.chunk})",
                       hint="Pass 3 re-embeds chunk by chunk, never the whole batch at once: that is what keeps "
                            "the memory of one chunk.")
    grads = [p.grad for p in encoder.parameters()]
    if any(g is None for g in grads):
        raise Mismatch("no gradient reached the encoder's parameters",
                       hint="Pass 3: re-embed each chunk with a graph and call emb.backward(gradient=cached_grad[rows]).")
    worst = max(float((g - w).abs().max()) for g, w in zip(grads, expected.grads))
    if worst > 1e-8:
        raise Mismatch(f"the parameter gradients differ from a full-batch step (max error {worst:.2e})",
                       hint="Inject the cached gradient of exactly those rows: emb.backward(gradient=q.grad[a:b]) "
                            "(not emb.sum().backward()), once for every chunk of queries and of keys.")


def _gradcache_cases():
    return [
        _gradcache_case(4, 2, label="4 pairs in chunks of 2", hint="Three passes: no-grad embed, loss + backward "
                        "to the embeddings, re-embed with a graph and inject."),
        _gradcache_case(6, 4, tau=0.1, seed=1, label="6 pairs in chunks of 4 (the last chunk is shorter)",
                        hint="range(0, n, chunk_size) gives the chunk starts; the last chunk may be shorter."),
        _gradcache_case(5, 5, tau=1.0, seed=2, label="one chunk holding the whole batch"),
        _gradcache_case(12, 3, tau=0.05, seed=3, hidden=True),
        _gradcache_case(9, 1, tau=0.2, seed=4, hidden=True),
        _gradcache_case(16, 7, tau=0.07, seed=5, hidden=True),
    ]


register(Exercise(
    id="gradcache_step", notebook="07", title="GradCache's two passes", reference=gradcache_step,
    cases=_gradcache_cases, compare=_compare_gradcache, timeout_s=20,
    hint="no_grad embeddings → requires_grad_ → InfoNCE on all → backward → re-embed each chunk, "
         "emb.backward(gradient=cached.grad[rows]).",
))


# ---- memory_bank_loss ------------------------------------------------------------------------------

class BankLoss:
    """The expected loss of a case, and what three typical mistakes would give instead (so that the
    check can name the mistake it sees)."""

    def __init__(self, queries, keys, bank, temperature):
        self.value = float(memory_bank_loss(queries, keys, bank, temperature))
        q, k = F.normalize(queries, dim=1), F.normalize(keys, dim=1)
        labels = torch.arange(len(q))
        self.mistakes = {} if not len(bank) else {
            "Append the bank's rows to the candidates after the keys: every query is scored against them too.":
                float(F.cross_entropy(q @ k.T / temperature, labels)),
            "Keys first, then the bank: query i's positive is column i, so the labels are 0 … N−1.":
                float(F.cross_entropy(q @ F.normalize(torch.cat([bank, keys]), dim=1).T / temperature, labels)),
            "Normalise the bank's rows too: every logit is a cosine divided by τ.":
                float(F.cross_entropy(q @ torch.cat([k, bank]).T / temperature, labels)),
        }

    def __repr__(self):
        return f"{self.value:.6f}"


def _compare_bank_loss(result, expected):
    if not isinstance(result, torch.Tensor) or result.ndim != 0:
        raise AssertionError(f"return one number as a 0-d tensor (the mean over the batch), got {str(result)[:80]}")
    value = float(result.detach())
    if math.isclose(value, expected.value, rel_tol=1e-5, abs_tol=1e-6):
        return
    for hint, wrong in expected.mistakes.items():
        if math.isclose(value, wrong, rel_tol=1e-5, abs_tol=1e-6) and not math.isclose(wrong, expected.value, rel_tol=1e-5):
            raise Mismatch(f"got {value:.6f}, expected {expected.value:.6f}", hint=hint)
    raise AssertionError(f"got {value:.6f}, expected {expected.value:.6f}")


def _bank_case(q, k, bank, tau, **kw):
    return Case(args=(q, k, bank, tau), expected=BankLoss(q, k, bank, tau), **kw)


def _bank_loss_cases():
    e = torch.eye(2, dtype=torch.float64)
    g = torch.Generator().manual_seed(7)
    rand = [tuple(torch.randn(*s, generator=g, dtype=torch.float64) for s in shapes) + (t,)
            for shapes, t in ((((4, 8), (4, 8), (6, 8)), 0.05), (((8, 16), (8, 16), (24, 16)), 0.1),
                              (((3, 4), (3, 4), (0, 4)), 1.0))]
    one_bank = torch.tensor([[-1.0, 0.0]], dtype=torch.float64)
    return [
        _bank_case(e, e, torch.zeros(0, 2, dtype=torch.float64), 1.0, label="an empty bank: plain InfoNCE, log(1 + e⁻¹)",
                   hint="With an empty bank this is the in-batch InfoNCE of notebook 04."),
        _bank_case(e, e, one_bank, 1.0, label="one banked key (−1, 0) joins every query's candidates",
                   hint="Append the bank's rows to the candidates after the keys: logits = q @ [keys; bank].T / τ."),
        _bank_case(e, e, 3 * one_bank, 1.0, label="a banked key of length 3: cosine, so the same answer",
                   hint="Normalise the bank's rows too: every logit is a cosine divided by τ."),
        _bank_case(e, e.flip(0), one_bank, 0.5, label="keys swapped, τ = 0.5: the positive is still column i",
                   hint="Keys first, then the bank: query i's positive is column i, so the labels are 0 … N−1."),
        *[_bank_case(*a, hidden=True) for a in rand],
    ]


register(Exercise(
    id="memory_bank_loss", notebook="07", title="InfoNCE over a memory bank", reference=memory_bank_loss,
    cases=_bank_loss_cases, compare=_compare_bank_loss, returns=torch.Tensor, gradients=True,
    gradient_hint="Build the loss from queries and keys with torch operations (detach only the bank): training "
                  "needs its gradient.",
    hint="candidates = normalise([keys; bank]); logits = normalise(q) @ candidates.T / τ; cross_entropy with labels 0 … N−1.",
))


# ---- update_bank -----------------------------------------------------------------------------------

def _compare_bank(result, expected):
    if not isinstance(result, torch.Tensor):
        raise AssertionError(f"return the new bank as a tensor, got {type(result).__name__}")
    if result.requires_grad:
        raise Mismatch("the new bank still records gradients",
                       hint="Detach the keys before queueing them (keys.detach()): no gradient flows into the queue.")
    if tuple(result.shape) != tuple(expected.shape):
        raise AssertionError(f"the bank has shape {tuple(result.shape)}, expected {tuple(expected.shape)}")
    if len(expected) and not torch.allclose(result.norm(dim=1), torch.ones(len(result), dtype=result.dtype), atol=1e-6):
        raise Mismatch("the queued keys are not of length 1", hint="Store the keys L2-normalised (F.normalize(keys, dim=1)).")
    assert_close(result, expected, rtol=1e-6, atol=1e-8)


def _bank_cases():
    g = torch.Generator().manual_seed(11)

    def keys(n, d=3):
        return torch.randn(n, d, generator=g, dtype=torch.float64).requires_grad_(True)

    def bank(n, d=3):
        return F.normalize(torch.randn(n, d, generator=g, dtype=torch.float64), dim=1)

    return [
        Case(args=(bank(0), torch.tensor([[3.0, 4.0, 0.0]], dtype=torch.float64).requires_grad_(True), 4),
             label="an empty bank takes the first key, normalised: (0.6, 0.8, 0)",
             hint="Store the keys L2-normalised and detached."),
        Case(args=(bank(2), keys(2), 6), label="room for everything: old rows first, then the new keys",
             hint="Concatenate [bank; new keys]: the newest at the end."),
        Case(args=(bank(4), keys(3), 5), label="over the limit: the two oldest rows leave",
             hint="Dequeue from the front: keep the last `size` rows, queue[-size:]."),
        Case(args=(bank(3), keys(2), 0), label="a queue of length 0 stays empty",
             hint="size 0 keeps nothing (careful: queue[-0:] is the whole queue)."),
        Case(args=(bank(6), keys(4), 8, ), hidden=True),
        Case(args=(bank(0), keys(5), 3), hidden=True),
        Case(args=(bank(10), keys(10), 10), hidden=True),
    ]


register(Exercise(
    id="update_bank", notebook="07", title="Enqueue and dequeue a memory bank", reference=update_bank,
    cases=_bank_cases, compare=_compare_bank, returns=torch.Tensor,
    hint="torch.cat([bank, normalise(keys.detach())]) then keep the newest `size` rows.",
))
