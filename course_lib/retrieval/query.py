"""A user's query, checked before any search: the method, k, the text itself, and notes on it."""
from __future__ import annotations

METHODS = ("bm25", "dense", "hybrid", "dense+rerank", "hybrid+rerank")
METHOD_LABELS = {"bm25": "BM25", "dense": "dense", "hybrid": "hybrid (RRF)",
                 "dense+rerank": "dense + re-rank", "hybrid+rerank": "hybrid + re-rank"}
MAX_QUERY_CHARS = 1000


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}: choose one of {', '.join(METHODS)}.")
    return method


def clean_query(query) -> tuple[str, list[str]]:
    """Stripped query text and notes; an empty or non-text query raises ValueError."""
    if not isinstance(query, str):
        raise ValueError(f"The query must be text, got {type(query).__name__}.")
    text = " ".join(query.split())
    if not text:
        raise ValueError("The query is empty: type a question, e.g. 'Which planet is known as the Red Planet?'.")
    notes = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"The query was cut to its first {MAX_QUERY_CHARS} characters.")
    return text, notes


def check_k(k, size: int) -> tuple[int, list[str]]:
    """k as a whole number from 1 up; larger than the collection's ``size`` means all of it, with a note."""
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise ValueError(f"k must be a whole number, got {k!r}.") from None
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}.")
    if k > size:
        return size, [f"k = {k} is larger than the collection: showing all {size} passages."]
    return k, []


def non_ascii_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(not c.isascii() for c in letters) / max(1, len(letters))


def query_notes(query: str, known_terms) -> list[str]:
    """Notes on a query that will retrieve poorly: no word the collection knows, or another alphabet."""
    notes = []
    if not known_terms:
        notes.append("None of the query's words occur in the collection (a typo, nonsense, or another "
                     "language?): BM25 finds nothing, and dense search returns the nearest passages "
                     "even when none is related.")
    if non_ascii_share(query) > 0.3:
        notes.append("Much of the query is not in the Latin alphabet: the models and the collection "
                     "are English, so expect poor results.")
    return notes
