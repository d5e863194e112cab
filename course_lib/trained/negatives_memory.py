"""One memory measurement in a fresh process (notebook 07, section 3): prints one JSON line.

    python -m course_lib.trained.negatives_memory --mode gradcache --batch 256 --chunk 32 --seq 32

``plain``: embed the whole batch with a graph and back-propagate (what MNR does); ``gradcache``:
the same step by GradCache in chunks; ``bank``: a batch with a graph plus a queue of ``--bank`` keys. The batch is made of real train-split pairs.
"""
from __future__ import annotations

import argparse
import json


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("plain", "gradcache", "bank"), required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--chunk", type=int, required=True)
    parser.add_argument("--seq", type=int, required=True)
    parser.add_argument("--bank", type=int, default=0, help="queue length (mode bank)")
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args(argv)

    import torch

    from course_lib import runtime
    from course_lib.models import load_minilm
    from course_lib.negatives.batches import check_chunk_size
    from course_lib.negatives.gradcache import full_batch_step, gradcache_step, sentence_encoder
    from course_lib.negatives.memory import peak_step_memory_mb
    from course_lib.negatives.memory_bank import memory_bank_loss
    from course_lib.trained.train_split import sample_rows, train_split

    if args.threads:
        torch.set_num_threads(args.threads)
    check_chunk_size(args.chunk, args.batch)
    runtime.seed_everything(0)
    device = runtime.pick_device()
    model = load_minilm(device)
    model.max_seq_length = args.seq
    model.train()
    encoder = sentence_encoder(model)
    split = train_split()
    rows = sample_rows(args.batch, seed=1)
    queries, keys = [split.descriptions[r] for r in rows], [split.texts[r] for r in rows]
    full_batch_step(encoder, queries[:2], keys[:2])   # warm-up: lazy allocations happen before we measure
    model.zero_grad(set_to_none=False)                # gradient buffers exist before the measured step

    bank = torch.nn.functional.normalize(torch.randn(args.bank, model.get_sentence_embedding_dimension()), dim=-1)

    def bank_step():
        memory_bank_loss(encoder(queries), encoder(keys), bank.to(device)).backward()

    if args.mode == "plain":
        step = lambda: full_batch_step(encoder, queries, keys)  # noqa: E731
    elif args.mode == "bank":
        step = bank_step
    else:
        step = lambda: gradcache_step(encoder, queries, keys, args.chunk)  # noqa: E731
    measured = peak_step_memory_mb(step, device)
    print(json.dumps({"mode": args.mode, "batch": args.batch, "chunk": args.chunk, "seq": args.seq, "bank": args.bank,
                      "device": str(device), **measured}))


if __name__ == "__main__":
    main()
