"""The RAG evaluation set: every listed article exists and its summary contains the answer."""
from collections import Counter

from course_lib.data import load_articles
from course_lib.retrieval.eval_set import eval_collection, load_eval_questions


def test_every_title_exists_and_its_summary_contains_the_answer():
    df = load_articles().set_index("title")
    questions = load_eval_questions()
    for q in questions:
        assert q.titles and len(q.titles) == len(q.doc_ids), q.id
        for title, doc_id in zip(q.titles, q.doc_ids):
            assert title in df.index, f"{q.id}: no article titled {title!r}"
            assert int(df.loc[title, "doc_id"]) == doc_id, f"{q.id}: doc_id of {title!r}"
            assert q.answer.lower() in df.loc[title, "text"].lower(), f"{q.id}: {q.answer!r} not in {title!r}"
        assert q.topic == df.loc[q.titles[0], "topic"]


def test_size_coverage_and_mix():
    questions = load_eval_questions()
    assert len(questions) >= 60
    assert len({q.id for q in questions}) == len(questions)
    assert len({q.question for q in questions}) == len(questions)
    topics = Counter(q.topic for q in questions)
    assert set(topics) == set(load_articles()["topic"]), "all 12 topics are covered"
    styles = Counter(q.style for q in questions)
    assert set(styles) == {"keyword", "paraphrase"} and styles["paraphrase"] >= 20


def test_sub_collection_holds_every_answer_article():
    questions = load_eval_questions()
    ids = set(eval_collection(questions, n_distractors=50).tolist())
    assert {d for q in questions for d in q.doc_ids} <= ids
    assert len(ids) == len({d for q in questions for d in q.doc_ids}) + 50
