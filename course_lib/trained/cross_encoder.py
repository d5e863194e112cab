"""The course's cross-encoder ``cross-encoder-{profile}``: its training rows, its training and
its loading (notebook 04 trains it; notebook 06 re-ranks with it).

MiniLM + a one-logit head, trained with binary cross-entropy on (query, "title: article") pairs of
the train split, labelled 1, and BM25-mined / random negatives, labelled 0; a query is the
article's description or one of its sentences.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from .. import runtime
from ..contrastive.cross_encoder import cross_encoder_rows, load_cross_encoder, train_cross_encoder
from ..models import save_model, saved_model_path
from ..retrieval.chunking import passage_text, split_sentences
from ..retrieval.rerank import is_int8, quantize_for_cpu
from .held_out import article_ids
from .provenance import provenance, reusable
from .recipes import CROSS_ENCODER, RECIPES, Recipe
from .train_split import sample_rows, train_bm25, train_split, train_titles


def cross_encoder_queries(rows: np.ndarray, recipe: Recipe) -> list[str]:
    """One query per train row: its description, or (for ``ce_sentence_share`` of the rows) one
    of its article's sentences. Descriptions teach "Edible berry" → tomato (notebook 04's task);
    sentences teach matching a statement of fact to the passage that makes it, which is what a
    question asked of notebook 06's collection needs (like the Inverse Cloze Task of Lee, Chang &
    Toutanova 2019, except that the sentence stays in the passage)."""
    split = train_split()
    rng = np.random.default_rng(recipe.seed + 2)
    queries = []
    for r in rows:
        sentences = [s for s in split_sentences(split.texts[r]) if len(s.split()) >= 5]
        use_sentence = len(sentences) >= 2 and rng.random() < recipe.ce_sentence_share
        queries.append(sentences[int(rng.integers(len(sentences)))] if use_sentence else split.descriptions[r])
    return queries


def _query_rows(recipe: Recipe) -> np.ndarray:
    """The train rows whose articles the cross-encoder learns from (the train split has no evaluated article)."""
    return sample_rows(recipe.ce_queries, recipe.seed + 1)


def cross_encoder_provenance(recipe: Recipe) -> dict:
    """The cross-encoder's own settings (``ce_*`` and the seed), its articles and the course version."""
    settings = {k: v for k, v in asdict(recipe).items() if k.startswith("ce_") or k == "seed"}
    return provenance(settings, train_split().doc_ids[_query_rows(recipe)].tolist())


def cross_encoder_training_rows(recipe: Recipe):
    """(query, passage, label) rows: each query's article (1), the best BM25 article with another
    answer (0) and a random one (0). Passages are "title: text", as notebook 06 indexes them.
    The train split has no evaluated article (``held_out.test_side``), so notebook 06's re-ranking
    figures are measured on articles the cross-encoder never saw."""
    split = train_split()
    titles = train_titles()
    rows = _query_rows(recipe)
    queries = cross_encoder_queries(rows, recipe)
    found, _ = train_bm25().search(queries, k=9)
    rng = np.random.default_rng(recipe.seed + 1)
    negatives = []
    for r, docs in zip(rows, found):
        hard = [int(d) for d in docs if split.groups[int(d)] != split.groups[r]][:1]
        rand = int(rng.integers(len(split.texts)))
        while split.groups[rand] == split.groups[r]:
            rand = int(rng.integers(len(split.texts)))
        negatives.append([passage_text(titles[c], split.texts[c]) for c in hard + [rand]])
    positives = [passage_text(titles[r], split.texts[r]) for r in rows]
    return cross_encoder_rows(queries, positives, negatives)


def train_course_cross_encoder(recipe: Recipe):
    """The cross-encoder recipe: BinaryCrossEntropyLoss on ``cross_encoder_training_rows``.
    Returns the model and the ids of the articles its rows contain (for its record)."""
    data = cross_encoder_training_rows(recipe)
    model = train_cross_encoder(data.shuffle(seed=recipe.seed), steps=recipe.ce_steps, batch_size=recipe.ce_batch_size,
                                seed=recipe.seed, max_length=recipe.ce_max_length)
    return model, article_ids(data["passage"])


RECORD_FILE = "course_provenance.json"


def load_or_train_cross_encoder(profile: str | None = None, device=None):
    """The saved ``cross-encoder-{profile}`` when its record matches today's recipe, articles and
    course version; else train it (notebook 04's recipe) and save it with that record."""
    profile = runtime.check_profile(profile or runtime.get_profile())
    name = f"{CROSS_ENCODER}-{profile}"
    path = saved_model_path(name)
    wanted = cross_encoder_provenance(RECIPES[profile])
    record_file = None if path is None else path / RECORD_FILE
    record = json.loads(record_file.read_text()) if record_file is not None and record_file.exists() else None
    if not reusable(name, record, wanted, exists=path is not None):
        model, ids = train_course_cross_encoder(RECIPES[profile])

        def write(folder):
            model.save(str(folder))
            (folder / RECORD_FILE).write_text(json.dumps({**wanted, "article_ids": ids}, indent=1))

        path = save_model(name, write)
    return load_cross_encoder(path, device=device)


@dataclass
class ModelLoad:
    """A model, or ``None`` with a note saying why (shown in the notebook)."""
    model: object | None
    note: str


def load_course_cross_encoder(profile: str | None = None, int8: bool = False) -> ModelLoad:
    """Notebook 04's cross-encoder (``cross-encoder-{profile}``), trained there if missing;
    ``int8=True`` serves it quantised (``quantize_for_cpu``)."""
    loaded = _load_course_cross_encoder(profile)
    if int8 and loaded.model is not None:
        quantize_for_cpu(loaded.model)
        if is_int8(loaded.model):   # (not on a GPU)
            return ModelLoad(loaded.model, loaded.note + ", its linear layers in int8 for the CPU")
    return loaded


def _load_course_cross_encoder(profile: str | None) -> ModelLoad:
    try:
        return ModelLoad(load_or_train_cross_encoder(profile=profile), "the course's cross-encoder (notebook 04)")
    except Exception as err:  # noqa: BLE001 - any failure becomes a visible note and a fallback
        return _saved_cross_encoder(profile, f"loading or training it failed: {type(err).__name__}: {err}")


def _saved_cross_encoder(profile: str | None, why: str) -> ModelLoad:
    profile = profile or runtime.get_profile()
    path = saved_model_path(f"cross-encoder-{profile}")
    if path is not None:
        from sentence_transformers import CrossEncoder

        return ModelLoad(CrossEncoder(str(path), device=str(runtime.pick_device()), local_files_only=True),
                         f"the saved cross-encoder-{profile} ({why})")
    return ModelLoad(None, f"No cross-encoder: {why}. Re-ranking is skipped (the '+ re-rank' rows equal "
                           "the rows without it) until notebook 04 has been run.")
