"""The course's RAG evaluation set: natural questions about the Wikipedia summaries.

``data/eval_questions.jsonl`` was written for this course: every question was checked against the
summary text, and each lists the article(s) whose summary answers it (``titles``, ``doc_ids``) and
a short ``answer`` string that appears in one of those summaries. ``style`` is one of

* ``keyword``: shares rare words with the summary (where BM25 is strong);
* ``paraphrase``: shares no content word with the title and few rare words with the text;
* ``entity``: asks for a name, date or number;
* ``multi``: needs two or more articles (all listed).

``half`` is ``dev`` (for choosing settings) or ``test`` (reported once), assigned by
``assign_halves``. Few questions name their answer article (``title_in_question``), so a method
cannot score by matching the title. The summaries are CC BY-SA 4.0 (Wikipedia).
"""
from __future__ import annotations

import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import runtime
from ..data import load_articles

EVAL_PATH = runtime.DATA_DIR / "eval_questions.jsonl"
STYLES = ("keyword", "paraphrase", "entity", "multi")
HALVES = ("dev", "test")


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    answer: str
    titles: tuple[str, ...]
    doc_ids: tuple[int, ...]
    topic: str
    style: str
    half: str | None = None   # "dev" or "test"; None for a question built by hand outside the file


@lru_cache(maxsize=None)
def load_eval_questions(path: str | Path | None = None, half: str | None = None) -> tuple[EvalQuestion, ...]:
    """The questions of ``path`` (default: the course's file); ``half``: only "dev" or "test" (None: all)."""
    if half is not None and half not in HALVES:
        raise ValueError(f"half must be one of {HALVES} or None, not {half!r}")
    rows = []
    for line in Path(path or EVAL_PATH).read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            rows.append(EvalQuestion(r["id"], r["question"], r["answer"], tuple(r["titles"]),
                                     tuple(int(d) for d in r["doc_ids"]), r["topic"], r["style"], r.get("half")))
    return tuple(q for q in rows if half is None or q.half == half)


def assign_halves(questions, seed: int = 0) -> dict[str, str]:
    """{id: "dev" | "test"}: within each (style, topic) group, in id order, questions alternate
    between the halves, starting from a side fixed by a hash of (seed, style, topic). So each style
    and topic is split evenly (within one per group), and appending a question to a group never
    moves an earlier one to the other half."""
    groups: dict[tuple[str, str], list] = {}
    for q in questions:
        groups.setdefault((q.style, q.topic), []).append(q)
    out = {}
    for (style, topic), group in groups.items():
        start = zlib.crc32(f"{seed}|{style}|{topic}".encode("utf-8")) & 1
        for i, q in enumerate(sorted(group, key=lambda q: q.id)):
            out[q.id] = HALVES[(i + start) % 2]
    return out


def title_in_question(q: EvalQuestion) -> bool:
    """Whether the question contains one of its answer articles' titles as a whole phrase (any case)."""
    text = q.question.lower()
    return any(re.search(rf"(?<!\w){re.escape(t.lower())}(?!\w)", text) for t in q.titles)


def title_in_question_share(questions=None) -> float:
    """Share of ``questions`` (default: all) that name their answer article: such a question is
    easy for any method that matches the title, so the set keeps this share small."""
    questions = load_eval_questions() if questions is None else questions
    return sum(map(title_in_question, questions)) / len(questions)


def style_counts(questions=None) -> dict[str, dict[str, int]]:
    """{style: {"dev": n, "test": n}} for ``questions`` (default: all)."""
    questions = load_eval_questions() if questions is None else questions
    counts = Counter((q.style, q.half) for q in questions)
    return {s: {h: counts[(s, h)] for h in HALVES} for s in STYLES if any(counts[(s, h)] for h in HALVES)}


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
