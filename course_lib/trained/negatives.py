"""Notebook 07's measured runs: batch size, gradient accumulation and processes, on the course's task.

Every run fine-tunes the packaged MiniLM with MultipleNegativesRankingLoss (InfoNCE, scale 20 =
τ 0.05) on (description, article) pairs of the **train** split, for the same number of training
pairs (``examples``), and is judged by nDCG@10 on **dev** queries. Test queries share the same
collection; their metrics are stored with each run but a notebook shows them for one chosen run only.
A run's result is cached on disk under a key made of its recipe, its training articles and the
course_lib version (``provenance``), so a second run of the notebook reads it instead of training.
"""
from __future__ import annotations

import copy
import json
import shutil
import time
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from .. import runtime
from ..contrastive.training import training_arguments
from ..data import cache, load_articles, retrieval_queries
from ..models import load_minilm
from ..retrieval.metrics import ndcg_at_k
from ..retrieval.task import RetrievalTask, encode_task, evaluate_rankings
from ..vectors import exact_search
from .provenance import provenance
from .train_split import sample_rows, train_split


@dataclass(frozen=True)
class NegativesRecipe:
    examples: int                  # training pairs every run sees (the fixed budget)
    batch_sizes: tuple             # item 1: one run per batch size
    micro_batch: int               # item 2: micro-batches of this size …
    accumulation: int              # … accumulated this many times (same examples seen)
    max_seq_length: int            # tokens per text in training
    eval_seq_length: int
    eval_queries: int | None       # dev (and test) queries; None: all
    eval_distractors: int | None   # distractor articles beside the relevant ones; None: full collection
    learning_rate: float = 1e-4
    scale: float = 20.0
    ddp_processes: int = 2
    memory_batches: tuple = (32, 256)
    memory_chunk: int = 32
    memory_seq_length: int = 32
    bank_batch: int = 8
    bank_size: int = 24            # the queue of the memory-bank run: 8 − 1 + 24 = 31 negatives, as a batch of 32
    staleness_window: int = 128    # keys whose drift is measured at the end of the memory-bank run
    seed: int = 0

    @property
    def ddp_global_batch(self) -> int:
        return self.micro_batch * self.accumulation


RECIPES = {
    "ci": NegativesRecipe(examples=16, batch_sizes=(4, 16), micro_batch=4, accumulation=4, max_seq_length=16,
                          eval_seq_length=32, eval_queries=20, eval_distractors=40, memory_batches=(8, 32),
                          memory_chunk=8, memory_seq_length=16, bank_batch=4, bank_size=12, staleness_window=12),
    "laptop": NegativesRecipe(examples=192, batch_sizes=(8, 32, 64), micro_batch=8, accumulation=4,
                              max_seq_length=32, eval_seq_length=48, eval_queries=150, eval_distractors=350,
                              memory_seq_length=16, staleness_window=64),
    "gpu": NegativesRecipe(examples=8192, batch_sizes=(16, 64, 256, 1024), micro_batch=64, accumulation=4,
                           max_seq_length=128, eval_seq_length=256, eval_queries=None, eval_distractors=None,
                           learning_rate=5e-5, memory_batches=(32, 256, 1024), memory_chunk=64,
                           memory_seq_length=128, bank_batch=64, bank_size=192, staleness_window=1024),
}


def recipe_for(profile: str | None = None) -> NegativesRecipe:
    return RECIPES[runtime.check_profile(profile or runtime.get_profile())]


def training_rows(recipe: NegativesRecipe) -> np.ndarray:
    """The train-split rows every run sees: seeded, never a dev or test article, and no two with the
    same description (so that every batch, whatever its size, is free of duplicates: section 5)."""
    split, seen, rows = train_split(), set(), []
    for r in sample_rows(len(split.texts), recipe.seed):
        if split.groups[r] not in seen:
            seen.add(split.groups[r])
            rows.append(int(r))
            if len(rows) == recipe.examples:
                return np.asarray(rows)
    raise ValueError(f"Only {len(rows)} train articles have distinct descriptions; asked for {recipe.examples}.")


def training_pairs(recipe: NegativesRecipe):
    """(anchor = description, positive = article) rows, as a ``datasets.Dataset``."""
    from datasets import Dataset

    split, rows = train_split(), training_rows(recipe)
    return Dataset.from_dict({"anchor": [split.descriptions[r] for r in rows],
                              "positive": [split.texts[r] for r in rows]})


def evaluation_tasks(recipe: NegativesRecipe) -> dict[str, RetrievalTask]:
    """Dev and test queries over one shared collection (their relevant articles + seeded distractors)."""
    rng = np.random.default_rng(recipe.seed)
    chosen = {}
    for split in ("dev", "test"):
        queries = list(retrieval_queries(split))
        if recipe.eval_queries is not None and recipe.eval_queries < len(queries):
            queries = [queries[i] for i in sorted(rng.choice(len(queries), recipe.eval_queries, replace=False))]
        chosen[split] = tuple(queries)
    articles = load_articles()
    if recipe.eval_distractors is None:
        doc_ids = articles["doc_id"].to_numpy()
    else:
        needed = sorted({d for qs in chosen.values() for q in qs for d in q.relevant})
        others = np.setdiff1d(articles["doc_id"].to_numpy(), needed)
        extra = rng.choice(others, size=min(recipe.eval_distractors, len(others)), replace=False)
        doc_ids = np.sort(np.concatenate([needed, extra]))
    texts = tuple(articles["text"].to_numpy()[doc_ids])
    return {split: RetrievalTask(qs, doc_ids, texts, split) for split, qs in chosen.items()}


def evaluate(model, recipe: NegativesRecipe) -> dict:
    """nDCG@10 & co. on dev and on test (test is stored, not shown, except for the one chosen run),
    plus every dev query's nDCG@10 (for the noise of a difference between two runs)."""
    out = {}
    for split, task in evaluation_tasks(recipe).items():
        queries, docs = encode_task(model, task, max_seq_length=recipe.eval_seq_length)
        rankings = exact_search(queries, docs, 100)[1]
        out[split] = evaluate_rankings(task, rankings)
        if split == "dev":
            out["dev_per_query_ndcg10"] = [ndcg_at_k(r, rel, 10) for r, rel in zip(rankings, task.relevant_positions())]
    return out


def paired_difference(a: list, b: list) -> tuple[float, float]:
    """Mean of b − a over the same queries, and twice its standard error (the noise band we use)."""
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    if len(d) < 2:
        return float(d.mean()) if len(d) else 0.0, float("inf")
    return float(d.mean()), float(2 * d.std(ddof=1) / np.sqrt(len(d)))


def run_provenance(recipe: NegativesRecipe, config: dict) -> dict:
    return provenance({**asdict(recipe), **config}, train_split().doc_ids[training_rows(recipe)].tolist())


def _run_name(kind: str, recipe: NegativesRecipe, config: dict) -> tuple[str, dict]:
    wanted = run_provenance(recipe, config)
    return f"nb07/{kind}-{cache.fingerprint(json.dumps(wanted, sort_keys=True, default=str))}", wanted


def is_saved(kind: str, recipe: NegativesRecipe, config: dict) -> bool:
    """True when a run with this recipe, data and course version is on disk."""
    return cache.load_if_valid(_run_name(kind, recipe, config)[0], version=1) is not None


def cached_run(kind: str, recipe: NegativesRecipe, config: dict, compute, log=print) -> dict:
    """``compute()``'s result, read from disk when a run with this recipe, data and course version exists."""
    name, wanted = _run_name(kind, recipe, config)

    ran = []

    def build(folder):
        log(f"{kind}: no saved run with this recipe, data and course version: running it …")
        ran.append(True)
        result = compute()
        (folder / "result.json").write_text(json.dumps({**result, "provenance": wanted}, indent=1, default=float))

    folder = cache.prepared(name, build, version=1)
    result = json.loads((folder / "result.json").read_text())
    result["reused"] = not ran
    return result


@lru_cache(maxsize=1)
def _packaged_minilm():
    return load_minilm()


def fresh_minilm():
    """A private copy of the packaged MiniLM (loaded from disk once per process)."""
    return copy.deepcopy(_packaged_minilm())


def mnr_loss(model, recipe: NegativesRecipe, gather: bool = False):
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    return MultipleNegativesRankingLoss(model, scale=recipe.scale, gather_across_devices=gather)


def train_with_trainer(recipe: NegativesRecipe, batch_size: int, accumulation: int = 1, processes: int = 1,
                       gather: bool = False, output_dir: str | None = None, log_every: int | None = None):
    """MiniLM + MNR through ``SentenceTransformerTrainer``: ``examples`` pairs, ``batch_size`` per
    process per micro-batch, ``accumulation`` micro-batches per optimiser step. Returns (model, trainer)."""
    import tempfile

    from sentence_transformers import SentenceTransformerTrainer
    from transformers import PrinterCallback

    per_step = batch_size * accumulation * processes
    steps = recipe.examples // per_step
    if steps < 1:
        raise ValueError(f"{recipe.examples} training pairs are fewer than one step of {per_step}.")
    runtime.seed_everything(recipe.seed)
    model = fresh_minilm()
    model.max_seq_length = recipe.max_seq_length
    # quiet: the model card's widget examples print a progress bar (to stderr) and are never used here
    model.model_card_data.widget = [{"text": "-"}]
    extra = {"ddp_backend": "gloo"} if processes > 1 and not runtime.cuda_available() else {}
    args = training_arguments(steps=steps, batch_size=batch_size, learning_rate=recipe.learning_rate,
                              seed=recipe.seed, output_dir=output_dir or tempfile.mkdtemp(prefix="course-nb07-"),
                              no_duplicates=True, warmup_ratio=0.0, logging_steps=log_every or max(1, steps // 4),
                              gradient_accumulation_steps=accumulation, disable_tqdm=True, **extra)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=training_pairs(recipe),
                                         loss=mnr_loss(model, recipe, gather))
    trainer.remove_callback(PrinterCallback)   # the log rows are kept in the history instead of printed
    try:
        trainer.train()
    finally:
        if output_dir is None:
            shutil.rmtree(args.output_dir, ignore_errors=True)
    model.training_history = [dict(r) for r in trainer.state.log_history if "loss" in r]
    model.eval()
    return model, trainer


def batch_run(recipe: NegativesRecipe, batch_size: int, accumulation: int = 1, log=print) -> dict:
    """One in-process run (cached): dev/test metrics, loss history, seconds, negatives per query."""
    config = {"run": "trainer", "batch_size": batch_size, "accumulation": accumulation, "processes": 1}

    def compute():
        t = time.perf_counter()
        model, trainer = train_with_trainer(recipe, batch_size, accumulation)
        train_s = time.perf_counter() - t
        metrics = evaluate(model, recipe)
        return {"config": config, "metrics": metrics, "history": model.training_history,
                "steps": trainer.state.global_step, "seconds": {"train": train_s}}

    return cached_run(f"batch-{batch_size}x{accumulation}", recipe, config, compute, log)


def base_result(recipe: NegativesRecipe, log=print) -> dict:
    """Base MiniLM (no training) on the same dev / test queries."""
    return cached_run("base", recipe, {"run": "base"}, lambda: {"metrics": evaluate(fresh_minilm(), recipe)}, log)

