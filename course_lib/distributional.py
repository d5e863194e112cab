"""Count-based word vectors: co-occurrence counts → PPMI → truncated SVD.

The distributional hypothesis (Harris 1954, "Distributional Structure"; Firth 1957, "A synopsis
of linguistic theory 1930–1955": "you shall know a word by the company it keeps") says that words
used in similar contexts have similar meanings. This module turns it into vectors:

1. :func:`cooccurrence_matrix` counts how often word ``c`` appears within ``window`` tokens of
   word ``w`` (a sparse, symmetric ``V × V`` scipy matrix).
2. :func:`ppmi` re-weights the counts by positive pointwise mutual information
   (Church & Hanks 1990; Bullinaria & Levy 2007), with optional context-distribution smoothing
   (Levy, Goldberg & Dagan 2015, "Improving distributional similarity with lessons learned from
   word embeddings").
3. :func:`truncated_svd` keeps the top ``d`` singular directions (as in latent semantic analysis,
   Deerwester et al. 1990): word ``i``'s dense vector is row ``i`` of ``U_d Σ_d^p``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from .text import Vocab
from .vectors import WordVectors, check_k


def cooccurrence_matrix(sentences: Iterable[Sequence[str]], vocab: Vocab, window: int = 2) -> sp.csr_matrix:
    """Symmetric window counts: ``C[w, c]`` = how often ``c`` occurs within ``window`` tokens of ``w``.

    Distances are measured in the original sentence (words outside the vocabulary still take up
    a position but are not counted); windows never cross a sentence boundary. Every pair at
    distance 1..window is counted once in each direction, so ``C`` is symmetric and the sum of
    row ``w`` is the number of context slots around all occurrences of ``w``."""
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be a whole number ≥ 1, got {window!r}.")
    ids, sentence_of = [], []
    for s, sentence in enumerate(sentences):
        ids.extend(vocab.index.get(t, -1) for t in sentence)
        sentence_of.extend([s] * len(sentence))
    ids = np.asarray(ids, dtype=np.int64)
    sentence_of = np.asarray(sentence_of, dtype=np.int64)
    rows, cols = [], []
    for d in range(1, window + 1):
        left, right = ids[:-d], ids[d:]
        keep = (sentence_of[:-d] == sentence_of[d:]) & (left >= 0) & (right >= 0)
        rows += [left[keep], right[keep]]
        cols += [right[keep], left[keep]]
    n = len(vocab)
    if rows:
        rows, cols = np.concatenate(rows), np.concatenate(cols)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
    matrix = sp.coo_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, n)).tocsr()
    matrix.sum_duplicates()
    return matrix


def ppmi(counts, alpha: float = 1.0) -> sp.csr_matrix:
    """Positive pointwise mutual information of a (word × context) count matrix.

    PMI(w, c) = log( P(w, c) / (P(w) · P_α(c)) ) with P(w, c) = C[w, c] / ΣC, P(w) = row sum / ΣC
    and P_α(c) = (column sum)^α / Σ (column sums)^α. PPMI = max(PMI, 0). Zero counts stay zero
    (their PMI is −∞), so the result is as sparse as the counts. ``alpha=0.75`` is the smoothing
    of Levy, Goldberg & Dagan (2015); ``alpha=1`` is plain PPMI."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}.")
    counts = sp.csr_matrix(counts, dtype=np.float64)
    if (counts.data < 0).any():
        raise ValueError("Counts cannot be negative.")
    counts.eliminate_zeros()
    total = counts.sum()
    if total == 0:
        return sp.csr_matrix(counts.shape, dtype=np.float64)
    p_word = np.asarray(counts.sum(axis=1)).ravel() / total
    col = np.asarray(counts.sum(axis=0)).ravel()
    p_context = col**alpha / (col**alpha).sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data / total) - np.log(p_word[coo.row]) - np.log(p_context[coo.col])
    keep = pmi > 0
    return sp.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=counts.shape)


def _fix_signs(u: np.ndarray, vt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SVD signs are arbitrary: flip each pair (u_k, v_k) so that u_k's largest |entry| is positive."""
    signs = np.sign(u[np.argmax(np.abs(u), axis=0), np.arange(u.shape[1])])
    signs[signs == 0] = 1.0
    return u * signs, vt * signs[:, None]


@dataclass
class SVDResult:
    u: np.ndarray       # V × d left singular vectors
    s: np.ndarray       # d singular values, largest first
    vt: np.ndarray      # d × V right singular vectors

    def vectors(self, dims: int | None = None, power: float = 1.0) -> np.ndarray:
        """Word vectors ``U_d Σ_d^power`` from the first ``dims`` directions (power 1: LSA; 0.5 or 0: Levy et al.)."""
        dims = self.s.size if dims is None else dims
        if not 1 <= dims <= self.s.size:
            raise ValueError(f"dims must be between 1 and {self.s.size}, got {dims}.")
        return self.u[:, :dims] * self.s[:dims] ** power

    def energy_kept(self, matrix_norm_sq: float, dims: int) -> float:
        """Share of ‖M‖²_F that the rank-``dims`` approximation keeps: Σ_{k≤d} σ_k² / ‖M‖²_F."""
        return float((self.s[:dims] ** 2).sum() / matrix_norm_sq)


def truncated_svd(matrix, dims: int, seed: int = 0, n_iter: int = 5) -> SVDResult:
    """The top ``dims`` singular triplets of a (sparse) matrix, largest first, signs fixed.

    Uses the randomized algorithm of Halko, Martinsson & Tropp (2011) through scikit-learn
    (the same routine as ``TruncatedSVD(algorithm="randomized")``); ``seed`` makes it repeatable."""
    from sklearn.utils.extmath import randomized_svd

    n = min(matrix.shape)
    if isinstance(dims, bool) or not isinstance(dims, (int, np.integer)) or not 1 <= dims <= n:
        raise ValueError(f"dims must be a whole number between 1 and {n}, got {dims!r}.")
    u, s, vt = randomized_svd(matrix, dims, n_iter=n_iter, random_state=seed)
    u, vt = _fix_signs(u, vt)
    return SVDResult(u, s, vt)


@dataclass
class CountModel:
    """Everything the co-occurrence → PPMI → SVD pipeline computed, for a notebook to inspect."""
    vocab: Vocab
    counts: sp.csr_matrix
    ppmi: sp.csr_matrix
    svd: SVDResult
    window: int
    alpha: float
    power: float

    def word_vectors(self, dims: int | None = None) -> WordVectors:
        return WordVectors(self.vocab.words, self.svd.vectors(dims, self.power))

    def ppmi_vectors(self) -> WordVectors:
        """The sparse PPMI rows as (dense) vectors: V-dimensional, before any projection."""
        return WordVectors(self.vocab.words, self.ppmi.toarray())


def count_model(sentences, vocab: Vocab, window: int = 2, dims: int = 100, alpha: float = 0.75,
                power: float = 0.5, seed: int = 0) -> CountModel:
    """Co-occurrence counts → PPMI → truncated SVD, in one call."""
    counts = cooccurrence_matrix(sentences, vocab, window)
    weights = ppmi(counts, alpha)
    svd = truncated_svd(weights, min(dims, len(vocab) - 1), seed=seed)
    return CountModel(vocab, counts, weights, svd, window, alpha, power)


def top_contexts(matrix, vocab: Vocab, word: str, k: int = 10) -> list[tuple[str, float]]:
    """The ``k`` largest entries of ``word``'s row of a word × context matrix, as (context, value)."""
    row = sp.csr_matrix(matrix)[vocab.id(word)]
    order = np.argsort(-row.data, kind="stable")[:k]
    return [(vocab.words[row.indices[j]], float(row.data[j])) for j in order]


def word_pair_spearman(vectors: WordVectors, pairs: Iterable[tuple[str, str, float]]) -> tuple[float, int, int]:
    """Spearman ρ between human ratings and cosine similarities, over the pairs whose both words are known.

    Returns ``(rho, pairs_used, pairs_total)``; words are lower-cased (as gensim's
    ``evaluate_word_pairs`` does). ρ is ``nan`` when fewer than 3 pairs are covered."""
    from scipy.stats import spearmanr

    pairs = list(pairs)
    human, model = [], []
    for a, b, score in pairs:
        a, b = a.lower(), b.lower()
        if a in vectors and b in vectors:
            human.append(score)
            model.append(vectors.similarity(a, b))
    rho = float(spearmanr(human, model).statistic) if len(human) >= 3 else float("nan")
    return rho, len(human), len(pairs)


def sparse_neighbours(matrix, vocab: Vocab, word: str, k: int = 10) -> list[tuple[str, float]]:
    """Nearest words by cosine between the rows of a sparse ``V × V`` matrix (counts or PPMI),
    without ever making it dense. Same ordering rules as ``similarity.top_k_neighbours``."""
    from sklearn.preprocessing import normalize

    unit = normalize(sp.csr_matrix(matrix, dtype=np.float64), norm="l2", axis=1)
    i = vocab.id(word)
    k = check_k(k, len(vocab) - 1)
    sims = np.clip(np.asarray((unit @ unit[i].T).todense()).ravel(), -1.0, 1.0)
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:k]
    return [(vocab.words[j], float(sims[j])) for j in order]


def reconstruct_row(svd: SVDResult, i: int, dims: int) -> np.ndarray:
    """Row ``i`` of the rank-``dims`` approximation ``U_d Σ_d V_dᵀ``: what the projection keeps of it."""
    if not 1 <= dims <= svd.s.size:
        raise ValueError(f"dims must be between 1 and {svd.s.size}, got {dims}.")
    return (svd.u[i, :dims] * svd.s[:dims]) @ svd.vt[:dims]
