"""Notebook 05 figures: MRL vs standard quality by dimension, two-stage search, quantisation, latency.

    .venv/bin/python benchmarks/matryoshka.py [--profile ci|laptop|gpu]

Trains (or loads) ``mrl-minilm-{profile}`` and ``mnr-minilm-{profile}``, evaluates held-out nDCG@10
at every truncation, measures FAISS search latency on this machine, and prints one JSON object.
Timings on a shared, busy machine are inflated: ``load_average`` records how busy it was.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import Timer, emit, log, parse_args  # noqa: E402


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    from course_lib import runtime
    from course_lib.matryoshka import (EVAL_DIMS, Int8Quantiser, binary_search, bytes_per_vector, check_targets,
                                       exact_search, int8_search, measure_latency, overlap_at_k, pack_binary,
                                       retained, time_two_stage, two_stage_search)
    from course_lib.trained import matryoshka as training
    from course_lib.trained.held_out import leaked_in_saved_models
    from course_lib.trained.matryoshka import (load_or_train_mrl_model, load_or_train_standard_model, ndcg_by_dims,
                                               task_embeddings)
    from course_lib.matryoshka.cost import random_unit_vectors
    from course_lib.models import load_minilm
    from course_lib.retrieval.task import encode_task, evaluate_rankings, make_task

    rt = runtime.setup(args.profile, quiet=True)
    started = time.perf_counter()
    load_start = os.getloadavg()
    seq = training.eval_seq_length()
    task = make_task("test")
    log(f"[matryoshka] profile={rt.profile} task: {task.label}")
    base = load_minilm(rt.device)
    with Timer() as t_base:
        base_vectors = encode_task(base, task, max_seq_length=seq)
    with Timer() as t_train:
        mrl = load_or_train_mrl_model(device=rt.device, base_model=base)
        standard = load_or_train_standard_model(device=rt.device, base_model=base)
    log(f"[matryoshka] models ready in {t_train.seconds:.1f} s (trained now: {mrl.trained_now}, {standard.trained_now})")
    embeddings = {"base": base_vectors, "standard": task_embeddings(standard, task, base_vectors, seq),
                  "mrl": task_embeddings(mrl, task, base_vectors, seq)}
    curves = {name: ndcg_by_dims(task, *vecs, EVAL_DIMS) for name, vecs in embeddings.items()}
    for name, c in curves.items():
        log(f"[matryoshka] {name:9s} " + "  ".join(f"{d}:{v:.3f}" for d, v in c.items()))

    q, d = embeddings["mrl"]
    _, full_top = exact_search(q, d, 100)
    two_top = two_stage_search(q, d, coarse_dims=64, shortlist=100, k=100)
    two_stage_recall = overlap_at_k(two_top, full_top, 10)
    n_bench = runtime.by_profile(ci=2_000, laptop=20_000, gpu=100_000)
    repeats = runtime.by_profile(ci=2, laptop=5)
    speed_task = time_two_stage(q, d, 64, 100, repeats=repeats)
    speed_bench = time_two_stage(random_unit_vectors(16, 384, 1), random_unit_vectors(n_bench, 384, 0), 64, 100,
                                 repeats=repeats)
    log(f"[matryoshka] two-stage recall@10 {two_stage_recall:.3f}; speed-up {speed_task['speedup']:.2f}× "
        f"({len(d):,} docs), {speed_bench['speedup']:.2f}× ({n_bench:,} random docs)")

    ndcg = lambda ranking: evaluate_rankings(task, ranking)["ndcg@10"]  # noqa: E731
    quant = Int8Quantiser.fit(d)
    bits = pack_binary(d)
    float_ndcg = ndcg(full_top)
    quantisation = {
        "float32": (float_ndcg, bytes_per_vector(384, "float32")),
        "int8": (ndcg(int8_search(q, quant.encode(d), quant, 100)), bytes_per_vector(384, "int8")),
        "binary_hamming": (ndcg(binary_search(q, bits, 100, rescore_multiplier=0)), bytes_per_vector(384, "binary")),
        "binary_rescored": (ndcg(binary_search(q, bits, 100, rescore_multiplier=4)), bytes_per_vector(384, "binary")),
    }
    with Timer() as t_latency:
        latency = measure_latency(n_bench, (16, 32, 64, 128, 256, 384), repeats=repeats)
    targets = check_targets(curves["mrl"], curves["standard"], two_stage_recall)
    for target, met, numbers in targets:
        log(f"[matryoshka] {'MET ' if met else 'MISS'} {target}: {numbers}")
    emit({
        "profile": rt.profile,
        "task": task.label, "eval_split": "test",
        # evaluated articles among those the saved MRL and standard models record having trained on
        "leaked_articles": leaked_in_saved_models(f"{name}-{rt.profile}" for name in ("mrl-minilm", "mnr-minilm")),
        "max_seq_length": seq,
        "train_recipe": training.recipe("mrl", rt.profile),
        "trained_now": bool(mrl.trained_now or standard.trained_now),
        "base_ndcg10": {str(k): round(v, 4) for k, v in curves["base"].items()},
        "standard_ndcg10": {str(k): round(v, 4) for k, v in curves["standard"].items()},
        "mrl_ndcg10": {str(k): round(v, 4) for k, v in curves["mrl"].items()},
        "mrl_retained_pct": {str(k): round(v, 2) for k, v in retained(curves["mrl"]).items()},
        "standard_retained_pct": {str(k): round(v, 2) for k, v in retained(curves["standard"]).items()},
        "two_stage_recall10": round(two_stage_recall, 4),
        "two_stage_ndcg10": round(ndcg(two_top), 4),
        "two_stage_speedup_task": round(speed_task["speedup"], 3),
        "two_stage_speedup_random": round(speed_bench["speedup"], 3),
        "two_stage_ms_random": {"full": round(speed_bench["full_s"] * 1e3, 4), "two_stage": round(speed_bench["two_stage_s"] * 1e3, 4)},
        "latency_n_docs": latency.n_docs,
        "latency_ms_per_query": {k: round(v * 1e3, 4) for k, v in latency.as_dict().items()},
        "quantisation_ndcg10": {k: round(v, 4) for k, (v, _) in quantisation.items()},
        "quantisation_retained_pct": {k: round(100 * v / float_ndcg, 2) for k, (v, _) in quantisation.items()},
        "quantisation_bytes_per_doc": {k: b for k, (_, b) in quantisation.items()},
        "targets": {t: {"met": bool(m), "value": n} for t, m, n in targets},
        "seconds": {"base_encoding": round(t_base.seconds, 1), "models": round(t_train.seconds, 1),
                    "latency": round(t_latency.seconds, 1), "total": round(time.perf_counter() - started, 1)},
        "load_average": {"start": [round(x, 2) for x in load_start], "end": [round(x, 2) for x in os.getloadavg()]},
        "cpu_count": os.cpu_count(),
    })


if __name__ == "__main__":
    main()
