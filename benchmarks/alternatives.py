"""Notebook 09's figures: static, LoRA, late interaction and the cost–quality table, as measured.

    .venv/bin/python benchmarks/alternatives.py [--profile ci|laptop|gpu]

Runs notebooks/09_other_embeddings.ipynb top to bottom in the profile (the library's own functions:
no exercise is solved) and reads the figures from its kernel, so the benchmark reports exactly what
the notebook shows. Progress on stderr; one JSON object last on stdout:

* ``static_sentences_per_s``, ``transformer_sentences_per_s`` (fine-tuned MiniLM), their ratio
  ``static_speedup``; ``static_ndcg10``, ``finetuned_ndcg10``, ``static_ndcg_ratio``,
  ``skipgram_ndcg10`` (test split); sizes on disk; ``distil_seconds`` (0 when loaded);
* ``lora_rank`` (chosen on dev), ``lora_trainable_share``, ``lora_adapter_bytes``, ``lora_ndcg10``
  and ``full_finetune_ndcg10`` (dev: same triplets, batches and steps), ``lora_test_ndcg10``,
  seconds per step of each, ``lora_by_rank``, ``merge_max_abs_diff``;
* ``forgetting``: Spearman ρ on the Lee corpus of base, full fine-tune and LoRA;
* ``maxsim_max_abs_diff`` (from-scratch MaxSim vs ``sentence_transformers.util.maxsim``),
  ``late_interaction_ndcg10``, ``rerank_depth``, ``rerank_ndcg10`` (test);
* ``pareto``: one row per model (model, ndcg10, p50_ms, bytes_per_doc, on_front);
  ``bytes_per_doc`` per model;
* ``sparse_ndcg10`` (test), ``sparse_nonzeros_per_doc`` / ``_per_query``; ``domain_adaptation``: null
  (not built yet);
* ``notebook_seconds``: the notebook's wall time in this profile; ``trained_profile``: whose recipes
  trained the models (``--trained-profile``, default the profile itself).
"""
from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import emit, log, parse_args  # noqa: E402

COLLECT = r'''
import json as _json
_rows = {r["model"]: r for r in rows}
_lora_test = next(r for r in rows if r["model"].startswith("LoRA"))
_late = _rows["late interaction (MaxSim)"]
_rerank = next(r for r in rows if "re-rank" in r["model"])
_sparse = _rows["sparse (SPLADE-style)"]
print("BENCHMARK_JSON " + _json.dumps({
    "dev_label": dev.label, "test_label": test.label,
    "static_sentences_per_s": static_rate, "transformer_sentences_per_s": transformer_rate,
    "skipgram_sentences_per_s": sgns_rate, "static_speedup": static_rate / transformer_rate,
    "static_ndcg10": test_ndcg["static (model2vec)"], "finetuned_ndcg10": test_ndcg["fine-tuned MiniLM"],
    "skipgram_ndcg10": test_ndcg["skip-gram mean-pool"],
    "static_ndcg_ratio": test_ndcg["static (model2vec)"] / test_ndcg["fine-tuned MiniLM"],
    "static_bytes_on_disk": static_models.size_on_disk(static_path),
    "finetuned_bytes_on_disk": static_models.size_on_disk(saved_model_path(f"finetuned-minilm-{TRAINED}")),
    "static_table_shape": list(static_model.embedding.shape), "distil_seconds": distil_seconds,
    "zipf_max_abs_diff": zipf_max_abs_diff,
    "lora_rank": chosen["rank"], "lora_trainable_share": chosen["trainable"] / chosen["total"],
    "lora_trainable": chosen["trainable"], "lora_adapter_bytes": chosen["adapter_bytes"],
    "lora_ndcg10": chosen["dev_ndcg10"], "full_finetune_ndcg10": dev_ndcg["fine-tuned MiniLM"],
    "base_dev_ndcg10": dev_ndcg["base MiniLM"], "lora_test_ndcg10": _lora_test["ndcg10"],
    "lora_seconds_per_step": lora_step_s, "full_finetune_seconds_per_step": full_step_s,
    "lora_by_rank": [{k: r[k] for k in ("rank", "trainable", "total", "adapter_bytes", "train_seconds", "steps", "dev_ndcg10")}
                     for r in lora_records],
    "merge_max_abs_diff": merge_diff, "forgetting": forgetting,
    "maxsim_max_abs_diff": maxsim_max_abs_diff, "late_interaction_ndcg10": _late["ndcg10"],
    "rerank_depth": int(depth), "rerank_dev_ndcg10_by_depth": {str(k): v for k, v in depth_ndcg.items()},
    "rerank_ndcg10": _rerank["ndcg10"],
    "bytes_per_doc": {r["model"]: r["bytes_per_doc"] for r in rows},
    "pareto": [{"model": r["model"], "ndcg10": r["ndcg10"], "p50_ms": r["p50_ms"], "bytes_per_doc": r["bytes_per_doc"],
                "on_front": r["model"] in front} for r in rows],
    "sparse_ndcg10": _sparse["ndcg10"], "sparse_nonzeros_per_doc": float(np.mean(sp_d.getnnz(axis=1))),
    "sparse_nonzeros_per_query": float(np.mean(sp_q.getnnz(axis=1))), "domain_adaptation": None,
}, default=float))
'''


def _trained(parser) -> None:
    parser.add_argument("--trained-profile", choices=("ci", "laptop", "gpu"), default=None,
                        help="train / load the course's models with this profile's recipes (default: --profile); "
                             "the evaluation sizes stay --profile's")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra=_trained)
    import nbformat
    from nbclient import NotebookClient

    from course_lib import runtime

    path = runtime.NOTEBOOKS_DIR / "09_other_embeddings.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(COLLECT))
    trained = args.trained_profile or args.profile
    if trained != args.profile:   # e.g. laptop-sized evaluation of models trained with the ci recipes
        line = "TRAINED = rt.profile"
        cell = next(c for c in nb.cells if c.cell_type == "code" and line in c.source)
        cell.source = cell.source.replace(line, f"TRAINED = {trained!r}")
    os.environ[runtime.PROFILE_ENV] = args.profile
    os.environ.setdefault("COURSE_NO_PROGRESS", "1")          # a benchmark never touches a learner's progress
    os.environ["PYTHONPATH"] = str(runtime.ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    log(f"running {path.name} in the {args.profile} profile …")
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=3600, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - t0
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    figures = json.loads(text.split("BENCHMARK_JSON ", 1)[1])
    log(f"done in {seconds:.0f} s")
    emit({"benchmark": "alternatives", "profile": args.profile, "trained_profile": trained,
          "notebook_seconds": seconds, **figures})


if __name__ == "__main__":
    main()
