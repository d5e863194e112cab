"""A tiny hand-made collection and a deterministic bag-of-words encoder (no model to load)."""
from __future__ import annotations

import re
import zlib

import numpy as np
import pandas as pd

ARTICLES = pd.DataFrame({
    "doc_id": [0, 1, 2, 3, 4],
    "title": ["Mars", "Jupiter", "Tomato", "Chess", "Lake Baikal"],
    "topic": ["Physical sciences", "Physical sciences", "Biology", "Everyday life", "Geography"],
    "description": ["Planet", "Planet", "Edible berry", "Board game", "Lake"],
    "text": [
        "Mars is the fourth planet from the Sun. It is known as the Red Planet for its orange-red colour. "
        "Its thin atmosphere is mostly carbon dioxide.",
        "Jupiter is the fifth planet from the Sun. It is the largest planet in the Solar System. "
        "It is a gas giant.",
        "The tomato is a plant whose fruit is an edible berry. It belongs to the nightshade family.",
        "Chess is a board game for two players. It is played on a board of 64 squares.",
        "Lake Baikal is a rift lake in Siberia. It is the deepest lake in the world.",
    ],
})


class BagOfWordsEncoder:
    """``encode`` like a sentence-transformer: hashed word counts, L2-normalised."""

    def __init__(self, dims: int = 64):
        self.dims = dims
        self.max_seq_length = 128

    def encode(self, texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False):
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.lower()):
                if len(w) > 2:
                    out[i, zlib.crc32(w.encode()) % self.dims] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class OverlapCrossEncoder:
    """``predict`` like a CrossEncoder: the number of shared words (longer than 3 letters)."""

    def predict(self, pairs, batch_size=32, show_progress_bar=False, convert_to_numpy=True):
        def words(t):
            return {w for w in re.findall(r"\w+", t.lower()) if len(w) > 3}
        return np.array([len(words(q) & words(p)) for q, p in pairs], dtype=np.float32)


def tiny_pipeline(reranker=True):
    from course_lib.retrieval.chunking import chunk_collection
    from course_lib.retrieval.indexes import build_flat
    from course_lib.retrieval.pipeline import DenseModel, RAGPipeline

    chunks = chunk_collection(ARTICLES, size=12, overlap=3, tokenizer="words")
    enc = BagOfWordsEncoder()
    from course_lib.retrieval.chunking import passage_text

    vectors = enc.encode([passage_text(t, x) for t, x in zip(chunks["title"], chunks["text"])])
    models = {"bow": DenseModel("bow", enc, vectors, build_flat(vectors))}
    return RAGPipeline(chunks, models, reranker=OverlapCrossEncoder() if reranker else None,
                       rerank_depth=5, candidates=10, label="tiny test collection")
