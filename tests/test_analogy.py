"""course_lib.analogy: parity with gensim's evaluators and solvers, bad input, geometry."""
import numpy as np
import pytest
from gensim.models import KeyedVectors

from course_lib import analogy, models
from course_lib.data.evalsets import gensim_datapath, google_analogies, simlex999, wordsim353
from course_lib.text import UnknownWordError
from course_lib.viz.analogy_plane import parallelogram_plane


@pytest.fixture(scope="module")
def glove():
    return models.load_glove(limit=30_000)


@pytest.fixture(scope="module")
def sample_questions():
    return analogy.questions_sample(google_analogies(), 60, seed=1)


@pytest.mark.parametrize("restrict", [20_000, 5_000])
def test_analogy_counts_equal_gensim_per_section(glove, sample_questions, tmp_path, restrict):
    path = analogy.write_questions(sample_questions, tmp_path / "questions.txt")
    _, gensim_sections = glove.evaluate_word_analogies(path, restrict_vocab=restrict)
    ours = analogy.evaluate_analogies(glove, sample_questions, restrict_vocab=restrict)
    assert ours.counts() == analogy.counts_from_gensim(gensim_sections)
    assert ours.total > 100 and ours.skipped > 0  # the restriction really skipped questions
    assert 0.2 < ours.accuracy < 0.9


def _mixed_case_vectors(seed=0):
    """Random vectors with case variants (King/king) and questions that are partly solvable."""
    rng = np.random.default_rng(seed)
    base = [f"w{i}" for i in range(120)]
    words = base[:40] + ["King", "king", "Queen", "queen", "man", "Man", "woman", "PARIS", "Paris", "france"] + base[40:]
    vectors = rng.normal(size=(len(words), 16)).astype(np.float32)
    kv = KeyedVectors(16)
    kv.add_vectors(words, vectors)
    questions = {"capitals": [], "gram-mixed": []}
    for i in range(0, 60, 3):
        a, b, c = base[i], base[i + 1], base[i + 2]
        # plant the answer d ≈ b − a + c for some questions
        d = base[60 + i // 3]
        if i % 2 == 0:
            kv.vectors[kv.key_to_index[d]] = kv.vectors[kv.key_to_index[b]] - kv.vectors[kv.key_to_index[a]] \
                + kv.vectors[kv.key_to_index[c]] + 0.1 * rng.normal(size=16)
        questions["capitals" if i < 30 else "gram-mixed"].append((a, b, c, d))
    questions["capitals"] += [("man", "king", "woman", "queen"), ("MAN", "KING", "WOMAN", "QUEEN"),
                              ("man", "king", "man", "king"),           # the expected word is a query word
                              ("paris", "france", "unknownword", "x")]  # skipped: out of vocabulary
    kv.fill_norms(force=True)
    return kv, questions


@pytest.mark.parametrize("case_insensitive", [True, False])
def test_case_variants_and_edge_questions_match_gensim(tmp_path, case_insensitive):
    kv, questions = _mixed_case_vectors()
    path = analogy.write_questions(questions, tmp_path / "q.txt")
    _, gensim_sections = kv.evaluate_word_analogies(path, restrict_vocab=100, case_insensitive=case_insensitive)
    ours = analogy.evaluate_analogies(kv, questions, restrict_vocab=100, case_insensitive=case_insensitive)
    assert ours.counts() == analogy.counts_from_gensim(gensim_sections)
    assert ours.correct > 0


@pytest.mark.parametrize("name, pairs", [("wordsim353.tsv", wordsim353), ("simlex999.txt", simlex999)])
@pytest.mark.parametrize("restrict", [30_000, 3_000])
def test_word_pairs_equal_gensim(glove, name, pairs, restrict):
    pearson, spearman, oov_ratio = glove.evaluate_word_pairs(str(gensim_datapath(name)), restrict_vocab=restrict)
    ours = analogy.evaluate_word_pairs(glove, pairs(), restrict_vocab=restrict)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-12)
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert 100 * ours.oov_ratio == pytest.approx(oov_ratio)


@pytest.mark.parametrize("query", [("man", "king", "woman"), ("france", "paris", "italy"), ("slow", "slower", "fast"),
                                   ("walk", "walked", "swim")])
def test_solve_matches_gensim_most_similar(glove, query):
    a, b, c = query
    ours = analogy.solve(glove, a, b, c, topn=5)
    theirs = glove.most_similar(positive=[b, c], negative=[a], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    assert not {a, b, c} & {w for w, _ in ours}


def test_king_queen_and_exclusion(glove):
    assert analogy.solve(glove, "man", "king", "woman", topn=1)[0][0] == "queen"
    unrestricted = [w for w, _ in analogy.solve(glove, "man", "king", "woman", topn=3, exclude=False)]
    assert "king" in unrestricted  # without the exclusion the input word comes back


def test_cosmul_matches_gensim(glove):
    for a, b, c in [("man", "king", "woman"), ("germany", "berlin", "japan"), ("good", "better", "bad")]:
        ours = analogy.solve(glove, a, b, c, topn=5, method="3cosmul", eps=1e-6)
        theirs = glove.most_similar_cosmul(positive=[b, c], negative=[a], topn=5)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-4)


def test_blocks_do_not_change_results(glove):
    rng = np.random.default_rng(0)
    ia, ib, ic = (rng.integers(0, 5000, size=50) for _ in range(3))
    for method in analogy.METHODS:
        i1, v1 = analogy.top_candidates(glove, ia, ib, ic, method=method, restrict_vocab=8000)
        i2, v2 = analogy.top_candidates(glove, ia, ib, ic, method=method, restrict_vocab=8000, block_size=7)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(v1, v2, rtol=1e-6)
        assert (i1 < 8000).all()
        assert not (i1 == ia[:, None]).any() and not (i1 == ib[:, None]).any() and not (i1 == ic[:, None]).any()


def test_parse_query_explains_bad_input():
    assert analogy.parse_query("man : king :: woman") == ("man", "king", "woman")
    assert analogy.parse_query("man king woman") == ("man", "king", "woman")
    assert analogy.parse_query("king - man + woman") == ("man", "king", "woman")   # b − a + c
    assert analogy.parse_query("king + woman − man") == ("man", "king", "woman")
    with pytest.raises(ValueError, match="b − a \\+ c"):
        analogy.parse_query("king - man - woman")
    with pytest.raises(ValueError, match="three words.*only 2"):
        analogy.parse_query("man : king")
    with pytest.raises(ValueError, match="no words"):
        analogy.parse_query("   ")
    with pytest.raises(ValueError, match="man.*twice"):
        analogy.parse_query("man : king :: man")
    with pytest.raises(ValueError, match="exactly three"):
        analogy.parse_query("a b c d")


def test_unknown_words_named_with_close_matches(glove):
    with pytest.raises(UnknownWordError) as info:
        analogy.solve(glove, "man", "kign", "woman")
    assert "kign" in str(info.value) and "king" in str(info.value)
    with pytest.raises(UnknownWordError) as info:
        analogy.solve(glove, "man", "kign", "womn")
    assert "womn" in str(info.value) and "kign" in str(info.value) and "woman" in str(info.value)


def test_parallelogram_is_exact(glove):
    plane = parallelogram_plane(glove, "man", "king", "woman", extra=["queen"])
    p = plane["points"]
    np.testing.assert_allclose(p["offset"], p["b"] - p["a"] + p["c"], atol=1e-9)
    np.testing.assert_allclose(p["a"], [0, 0], atol=1e-12)
    unit = analogy.unit_vectors(glove)
    i = glove.key_to_index
    # distances in the plane are the true distances between the unit vectors
    assert np.linalg.norm(p["b"] - p["c"]) == pytest.approx(np.linalg.norm(unit[i["king"]] - unit[i["woman"]]), rel=1e-5)
    assert plane["off_plane"][0] > 0


def test_both_ways_table(glove):
    df = analogy.both_ways(glove, ["doctor", "nurse", "notaword123"], restrict_vocab=30_000)
    assert list(df["word"]) == ["doctor", "nurse"] and df.attrs["unknown"] == ["notaword123"]
    first = analogy.solve(glove, "man", "doctor", "woman", topn=1, restrict_vocab=30_000)[0][0]
    assert df.iloc[0, 1] == first


def test_labels_are_placed_where_they_cover_no_other():
    """Close points get another side or no label (hover only); far points keep the default spot."""
    from course_lib.viz.labels import place_labels

    fixed = [(0.0, 0.0, "answer: queen", "top center")]
    xy = [[0.0, -0.001], [0.0, 0.02], [5.0, 5.0]]
    places = place_labels(xy, ["elizabeth", "princess", "far"], fixed=fixed, all_points=[[-5, -5], [5, 5]],
                          plot_px=(500, 500))
    assert places[0] == "bottom center"           # below the point: the answer's label is above it
    assert places[1] is None                      # boxed in on every side: hover only
    assert places[2] == "top center"
    crowd = place_labels([[0, 0]] * 6, ["word"] * 6, all_points=[[-5, -5], [5, 5]])
    assert crowd[:2] == ["top center", "bottom center"] and crowd[-1] is None   # six labels on one spot: no room


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_solve_analogy_on_a_word_list_equals_solve(glove, method):
    """The one-question form notebook 03's exercise imitates gives solve's top answer."""
    words, vectors = glove.index_to_key[:20_000], glove.vectors[:20_000]
    for a, b, c in [("man", "king", "woman"), ("france", "paris", "italy"), ("good", "better", "bad")]:
        expected = analogy.solve(glove, a, b, c, topn=1, method=method, restrict_vocab=20_000)[0][0]
        assert analogy.solve_analogy(a, b, c, words, vectors, method=method) == expected
    with pytest.raises(UnknownWordError, match="kingg"):
        analogy.solve_analogy("man", "kingg", "woman", words, vectors)
