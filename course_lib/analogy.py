"""Word analogies and word-similarity evaluation, batched.

An analogy question ``a : b :: c : ?`` (man : king :: woman : ?) is answered by the word whose
vector is closest to the *offset* point ``b − a + c``; the three query words are never allowed as
answers (Mikolov, Yih & Zweig, 2013, "Linguistic Regularities in Continuous Space Word
Representations"). Two ways to score a candidate ``d`` (Levy & Goldberg, 2014, "Linguistic
Regularities in Sparse and Explicit Word Representations"):

* **3CosAdd**  ``cos(d, b − a + c)``, which ranks like ``cos(d, b) − cos(d, a) + cos(d, c)``
  on unit vectors;
* **3CosMul**  ``cos'(d, b) · cos'(d, c) / (cos'(d, a) + ε)`` with ``cos' = (1 + cos) / 2``,
  so that one large similarity cannot drown the other two.

``nearest-c`` is a baseline, not a solver: the nearest word to c alone (a and b still excluded),
which shows how much of an accuracy figure needs no offset at all (Linzen, 2016, "Issues in
evaluating semantic spaces using word analogies").

``evaluate_analogies`` reproduces gensim's ``KeyedVectors.evaluate_word_analogies`` exactly
(same vocabulary restriction, upper-casing, skipping of out-of-vocabulary questions and choice
of the prediction) but scores all questions with a few matrix products instead of one
``most_similar`` call per question. ``evaluate_word_pairs`` reproduces gensim's
``evaluate_word_pairs`` (Spearman and Pearson against human ratings).
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

from .text import UnknownWordError, close_matches

METHODS = ("3cosadd", "3cosmul", "nearest-c")  # nearest-c: a baseline that ignores a and b (Linzen, 2016)
COSMUL_EPS = 0.001  # Levy & Goldberg (2014) use ε = 0.001; gensim's most_similar_cosmul uses 1e-6

Question = tuple[str, str, str, str]

# ---- unit vectors ------------------------------------------------------------------------------

_UNIT_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def unit_vectors(kv) -> np.ndarray:
    """The rows of ``kv.vectors`` scaled to length 1 (float32, cached per KeyedVectors).

    The cache is refreshed when ``kv.vectors`` is replaced (e.g. by ``add_vectors``), not when it
    is edited in place."""
    cached = _UNIT_CACHE.get(kv)
    if cached is not None and cached[0] is kv.vectors and cached[1].shape == kv.vectors.shape:
        return cached[1]
    kv.fill_norms(force=True)
    norms = kv.norms.astype(np.float32)
    unit = (kv.vectors / np.where(norms > 0, norms, 1)[:, None]).astype(np.float32)
    _UNIT_CACHE[kv] = (kv.vectors, unit)
    return unit


def restricted_vocab(kv, restrict_vocab: int | None = None, case_insensitive: bool = True) -> dict[str, int]:
    """Word → row among the first ``restrict_vocab`` words, as gensim's evaluators build it.

    With ``case_insensitive`` the keys are upper-cased and, when several case variants exist
    (``Paris``, ``paris``), the first one (the most frequent) wins."""
    keys = kv.index_to_key[:restrict_vocab]
    if case_insensitive:
        vocab: dict[str, int] = {}
        for i, k in enumerate(keys):
            vocab.setdefault(k.upper(), i)
        return vocab
    return {k: i for i, k in enumerate(keys)}


# ---- input checking -------------------------------------------------------------------------------

_SPLIT = re.compile(r"[\s:,;+\-−–=?]+")


def parse_query(text: str | Sequence[str]) -> tuple[str, str, str]:
    """``"man : king :: woman"`` (or ``"man king woman"``, ``"king - man + woman"``, or a list)
    → ``("man", "king", "woman")``.

    Raises ``ValueError`` with an explanation for fewer or more than three words, or repeats."""
    if isinstance(text, str) and ":" not in text and re.search(r"[+\-−]", text):
        words = _parse_arithmetic(text)
    else:
        words = [w for w in (_SPLIT.split(text.strip()) if isinstance(text, str) else text) if w]
    if len(words) < 3:
        got = f"only {len(words)} word{'s' if len(words) != 1 else ''}" if words else "no words"
        raise ValueError(
            f"An analogy needs three words, a : b :: c (e.g. 'man : king :: woman'); got {got}"
            + (f" ({', '.join(words)})." if words else "."))
    if len(words) > 3:
        raise ValueError(f"An analogy takes exactly three words, a : b :: c; got {len(words)}: {', '.join(words)}. "
                         "The fourth word is what the model answers.")
    lowered = [w.lower() for w in words]
    repeated = sorted({w for w in lowered if lowered.count(w) > 1})
    if repeated:
        raise ValueError(
            f"The word{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} appear{'s' if len(repeated) == 1 else ''} "
            "twice. With a = b the offset b − a is zero and the 'analogy' is just the neighbours of c; "
            "with a = c the answer is b by construction. Use three different words.")
    return words[0], words[1], words[2]


def _parse_arithmetic(text: str) -> list[str]:
    """``"king - man + woman"`` (b − a + c) → ``["man", "king", "woman"]``."""
    terms = re.findall(r"([+\-−]?)\s*([^\s+\-−:,;=?]+)", text)
    plus = [w for sign, w in terms if sign in ("", "+")]
    minus = [w for sign, w in terms if sign in ("-", "−")]
    if len(plus) != 2 or len(minus) != 1:
        raise ValueError(f"Write the arithmetic as b − a + c (e.g. 'king - man + woman'): two words added and one "
                         f"subtracted; got {len(plus)} added ({', '.join(plus) or 'none'}) and {len(minus)} "
                         f"subtracted ({', '.join(minus) or 'none'}).")
    return [minus[0], plus[0], plus[1]]


def word_index(kv, word: str, restrict_vocab: int | None = None) -> int:
    """Row of ``word`` (tried as typed, then lower-cased) or UnknownWordError with close matches."""
    limit = len(kv.index_to_key) if restrict_vocab is None else min(restrict_vocab, len(kv.index_to_key))
    for candidate in (word, word.lower()):
        i = kv.key_to_index.get(candidate)
        if i is not None and i < limit:
            return i
    pool = kv.index_to_key[:min(limit, 50_000)]  # difflib over 400k words would take seconds
    return_err = UnknownWordError(word, close_matches(word.lower(), pool, n=5))
    raise return_err


def word_indices(kv, words: Iterable[str], restrict_vocab: int | None = None) -> list[int]:
    """Rows of several words; one error naming *every* unknown word with its close matches."""
    rows, errors = [], []
    for w in words:
        try:
            rows.append(word_index(kv, w, restrict_vocab))
        except UnknownWordError as err:
            errors.append(err)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        first = errors[0]
        combined = UnknownWordError(first.word, first.suggestions)
        combined.args = (" ".join(str(e) for e in errors),)
        combined.words = [e.word for e in errors]
        raise combined
    return rows


# ---- scoring ------------------------------------------------------------------------------------

def offset_queries(unit: np.ndarray, ia, ib, ic) -> np.ndarray:
    """Unit-length ``b − a + c`` for each question (float32, computed as gensim does)."""
    ua, ub, uc = unit[np.asarray(ia)], unit[np.asarray(ib)], unit[np.asarray(ic)]
    mean = ((ub + uc) + (-1.0 * ua).astype(np.float32)) / np.float32(3.0)
    norms = np.linalg.norm(mean, axis=-1, keepdims=True)
    return (mean / np.where(norms > 0, norms, 1)).astype(np.float32)


def _scores_block(unit, candidates, ia, ib, ic, method: str, eps: float) -> np.ndarray:
    """Scores of every candidate row (columns) for a block of questions (rows): a q × V array."""
    if method == "3cosadd":
        return offset_queries(unit, ia, ib, ic) @ candidates.T
    if method == "3cosmul":
        shifted = [(unit[np.asarray(i)] @ candidates.T + 1) * 0.5 for i in (ia, ib, ic)]
        sa, sb, sc = shifted
        sb *= sc
        sa += eps
        sb /= sa
        return sb
    if method == "nearest-c":
        return unit[np.asarray(ic)] @ candidates.T
    raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")


def top_candidates(kv, ia, ib, ic, *, topn: int = 5, method: str = "3cosadd", restrict_vocab: int | None = None,
                   exclude: bool = True, eps: float = COSMUL_EPS, block_size: int | None = None):
    """Batched ``a : b :: c : ?``: the ``topn`` best rows and their scores for every question.

    ``ia, ib, ic`` are row indices (arrays of equal length). Candidates are the first
    ``restrict_vocab`` rows; with ``exclude`` the rows of a, b and c are never returned.
    Questions are scored in blocks (one matrix product each) so that memory stays near 128 MB."""
    import torch

    method = method.lower()
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    ia, ib, ic = (np.atleast_1d(np.asarray(x, dtype=np.int64)) for x in (ia, ib, ic))
    unit_all = unit_vectors(kv)
    n_rows = len(unit_all) if restrict_vocab is None else min(restrict_vocab, len(unit_all))
    unit = unit_all[:n_rows]
    k = min(topn, n_rows)
    block = block_size or max(1, int(32_000_000 // max(n_rows, 1)) // (3 if method == "3cosmul" else 1))
    top_idx = np.empty((len(ia), k), dtype=np.int64)
    top_val = np.empty((len(ia), k), dtype=np.float32)
    for start in range(0, len(ia), block):
        sl = slice(start, start + block)
        a, b, c = ia[sl], ib[sl], ic[sl]
        scores = _scores_block(unit_all, unit, a, b, c, method, eps)
        if exclude:
            rows = np.repeat(np.arange(len(a)), 3)
            cols = np.stack([a, b, c], axis=1).ravel()
            inside = cols < n_rows
            scores[rows[inside], cols[inside]] = -np.inf
        values, indices = torch.topk(torch.from_numpy(scores), k, dim=1)  # much faster than argpartition
        top_idx[sl], top_val[sl] = indices.numpy(), values.numpy()
    return top_idx, top_val


def solve(kv, a: str, b: str, c: str, *, topn: int = 5, method: str = "3cosadd",
          restrict_vocab: int | None = None, exclude: bool = True, eps: float = COSMUL_EPS) -> list[tuple[str, float]]:
    """``a : b :: c : ?`` → the ``topn`` answers with their scores (cosines for 3CosAdd).

    Unknown words raise UnknownWordError naming them with close matches."""
    a, b, c = parse_query([a, b, c])
    ia, ib, ic = word_indices(kv, (a, b, c), restrict_vocab)
    idx, val = top_candidates(kv, [ia], [ib], [ic], topn=topn, method=method, restrict_vocab=restrict_vocab,
                              exclude=exclude, eps=eps)
    return [(kv.index_to_key[i], float(v)) for i, v in zip(idx[0], val[0])]


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
    from .data.evalsets import google_analogies

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


# ---- bias probe -----------------------------------------------------------------------------------

def both_ways(kv, words: Sequence[str], pair: tuple[str, str] = ("man", "woman"), *, topn: int = 1,
              restrict_vocab: int | None = None, exclude: bool = True):
    """For each word w: ``x : w :: y : ?`` and ``y : w :: x : ?`` for the pair (x, y), batched.

    Returns a DataFrame with the two answers and their cosines; words the model does not know
    are left out (listed in ``df.attrs['unknown']``)."""
    import pandas as pd

    x, y = pair
    ix, iy = word_indices(kv, (x, y), restrict_vocab)
    known, unknown, rows = [], [], []
    for w in words:
        try:
            rows.append(word_index(kv, w, restrict_vocab))
            known.append(w)
        except UnknownWordError:
            unknown.append(w)
    if not rows:
        raise ValueError("None of the words is in the vocabulary.")
    r = np.asarray(rows)
    n = len(r)
    fwd_i, fwd_v = top_candidates(kv, np.full(n, ix), r, np.full(n, iy), topn=topn, restrict_vocab=restrict_vocab,
                                  exclude=exclude)
    back_i, back_v = top_candidates(kv, np.full(n, iy), r, np.full(n, ix), topn=topn,
                                    restrict_vocab=restrict_vocab, exclude=exclude)
    keys = kv.index_to_key
    df = pd.DataFrame({
        "word": known,
        f"{x} : w :: {y} : ?": [", ".join(keys[i] for i in row) for row in fwd_i],
        "cos →": np.round(fwd_v[:, 0], 3),
        f"{y} : w :: {x} : ?": [", ".join(keys[i] for i in row) for row in back_i],
        "cos ←": np.round(back_v[:, 0], 3),
    })
    df.attrs["unknown"] = unknown
    return df


def direction_projection(kv, words: Sequence[str], pair: tuple[str, str] = ("he", "she"),
                         restrict_vocab: int | None = None) -> tuple[list[str], np.ndarray]:
    """Cosine of each known word with the direction ``v(y) − v(x)`` (unit vectors), e.g. he → she."""
    unit = unit_vectors(kv)
    ix, iy = word_indices(kv, pair, restrict_vocab)
    direction = unit[iy] - unit[ix]
    direction = direction / np.linalg.norm(direction)
    known, rows = [], []
    for w in words:
        try:
            rows.append(word_index(kv, w, restrict_vocab))
            known.append(w)
        except UnknownWordError:
            pass
    return known, unit[rows] @ direction


# ---- geometry for the picture ---------------------------------------------------------------------

def parallelogram_plane(kv, a: str, b: str, c: str, extra: Sequence[str] = ()) -> dict:
    """2-D coordinates of a, b, c, the offset point b − a + c and ``extra`` words, in the plane
    through the unit vectors of a, b, c (so the parallelogram a, b, b − a + c, c is drawn exactly).

    The first axis follows b − a; ``off_plane`` is each extra word's distance from that plane."""
    unit = unit_vectors(kv)
    ia, ib, ic = word_indices(kv, (a, b, c))
    va, vb, vc = unit[ia].astype(np.float64), unit[ib].astype(np.float64), unit[ic].astype(np.float64)
    e1 = vb - va
    n1 = np.linalg.norm(e1)
    e1 = e1 / n1 if n1 > 0 else np.eye(len(va))[0]
    e2 = (vc - va) - ((vc - va) @ e1) * e1
    n2 = np.linalg.norm(e2)
    e2 = e2 / n2 if n2 > 1e-12 else np.eye(len(va))[1]
    basis = np.stack([e1, e2])

    def project(v):
        return basis @ (v - va)

    points = {"a": project(va), "b": project(vb), "c": project(vc), "offset": project(vb - va + vc)}
    extra_xy, off = [], []
    for w in extra:
        v = unit[word_index(kv, w)].astype(np.float64)
        p = project(v)
        extra_xy.append(p)
        off.append(float(np.linalg.norm((v - va) - basis.T @ p)))
    return {"words": (a, b, c), "points": points, "extra": list(extra), "extra_xy": np.array(extra_xy).reshape(-1, 2),
            "off_plane": np.array(off)}
