"""Retrieval: metrics, BM25, the held-out description → article task, and (notebook 06) the RAG loop."""
