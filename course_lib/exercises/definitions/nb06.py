"""Notebook 06 — chunking, ranking metrics, retrieval over a FAISS index.

The functions below are the reference solutions, written the way a learner might write them.
The library's own versions (``course_lib.retrieval``) add input checks and friendlier errors.
"""
import math

import numpy as np

from ..core import Case, Exercise, Mismatch, assert_close, register


def chunk_tokens(tokens, size, overlap):
    """Split the list ``tokens`` into chunks (lists) of ``size`` tokens, where each chunk starts
    ``size - overlap`` tokens after the previous one, so that neighbours share ``overlap`` tokens.
    Stop after the first chunk that reaches the end of the list (it may be shorter than ``size``).
    An empty list gives no chunks."""
    step = size - overlap
    chunks = []
    start = 0
    while start < len(tokens):
        chunks.append(list(tokens[start:start + size]))
        if start + size >= len(tokens):
            break
        start += step
    return chunks


def recall_at_k(ranking, relevant, k):
    """The share of the ``relevant`` documents that appear in the first ``k`` of ``ranking``."""
    top = set(ranking[:k])
    return sum(1 for doc in set(relevant) if doc in top) / len(set(relevant))


def mrr_at_k(ranking, relevant, k):
    """1 / (rank of the first relevant document in the first ``k`` of ``ranking``), ranks from 1;
    0.0 when none is there. Averaged over queries, this is MRR@k."""
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranking, relevant, k):
    """nDCG@k with binary relevance: DCG = Σ 1/log2(rank + 1) over the relevant documents in the
    first ``k`` (ranks from 1), divided by the DCG of a perfect ranking, which puts
    min(len(relevant), k) relevant documents first."""
    relevant = set(relevant)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], start=1) if doc in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def retrieve(index, query_vector, k):
    """Search the FAISS ``index`` with one 1-D ``query_vector``; return ``(ids, scores)``: two 1-D
    NumPy arrays of the top ``k`` results, best first. FAISS wants a float32 matrix with one row per
    query, and ``k`` must not exceed ``index.ntotal`` (the number of vectors in the index)."""
    query = np.asarray(query_vector, dtype=np.float32).reshape(1, -1)
    k = min(k, index.ntotal)
    scores, ids = index.search(query, k)
    return ids[0], scores[0]


# ---- cases ----------------------------------------------------------------------------------------

def _chunk_cases():
    rng = np.random.default_rng(6)
    hidden = []
    for n, size, overlap in ((0, 5, 1), (1, 5, 2), (50, 7, 3), (64, 8, 0), (200, 16, 15), (33, 32, 31)):
        tokens = [f"t{i}" for i in rng.permutation(1000)[:n]]
        hidden.append(Case(args=(tokens, size, overlap), hidden=True))
    words = "the cat sat on the mat and looked at the dog".split()
    return [
        Case(args=(list("abcdefgh"), 3, 1), label="8 letters, size 3, overlap 1: the last chunk is shorter",
             expected=[list("abc"), list("cde"), list("efg"), list("gh")],
             hint="Each chunk starts size − overlap = 2 tokens after the previous one."),
        Case(args=(list("abcdefg"), 3, 1), label="7 letters: no chunk after the one that reaches the end",
             expected=[list("abc"), list("cde"), list("efg")],
             hint="Stop after the chunk that reaches the end: 'efg' already ends at 'g', so no chunk ['g'] follows."),
        Case(args=(words, 4, 0), label="no overlap", expected=[words[0:4], words[4:8], words[8:11]]),
        Case(args=(list("abc"), 5, 2), label="a text shorter than one chunk is one chunk", expected=[list("abc")],
             hint="Stop as soon as a chunk reaches the end of the list."),
        Case(args=([], 4, 1), label="no tokens → no chunks", expected=[]),
        Case(args=(list(range(10)), 4, 3), label="overlap 3 of 4: step 1",
             expected=[list(range(i, i + 4)) for i in range(7)],
             hint="Do not add a chunk that starts after the previous one already reached the end."),
        *hidden,
    ]


def _ranking_cases(k_values=(1, 3, 5, 10)):
    rng = np.random.default_rng(7)
    hidden = []
    for _ in range(8):
        n = int(rng.integers(5, 40))
        ranking = [int(x) for x in rng.permutation(60)[:n]]
        relevant = [int(x) for x in rng.choice(60, size=int(rng.integers(1, 6)), replace=False)]
        hidden.append(Case(args=(ranking, relevant, int(rng.choice(k_values))), hidden=True))
    return hidden


def _recall_cases():
    ranking = ["d3", "d1", "d7", "d2", "d9"]
    return [
        # Off-by-one slices first (neither changes these answers by dividing by k), then the division.
        Case(args=(ranking, ["d7"], 2), label="a relevant document at rank k + 1 does not count", expected=0.0,
             hint="Only the first k positions count: ranking[:k]."),
        Case(args=(ranking, ["d3"], 1), label="a relevant document at rank k counts", expected=1.0,
             hint="ranking[:k] keeps ranks 1 … k (positions 0 … k − 1)."),
        Case(args=(ranking, ["d1", "d2", "d4"], 2), label="one of three relevant in the top 2", expected=1 / 3,
             hint="Divide by the number of relevant documents, not by k."),
        Case(args=(ranking, ["d1", "d2", "d4"], 5), label="two of three in the top 5", expected=2 / 3,
             hint="Divide by the number of relevant documents, not by k."),
        Case(args=(ranking, ["d3"], 1), label="the only relevant document first", expected=1.0),
        Case(args=(ranking, ["d8"], 5), label="nothing relevant retrieved", expected=0.0),
        Case(args=(ranking, ["d9"], 50), label="k larger than the ranking", expected=1.0),
        *_ranking_cases(),
    ]


def _rr_cases():
    ranking = ["d3", "d1", "d7", "d2", "d9"]
    return [
        Case(args=(ranking, ["d1", "d2"], 10), label="first hit at rank 2", expected=0.5,
             hint="Ranks start at 1: the first position has reciprocal rank 1/1."),
        Case(args=(ranking, ["d3"], 10), label="first hit at rank 1", expected=1.0),
        Case(args=(ranking, ["d2"], 3), label="the hit is beyond k", expected=0.0,
             hint="Only the first k positions count."),
        Case(args=(ranking, ["d9", "d2"], 5), label="only the first hit counts", expected=0.25,
             hint="Return as soon as you meet the first relevant document; later hits do not count."),
        *_ranking_cases(),
    ]


def _ndcg_cases():
    ranking = ["d3", "d1", "d7", "d2", "d9"]
    l3, l5 = math.log2(3), math.log2(5)
    return [
        Case(args=(ranking, ["d3"], 5), label="the single relevant document first", expected=1.0,
             hint="Ranks start at 1: a hit at rank 1 earns 1/log2(1 + 1) = 1."),
        Case(args=(ranking, ["d1"], 5), label="the single relevant document second", expected=1 / l3,
             hint="A hit at rank r earns 1 / log2(r + 1); rank 2 earns 1/log2(3)."),
        Case(args=(ranking, ["d1", "d2", "d4"], 5), label="two hits, three relevant",
             expected=(1 / l3 + 1 / l5) / (1 + 1 / l3 + 0.5),
             hint="The ideal DCG puts min(len(relevant), k) hits at ranks 1, 2, 3, …"),
        Case(args=(ranking, ["d1", "d2", "d4"], 2), label="k = 2: the ideal has two hits",
             expected=(1 / l3) / (1 + 1 / l3),
             hint="With k = 2 a perfect ranking holds only two of the three relevant documents: "
                  "the ideal uses min(len(relevant), k) hits."),
        Case(args=(ranking, ["d8"], 5), label="nothing relevant retrieved", expected=0.0),
        *_ranking_cases(),
    ]


def _retrieve_cases():
    import faiss

    def flat(vectors):
        v = np.asarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(v.shape[1])
        index.add(v)
        return index

    small = flat([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0, 1]])
    rng = np.random.default_rng(8)
    big_vectors = rng.normal(size=(500, 32)).astype(np.float32)
    big_vectors /= np.linalg.norm(big_vectors, axis=1, keepdims=True)
    big = flat(big_vectors)
    hidden = [Case(args=(big, rng.normal(size=32), int(k)), hidden=True) for k in (1, 5, 10, 50)]
    hidden.append(Case(args=(big, list(rng.normal(size=32)), 3), hidden=True))
    return [
        Case(args=(small, np.array([1.0, 0.1, 0.0]), 2), label="top 2 of 4 vectors",
             expected=(np.array([0, 2]), np.array([1.0, 0.68], dtype=np.float32)),
             hint="index.search(query.reshape(1, -1).astype(np.float32), k) returns (scores, ids), each of shape (1, k)."),
        Case(args=(small, np.array([0.0, 0.0, 2.0]), 1), label="k = 1", expected=(np.array([3]), np.array([2.0]))),
        Case(args=(small, np.array([0.0, 1.0, 0.0]), 10), label="k larger than the index: return all 4",
             expected=(np.array([1, 2, 0, 3]), np.array([1.0, 0.8, 0.0, 0.0])),
             hint="Clamp k to index.ntotal first."),
        *hidden,
    ]


def _compare_retrieval(result, expected):
    if not isinstance(result, tuple) or len(result) != 2:
        raise AssertionError("return a tuple (ids, scores)")
    ids, scores = (np.asarray(x) for x in result)
    exp_ids, exp_scores = expected
    if ids.ndim != 1:
        raise Mismatch(f"ids should be a 1-D array, got shape {ids.shape}",
                       hint="search answers one row per query: return row 0, ids[0] and scores[0].")
    assert_close(scores.astype(float), np.asarray(exp_scores, dtype=float), rtol=1e-4, atol=1e-5)
    # ids must match where scores are not tied
    for i, (a, b) in enumerate(zip(ids.tolist(), np.asarray(exp_ids).tolist())):
        if a != b and not np.isclose(scores[i], exp_scores[i], atol=1e-6):
            raise AssertionError(f"id at position {i}: got {a}, expected {b}")
    if set(ids.tolist()) != set(np.asarray(exp_ids).tolist()):
        raise AssertionError(f"ids {ids.tolist()} expected {np.asarray(exp_ids).tolist()}")


register(Exercise(
    id="chunk_tokens", notebook="06", title="A chunker with overlap", reference=chunk_tokens, cases=_chunk_cases,
    hint="Windows start at 0, size − overlap, 2·(size − overlap), …; stop after the window that reaches the end.",
    returns=list,
))
register(Exercise(
    id="recall_at_k", notebook="06", title="Recall@k", reference=recall_at_k, cases=_recall_cases,
    hint="|relevant ∩ top k| / |relevant|.", returns=(float, int, np.floating),
))
register(Exercise(
    id="mrr_at_k", notebook="06", title="Reciprocal rank (MRR@k for one query)", reference=mrr_at_k,
    cases=_rr_cases, hint="Walk down the first k results; return 1/rank at the first relevant one.",
    returns=(float, int, np.floating),
))
register(Exercise(
    id="ndcg_at_k", notebook="06", title="nDCG@k", reference=ndcg_at_k, cases=_ndcg_cases,
    hint="DCG of your ranking divided by the DCG of a perfect one; both use 1/log2(rank + 1).",
    returns=(float, int, np.floating),
))
register(Exercise(
    id="retrieve", notebook="06", title="Retrieve from a FAISS index", reference=retrieve,
    cases=_retrieve_cases, compare=_compare_retrieval,
    hint="Reshape the query to (1, d) float32, clamp k to index.ntotal, and take row 0 of what search returns.",
))
