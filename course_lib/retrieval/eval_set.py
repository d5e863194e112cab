"""The course's RAG evaluation set: natural questions about the Wikipedia summaries.

``data/eval_questions.jsonl`` was written for this course: every question was checked by hand
against the summary text, and each lists the article(s) whose summary answers it (``titles``,
``doc_ids``) and a short ``answer`` string that appears in those summaries. ``style`` is
``keyword`` (shares rare words with the summary) or ``paraphrase`` (says it differently, where
keyword search struggles). The summaries are CC BY-SA 4.0 (Wikipedia).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import runtime
from ..data import load_articles

EVAL_PATH = runtime.DATA_DIR / "eval_questions.jsonl"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answer: str
    titles: tuple[str, ...]
    doc_ids: tuple[int, ...]
    topic: str
    style: str


@lru_cache(maxsize=None)
def load_eval_questions(path: str | Path | None = None) -> tuple[EvalQuestion, ...]:
    rows = []
    for line in Path(path or EVAL_PATH).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(EvalQuestion(r["id"], r["question"], r["answer"], tuple(r["titles"]),
                                     tuple(int(d) for d in r["doc_ids"]), r["topic"], r["style"]))
    return tuple(rows)


PROFILE_DEFAULT = "profile"


def eval_collection(questions=None, n_distractors: int | None | str = PROFILE_DEFAULT, seed: int = 0) -> np.ndarray:
    """doc_ids to index: every article that answers a question plus seeded random distractors
    (``None``: the whole collection). By default ci: 120 distractors, laptop: 2,500, gpu: all."""
    questions = load_eval_questions() if questions is None else questions
    if n_distractors == PROFILE_DEFAULT:
        n_distractors = runtime.by_profile(ci=120, laptop=2500, gpu=None)
    all_ids = load_articles()["doc_id"].to_numpy()
    if n_distractors is None:
        return all_ids
    needed = np.array(sorted({d for q in questions for d in q.doc_ids}))
    others = np.setdiff1d(all_ids, needed)
    rng = np.random.default_rng(seed)
    extra = rng.choice(others, size=min(int(n_distractors), len(others)), replace=False)
    return np.sort(np.concatenate([needed, extra]))


def collection_label(doc_ids) -> str:
    n_all = len(load_articles())
    n = len(doc_ids)
    if n == n_all:
        return f"full collection of {n_all:,} articles"
    return f"sub-collection of {n:,} / {n_all:,} articles (the answers' articles + random distractors)"
