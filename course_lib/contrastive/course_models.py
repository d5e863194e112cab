"""The course's own trained models, shared by notebooks 04, 05 and 06.

* ``load_or_train_cross_encoder(profile)`` — ``cross-encoder-{profile}``: MiniLM + a one-logit head,
  trained with binary cross-entropy on (query, "title: article") pairs of the train split, labelled
  1, and BM25-mined / random negatives, labelled 0; a query is the article's description or one
  of its sentences.
* ``load_or_train_bi_encoder(profile)`` — ``finetuned-minilm-{profile}``: MiniLM fine-tuned with
  MultipleNegativesRankingLoss (InfoNCE, scale 20 = τ 0.05) on (description, article, hard negative)
  triplets of the train split; the hard negative is BM25-mined and filtered (same description as
  the positive removed; the cross-encoder's likely answers removed).

Both load the saved model when it exists (``course_lib.models``), otherwise train notebook 04's
recipe at the profile's size and save it, so ``ci`` and ``laptop`` models never overwrite each other.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from .. import runtime

BI_ENCODER = "finetuned-minilm"
CROSS_ENCODER = "cross-encoder"


@dataclass(frozen=True)
class Recipe:
    """Sizes of notebook 04's training runs for one profile."""
    steps: int                 # optimiser steps of each bi-encoder run (one pass over steps × batch_size rows)
    batch_size: int
    max_seq_length: int        # tokens per article, in training and in evaluation
    learning_rate: float = 5e-5
    scale: float = 20.0        # MNR's scale = 1 / τ
    n_candidates: int = 10     # BM25 candidates examined per query when mining
    ce_checked: int = 3        # of those, how many the cross-encoder checks (cost: one pair each)
    ce_threshold: float = 0.5
    ce_queries: int = 334      # cross-encoder training: queries × (1 positive + 2 negatives)
    ce_steps: int = 63
    ce_sentence_share: float = 0.5   # share of those queries that are a sentence of the article, not its description
    ce_batch_size: int = 16
    ce_max_length: int = 96
    eval_queries: int | None = 300
    eval_distractors: int | None = 1500
    seed: int = 0


RECIPES = {
    "ci": Recipe(steps=2, batch_size=8, max_seq_length=32, n_candidates=5, ce_checked=2, ce_queries=16,
                 ce_steps=2, ce_batch_size=8, ce_max_length=48, eval_queries=40, eval_distractors=200),
    "laptop": Recipe(steps=20, batch_size=32, max_seq_length=48, learning_rate=6e-5, ce_queries=1600, ce_steps=300,
                     ce_max_length=64),
    "gpu": Recipe(steps=400, batch_size=64, max_seq_length=128, learning_rate=3e-5, n_candidates=30,
                  ce_checked=5, ce_queries=6000, ce_steps=1125, ce_batch_size=32, ce_max_length=160,
                  eval_queries=None, eval_distractors=None),
}


def recipe_for(profile: str | None = None) -> Recipe:
    return RECIPES[runtime.check_profile(profile or runtime.get_profile())]


def config_key(recipe: Recipe, *extra) -> str:
    from ..data import cache

    return cache.fingerprint(sorted(asdict(recipe).items()), *extra)[:12]


# ---- the train split ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainSplit:
    """Train-split articles: the collection negatives are mined from (never the test articles)."""
    doc_ids: np.ndarray
    descriptions: tuple[str, ...]
    texts: tuple[str, ...]
    groups: tuple[str, ...]


@lru_cache(maxsize=None)
def train_split() -> TrainSplit:
    from ..data.wiki import load_articles, split_of
    from .negatives import answer_groups

    df = load_articles()
    keep = df["description"].map(lambda d: bool(d) and split_of(d) == "train")
    df = df[keep]
    descriptions, texts = tuple(df["description"]), tuple(df["text"])
    return TrainSplit(df["doc_id"].to_numpy(), descriptions, texts, tuple(answer_groups(descriptions, texts)))


@lru_cache(maxsize=None)
def train_titles() -> tuple[str, ...]:
    from ..data.wiki import load_articles

    return tuple(load_articles().set_index("doc_id").loc[train_split().doc_ids, "title"])


@lru_cache(maxsize=None)
def train_bm25():
    from ..retrieval.bm25 import BM25Index

    return BM25Index(list(train_split().texts))


def sample_rows(n: int, seed: int, offset: int = 0) -> np.ndarray:
    """A seeded sample of ``n`` train-split positions (an ``offset`` gives a disjoint later sample)."""
    order = np.random.default_rng(seed).permutation(len(train_split().texts))
    if offset + n > len(order):
        raise ValueError(f"Only {len(order)} training articles; asked for {offset + n}.")
    return order[offset:offset + n]


def bm25_candidates(rows: np.ndarray, n_candidates: int) -> list[list[int]]:
    """For each row's description, the top BM25 train articles that do not share its answer."""
    split, index = train_split(), train_bm25()
    docs, _ = index.search([split.descriptions[r] for r in rows], k=n_candidates + 8)
    out = []
    for r, found in zip(rows, docs):
        out.append([int(d) for d in found if split.groups[int(d)] != split.groups[r]][:n_candidates])
    return out


def mine_triplets(rows: np.ndarray, recipe: Recipe, cross_encoder=None, rng=None) -> tuple[list[int], dict]:
    """One hard negative per row: the best BM25 candidate that survives the filters.

    Filters: same answer as the positive (done in ``bm25_candidates``), then the cross-encoder
    (when given) on the first ``recipe.ce_checked`` candidates. A row whose candidates are all
    removed falls back to a random article with another answer. Returns (negative per row, counts)."""
    from ..retrieval.chunking import passage_text

    split = train_split()
    rng = rng or np.random.default_rng(recipe.seed)
    candidates = bm25_candidates(rows, recipe.n_candidates)
    checked = [c[:recipe.ce_checked] if cross_encoder is not None else c[:1] for c in candidates]
    probs = [np.zeros(len(c)) for c in checked]
    if cross_encoder is not None:
        # one batched cross-encoder pass over every (query, candidate) pair: much faster than per row
        titles = train_titles()
        pairs = [(split.descriptions[r], passage_text(titles[c], split.texts[c])) for r, cs in zip(rows, checked) for c in cs]
        flat = (np.asarray(cross_encoder.predict(pairs, batch_size=64, show_progress_bar=False)).reshape(-1)
                if pairs else np.zeros(0))
        bounds = np.cumsum([0] + [len(c) for c in checked])
        probs = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    negatives, removed_ce, fallback = [], 0, 0
    for r, cands, ps in zip(rows, checked, probs):
        chosen = None
        for c, p in zip(cands, ps):
            if p > recipe.ce_threshold:
                removed_ce += 1
                continue
            chosen = c
            break
        while chosen is None:
            c = int(rng.integers(len(split.texts)))
            if split.groups[c] != split.groups[r]:
                chosen, fallback = c, fallback + 1
        negatives.append(chosen)
    return negatives, {"rows": len(rows), "removed_by_cross_encoder": removed_ce, "random_fallback": fallback}


def sample_descriptions(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct train-split descriptions (seeded)."""
    split = train_split()
    seen, out = set(), []
    for r in sample_rows(len(split.texts), seed):
        if split.groups[r] not in seen:
            seen.add(split.groups[r])
            out.append(split.descriptions[r])
            if len(out) == n:
                break
    return out


def silver_pairs(cross_encoder, n_queries: int = 30, per_query: int = 3, seed: int = 0):
    """Augmented SBERT in miniature: the cross-encoder labels (dev description, BM25 candidate) pairs.

    Returns a DataFrame with the cross-encoder's probability, its silver label (p > 0.5) and the
    gold label (the candidate carries the description) for comparison."""
    import pandas as pd

    from ..data.wiki import load_articles, split_of
    from ..retrieval.bm25 import BM25Index
    from ..retrieval.chunking import passage_text
    from .cross_encoder import cross_scores
    from .negatives import answer_groups

    df = load_articles()
    df = df[df["description"].map(lambda d: bool(d) and split_of(d) == "dev")].reset_index(drop=True)
    groups = answer_groups(list(df["description"]), list(df["text"]))
    index = BM25Index(list(df["text"]))
    rng = np.random.default_rng(seed)
    firsts = {}
    for i, g in enumerate(groups):
        firsts.setdefault(g, i)
    picks = rng.choice(sorted(firsts.values()), size=min(n_queries, len(firsts)), replace=False)
    rows = []
    for i in picks:
        query = df["description"][i]
        docs, _ = index.search(query, k=per_query)
        probs = cross_scores(cross_encoder, query, [passage_text(df["title"][int(d)], df["text"][int(d)]) for d in docs])
        for d, p in zip(docs, probs):
            rows.append({"query": query, "candidate": df["title"][int(d)], "cross_encoder_p": round(float(p), 3),
                         "silver": bool(p > 0.5), "gold": groups[int(d)] == groups[i]})
    return pd.DataFrame(rows)


# ---- cross-encoder ---------------------------------------------------------------------------------

def cross_encoder_queries(rows: np.ndarray, recipe: Recipe) -> list[str]:
    """One query per train row: its description, or (for ``ce_sentence_share`` of the rows) one
    of its article's sentences. Descriptions teach "Edible berry" → tomato (notebook 04's task);
    sentences teach matching a statement of fact to the passage that makes it, which is what a
    question asked of notebook 06's collection needs (like the Inverse Cloze Task of Lee, Chang &
    Toutanova 2019, except that the sentence stays in the passage)."""
    from ..retrieval.chunking import split_sentences

    split = train_split()
    rng = np.random.default_rng(recipe.seed + 2)
    queries = []
    for r in rows:
        sentences = [s for s in split_sentences(split.texts[r]) if len(s.split()) >= 5]
        use_sentence = len(sentences) >= 2 and rng.random() < recipe.ce_sentence_share
        queries.append(sentences[int(rng.integers(len(sentences)))] if use_sentence else split.descriptions[r])
    return queries


def cross_encoder_training_rows(recipe: Recipe):
    """(query, passage, label) rows: each query's article (1), the best BM25 article with another
    answer (0) and a random one (0). Passages are "title: text", as notebook 06 indexes them.
    Articles that answer notebook 06's evaluation questions are left out, so that notebook's
    re-ranking figures are measured on articles the cross-encoder never saw."""
    from ..retrieval.chunking import passage_text
    from ..retrieval.eval_set import load_eval_questions
    from .cross_encoder import cross_encoder_rows

    split = train_split()
    titles = train_titles()
    held_out = {d for q in load_eval_questions() for d in q.doc_ids}
    order = sample_rows(len(split.texts), recipe.seed + 1)
    rows = np.array([r for r in order if int(split.doc_ids[r]) not in held_out][:recipe.ce_queries])
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
    """The cross-encoder recipe: BinaryCrossEntropyLoss on ``cross_encoder_training_rows``."""
    from .cross_encoder import train_cross_encoder

    data = cross_encoder_training_rows(recipe)
    return train_cross_encoder(data.shuffle(seed=recipe.seed), steps=recipe.ce_steps, batch_size=recipe.ce_batch_size,
                               seed=recipe.seed, max_length=recipe.ce_max_length)


def load_or_train_cross_encoder(profile: str | None = None, device=None):
    """The saved ``cross-encoder-{profile}``, or train it (notebook 04's recipe) and save it."""
    from ..models import save_model, saved_model_path
    from .cross_encoder import load_cross_encoder

    profile = runtime.check_profile(profile or runtime.get_profile())
    name = f"{CROSS_ENCODER}-{profile}"
    path = saved_model_path(name)
    if path is None:
        model = train_course_cross_encoder(RECIPES[profile])
        path = save_model(name, model)
    return load_cross_encoder(path, device=device)


# ---- bi-encoder ------------------------------------------------------------------------------------

def training_rows(recipe: Recipe) -> np.ndarray:
    """The train rows every bi-encoder run of the loss comparison sees (same data budget)."""
    return sample_rows(recipe.steps * recipe.batch_size, recipe.seed)


def triplet_dataset(recipe: Recipe, cross_encoder=None):
    """(anchor, positive, negative) rows with filtered BM25 hard negatives, and the mining counts."""
    from datasets import Dataset

    import json

    from ..data import cache
    from ..models import model_fingerprint

    split = train_split()
    rows = training_rows(recipe)
    ce_id = "none" if cross_encoder is None else model_fingerprint(getattr(cross_encoder, "model", cross_encoder))

    def build(folder):  # mining costs a cross-encoder pass per checked candidate: cache it on disk
        negatives, counts = mine_triplets(rows, recipe, cross_encoder)
        np.save(folder / "negatives.npy", np.asarray(negatives, dtype=np.int64))
        (folder / "counts.json").write_text(json.dumps(counts))

    folder = cache.prepared(f"nb04/triplets-{config_key(recipe, ce_id)}", build, version=1)
    negatives = np.load(folder / "negatives.npy").tolist()
    counts = json.loads((folder / "counts.json").read_text())
    data = Dataset.from_dict({"anchor": [split.descriptions[r] for r in rows],
                              "positive": [split.texts[r] for r in rows],
                              "negative": [split.texts[n] for n in negatives]})
    return data, counts


def train_mnr(triplets, recipe: Recipe, *, hard_negatives: bool = True, callbacks=None, model=None):
    """MiniLM + MultipleNegativesRankingLoss on the triplets (or on their pairs only)."""
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    from ..models import load_minilm
    from .training import fine_tune

    model = model or load_minilm()
    model.max_seq_length = recipe.max_seq_length
    data = triplets if hard_negatives else triplets.select_columns(["anchor", "positive"])
    return fine_tune(model, data, MultipleNegativesRankingLoss(model, scale=recipe.scale), steps=recipe.steps,
                     batch_size=recipe.batch_size, learning_rate=recipe.learning_rate, seed=recipe.seed,
                     callbacks=callbacks)


PROBE_NEGATIVES = 4   # the forces widget follows one anchor, its positive and a few negatives


def probe_example(triplets, n_negatives: int = PROBE_NEGATIVES) -> dict:
    """The example the forces widget follows: the first row's anchor, positive and its mined hard
    negative, plus the positives of the next rows (they are its in-batch negatives)."""
    row = triplets[0]
    others = [triplets[i]["positive"] for i in range(1, n_negatives)]
    return {"anchor": row["anchor"], "positive": row["positive"],
            "negatives": [row["negative"]] + others,
            "negative_kinds": ["mined hard negative"] + ["in-batch negative"] * len(others)}


class SnapshotCallback:
    """Records the embeddings of a few fixed texts every ``every`` steps during training."""

    def __init__(self, model, texts: list[str], every: int):
        from transformers import TrainerCallback

        self.model, self.texts, self.every = model, list(texts), max(1, every)
        self.steps, self.embeddings = [], []
        self.record(0)
        outer = self

        class _Callback(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):
                if state.global_step % outer.every == 0 or state.global_step == state.max_steps:
                    outer.record(state.global_step)

        self.callback = _Callback()

    def record(self, step: int) -> None:
        import torch

        was_training = self.model.training
        with torch.no_grad():
            vectors = self.model.encode(self.texts, convert_to_numpy=True, normalize_embeddings=True,
                                        show_progress_bar=False)
        self.model.train(was_training)
        self.steps.append(int(step))
        self.embeddings.append(np.asarray(vectors, dtype=np.float32))


def training_record(name: str) -> dict | None:
    """What was saved next to a trained bi-encoder: history, mining counts, probe snapshots."""
    import json

    from ..models import saved_model_path

    path = saved_model_path(name)
    if path is None or not (path / "course_training.json").exists():
        return None
    record = json.loads((path / "course_training.json").read_text())
    with np.load(path / "course_snapshots.npz") as z:
        record["snapshot_steps"], record["snapshots"] = z["steps"], z["embeddings"]
    return record


def load_or_train_bi_encoder(profile: str | None = None, device=None, *, triplets=None, mining_counts=None):
    """The saved ``finetuned-minilm-{profile}``, or train it (MNR + filtered hard negatives) and save it.

    Next to the model are ``course_training.json`` (history, mining counts, probe texts) and
    ``course_snapshots.npz`` (the probe's embeddings at successive steps, for notebook 04)."""
    import json

    from ..models import load_saved_sentence_model, save_model

    profile = runtime.check_profile(profile or runtime.get_profile())
    name = f"{BI_ENCODER}-{profile}"
    if training_record(name) is not None:   # a model saved without its training record is retrained
        return load_saved_sentence_model(name, device=device)
    recipe = RECIPES[profile]
    if triplets is None:  # (notebook 04 passes the triplets it has just mined: the same recipe)
        triplets, mining_counts = triplet_dataset(recipe, load_or_train_cross_encoder(profile))
    counts = mining_counts
    from ..models import load_minilm

    model = load_minilm()
    model.max_seq_length = recipe.max_seq_length
    probe = probe_example(triplets)
    snaps = SnapshotCallback(model, [probe["anchor"], probe["positive"], *probe["negatives"]],
                             every=max(1, recipe.steps // 8))
    model = train_mnr(triplets, recipe, hard_negatives=True, callbacks=[snaps.callback], model=model)
    record = {"profile": profile, "recipe": asdict(recipe), "mining": counts, "probe": probe,
              "history": model.training_history}

    def write(folder):
        model.save(str(folder))
        (folder / "course_training.json").write_text(json.dumps(record, indent=1, default=float))
        np.savez(folder / "course_snapshots.npz", steps=np.array(snaps.steps), embeddings=np.stack(snaps.embeddings))

    save_model(name, write)
    return load_saved_sentence_model(name, device=device)


__all__ = ["Recipe", "RECIPES", "recipe_for", "load_or_train_bi_encoder", "load_or_train_cross_encoder",
           "triplet_dataset", "train_mnr", "train_split"]
