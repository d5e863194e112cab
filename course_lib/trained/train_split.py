"""The train split every course model learns from, and BM25 hard-negative mining on it.

The train split leaves out every evaluated article (``held_out.test_side``), and negatives are
mined from it only, so no evaluated article appears in any training row, negatives included.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..contrastive.negatives import answer_groups
from ..data.wiki import load_articles, split_of
from ..models import cross_scores
from ..retrieval.bm25 import BM25Index
from ..retrieval.chunking import passage_text
from .held_out import test_side
from .recipes import Recipe


@dataclass(frozen=True)
class TrainSplit:
    """Train-split articles with a description, minus the test side: what every model trains on."""
    doc_ids: np.ndarray
    descriptions: tuple[str, ...]
    texts: tuple[str, ...]
    groups: tuple[str, ...]


@lru_cache(maxsize=None)
def train_split() -> TrainSplit:
    df = load_articles()
    keep = df["description"].map(lambda d: bool(d) and split_of(d) == "train")
    df = df[keep & ~df["doc_id"].isin(test_side())]
    descriptions, texts = tuple(df["description"]), tuple(df["text"])
    return TrainSplit(df["doc_id"].to_numpy(), descriptions, texts, tuple(answer_groups(descriptions, texts)))


@lru_cache(maxsize=None)
def train_titles() -> tuple[str, ...]:
    return tuple(load_articles().set_index("doc_id").loc[train_split().doc_ids, "title"])


@lru_cache(maxsize=None)
def train_bm25():
    return BM25Index(list(train_split().texts))


def sample_rows(n: int, seed: int, offset: int = 0) -> np.ndarray:
    """A seeded sample of ``n`` train-split positions (an ``offset`` gives a disjoint later sample)."""
    order = np.random.default_rng(seed).permutation(len(train_split().texts))
    if offset + n > len(order):
        raise ValueError(f"Only {len(order)} training articles; asked for {offset + n}.")
    return order[offset:offset + n]


def bm25_candidates(rows: np.ndarray, n_candidates: int) -> list[list[int]]:
    """For each row's description, the top BM25 train articles that do not share its answer."""
    split, index = train_split(), train_bm25()
    docs, _ = index.search([split.descriptions[r] for r in rows], k=n_candidates + 8)
    out = []
    for r, found in zip(rows, docs):
        out.append([int(d) for d in found if split.groups[int(d)] != split.groups[r]][:n_candidates])
    return out


def mine_triplets(rows: np.ndarray, recipe: Recipe, cross_encoder=None, rng=None) -> tuple[list[int], dict]:
    """One hard negative per row: the best BM25 candidate that survives the filters.

    Filters: same answer as the positive (done in ``bm25_candidates``), then the cross-encoder
    (when given) on the first ``recipe.ce_checked`` candidates. A row whose candidates are all
    removed falls back to a random article with another answer. Returns (negative per row, counts)."""
    split = train_split()
    rng = rng or np.random.default_rng(recipe.seed)
    candidates = bm25_candidates(rows, recipe.n_candidates)
    checked = [c[:recipe.ce_checked] if cross_encoder is not None else c[:1] for c in candidates]
    probs = [np.zeros(len(c)) for c in checked]
    if cross_encoder is not None:
        # one batched cross-encoder pass over every (query, candidate) pair: much faster than per row
        titles = train_titles()
        pairs = [(split.descriptions[r], passage_text(titles[c], split.texts[c])) for r, cs in zip(rows, checked) for c in cs]
        flat = cross_scores(cross_encoder, [q for q, _ in pairs], [p for _, p in pairs], batch_size=64)
        bounds = np.cumsum([0] + [len(c) for c in checked])
        probs = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    negatives, removed_ce, fallback = [], 0, 0
    for r, cands, ps in zip(rows, checked, probs):
        chosen = None
        for c, p in zip(cands, ps):
            if p > recipe.ce_threshold:
                removed_ce += 1
                continue
            chosen = c
            break
        while chosen is None:
            c = int(rng.integers(len(split.texts)))
            if split.groups[c] != split.groups[r]:
                chosen, fallback = c, fallback + 1
        negatives.append(chosen)
    return negatives, {"rows": len(rows), "removed_by_cross_encoder": removed_ce, "random_fallback": fallback}


def sample_descriptions(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct train-split descriptions (seeded)."""
    split = train_split()
    seen, out = set(), []
    for r in sample_rows(len(split.texts), seed):
        if split.groups[r] not in seen:
            seen.add(split.groups[r])
            out.append(split.descriptions[r])
            if len(out) == n:
                break
    return out


def training_rows(recipe: Recipe) -> np.ndarray:
    """The train rows every bi-encoder run of the loss comparison sees (same data budget)."""
    return sample_rows(recipe.steps * recipe.batch_size, recipe.seed)
