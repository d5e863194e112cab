"""Held out for real (issue 12, item 1): no evaluated article appears in any training row.

The test side (``trained.held_out.test_side``) is every test-split article and every article that
answers one of notebook 06's evaluation questions. Each training-data builder is run here for the
ci and laptop recipes (without training) and its rows are mapped back to article ids; every saved
model's record of the articles it trained on is checked too.
"""
import pytest

from course_lib import runtime
from course_lib.data.wiki import load_articles, split_of
from course_lib.retrieval.eval_set import load_eval_questions
from course_lib.trained import held_out
from course_lib.trained.recipes import RECIPES

PROFILES = ("ci", "laptop")


def test_the_test_side_is_every_test_article_and_every_answer():
    side = held_out.test_side()
    df = load_articles()
    test_ids = {int(d) for d, desc in zip(df["doc_id"], df["description"]) if desc and split_of(desc) == "test"}
    answers = {d for q in load_eval_questions() for d in q.doc_ids}
    assert side == test_ids | answers
    assert answers - test_ids, "some evaluation answers sit outside the test split: the side must add them"


def test_article_ids_reads_raw_texts_and_passages():
    df = load_articles().head(3)
    texts = [df["text"].iloc[0], f"{df['title'].iloc[1]}: {df['text'].iloc[1]}", "a text no article has"]
    assert held_out.article_ids(texts) == sorted(int(d) for d in df["doc_id"].iloc[:2])
    assert held_out.leaked(sorted(held_out.test_side())[:2] + [-1]) == sorted(held_out.test_side())[:2]


def test_the_train_split_has_no_test_side_article():
    from course_lib.trained.train_split import train_split

    ids = train_split().doc_ids.tolist()
    assert held_out.leaked(ids) == []
    assert len(ids) > 5000


@pytest.mark.parametrize("profile", PROFILES)
def test_bi_encoder_triplets_with_their_mined_negatives_are_held_out(profile):
    from course_lib.trained.train_split import mine_triplets, train_split, training_rows

    recipe = RECIPES[profile]
    split = train_split()
    rows = training_rows(recipe)
    negatives, _ = mine_triplets(rows, recipe, cross_encoder=None)
    used = held_out.article_ids([split.texts[r] for r in rows] + [split.texts[n] for n in negatives])
    assert len(used) >= len(rows) // 2
    assert held_out.leaked(used) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_cross_encoder_rows_are_held_out(profile):
    from course_lib.trained.cross_encoder import cross_encoder_training_rows

    used = held_out.article_ids(cross_encoder_training_rows(RECIPES[profile])["passage"])
    assert len(used) >= RECIPES[profile].ce_queries
    assert held_out.leaked(used) == []


@pytest.mark.parametrize("profile", PROFILES)
def test_matryoshka_pairs_are_held_out(profile):
    from course_lib.trained.matryoshka import config, train_pairs

    pairs = train_pairs(config(profile).n_pairs, seed=0)
    used = held_out.article_ids(d for _, d in pairs)
    assert len(used) == len(pairs)
    assert held_out.leaked(used) == []


def test_every_saved_model_records_held_out_articles():
    """Whatever models this machine has saved (the notebook tests save the ci ones): each record
    that lists its training articles lists no evaluated one."""
    root, checked = runtime.models_dir(), 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []:
        ids = held_out.recorded_article_ids(folder.name)
        if ids is not None:
            assert ids, folder.name
            assert held_out.leaked(ids) == [], folder.name
            checked += 1
    print(f"{checked} saved model records checked")


def test_a_model_without_a_record_is_not_counted_as_clean():
    with pytest.raises(ValueError, match="records no training articles"):
        held_out.leaked_in_saved_models(["no-such-model-ci"])
