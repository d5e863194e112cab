"""The RAG evaluation set: every listed article exists and its summary holds the answer; the set is
big enough to split, split evenly into dev and test, mixes four styles, and rarely names the answer."""
import re
from collections import Counter
from types import SimpleNamespace

import pytest

from course_lib.data import load_articles
from course_lib.retrieval.eval_set import (HALVES, STYLES, EvalQuestion, assign_halves, eval_collection,
                                           load_eval_questions, style_counts, title_in_question,
                                           title_in_question_share)

# Function words only: a paraphrase may not share any other word with its answer article's title.
STOP_WORDS = frozenset("""
a an the of in on at to for from by with and or nor but as is are was were be been being am
what which who whom whose when where why how that this these those it its he she his her him they
their them we our you your i me my s do does did has have had not no can could would should may might
will shall about after before over under between during through into onto than then there here
one also most more many much some any all each other such same only own so very just up down out off
""".split())


def normalise(text: str) -> str:
    """Lower case, every run of whitespace (the summaries use non-breaking spaces) as one space."""
    return " ".join(text.lower().split())


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if w not in STOP_WORDS}


@pytest.fixture(scope="module")
def questions():
    return load_eval_questions()


@pytest.fixture(scope="module")
def articles():
    return load_articles().set_index("doc_id")


def test_every_article_exists_and_one_of_its_summaries_contains_the_answer(questions, articles):
    for q in questions:
        assert q.titles and len(q.titles) == len(q.doc_ids), q.id
        for title, doc_id in zip(q.titles, q.doc_ids):
            assert doc_id in articles.index, f"{q.id}: no article {doc_id}"
            assert articles.loc[doc_id, "title"] == title, f"{q.id}: doc_id {doc_id} is not {title!r}"
        texts = [normalise(articles.loc[d, "text"]) for d in q.doc_ids]
        assert any(normalise(q.answer) in t for t in texts), f"{q.id}: {q.answer!r} in none of {q.titles}"
        assert q.topic == articles.loc[q.doc_ids[0], "topic"], q.id


def test_size_ids_and_topics(questions):
    assert len(questions) >= 200
    assert len({q.id for q in questions}) == len(questions)
    assert len({q.question.lower() for q in questions}) == len(questions)
    assert all(re.fullmatch(r"q\d{3}", q.id) for q in questions)
    topics = Counter(q.topic for q in questions)
    assert set(topics) == set(load_articles()["topic"]), "all 12 topics are covered"
    assert min(topics.values()) >= 12, topics


def test_every_style_is_well_represented_in_both_halves(questions):
    assert {q.style for q in questions} == set(STYLES)
    counts = style_counts(questions)
    for style, by_half in counts.items():
        assert sum(by_half.values()) >= 20, (style, by_half)
        assert min(by_half.values()) >= 0.4 * sum(by_half.values()), (style, by_half)
    for q in questions:
        if q.style == "multi":
            assert len(set(q.doc_ids)) >= 2, f"{q.id}: a multi-article question lists one article"


def test_halves_are_the_seeded_assignment_and_split_evenly(questions):
    assert {q.half for q in questions} == set(HALVES)
    assert {q.id: q.half for q in questions} == assign_halves(questions), "rerun assign_halves after editing"
    test = load_eval_questions(half="test")
    dev = load_eval_questions(half="dev")
    assert len(test) >= 100 and len(dev) >= 100
    assert {q.id for q in test} | {q.id for q in dev} == {q.id for q in questions}
    assert not {q.id for q in test} & {q.id for q in dev}
    groups = Counter((q.style, q.topic, q.half) for q in questions)
    for style, topic in {(q.style, q.topic) for q in questions}:
        assert abs(groups[(style, topic, "dev")] - groups[(style, topic, "test")]) <= 1, (style, topic)
    for topic in {q.topic for q in questions}:
        n = Counter(q.half for q in questions if q.topic == topic)
        assert n["dev"] and n["test"] and abs(n["dev"] - n["test"]) <= 4, (topic, n)


def test_assign_halves_alternates_and_appending_moves_no_earlier_question():
    rows = [SimpleNamespace(id=f"q{i:03d}", style="keyword", topic="Arts") for i in range(1, 6)]
    first = assign_halves(rows)
    assert Counter(first.values()) in (Counter(dev=3, test=2), Counter(dev=2, test=3))
    assert [first[r.id] for r in rows][:2] in (["dev", "test"], ["test", "dev"])
    more = assign_halves(rows + [SimpleNamespace(id="q006", style="keyword", topic="Arts")])
    assert all(more[k] == v for k, v in first.items())
    assert assign_halves(rows, seed=0) == first


def test_load_filters_by_half_and_rejects_a_typo():
    assert load_eval_questions(half=None) == load_eval_questions()
    assert all(q.half == "dev" for q in load_eval_questions(half="dev"))
    with pytest.raises(ValueError, match="half"):
        load_eval_questions(half="train")


def test_few_questions_name_their_answer_article(questions):
    assert title_in_question_share(questions) <= 0.10


def test_title_in_question_matches_whole_phrases_in_any_case():
    def q(text, *titles):
        return EvalQuestion("x", text, "", titles, tuple(range(len(titles))), "", "keyword")
    assert title_in_question(q("Which planet is mars?", "Mars"))
    assert not title_in_question(q("Which marsh birds nest here?", "Mars"))
    assert title_in_question(q("Who wrote Robinson Crusoe?", "Daniel Defoe", "Robinson Crusoe"))
    assert not title_in_question(q("Who painted it?", "Mona Lisa"))
    assert title_in_question_share([q("Is Mars red?", "Mars"), q("Is it red?", "Mars")]) == 0.5


def test_paraphrases_share_no_content_word_with_their_titles(questions):
    paraphrases = [q for q in questions if q.style == "paraphrase"]
    assert len(paraphrases) >= 20
    for q in paraphrases:
        shared = content_words(q.question) & set().union(*(content_words(t) for t in q.titles))
        assert not shared, f"{q.id} shares {sorted(shared)} with {q.titles}"


def test_content_words_drop_stop_words_and_possessives():
    assert content_words("Who published Gödel's theorems in 1931?") == {"published", "gödel", "theorems", "1931"}


def test_sub_collection_holds_every_answer_article(questions):
    ids = set(eval_collection(questions, n_distractors=50).tolist())
    assert {d for q in questions for d in q.doc_ids} <= ids
    assert len(ids) == len({d for q in questions for d in q.doc_ids}) + 50
