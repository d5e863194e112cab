"""Loaders for every data source, prepared once into data/cache/ (checksummed, atomic writes)."""
from .corpus import corpus_stats, load_sentences
from .evalsets import google_analogies, is_syntactic, lee_background, lee_documents, simlex999, wordsim353
from .wiki import Query, load_articles, retrieval_queries, split_of, training_pairs

__all__ = [
    "corpus_stats", "load_sentences", "google_analogies", "is_syntactic", "lee_background",
    "lee_documents", "simlex999", "wordsim353", "Query", "load_articles", "retrieval_queries",
    "split_of", "training_pairs",
]
