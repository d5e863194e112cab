"""Notebook 06's library: chunking invariants, FAISS vs NumPy, RRF, answers, the pipeline's bad input."""
import numpy as np
import pytest

from course_lib.retrieval import indexes
from course_lib.retrieval.answer import Passage, answer, build_prompt, cited_numbers, extractive_answer
from course_lib.retrieval.chunking import (chunk_collection, chunk_text, chunk_tokens, n_chunks, sentence_spans,
                                           split_sentences)
from course_lib.retrieval.hybrid import reciprocal_rank_fusion
from course_lib.vectors import exact_search
from test_retrieval_fakes import ARTICLES, tiny_pipeline


# ---- chunking ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("n,size,overlap", [(0, 4, 1), (1, 4, 1), (4, 4, 0), (5, 4, 0), (10, 4, 1),
                                            (10, 4, 3), (37, 8, 2), (100, 16, 8), (17, 1, 0)])
def test_chunk_tokens_overlap_and_coverage(n, size, overlap):
    tokens = list(range(n))
    chunks = chunk_tokens(tokens, size, overlap)
    assert len(chunks) == n_chunks(n, size, overlap)
    assert all(1 <= len(c) <= size for c in chunks)
    assert sorted(set(t for c in chunks for t in c)) == tokens             # every token covered
    for a, b in zip(chunks, chunks[1:]):
        assert a[-overlap:] == b[:overlap] if overlap else a[-1] + 1 == b[0]   # exactly `overlap` shared
        assert len(a) == size                                              # only the last may be short
    if chunks:
        assert chunks[0][0] == 0 and chunks[-1][-1] == n - 1


def test_chunk_tokens_by_hand_and_errors():
    assert chunk_tokens("abcdefg", 3, 1) == [list("abc"), list("cde"), list("efg")]
    assert chunk_tokens("abcdefgh", 3, 1) == [list("abc"), list("cde"), list("efg"), list("gh")]
    for size, overlap in ((0, 0), (3, 3), (3, -1)):
        with pytest.raises(ValueError):
            chunk_tokens("abc", size, overlap)


def test_chunks_are_substrings_with_metadata():
    chunks = chunk_collection(ARTICLES, size=8, overlap=2, tokenizer="words")
    for row in chunks.itertuples():
        doc = ARTICLES.set_index("doc_id").loc[row.doc_id]
        assert doc.text[row.start:row.end] == row.text
        assert row.title == doc.title and row.topic == doc.topic
        assert row.n_tokens <= 8
    assert list(chunks["chunk_id"]) == list(range(len(chunks)))


def test_minilm_token_chunks_respect_the_budget():
    text = ARTICLES.text[0] * 3
    chunks = chunk_text(text, size=20, overlap=5)
    from course_lib.retrieval.chunking import minilm_spans

    assert all(len(minilm_spans(c["text"])) <= 20 for c in chunks)
    assert chunks[0]["start"] == 0 and chunks[-1]["end"] == len(text.rstrip())


def test_sentence_chunking():
    text = ARTICLES.text[0]
    assert split_sentences(text) == ["Mars is the fourth planet from the Sun.",
                                     "It is known as the Red Planet for its orange-red colour.",
                                     "Its thin atmosphere is mostly carbon dioxide."]
    assert len(sentence_spans("Built c. 2500 BCE, it grew.")) == 1
    one_each = chunk_text(text, size=12, method="sentences", tokenizer="words")
    assert [c["text"] for c in one_each] == split_sentences(text)
    packed = chunk_text(text, size=30, method="sentences", tokenizer="words")
    assert len(packed) == 1 and packed[0]["text"] == text
    with_overlap = chunk_text(text, size=20, overlap=1, method="sentences", tokenizer="words")
    assert with_overlap[1]["text"].startswith("It is known")          # the 2nd sentence is repeated
    assert with_overlap[0]["text"].endswith("colour.")


# ---- indexes -----------------------------------------------------------------------------------------

def _unit(n, d, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_faiss_flat_equals_numpy_exact_search():
    v, q = _unit(300, 24), _unit(20, 24, seed=1)
    scores, ids = indexes.search(indexes.build_flat(v), q, 10)
    s_np, i_np = exact_search(q, v, 10)
    np.testing.assert_array_equal(ids, i_np)
    np.testing.assert_allclose(scores, s_np, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores, np.sort(q @ v.T, axis=1)[:, ::-1][:, :10], rtol=1e-5, atol=1e-6)


def test_approximate_indexes_reach_exact_with_enough_search():
    v, q = _unit(800, 16), _unit(40, 16, seed=2)
    _, exact = exact_search(q, v, 10)
    ivf = indexes.build_ivf(v, nlist=16)
    _, ids = indexes.search(ivf, q, 10, nprobe=16)                 # all cells visited: exact
    assert indexes.recall_at_k_vs_exact(ids, exact) == 1.0
    _, ids1 = indexes.search(ivf, q, 10, nprobe=1)
    assert indexes.recall_at_k_vs_exact(ids1, exact) < 1.0
    hnsw = indexes.build_hnsw(v, M=16)
    _, ids = indexes.search(hnsw, q, 10, ef_search=256)
    assert indexes.recall_at_k_vs_exact(ids, exact) >= 0.99


def test_retrieve_and_search_errors():
    v = _unit(5, 8)
    ids, scores = indexes.retrieve(indexes.build_flat(v), v[3], k=10)    # k clamped to 5
    assert ids[0] == 3 and len(ids) == 5 and scores[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="k must be"):
        indexes.search(indexes.build_flat(v), v, 0)
    with pytest.raises(ValueError, match="nprobe"):
        indexes.search(indexes.build_flat(v), v, 1, nprobe=2)


def test_recall_vs_exact_by_hand():
    assert indexes.recall_at_k_vs_exact([[1, 2, 3]], [[3, 2, 9]], k=3) == pytest.approx(2 / 3)


# ---- fusion ------------------------------------------------------------------------------------------

def test_rrf_hand_example():
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["d"] == pytest.approx(1 / 63)
    order = [d for d, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]], k=60)]
    assert order == ["a", "c", "b", "d"]
    assert [d for d, _ in reciprocal_rank_fusion([["x", "y"], ["y", "x"]], k=0)] == ["x", "y"]   # tie: first met
    assert reciprocal_rank_fusion([["a"]], k=1, top=1) == [("a", 0.5)]


# ---- answers -----------------------------------------------------------------------------------------

PASSAGES = [Passage(0, 2, "Tomato", ARTICLES.text[2]), Passage(1, 0, "Mars", ARTICLES.text[0]),
            Passage(2, 4, "Lake Baikal", ARTICLES.text[4])]


def test_prompt_numbers_passages():
    prompt = build_prompt("  Which planet is red? ", PASSAGES)
    assert "[1] Tomato: The tomato" in prompt and "[2] Mars: Mars is" in prompt and "[3] Lake Baikal:" in prompt
    assert prompt.rstrip().endswith("Question: Which planet is red?\nAnswer:")


def test_extractive_answer_cites_the_right_passage():
    a = extractive_answer("Which planet is called the Red Planet?", PASSAGES, max_sentences=1)
    assert a.citations == [(2, "Mars")]
    assert a.text == "It is known as the Red Planet for its orange-red colour. [2: Mars]"
    b = extractive_answer("What is the deepest lake in the world?", PASSAGES, max_sentences=1)
    assert b.citations == [(3, "Lake Baikal")] and "deepest lake" in b.text
    assert extractive_answer("anything", []).citations == []


def test_generator_hook_receives_the_prompt():
    seen = []

    def generator(prompt):
        seen.append(prompt)
        return "Mars is the Red Planet [2]."

    a = answer("Which planet is red?", PASSAGES, generator=generator)
    assert seen == [build_prompt("Which planet is red?", PASSAGES)]
    assert a.method == "generator" and a.text == "Mars is the Red Planet [2]." and a.citations == [(2, "Mars")]

    def broken(prompt):
        raise RuntimeError("no GPU")

    b = answer("Which planet is red?", PASSAGES, generator=broken)
    assert b.method == "extractive" and "RuntimeError" in b.note
    assert cited_numbers("see [1, 3] and [7] and [3]", 3) == [1, 3]


# ---- the pipeline --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipe():
    return tiny_pipeline()


def test_pipeline_methods_find_the_article(pipe):
    for method in ("bm25", "dense", "hybrid", "dense+rerank", "hybrid+rerank"):
        r = pipe.retrieve("deepest lake in the world", k=3, method=method)
        assert r.passages[0].title == "Lake Baikal", method
        assert r.notes == []
    result = pipe.run("Which planet is known as the Red Planet?", k=3, method="hybrid+rerank")
    assert result.retrieval.passages[0].title == "Mars"
    assert any(t == "Mars" for _, t in result.answer.citations)
    assert {"embed query", "dense search", "bm25 search", "fusion", "re-rank", "prompt", "answer"} <= set(result.timings)


def test_pipeline_bad_input(pipe):
    for q in ("", "   \n\t"):
        with pytest.raises(ValueError, match="empty"):
            pipe.retrieve(q)
    with pytest.raises(ValueError, match="at least 1"):
        pipe.retrieve("lake", k=0)
    with pytest.raises(ValueError, match="at least 1"):
        pipe.retrieve("lake", k=-3)
    with pytest.raises(ValueError, match="Unknown method"):
        pipe.retrieve("lake", method="magic")
    with pytest.raises(ValueError, match="Unknown model"):
        pipe.retrieve("lake", model="gpt")
    big = pipe.retrieve("lake", k=10_000, method="dense")
    assert len(big.passages) == pipe.size and "larger than the collection" in big.notes[0]
    nonsense = pipe.retrieve("xqzv blorptk", k=3, method="hybrid")
    assert any("None of the query's words" in n for n in nonsense.notes)
    assert pipe.retrieve("xqzv blorptk", k=3, method="bm25").passages == []
    foreign = pipe.retrieve("Какое озеро самое глубокое?", k=3)
    assert any("Latin alphabet" in n for n in foreign.notes)


def test_pipeline_without_reranker_says_so():
    p = tiny_pipeline(reranker=False)
    r = p.retrieve("deepest lake", k=2, method="hybrid+rerank")
    assert any("No cross-encoder" in n for n in r.notes)
    assert [x.chunk_id for x in r.passages] == [x.chunk_id for x in p.retrieve("deepest lake", k=2, method="hybrid").passages]


def test_evaluate_doc_rankings(pipe):
    from course_lib.retrieval.evaluate import evaluate_doc_rankings

    m = evaluate_doc_rankings([[4, 0, 1], [1, 0]], [[4], [0]])
    assert m["mrr@10"] == pytest.approx((1 + 0.5) / 2) and m["recall@1"] == 0.5
    ranks = pipe.doc_rankings(["deepest lake", "board game with 64 squares"], "hybrid")
    assert ranks[0][0] == 4 and ranks[1][0] == 3


def test_compare_rerankers_swaps_models_and_puts_the_pipeline_back():
    from course_lib.retrieval.eval_set import EvalQuestion
    from course_lib.retrieval.evaluate import compare_rerankers
    from test_retrieval_fakes import OverlapCrossEncoder

    class ContraryCrossEncoder(OverlapCrossEncoder):   # prefers the passages sharing the fewest words
        def predict(self, pairs, **kwargs):
            return -super().predict(pairs, **kwargs)

    p = tiny_pipeline()
    own = p.reranker
    questions = [EvalQuestion("a", "Which lake is the deepest lake in the world?", "Baikal", ("Lake Baikal",), (4,), "Geography", "keyword"),
                 EvalQuestion("b", "Which planet is known as the Red Planet?", "Mars", ("Mars",), (0,), "Physical sciences", "keyword")]
    table = compare_rerankers(p, {"overlap": own, "contrary": ContraryCrossEncoder()}, questions, ["deepest lake"])
    assert p.reranker is own
    assert table.loc["overlap", "nDCG@10 hybrid + re-rank"] == 1.0            # the word-overlap scorer finds both
    assert table.loc["contrary", "nDCG@10 hybrid + re-rank"] < 1.0            # its cached scores were not reused
    assert (table[["re-rank ms (median)", "query ms (median)"]] > 0).all().all()


def test_chunk_sweep_shows_ndcg_on_its_whole_range():
    """A 0.01 gap must look like one: nDCG's axis is [0, 1], sizes are labelled as swept."""
    import pandas as pd

    from course_lib.viz.retrieval import chunk_sweep

    table = pd.DataFrame({"method": ["bm25"] * 3, "size": [64, 128, 256], "ndcg@10": [0.99, 0.995, 1.0]})
    fig = chunk_sweep(table, "test")
    assert tuple(fig.layout.yaxis.range) == (0, 1.02)
    assert list(fig.layout.xaxis.tickvals) == [64, 128, 256]
