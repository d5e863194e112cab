"""Negatives for contrastive training: random (easy), BM25-mined and dense-mined (hard), and the
filters that remove likely *false* negatives.

A mined "negative" that actually answers the query teaches the model the wrong thing. In the
course's task, articles sharing a description ("Family of birds" ×34) are the classic case: for the
query "Family of birds" every one of them is a right answer. Three filters, as in the literature
(e.g. the hard-negative mining of Karpukhin et al. 2020 DPR, Qu et al. 2021 RocketQA, and
sentence-transformers' ``mine_hard_negatives``):

* **same answer** — drop candidates that share the positive's answer group (same description,
  duplicate text);
* **margin** — drop candidates scoring above ``positive score − margin`` (too close to call);
* **cross-encoder** — drop candidates a cross-encoder scores as relevant (probability above a threshold).

Every function here is pure (arrays in, lists out) so the notebook, the widgets and the tests
share it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..data.wiki import normalise_description

SAME_ANSWER = "same answer as the positive"
WITHIN_MARGIN = "scores within the margin of the positive"
CROSS_ENCODER = "the cross-encoder says it answers the query"
STRATEGIES = ("random", "bm25", "dense")


@dataclass(frozen=True)
class Candidate:
    """One examined candidate: its position in the collection, its mining score, and why it was
    removed ('' when it was kept as a negative)."""
    doc: int
    score: float
    removed: str = ""

    @property
    def kept(self) -> bool:
        return not self.removed


def _as_scores(scores, name: str = "scores") -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one score per candidate), got shape {scores.shape}.")
    if len(scores) == 0:
        raise ValueError(f"{name} is empty: there are no candidates to mine from.")
    return scores


def select_negatives(scores, positive: int, groups: Sequence, k: int, margin: float | None = None, *,
                     filter_scores=None, cross_scores=None, cross_threshold: float = 0.5,
                     order=None) -> list[Candidate]:
    """Walk the candidates from the highest score down and keep ``k`` negatives.

    ``scores``: one query's score for every candidate (what ranks them: BM25, cosine, or random);
    ``positive``: the position of the query's positive; ``groups``: an answer label per candidate
    (same label as the positive = same answer); ``margin``: when set, a candidate whose
    ``filter_scores`` (default: ``scores``) is above ``filter_scores[positive] − margin`` is removed;
    ``cross_scores``: optional cross-encoder probabilities, a candidate above ``cross_threshold``
    is removed; ``order``: an explicit candidate order (e.g. random) instead of by score.

    Returns every candidate examined (kept and removed, in order), so a learner can see what the
    filters did; ``[c.doc for c in result if c.kept]`` are the negatives."""
    scores = _as_scores(scores)
    n = len(scores)
    if not 0 <= positive < n:
        raise ValueError(f"positive must be a position among the {n} candidates, got {positive}.")
    if len(groups) != n:
        raise ValueError(f"{len(groups)} answer groups for {n} candidates: give one per candidate.")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    if margin is not None and margin < 0:
        raise ValueError(f"The margin must be zero or positive, got {margin}.")
    check = scores if filter_scores is None else _as_scores(filter_scores, "filter_scores")
    cross = None if cross_scores is None else _as_scores(cross_scores, "cross_scores")
    threshold = check[positive] - margin if margin is not None else None
    order = np.argsort(-scores, kind="stable") if order is None else np.asarray(order)
    out: list[Candidate] = []
    kept = 0
    for c in order:
        c = int(c)
        if c == positive:
            continue
        reason = ""
        if groups[c] == groups[positive]:
            reason = SAME_ANSWER
        elif threshold is not None and check[c] > threshold:
            reason = WITHIN_MARGIN
        elif cross is not None and cross[c] > cross_threshold:
            reason = CROSS_ENCODER
        out.append(Candidate(c, float(scores[c]), reason))
        kept += not reason
        if kept == k:
            break
    return out


def mine_hard_negatives(scores, positive: int, groups: Sequence, k: int, margin: float | None = None) -> list[int]:
    """The ``k`` hard negatives ``select_negatives`` keeps, best first (notebook 04's exercise).

    With one group per text this picks what sentence-transformers' ``mine_hard_negatives`` picks
    with ``sampling_strategy="top"`` and ``absolute_margin=margin`` (tests/test_miner_parity.py)."""
    return kept_negatives(select_negatives(scores, positive, groups, k, margin))


def kept_negatives(candidates: Sequence[Candidate]) -> list[int]:
    return [c.doc for c in candidates if c.kept]


def answer_groups(descriptions: Sequence[str], texts: Sequence[str] | None = None) -> list[str]:
    """An answer label per document: its normalised description; documents without a description
    (or with a duplicate text) get a label of their own / their text's first occurrence."""
    groups, first_of_text = [], {}
    for i, desc in enumerate(descriptions):
        label = normalise_description(desc) if desc else f"#doc{i}"
        if texts is not None:
            label = first_of_text.setdefault(" ".join(texts[i].split()), label)
        groups.append(label)
    return groups


# ---- scoring candidates ----------------------------------------------------------------------------

def random_scores(n_candidates: int, rng: np.random.Generator) -> np.ndarray:
    """Easy negatives: a random order (scores are uniform noise, only the order matters)."""
    return rng.random(n_candidates)


def bm25_scores(index, query: str) -> np.ndarray:
    """BM25 score of every document of a ``BM25Index`` for one query (0 where no term matches)."""
    docs, scores = index.search(query, k=index.size)
    out = np.zeros(index.size)
    out[np.asarray(docs)] = scores
    return out


def dense_scores(query_vector: np.ndarray, doc_vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of one (L2-normalised) query vector to every (normalised) document vector."""
    return np.asarray(doc_vectors @ np.asarray(query_vector).reshape(-1), dtype=float)


def mine_for_queries(score_rows: np.ndarray, positives: Sequence[int], groups: Sequence, k: int = 1,
                     margin: float | None = None, filter_rows: np.ndarray | None = None,
                     cross_rows: np.ndarray | None = None, cross_threshold: float = 0.5) -> list[list[Candidate]]:
    """``select_negatives`` for many queries (a row of scores each)."""
    score_rows = np.asarray(score_rows)
    if score_rows.ndim != 2:
        raise ValueError("score_rows must be 2-D: one row of candidate scores per query.")
    if len(score_rows) != len(positives):
        raise ValueError(f"{len(score_rows)} score rows but {len(positives)} positives.")
    return [select_negatives(row, int(p), groups, k, margin,
                             filter_scores=None if filter_rows is None else filter_rows[i],
                             cross_scores=None if cross_rows is None else cross_rows[i],
                             cross_threshold=cross_threshold)
            for i, (row, p) in enumerate(zip(score_rows, positives))]
