"""Memory measurements in a fresh process (notebook 07, section 3): one JSON line per step measured.

    python -m course_lib.trained.negatives_memory --seq 32 plain:32:32 gradcache:256:32 bank:8:8:24

Each spec is ``mode:batch:chunk[:queue]``. ``plain``: embed the whole batch with a graph and
back-propagate (what MNR does); ``gradcache``: the same step by GradCache in chunks; ``bank``: a
batch with a graph plus a queue of keys. The batch is made of real train-split pairs.

The launcher starts this process with glibc's ``MALLOC_MMAP_THRESHOLD_`` fixed, so every large
block is mapped on its own and handed back to the system when freed: the resident memory returns
to its baseline after each step (recorded as ``baseline_mb``), and steps measured one after the
other in this process each read their own peak.
"""
from __future__ import annotations

import argparse
import json

from .. import runtime
from ..models import load_minilm
from ..negatives.batches import check_chunk_size
from ..negatives.gradcache import full_batch_step, gradcache_step, sentence_encoder
from ..negatives.memory import peak_step_memory_mb
from ..negatives.memory_bank import memory_bank_loss
from .train_split import sample_rows, train_split


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="+", help="mode:batch:chunk[:queue]")
    parser.add_argument("--seq", type=int, required=True)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args(argv)

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    runtime.seed_everything(0)
    device = runtime.pick_device()
    model = load_minilm(device)
    model.max_seq_length = args.seq
    model.train()
    encoder = sentence_encoder(model)
    split = train_split()
    specs = [s.split(":") for s in args.specs]
    rows = sample_rows(max(int(s[1]) for s in specs), seed=1)
    all_queries, all_keys = [split.descriptions[r] for r in rows], [split.texts[r] for r in rows]
    full_batch_step(encoder, all_queries[:2], all_keys[:2])   # warm-up: lazy allocations happen before we measure
    dim = model.get_embedding_dimension()

    for spec in specs:
        mode, batch, chunk = spec[0], int(spec[1]), int(spec[2])
        queue = int(spec[3]) if len(spec) > 3 else 0
        check_chunk_size(chunk, batch)
        queries, keys = all_queries[:batch], all_keys[:batch]
        bank = torch.nn.functional.normalize(torch.randn(queue, dim), dim=-1).to(device)
        model.zero_grad(set_to_none=False)            # gradient buffers exist before the measured step
        if mode == "plain":
            step = lambda: full_batch_step(encoder, queries, keys)  # noqa: E731
        elif mode == "gradcache":
            step = lambda: gradcache_step(encoder, queries, keys, chunk)  # noqa: E731
        elif mode == "bank":
            step = lambda: memory_bank_loss(encoder(queries), encoder(keys), bank).backward()  # noqa: E731
        else:
            raise ValueError(f"Unknown mode {mode!r}: plain, gradcache or bank.")
        measured = peak_step_memory_mb(step, device)
        print(json.dumps({"mode": mode, "batch": batch, "chunk": chunk, "queue": queue, "seq": args.seq,
                          "device": str(device), **measured}), flush=True)


if __name__ == "__main__":
    main()
