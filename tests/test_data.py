import numpy as np

from course_lib import data
from course_lib.text import UnknownWordError, Vocab, tokenize


def test_google_analogies_by_section():
    sections = data.google_analogies()
    assert len(sections) == 14
    assert sum(map(len, sections.values())) == 19544
    assert sections["capital-common-countries"][0] == ("Athens", "Greece", "Baghdad", "Iraq")
    assert sum(data.is_syntactic(s) for s in sections) == 9


def test_word_similarity_sets():
    ws, sl = data.wordsim353(), data.simlex999()
    assert len(ws) == 353 and len(sl) == 999
    assert ws[0] == ("love", "sex", 6.77)
    assert ("smart", "intelligent", 9.2) in sl


def test_lee_corpus_is_read_as_latin1_with_its_similarity_matrix():
    docs, sims = data.lee_documents()
    assert len(docs) == 50 and sims.shape == (50, 50)
    assert np.allclose(np.diag(sims), 1.0)
    assert len(data.lee_background()) == 300


def test_wikipedia_summaries():
    df = data.load_articles()
    assert len(df) == 10033
    assert list(df.columns) == ["doc_id", "title", "description", "topic", "text"]
    tomato = df[df.title == "Tomato"].iloc[0]
    assert tomato.description == "Edible berry"
    assert df.topic.nunique() == 12


def test_splits_are_disjoint_by_description_and_cover_every_described_article():
    df = data.load_articles()
    seen = {}
    for split in ("train", "dev", "test"):
        for q in data.retrieval_queries(split):
            key = q.query.casefold()
            assert key not in seen, f"{q.query!r} in {seen.get(key)} and {split}"
            seen[key] = split
            assert all(df.description[d].casefold() == key for d in q.relevant)
    described = int((df.description != "").sum())
    assert sum(len(q.relevant) for s in ("train", "dev", "test") for q in data.retrieval_queries(s)) == described
    test = data.retrieval_queries("test")
    assert 0.07 < len(test) / len(seen) < 0.13
    assert data.retrieval_queries("test") == test  # deterministic


def test_shared_descriptions_become_one_query_with_all_articles():
    birds = [q for s in ("train", "dev", "test") for q in data.retrieval_queries(s) if q.query == "Family of birds"]
    assert len(birds) == 1 and len(birds[0].relevant) >= 30


def test_word2vec_corpus_is_big_enough_and_prefixes_are_samples():
    stats = data.corpus_stats()
    assert sum(s["tokens"] for s in stats.values()) >= 2_000_000
    assert set(stats) == {"wikipedia_summaries", "bbc_news", "kjv_bible", "lee_background"}
    small = data.load_sentences(max_tokens=50_000)
    assert 50_000 <= sum(map(len, small)) < 52_000


def test_tokenize_and_vocab():
    assert tokenize("Don’t panic: 42 towels!") == ["don't", "panic", "42", "towels"]
    v = Vocab.build([["a", "b", "a"], ["c", "a", "b"]], min_count=2)
    assert v.words == ["a", "b"] and v.counts.tolist() == [3, 2]
    assert v.encode(["a", "c", "b"]).tolist() == [0, 1]
    try:
        Vocab.build([["kingdom", "king"]], min_count=1).id("kingg")
    except UnknownWordError as e:
        assert "king" in str(e) and e.suggestions
    else:
        raise AssertionError("no error")
