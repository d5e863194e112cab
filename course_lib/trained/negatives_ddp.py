"""The script ``torchrun`` starts in every process (notebook 07, section 7).

    torchrun --nproc_per_node=2 -m course_lib.trained.negatives_ddp --profile laptop --out result.json

Each process trains the same MiniLM with the sentence-transformers trainer on its share of every
global batch; MultipleNegativesRankingLoss(gather_across_devices=True) gathers the keys of all
processes, so each query is scored against the whole global batch. The world size is read from
inside the run (``torch.distributed``). Process 0 evaluates on dev (and test) and writes the JSON.
"""
from __future__ import annotations

import argparse
import json
import os
import time

from .. import runtime
from ..negatives.batches import check_process_split
from .negatives import evaluate, recipe_for, train_with_trainer


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", required=True)
    parser.add_argument("--global-batch", type=int, default=None)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    runtime.set_profile(args.profile)
    import torch.distributed as dist

    recipe = recipe_for(args.profile)
    processes = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    global_batch = args.global_batch or recipe.ddp_global_batch
    per_process = check_process_split(global_batch, processes, recipe.examples)
    print(f"[rank {rank}] starting: {processes} processes × batch {per_process} = global batch {global_batch}",
          flush=True)
    t = time.perf_counter()
    model, trainer = train_with_trainer(recipe, per_process, processes=processes, gather=processes > 1)
    seconds = time.perf_counter() - t
    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    # what the loss's gather gives each process: the keys of every process (the global batch)
    import torch
    from sentence_transformers.util import all_gather_with_grad

    gathered = int(all_gather_with_grad(torch.zeros(per_process, 1)).shape[0]) if world > 1 else per_process
    for row in model.training_history:
        print(f"[rank {rank}] step {row.get('step')}: loss {row['loss']:.4f}", flush=True)
    if rank == 0:
        metrics = evaluate(model, recipe)
        result = {"world_size": world, "trainer_world_size": trainer.args.world_size, "processes": processes,
                  "per_process_batch": per_process, "global_batch": global_batch,
                  "keys_per_query_after_gather": gathered, "steps": trainer.state.global_step,
                  "metrics": metrics, "history": model.training_history, "seconds": {"train": seconds},
                  "backend": dist.get_backend() if world > 1 else "none"}
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1, default=float)
        print(f"[rank 0] world size {world}; dev nDCG@10 {metrics['dev']['ndcg@10']:.4f}; wrote {args.out}", flush=True)
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
