"""Notebook 07's figures: GradCache parity, peak memory by batch size, negatives per query, and the
two-process torchrun run against one process at the same global batch.

    .venv/bin/python benchmarks/negatives_at_scale.py [--profile ci|laptop|gpu]

Training runs and memory measurements are the notebook's own (cached with their provenance, so a
run after the notebook reads them); the GradCache parity is computed afresh every time.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import Timer, emit, log, parse_args  # noqa: E402

from course_lib import runtime  # noqa: E402


def parity(recipe, pairs) -> dict:
    from course_lib.negatives import gradcache
    from course_lib.trained.negatives_parity import library_cached_step, parity_batch

    n, chunk = runtime.by_profile(ci=8, laptop=32, gpu=64), runtime.by_profile(ci=2, laptop=8, gpu=16)
    batch = parity_batch(pairs, n, seq=recipe.memory_seq_length)
    model = batch.fresh_model()
    full_loss, _ = gradcache.full_batch_step(gradcache.sentence_encoder(model), batch.queries, batch.keys, 1 / recipe.scale)
    full = gradcache.parameter_grads(model)
    model = batch.fresh_model()
    ours_loss = gradcache.gradcache_step(gradcache.sentence_encoder(model), batch.queries, batch.keys, chunk, 1 / recipe.scale)
    ours = gradcache.parameter_grads(model)
    lib_loss, lib = library_cached_step(batch, chunk, recipe.scale)
    return {"parity_batch": n, "parity_chunk": chunk,
            "gradcache_grad_max_abs_diff": gradcache.max_abs_diff(ours, full),
            "gradcache_vs_library_loss_diff": abs(float(ours_loss) - lib_loss),
            "gradcache_vs_library_grad_max_abs_diff": gradcache.max_abs_diff(ours, lib),
            "gradcache_vs_full_batch_loss_diff": abs(float(ours_loss) - float(full_loss))}


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    runtime.seed_everything(0)
    import torch

    from course_lib.negatives import batches
    from course_lib.trained import negatives as runs
    from course_lib.trained import negatives_bank, negatives_launch

    recipe = runs.recipe_for(args.profile)
    pairs = runs.training_pairs(recipe)
    with Timer() as timer:
        out = {"profile": args.profile, "device": str(runtime.pick_device()), "torch_threads": torch.get_num_threads(),
               "task": runs.evaluation_tasks(recipe)["dev"].label, "examples_per_run": recipe.examples}
        log("GradCache parity …")
        out.update(parity(recipe, pairs))
        log("memory by batch size (measured in a fresh process) …")
        memory = negatives_launch.memory_table(recipe, log=log)
        out["peak_memory_mb"] = {mode: {b: row["peak_mb"] for b, row in by.items()} for mode, by in memory["table"].items()}
        out["memory_measure"] = memory["table"]["plain"][str(recipe.memory_batches[0])]["measure"]
        lo, hi = str(min(recipe.memory_batches)), str(max(recipe.memory_batches))
        out["gradcache_peak_ratio"] = out["peak_memory_mb"]["gradcache"][hi] / out["peak_memory_mb"]["gradcache"][lo]
        out["plain_peak_ratio"] = out["peak_memory_mb"]["plain"][hi] / out["peak_memory_mb"]["plain"][lo]
        out["memory_bank_peak_mb"] = memory["bank"]["peak_mb"]
        out["effective_batch"] = recipe.micro_batch * recipe.accumulation
        out["accumulation_negatives_per_query"] = batches.negatives_per_query(recipe.micro_batch, recipe.accumulation)
        out["gradcache_negatives_per_query"] = batches.negatives_per_query(recipe.micro_batch, recipe.accumulation, cached=True)
        log("batch-size runs …")
        base = runs.base_result(recipe, log=log)
        out["base_dev_ndcg10"] = base["metrics"]["dev"]["ndcg@10"]
        by_batch = {b: runs.batch_run(recipe, b, log=log) for b in recipe.batch_sizes}
        out["dev_ndcg10_by_batch"] = {str(b): r["metrics"]["dev"]["ndcg@10"] for b, r in by_batch.items()}
        acc = runs.batch_run(recipe, recipe.micro_batch, recipe.accumulation, log=log)
        out["accumulated_dev_ndcg10"] = acc["metrics"]["dev"]["ndcg@10"]
        single = by_batch.get(recipe.ddp_global_batch) or runs.batch_run(recipe, recipe.ddp_global_batch, log=log)
        out["true_batch_dev_ndcg10"] = single["metrics"]["dev"]["ndcg@10"]
        bank = negatives_bank.bank_run(recipe, log=log)
        out["memory_bank_dev_ndcg10"] = bank["metrics"]["dev"]["ndcg@10"]
        out["memory_bank_negatives_per_query"] = batches.negatives_per_query(recipe.bank_batch, bank=recipe.bank_size)
        log("torchrun, two processes …")
        problem = negatives_launch.launch_problem(recipe.ddp_processes)
        if problem:
            out["ddp_skipped"] = problem
            ddp = None
        else:
            ddp = negatives_launch.ddp_run(recipe, args.profile, processes=recipe.ddp_processes, log=log)
        if ddp is not None:
            out["ddp_world_size"] = ddp["world_size"]
            out["ddp_backend"] = ddp["backend"]
            out["ddp_keys_per_query_after_gather"] = ddp["keys_per_query_after_gather"]
            out["ddp_global_batch"] = ddp["global_batch"]
            out["ddp_2proc_ndcg10"] = ddp["metrics"]["dev"]["ndcg@10"]
            out["single_proc_ndcg10"] = single["metrics"]["dev"]["ndcg@10"]
            out["ddp_vs_single_abs_diff"] = abs(out["ddp_2proc_ndcg10"] - out["single_proc_ndcg10"])
            diff, noise = runs.paired_difference(single["metrics"]["dev_per_query_ndcg10"], ddp["metrics"]["dev_per_query_ndcg10"])
            out["ddp_vs_single_noise_band"] = noise
        out["seconds_when_computed"] = {"ddp_train": ddp["seconds"]["train"] if ddp else None,
                                        "single_train": single["seconds"]["train"],
                                        "bank_train": bank["seconds"]["train"],
                                        **{f"batch_{b}_train": r["seconds"]["train"] for b, r in by_batch.items()}}
        out["reused_saved_runs"] = all(r["reused"] for r in [*by_batch.values(), acc, bank, ddp or {"reused": True}, memory])
    out["wall_seconds_this_run"] = timer.seconds
    out["load_average"] = os.getloadavg()[0]
    emit(out)


if __name__ == "__main__":
    main()
