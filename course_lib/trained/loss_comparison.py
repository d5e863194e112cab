"""Notebook 04's measured experiment: the loss is a lever.

From the same base model (MiniLM), the same training rows and the same number of steps and batch
size, train with

* ``cosine``      — CosineSimilarityLoss on labelled pairs (positive 1.0, mined negative 0.0);
* ``triplet``     — TripletLoss (cosine distance, margin 0.2) on (anchor, positive, mined negative);
* ``mnr_inbatch`` — MultipleNegativesRankingLoss (InfoNCE, τ = 0.05) on (anchor, positive) pairs;
* ``mnr_hardneg`` — the same plus the filtered mined negative: the course's saved fine-tuned model;

and evaluate each on the held-out test queries. Results are cached on disk per profile and recipe,
so a second run of the notebook (or the benchmark) reads them instead of training again.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict

from .. import runtime
from ..contrastive.training import fine_tune
from ..data import cache
from ..models import load_minilm
from ..retrieval.bm25 import BM25Index
from ..retrieval.task import evaluate_model, evaluate_search, make_task
from .bi_encoder import load_or_train_bi_encoder, training_record, triplet_dataset
from .cross_encoder import load_or_train_cross_encoder
from .provenance import course_version
from .recipes import BI_ENCODER, RECIPES, Recipe, config_key
from .train_split import train_split, training_rows

LOSSES = {
    "cosine": "CosineSimilarityLoss (pairs labelled 1 / 0)",
    "triplet": "TripletLoss (cosine distance, margin 0.2)",
    "mnr_inbatch": "MNR, in-batch negatives only",
    "mnr_hardneg": "MNR + filtered BM25 hard negatives",
}
TRIPLET_MARGIN = 0.2


def evaluation_task(recipe: Recipe):
    return make_task("test", n_queries=recipe.eval_queries, n_distractors=recipe.eval_distractors, seed=recipe.seed)


def evaluate(model, task, recipe: Recipe) -> dict[str, float]:
    return evaluate_model(model, task, max_seq_length=recipe.max_seq_length)


def make_loss(name: str, model, recipe: Recipe):
    from sentence_transformers.sentence_transformer import losses

    if name == "cosine":
        return losses.CosineSimilarityLoss(model)
    if name == "triplet":
        return losses.TripletLoss(model, distance_metric=losses.TripletDistanceMetric.COSINE,
                                  triplet_margin=TRIPLET_MARGIN)
    if name in ("mnr_inbatch", "mnr_hardneg"):
        return losses.MultipleNegativesRankingLoss(model, scale=recipe.scale)
    raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(LOSSES)}.")


def loss_dataset(name: str, triplets, seed: int = 0):
    """The columns each loss reads, built from the same triplets."""
    from datasets import Dataset

    if name == "cosine":
        n = len(triplets)
        pos = Dataset.from_dict({"sentence1": triplets["anchor"], "sentence2": triplets["positive"], "label": [1.0] * n})
        neg = Dataset.from_dict({"sentence1": triplets["anchor"], "sentence2": triplets["negative"], "label": [0.0] * n})
        # interleave so every batch holds positives and negatives of the same rows
        rows = {k: [v for pair in zip(pos[k], neg[k]) for v in pair] for k in pos.column_names}
        return Dataset.from_dict(rows)
    if name == "mnr_inbatch":
        return triplets.select_columns(["anchor", "positive"])
    return triplets


def train_with_loss(name: str, triplets, recipe: Recipe):
    model = load_minilm()
    model.max_seq_length = recipe.max_seq_length
    return fine_tune(model, loss_dataset(name, triplets, recipe.seed), make_loss(name, model, recipe),
                     steps=recipe.steps, batch_size=recipe.batch_size, learning_rate=recipe.learning_rate,
                     seed=recipe.seed)


def _cached(name: str, compute) -> dict:
    def build(folder):
        (folder / "result.json").write_text(json.dumps(compute(), indent=1, default=float))

    return json.loads((cache.prepared(name, build, version=1) / "result.json").read_text())


def _key(recipe: Recipe) -> str:
    """A cached result is reused only for the same recipe, training articles and course version."""
    return config_key(recipe, TRIPLET_MARGIN, course_version(), train_split().doc_ids[training_rows(recipe)].tolist())


def reference_results(profile: str, log=print) -> dict:
    """BM25 and base MiniLM on the evaluation task (cached)."""
    recipe = RECIPES[profile]

    def compute():
        task = evaluation_task(recipe)
        index = BM25Index(list(task.texts))
        out = {"task": task.label, "metrics": {"bm25": evaluate_search(task, lambda q: index.search(q, k=100)[0])}}
        log("base MiniLM: encoding the collection …")
        t = time.perf_counter()
        out["metrics"]["base"] = evaluate(load_minilm(), task, recipe)
        out["seconds"] = {"encode_base": time.perf_counter() - t}
        return out

    return _cached(f"nb04/reference-{profile}-{_key(recipe)}", compute)


def loss_result(name: str, profile: str, log=print) -> dict:
    """Train MiniLM with one loss of the comparison and evaluate it (cached per loss)."""
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}: choose one of {', '.join(LOSSES)}.")
    recipe = RECIPES[profile]

    def compute():
        t = time.perf_counter()
        cross_encoder = load_or_train_cross_encoder(profile)
        triplets, counts = triplet_dataset(recipe, cross_encoder)
        seconds = {"cross_encoder_and_mining": time.perf_counter() - t}
        log(f"training with {name} ({recipe.steps} steps × batch {recipe.batch_size}) …")
        t = time.perf_counter()
        if name == "mnr_hardneg":
            model = load_or_train_bi_encoder(profile, triplets=triplets, mining_counts=counts)
        else:
            model = train_with_loss(name, triplets, recipe)
        seconds["train"] = time.perf_counter() - t
        t = time.perf_counter()
        metrics = evaluate(model, evaluation_task(recipe), recipe)
        seconds["encode"] = time.perf_counter() - t
        log(f"  {name}: nDCG@10 {metrics['ndcg@10']:.3f}")
        return {"metrics": metrics, "seconds": seconds, "mining": counts,
                "history": getattr(model, "training_history", None)}

    return _cached(f"nb04/loss-{name}-{profile}-{_key(recipe)}", compute)


def loss_comparison(profile: str | None = None, log=print) -> dict:
    """Train (or read from the cache) every loss of the comparison; metrics per model, plus BM25 and base."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    recipe = RECIPES[profile]
    ref = reference_results(profile, log)
    results = {"profile": profile, "recipe": asdict(recipe), "task": ref["task"], "metrics": dict(ref["metrics"]),
               "seconds": {f"{k}": v for k, v in ref["seconds"].items()}}
    for name in LOSSES:
        one = loss_result(name, profile, log)
        results["metrics"][name] = one["metrics"]
        results["seconds"][f"train_{name}"] = one["seconds"]["train"]
        results["seconds"][f"encode_{name}"] = one["seconds"]["encode"]
        results["mining"] = one["mining"]
    record = training_record(f"{BI_ENCODER}-{profile}") or {}
    results["finetuned_history"] = record.get("history", [])
    return results
