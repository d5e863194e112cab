"""Evaluating word vectors: the Google analogy set and word-pair similarity, batched.

``evaluate_analogies`` reproduces gensim's ``KeyedVectors.evaluate_word_analogies`` exactly
(same vocabulary restriction, upper-casing, skipping of out-of-vocabulary questions and choice
of the prediction) but scores all questions with a few matrix products instead of one
``most_similar`` call per question. ``evaluate_word_pairs`` reproduces gensim's
``evaluate_word_pairs`` (Spearman and Pearson against human ratings).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..data.evalsets import google_analogies
from .solve import COSMUL_EPS, Question, restricted_vocab, top_candidates, unit_vectors


# ---- analogy evaluation ----------------------------------------------------------------------------

def section_kind(section: str) -> str:
    """'syntactic' for the Google set's ``gram…`` sections, else 'semantic'."""
    return "syntactic" if section.startswith("gram") else "semantic"


@dataclass
class SectionResult:
    section: str
    correct: int
    total: int          # questions answered (all four words known)
    skipped: int        # questions skipped for an unknown word

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass
class AnalogyReport:
    """Per-section counts, plus every answered question with the model's prediction."""

    sections: list[SectionResult]
    method: str
    restrict_vocab: int | None
    predictions: list[tuple[str, Question, str | None, bool]] = field(default_factory=list, repr=False)

    @property
    def correct(self) -> int:
        return sum(s.correct for s in self.sections)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.sections)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def kind_accuracy(self, kind: str) -> float:
        chosen = [s for s in self.sections if section_kind(s.section) == kind]
        total = sum(s.total for s in chosen)
        return sum(s.correct for s in chosen) / total if total else 0.0

    @property
    def semantic(self) -> float:
        return self.kind_accuracy("semantic")

    @property
    def syntactic(self) -> float:
        return self.kind_accuracy("syntactic")

    def counts(self) -> dict[str, tuple[int, int]]:
        """``{section: (correct, total)}`` plus ``'Total accuracy'``, as gensim names it."""
        out = {s.section: (s.correct, s.total) for s in self.sections}
        out["Total accuracy"] = (self.correct, self.total)
        return out

    def table(self):
        import pandas as pd

        rows = [{"section": s.section, "kind": section_kind(s.section), "correct": s.correct, "answered": s.total,
                 "skipped": s.skipped, "accuracy": s.accuracy} for s in self.sections]
        return pd.DataFrame(rows)

    def mistakes(self, section: str | None = None, n: int = 5) -> list[tuple[Question, str | None]]:
        """A few questions the model got wrong: ((a, b, c, expected), predicted)."""
        wrong = [(q, p) for s, q, p, ok in self.predictions if (section is None or s == section) and not ok]
        return wrong[:n]

    def __str__(self) -> str:
        return (f"{self.method}: {self.correct}/{self.total} = {self.accuracy:.1%} "
                f"(semantic {self.semantic:.1%}, syntactic {self.syntactic:.1%}; {self.skipped} skipped)")


def evaluate_analogies(kv, questions: Mapping[str, Sequence[Question]] | None = None, *,
                       restrict_vocab: int | None = 300_000, case_insensitive: bool = True,
                       method: str = "3cosadd", eps: float = COSMUL_EPS, topn: int = 5) -> AnalogyReport:
    """Accuracy on analogy questions by section, with gensim's exact rules, batched.

    * Only the first ``restrict_vocab`` words count (vocabulary sorted most frequent first).
    * With ``case_insensitive`` every word is upper-cased and the first case variant is used.
    * A question with any word outside that vocabulary is skipped (counted in ``skipped``).
    * The prediction is the best-scoring candidate other than a, b and c (gensim looks at the
      top ``topn`` and also rejects other case variants of the query words).
    """
    questions = google_analogies() if questions is None else questions
    vocab = restricted_vocab(kv, restrict_vocab, case_insensitive)
    norm = (lambda w: w.upper()) if case_insensitive else (lambda w: w)

    kept_section, kept_q, rows = [], [], []
    sections = []
    for name, qs in questions.items():
        skipped = 0
        for q in qs:
            words = [norm(w) for w in q]
            if any(w not in vocab for w in words):
                skipped += 1
                continue
            kept_section.append(len(sections))
            kept_q.append((q, words))
            rows.append([vocab[w] for w in words[:3]])
        sections.append(SectionResult(name, 0, 0, skipped))

    predictions = []
    if rows:
        r = np.asarray(rows, dtype=np.int64)
        n_rows = len(kv.index_to_key) if restrict_vocab is None else min(restrict_vocab, len(kv.index_to_key))
        idx, _ = top_candidates(kv, r[:, 0], r[:, 1], r[:, 2], topn=topn, method=method,
                                restrict_vocab=n_rows, exclude=True, eps=eps)
        keys = kv.index_to_key
        for s_i, (q, words), cand in zip(kept_section, kept_q, idx):
            ignore = set(words[:3])
            predicted, shown = None, None
            for i in cand:  # gensim: first of the top candidates that is not a case variant of a, b, c
                predicted, shown = norm(keys[i]), keys[i]
                if predicted in vocab and predicted not in ignore:
                    break
            ok = predicted == words[3]
            sec = sections[s_i]
            sec.total += 1
            sec.correct += int(ok)
            predictions.append((sec.section, tuple(q), shown, ok))
    return AnalogyReport(sections, method.lower(), restrict_vocab, predictions)


def questions_sample(questions: Mapping[str, Sequence[Question]], per_section: int | None,
                     seed: int = 0) -> dict[str, list[Question]]:
    """At most ``per_section`` questions of every section, drawn at random (order kept)."""
    if per_section is None:
        return {k: list(v) for k, v in questions.items()}
    rng = np.random.default_rng(seed)
    out = {}
    for name, qs in questions.items():
        if len(qs) <= per_section:
            out[name] = list(qs)
        else:
            keep = np.sort(rng.choice(len(qs), per_section, replace=False))
            out[name] = [qs[i] for i in keep]
    return out


def covered_questions(kv, questions: Mapping[str, Sequence[Question]], restrict_vocab: int | None = None,
                      case_insensitive: bool = True) -> dict[str, list[Question]]:
    """Only the questions whose four words are all in the (restricted) vocabulary of ``kv``."""
    vocab = restricted_vocab(kv, restrict_vocab, case_insensitive)
    norm = (lambda w: w.upper()) if case_insensitive else (lambda w: w)
    return {name: [q for q in qs if all(norm(w) in vocab for w in q)] for name, qs in questions.items()}


def write_questions(questions: Mapping[str, Sequence[Question]], path) -> str:
    """Write questions in the ``questions-words.txt`` format (for gensim's evaluator)."""
    lines = []
    for name, qs in questions.items():
        lines.append(f": {name}")
        lines += [" ".join(q) for q in qs]
    from pathlib import Path

    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def counts_from_gensim(sections: list[dict]) -> dict[str, tuple[int, int]]:
    """gensim's ``evaluate_word_analogies(...)[1]`` → ``{section: (correct, total)}``."""
    return {s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections}


# ---- word-pair similarity ----------------------------------------------------------------------------

@dataclass
class WordPairResult:
    spearman: float
    pearson: float
    used: int            # pairs with both words known
    oov: int             # pairs skipped for an unknown word
    gold: np.ndarray = field(repr=False, default=None)
    model: np.ndarray = field(repr=False, default=None)
    pairs: list = field(repr=False, default_factory=list)

    @property
    def oov_ratio(self) -> float:
        return self.oov / (self.used + self.oov) if self.used + self.oov else 0.0

    def __str__(self) -> str:
        return f"Spearman ρ = {self.spearman:.3f} on {self.used} pairs ({self.oov} skipped)"


def evaluate_word_pairs(kv, pairs: Sequence[tuple[str, str, float]], *, restrict_vocab: int | None = 300_000,
                        case_insensitive: bool = True) -> WordPairResult:
    """Spearman (and Pearson) correlation of cosine similarity with human ratings, as gensim does it.

    Pairs with a word outside the first ``restrict_vocab`` words are skipped."""
    from scipy import stats

    vocab = restricted_vocab(kv, restrict_vocab, case_insensitive)
    norm = (lambda w: w.upper()) if case_insensitive else (lambda w: w)
    i1, i2, gold, used_pairs = [], [], [], []
    oov = 0
    for w1, w2, score in pairs:
        u1, u2 = norm(w1), norm(w2)
        if u1 not in vocab or u2 not in vocab:
            oov += 1
            continue
        i1.append(vocab[u1])
        i2.append(vocab[u2])
        gold.append(float(score))
        used_pairs.append((w1, w2, float(score)))
    if not gold:
        raise ValueError("No word pair has both words in the vocabulary: nothing to correlate.")
    unit = unit_vectors(kv)
    model = np.einsum("ij,ij->i", unit[i1].astype(np.float64), unit[i2].astype(np.float64))
    gold_arr = np.asarray(gold)
    return WordPairResult(float(stats.spearmanr(gold_arr, model)[0]), float(stats.pearsonr(gold_arr, model)[0]),
                          len(gold), oov, gold_arr, model, used_pairs)
