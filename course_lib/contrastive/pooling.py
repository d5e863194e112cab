"""From token vectors to one sentence vector: pooling and L2 normalisation.

A transformer returns one vector per token. A bi-encoder needs one per sentence:

* **CLS pooling** — the vector of the first ([CLS]) token (BERT's original choice);
* **mean pooling** — the average of the token vectors, padding excluded (SBERT, Reimers &
  Gurevych 2019, found it best; all-MiniLM-L6-v2 uses it);
* **last-token pooling** — the vector of the last real token (decoder-only LLM embedders, whose
  last token is the only one that has seen the whole text).

L2 normalisation then puts every vector on the unit sphere, so a dot product is a cosine.
"""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np
import torch

from ..models import cross_scores
from ..vectors import l2_normalise

POOLINGS = ("cls", "mean", "last")


def _check_mask(token_embeddings: torch.Tensor, attention_mask: torch.Tensor) -> None:
    if token_embeddings.ndim != 3 or attention_mask.shape != token_embeddings.shape[:2]:
        raise ValueError("token_embeddings must be batch × tokens × dim and attention_mask batch × tokens.")
    if (attention_mask.sum(dim=1) == 0).any():
        raise ValueError("A text has no tokens (an empty attention mask).")


def cls_pool(token_embeddings: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    _check_mask(token_embeddings, attention_mask)
    return token_embeddings[:, 0]


def mean_pool(token_embeddings: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    _check_mask(token_embeddings, attention_mask)
    mask = attention_mask.unsqueeze(-1).to(token_embeddings.dtype)
    return (token_embeddings * mask).sum(dim=1) / mask.sum(dim=1)


def last_token_pool(token_embeddings: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """The last non-padding token of each row (right padding)."""
    _check_mask(token_embeddings, attention_mask)
    last = attention_mask.long().sum(dim=1) - 1
    return token_embeddings[torch.arange(len(last)), last]


def pool(token_embeddings, attention_mask, how: str) -> torch.Tensor:
    fns = {"cls": cls_pool, "mean": mean_pool, "last": last_token_pool}
    if how not in fns:
        raise ValueError(f"Unknown pooling {how!r}: choose one of {', '.join(POOLINGS)}.")
    return fns[how](token_embeddings, attention_mask)


def token_embeddings(model, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """MiniLM's per-token output vectors (before pooling) and the attention mask."""
    texts = list(texts)
    if not texts or any(not t or not t.strip() for t in texts):
        raise ValueError("Give at least one non-empty text.")
    features = model.preprocess(texts) if hasattr(model, "preprocess") else model.tokenize(texts)
    features = {k: v.to(model.device) for k, v in features.items() if hasattr(v, "to")}
    with torch.no_grad():
        out = model[0](features)
    return out["token_embeddings"].float().cpu(), features["attention_mask"].cpu()


def sentence_vectors(model, texts: Sequence[str], how: str = "mean", normalise: bool = True) -> np.ndarray:
    """Sentence vectors from MiniLM's token vectors with the chosen pooling (optionally L2-normalised)."""
    tokens, mask = token_embeddings(model, texts)
    vectors = pool(tokens, mask, how)
    return (l2_normalise(vectors) if normalise else vectors).numpy()


def pooling_similarities(model, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Cosine-similarity matrices of ``texts`` under each pooling."""
    return {how: sentence_vectors(model, texts, how) @ sentence_vectors(model, texts, how).T for how in POOLINGS}


# ---- bi-encoder vs cross-encoder cost -------------------------------------------------------------

def measure_comparison_cost(bi_encoder, cross_encoder, sentences: Sequence[str], n_target: int = 10_000) -> dict:
    """Time a small number of encodings / pair scorings and extrapolate to all pairs of ``n_target`` sentences.

    Bi-encoder: encode each sentence once (n encodings) + n(n−1)/2 dot products (one matrix product).
    Cross-encoder: one full transformer pass per pair: n(n−1)/2 passes."""
    sentences = list(sentences)
    if len(sentences) < 2:
        raise ValueError("Give at least two sentences to time.")
    bi_encoder.encode(sentences[:2], show_progress_bar=False)            # warm-up: first calls are slower
    cross_scores(cross_encoder, sentences[0], [sentences[1]])
    t = time.perf_counter()
    vectors = bi_encoder.encode(sentences, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    bi_per_sentence = (time.perf_counter() - t) / len(sentences)
    pairs = [(sentences[i], sentences[(i + 1) % len(sentences)]) for i in range(len(sentences))]
    t = time.perf_counter()
    cross_scores(cross_encoder, [a for a, _ in pairs], [b for _, b in pairs])
    cross_per_pair = (time.perf_counter() - t) / len(pairs)
    # dot products: time a real matrix product of 2,000 × 2,000 vectors, scale by pair count
    m = np.random.default_rng(0).standard_normal((2000, vectors.shape[1])).astype(np.float32)
    t = time.perf_counter()
    _ = m @ m.T
    dot_per_pair = (time.perf_counter() - t) / (2000 * 2000)
    n_pairs = n_target * (n_target - 1) // 2
    return {
        "measured_sentences": len(sentences), "n_target": n_target, "n_pairs": n_pairs,
        "bi_seconds_per_sentence": bi_per_sentence, "cross_seconds_per_pair": cross_per_pair,
        "bi_encoder_seconds": n_target * bi_per_sentence + n_pairs * 2 * dot_per_pair,
        "cross_encoder_seconds": n_pairs * cross_per_pair,
    }
