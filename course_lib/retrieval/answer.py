"""The last step of RAG (Lewis et al. 2020, "Retrieval-augmented generation for knowledge-intensive
NLP tasks"): put the retrieved passages in front of the question and produce a cited answer.

``build_prompt`` writes the augmented prompt (instructions, numbered passages, the question).
``extractive_answer`` is the course's offline answerer: no language model, it picks the passage
sentences that best match the question and cites the passages they came from. Pass any callable
``generator(prompt) -> str`` (e.g. a local language model) to ``answer`` to generate instead.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .bm25 import query_terms
from .chunking import split_sentences

INSTRUCTIONS = ("Answer the question using only the numbered passages below. "
                "Cite the passages you use as [1], [2], …. If they do not contain the answer, say so.")


@dataclass
class Passage:
    """One retrieved chunk with its metadata and the score of the stage that ranked it."""
    chunk_id: int
    doc_id: int
    title: str
    text: str
    score: float = 0.0
    topic: str = ""


@dataclass
class Answer:
    text: str
    citations: list[tuple[int, str]]          # (passage number, title), numbers from 1
    sentences: list[tuple[int, str]] = field(default_factory=list)   # (passage number, sentence)
    method: str = "extractive"
    note: str = ""


def build_prompt(question: str, passages: Sequence[Passage], instructions: str = INSTRUCTIONS) -> str:
    """The augmented prompt: instructions, numbered passages with their titles, then the question."""
    lines = [instructions, ""]
    for n, p in enumerate(passages, start=1):
        lines.append(f"[{n}] {p.title}: {p.text}")
    lines += ["", f"Question: {question.strip()}", "Answer:"]
    return "\n".join(lines)


def _terms(text: str) -> set[str]:
    return set(query_terms(text, stem=True))


def sentence_scores(question: str, passages: Sequence[Passage], rank_weight: float = 0.5
                    ) -> list[tuple[float, int, str]]:
    """(score, passage number, sentence) for every sentence of every passage.

    score = Σ idf(t) over question terms t in the sentence (idf over the passages' sentences)
            + rank_weight / passage number  (earlier passages were judged more relevant)."""
    q = _terms(question)
    items = [(n, s) for n, p in enumerate(passages, start=1) for s in (split_sentences(p.text) or [p.text])]
    if not items:
        return []
    bags = [_terms(s) for _, s in items]
    df = {t: sum(t in b for b in bags) for t in q}
    idf = {t: math.log(1 + len(bags) / (1 + df[t])) for t in q}
    return [(sum(idf[t] for t in q & bag) + rank_weight / n, n, s) for (n, s), bag in zip(items, bags)]


def extractive_answer(question: str, passages: Sequence[Passage], max_sentences: int = 2,
                      min_share: float = 0.5) -> Answer:
    """The best-matching sentence, plus up to ``max_sentences − 1`` more scoring at least
    ``min_share`` of the best, each followed by its citation ``[n: title]``."""
    if not passages:
        return Answer("No passages were retrieved, so there is nothing to answer from.", [], note="no passages")
    scored = sentence_scores(question, passages)
    best = max(scored, key=lambda x: x[0])
    chosen = [best] + [s for s in sorted(scored, key=lambda x: -x[0])
                       if s is not best and s[0] >= min_share * best[0]][: max_sentences - 1]
    chosen.sort(key=lambda x: (x[1], scored.index(x)))      # passage order, then sentence order
    text = " ".join(f"{s} [{n}: {passages[n - 1].title}]" for _, n, s in chosen)
    numbers = list(dict.fromkeys(n for _, n, _ in chosen))
    note = "" if best[0] > 0.5 else "No sentence shares a word with the question: the passages may not answer it."
    return Answer(text, [(n, passages[n - 1].title) for n in numbers], [(n, s) for _, n, s in chosen], note=note)


def cited_numbers(text: str, n_passages: int) -> list[int]:
    """Passage numbers cited as [n] (or [n, m]) in generated text, in order, valid ones only."""
    found = []
    for group in re.findall(r"\[(\d+(?:\s*[,;]\s*\d+)*)", text):
        for part in re.split(r"[,;]", group):
            n = int(part)
            if 1 <= n <= n_passages and n not in found:
                found.append(n)
    return found


def answer(question: str, passages: Sequence[Passage], generator: Callable[[str], str] | None = None,
           max_sentences: int = 2) -> Answer:
    """Extractive by default; with ``generator``, the generated text and the passages it cites.

    A generator that fails or returns no text falls back to the extractive answer, with a note."""
    if generator is None:
        return extractive_answer(question, passages, max_sentences)
    prompt = build_prompt(question, passages)
    try:
        text = generator(prompt)
    except Exception as err:  # noqa: BLE001 - a broken generator must not break the loop
        fallback = extractive_answer(question, passages, max_sentences)
        fallback.note = f"The generator raised {type(err).__name__}: {err}; showing the extractive answer."
        return fallback
    if not isinstance(text, str) or not text.strip():
        fallback = extractive_answer(question, passages, max_sentences)
        fallback.note = "The generator returned no text; showing the extractive answer."
        return fallback
    numbers = cited_numbers(text, len(passages))
    return Answer(text.strip(), [(n, passages[n - 1].title) for n in numbers], method="generator",
                  note="" if numbers else "The generated answer cites no passage.")


