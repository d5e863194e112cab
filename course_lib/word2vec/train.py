"""Training SGNS fast: vectorised pairs, shared negatives per group, closed-form sparse updates.

``train_sgns(sentences, config)`` runs on ``runtime.pick_device()`` (or the device given), shows a
tqdm progress bar and returns a ``TrainResult`` with the vectors and the loss history. The learning
rate falls linearly from ``alpha`` to ``min_alpha`` over all the words, as in word2vec and gensim.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import torch

from .. import runtime
from ..text import Vocab
from .model import sgns_step
from .pairs import _check_window, window_pairs
from .sampling import NoiseSampler, keep_probability


@dataclass(frozen=True)
class SGNSConfig:
    """Hyperparameters shared by our trainer and gensim (same names where gensim has them)."""

    dim: int = 100            # vector_size
    window: int = 5           # maximum distance; each center draws its own 1..window
    negative: int = 5         # noise words per real pair
    min_count: int = 5        # words seen fewer times are dropped
    sample: float = 1e-3      # subsampling threshold t
    alpha: float = 0.025      # starting learning rate
    min_alpha: float = 0.0001
    epochs: int = 5
    max_tokens: int | None = None   # corpus prefix (None: all of it)
    batch_size: int = 4096    # pairs per update (ours only)
    group: int = 8            # pairs sharing one set of negatives (ours only)
    ns_exponent: float = 0.75
    seed: int = 0

    def gensim_kwargs(self, workers: int = 2) -> dict:
        return dict(vector_size=self.dim, window=self.window, negative=self.negative, min_count=self.min_count,
                    sample=self.sample, alpha=self.alpha, min_alpha=self.min_alpha, epochs=self.epochs,
                    ns_exponent=self.ns_exponent, seed=self.seed, sg=1, hs=0, workers=workers)

    def as_dict(self) -> dict:
        return asdict(self)


def config_for(profile: str | None = None, **overrides) -> SGNSConfig:
    """The course's shared hyperparameters for a profile (ci: a 300k-token slice; laptop and gpu: the whole corpus)."""
    sizes = dict(
        ci=dict(max_tokens=300_000, epochs=2, batch_size=1024),
        laptop=dict(max_tokens=None, epochs=5, batch_size=4096),
        gpu=dict(max_tokens=None, epochs=10, batch_size=16384),
    )
    if profile is None or profile == runtime.get_profile():
        sizes = runtime.by_profile(**sizes)
    else:
        sizes = sizes[runtime.check_profile(profile)]
    return replace(SGNSConfig(**sizes), **overrides)


@dataclass
class TrainResult:
    vocab: Vocab
    input_vectors: np.ndarray       # the embeddings (input table)
    output_vectors: np.ndarray      # the context table
    history: list[dict] = field(default_factory=list)   # {"words": ..., "loss": ..., "lr": ...}
    seconds: float = 0.0
    words: int = 0                  # corpus tokens × epochs (the words-per-second numerator)
    config: SGNSConfig | None = None
    pairs: int = 0                  # (center, context) pairs trained on

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else float("nan")

    @property
    def losses(self) -> list[float]:
        return [h["loss"] for h in self.history]

    def keyed_vectors(self):
        return to_keyed_vectors(self.vocab.words, self.input_vectors)


def to_keyed_vectors(words, vectors):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(list(words), np.ascontiguousarray(vectors, dtype=np.float32))
    return kv


def flatten(sentences, vocab: Vocab):
    """All in-vocabulary tokens as one id stream, with the sentence index of each token."""
    ids, sent = [], []
    for i, sentence in enumerate(sentences):
        enc = vocab.encode(sentence)
        ids.append(enc)
        sent.append(np.full(len(enc), i, dtype=np.int64))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(ids), np.concatenate(sent)


def train_sgns(sentences, config: SGNSConfig | None = None, *, vocab: Vocab | None = None, device=None,
               progress: bool = True, threads: int | None = None, chunk_tokens: int = 200_000,
               log_every: int = 20) -> TrainResult:
    """Train SGNS on tokenised sentences; returns vectors, loss history and timing.

    Per epoch: subsample the id stream, cut it into chunks of ~``chunk_tokens`` tokens, make every
    chunk's (center, context) pairs at once, shuffle them, then take ``batch_size`` pairs at a time
    for one closed-form ``sgns_step``. The loss history holds the batch's mean loss every
    ``log_every`` steps.

    On a CPU with ``threads`` > 1 (default: torch's thread count), that many Python threads update
    the shared tables without locks, as word2vec and gensim do: the result then varies slightly from
    run to run. ``threads=1`` repeats exactly for a given seed.
    """
    from tqdm.auto import tqdm

    config = config or config_for()
    _check_window(config.window)
    if config.epochs < 1:
        raise ValueError(f"epochs must be ≥ 1, got {config.epochs}.")
    if config.batch_size % config.group:
        raise ValueError(f"batch_size ({config.batch_size}) must be a multiple of group ({config.group}).")
    device = torch.device(device or runtime.pick_device())
    threads = threads or torch.get_num_threads()
    sentences = list(sentences)
    vocab = vocab or Vocab.build(sentences, min_count=config.min_count)
    if len(vocab) < 2:
        raise ValueError("The vocabulary has fewer than 2 words: use more text or a smaller min_count.")
    ids_np, sent_np = flatten(sentences, vocab)
    raw_words = sum(len(s) for s in sentences)
    gen = torch.Generator(device="cpu").manual_seed(config.seed)
    keep = torch.as_tensor(keep_probability(vocab.counts, config.sample), dtype=torch.float32)
    sampler = NoiseSampler(vocab.counts, config.ns_exponent, device="cpu")
    ids_all, sent_all = torch.as_tensor(ids_np), torch.as_tensor(sent_np)
    V, d = len(vocab), config.dim
    W_in = ((torch.rand(V, d, generator=gen, dtype=torch.float32) - 0.5) / d).to(device)
    W_out = torch.zeros(V, d, dtype=torch.float32, device=device)
    B, groups = config.batch_size, config.batch_size // config.group
    total = max(1, len(ids_np) * config.epochs)
    bounds = list(range(0, len(ids_np), chunk_tokens)) + [len(ids_np)]
    # On a CPU, `threads` Python threads each run whole steps with one torch thread (Hogwild, as
    # word2vec and gensim do): far better than splitting every small op over threads, which on a
    # busy machine spends most of its time waiting at barriers.
    pool = None
    if device.type == "cpu" and threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(threads, initializer=torch.set_num_threads, initargs=(1,))
    old_threads = torch.get_num_threads()
    torch.set_num_threads(1 if pool else threads)
    history, done, step, n_pairs_total = [], 0, 0, 0

    def run_step(args):
        batch, lr, log = args
        c, x, n = batch
        with runtime.autocast(device):
            loss = sgns_step(W_in, W_out, c, x, n, lr, with_loss=log)
        return None if loss is None else float(loss.mean())

    bar = tqdm(total=raw_words * config.epochs, unit="word", unit_scale=True, disable=not progress,
               desc="SGNS", mininterval=0.5)
    t0 = time.perf_counter()
    try:
        for epoch in range(config.epochs):
            for lo, hi in zip(bounds[:-1], bounds[1:]):
                ids, sent = ids_all[lo:hi], sent_all[lo:hi]
                kept = torch.rand(len(ids), generator=gen) < keep[ids]
                centers, contexts = window_pairs(ids[kept], sent[kept], config.window, generator=gen)
                order = torch.randperm(len(centers), generator=gen)
                n_batches = len(centers) // B
                if n_batches == 0:
                    done += hi - lo
                    continue
                centers = centers[order[: n_batches * B]].view(n_batches, B).to(device)
                contexts = contexts[order[: n_batches * B]].view(n_batches, B).to(device)
                negatives = sampler.sample((n_batches, groups, config.negative), generator=gen).to(device)
                n_pairs_total += n_batches * B
                work = []
                for b in range(n_batches):
                    lr = max(config.min_alpha, config.alpha - (config.alpha - config.min_alpha) *
                             (done + (hi - lo) * b / n_batches) / total)
                    step += 1
                    work.append(((centers[b], contexts[b], negatives[b]), lr, step % log_every == 0 or step == 1))
                results = pool.map(run_step, work) if pool else map(run_step, work)
                for (_, lr, log), loss, b in zip(work, results, range(n_batches)):
                    if log:
                        history.append({"step": step - n_batches + b + 1, "epoch": epoch, "loss": loss, "lr": lr,
                                        "words": int(raw_words * (done + (hi - lo) * b / n_batches) / len(ids_np))})
                done += hi - lo
                bar.update(int(raw_words * (hi - lo) / max(len(ids_np), 1)))
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - t0
    finally:
        bar.close()
        torch.set_num_threads(old_threads)
        if pool:
            pool.shutdown()
    return TrainResult(vocab, W_in.float().cpu().numpy(), W_out.float().cpu().numpy(), history, seconds,
                       raw_words * config.epochs, config, n_pairs_total)

