"""The sizes of notebook 04's training runs per profile (``RECIPES``) and the saved models' names.

* ``cross-encoder-{profile}`` (``trained.cross_encoder``): MiniLM + a one-logit head, trained with
  binary cross-entropy on (query, "title: article") pairs of the train split.
* ``finetuned-minilm-{profile}`` (``trained.bi_encoder``): MiniLM fine-tuned with
  MultipleNegativesRankingLoss (InfoNCE, scale 20 = τ 0.05) on (description, article, hard negative)
  triplets of the train split.

Each profile has its own recipe and its own saved models, so ``ci`` and ``laptop`` models never
overwrite each other.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .. import runtime
from ..data import cache

BI_ENCODER = "finetuned-minilm"
CROSS_ENCODER = "cross-encoder"


@dataclass(frozen=True)
class Recipe:
    """Sizes of notebook 04's training runs for one profile."""
    steps: int                 # optimiser steps of each bi-encoder run (one pass over steps × batch_size rows)
    batch_size: int
    max_seq_length: int        # tokens per article, in training and in evaluation
    learning_rate: float = 5e-5
    scale: float = 20.0        # MNR's scale = 1 / τ
    n_candidates: int = 10     # BM25 candidates examined per query when mining
    ce_checked: int = 3        # of those, how many the cross-encoder checks (cost: one pair each)
    ce_threshold: float = 0.5
    ce_queries: int = 334      # cross-encoder training: queries × (1 positive + 2 negatives)
    ce_steps: int = 63
    ce_sentence_share: float = 0.5   # share of those queries that are a sentence of the article, not its description
    ce_batch_size: int = 16
    ce_max_length: int = 96
    eval_queries: int | None = 300
    eval_distractors: int | None = 1500
    seed: int = 0


RECIPES = {
    "ci": Recipe(steps=2, batch_size=8, max_seq_length=32, n_candidates=5, ce_checked=2, ce_queries=16,
                 ce_steps=2, ce_batch_size=8, ce_max_length=48, eval_queries=40, eval_distractors=200),
    "laptop": Recipe(steps=20, batch_size=32, max_seq_length=48, learning_rate=6e-5, ce_queries=1600, ce_steps=300,
                     ce_max_length=64),
    "gpu": Recipe(steps=400, batch_size=64, max_seq_length=128, learning_rate=3e-5, n_candidates=30,
                  ce_checked=5, ce_queries=6000, ce_steps=1125, ce_batch_size=32, ce_max_length=160,
                  eval_queries=None, eval_distractors=None),
}


def recipe_for(profile: str | None = None) -> Recipe:
    return RECIPES[runtime.check_profile(profile or runtime.get_profile())]


def config_key(recipe: Recipe, *extra) -> str:
    return cache.fingerprint(sorted(asdict(recipe).items()), *extra)[:12]
