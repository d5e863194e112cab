"""Notebook 04's figures: held-out nDCG@10 of base MiniLM, BM25 and MiniLM fine-tuned with four losses.

    .venv/bin/python benchmarks/contrastive.py [--profile ci|laptop|gpu]

Trains (or reads from the cache) the cross-encoder, the saved fine-tuned bi-encoder
(``finetuned-minilm-{profile}``: MNR + filtered hard negatives) and the loss comparison.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _common import Timer, emit, log, parse_args  # noqa: E402

from course_lib import runtime  # noqa: E402


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    runtime.seed_everything(0)
    import torch

    from course_lib.trained.held_out import leaked_in_saved_models
    from course_lib.trained.loss_comparison import loss_comparison

    with Timer() as timer:
        res = loss_comparison(args.profile, log=log)
    m = res["metrics"]
    out = {
        "profile": args.profile, "device": str(runtime.pick_device()), "torch_threads": torch.get_num_threads(),
        "task": res["task"], "eval_split": "test", "recipe": res["recipe"], "mining": res["mining"],
        # evaluated articles among those the saved bi- and cross-encoder record having trained on
        "leaked_articles": leaked_in_saved_models(f"{name}-{args.profile}" for name in ("finetuned-minilm", "cross-encoder")),
        "bm25_ndcg10": m["bm25"]["ndcg@10"], "base_ndcg10": m["base"]["ndcg@10"],
        "cosine_ndcg10": m["cosine"]["ndcg@10"], "triplet_ndcg10": m["triplet"]["ndcg@10"],
        "mnr_inbatch_ndcg10": m["mnr_inbatch"]["ndcg@10"], "mnr_hardneg_ndcg10": m["mnr_hardneg"]["ndcg@10"],
        "finetuned_ndcg10": m["mnr_hardneg"]["ndcg@10"],
        "metrics": m, "seconds_when_computed": res["seconds"], "wall_seconds_this_run": timer.seconds,
        "load_average": os.getloadavg()[0],
    }
    emit(out)


if __name__ == "__main__":
    main()
