"""The test side: every article a reported figure is measured on. No training row may contain one.

Two kinds of article are evaluated:
* every article relevant to a test query of the description → article task (notebooks 04 and 05);
* every article that answers one of notebook 06's evaluation questions, whatever its split.

``train_split()`` leaves all of them out, so every training-data builder (bi-encoder rows, mined
negatives, cross-encoder rows, Matryoshka pairs, the loss comparison) draws only from articles that
are never evaluated. Each saved model records the article ids its training rows contain
(``article_ids``), and ``leaked`` checks such a record against this side.
"""
from __future__ import annotations

import json
from functools import lru_cache

from ..data.wiki import load_articles, split_of
from ..models import saved_model_path
from ..retrieval.chunking import passage_text
from ..retrieval.eval_set import load_eval_questions


@lru_cache(maxsize=None)
def test_side() -> frozenset[int]:
    """doc_ids of every test-split article and every article answering an evaluation question."""
    df = load_articles()
    in_test = df["description"].map(lambda d: bool(d) and split_of(d) == "test")
    answers = {d for q in load_eval_questions() for d in q.doc_ids}
    return frozenset(int(d) for d in df.loc[in_test, "doc_id"]) | frozenset(answers)


def leaked(article_ids) -> list[int]:
    """The test-side articles among ``article_ids`` (empty when the training data is held out)."""
    side = test_side()
    return sorted(int(d) for d in article_ids if int(d) in side)


@lru_cache(maxsize=None)
def _id_by_text() -> dict[str, int]:
    df = load_articles()
    out = {}
    for doc_id, title, text in zip(df["doc_id"], df["title"], df["text"]):
        out[text] = out[passage_text(title, text)] = int(doc_id)
    return out


def article_ids(texts) -> list[int]:
    """The articles whose text (or "title: text" passage) appears among ``texts``, sorted.

    Used to record what a model trained on from its actual training rows, whatever built them."""
    lookup = _id_by_text()
    return sorted({lookup[t] for t in texts if t in lookup})


# the files a saved course model keeps its training record in (bi-encoder; cross-encoder, word vectors; MRL)
RECORD_FILES = ("course_training.json", "course_provenance.json")


def recorded_article_ids(name: str) -> list[int] | None:
    """The article ids the saved model ``name`` records having trained on (None: no such record)."""
    path = saved_model_path(name)
    for file in RECORD_FILES if path is not None else ():
        if (path / file).exists():
            record = json.loads((path / file).read_text())
            if "article_ids" in record:
                return record["article_ids"]
    return None


def leaked_in_saved_models(names) -> int:
    """How many evaluated articles the saved models ``names`` record having trained on (benchmarks)."""
    total = 0
    for name in names:
        ids = recorded_article_ids(name)
        if ids is None:
            raise ValueError(f"The saved {name} records no training articles: train it again with this course_lib.")
        total += len(leaked(ids))
    return total
