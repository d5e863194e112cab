"""Ingestion: cut documents into chunks (a fixed token budget with overlap, or whole sentences).

A *token* here is what the embedding model reads: a MiniLM word piece ("embeddings" →
"em", "##bed", "##ding", "##s"). Chunking by the model's own tokens guarantees that a chunk of
``size`` tokens is never truncated by the encoder (MiniLM is run with ``max_seq_length=128``).
Every chunk is an exact substring of its document and carries the document's metadata
(``doc_id``, ``title``, ``topic``), so an answer can always cite where a passage came from.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Callable, Sequence

import pandas as pd

from ..models import minilm_path

CHUNK_COLUMNS = ["chunk_id", "doc_id", "title", "topic", "chunk_no", "text", "start", "end", "n_tokens"]
METHODS = ("tokens", "sentences")


# ---- the windowing rule ----------------------------------------------------------------------

def check_window(size: int, overlap: int) -> None:
    if int(size) != size or size < 1:
        raise ValueError(f"The chunk size must be a whole number of tokens ≥ 1, got {size}.")
    if overlap < 0:
        raise ValueError(f"The overlap cannot be negative, got {overlap}.")
    if overlap >= size:
        raise ValueError(f"The overlap ({overlap}) must be smaller than the chunk size ({size}), "
                         "or the window would never move forward.")


def window_starts(n_tokens: int, size: int, overlap: int) -> list[int]:
    """Start positions of fixed windows: 0, step, 2·step, … with step = size − overlap,
    stopping at the first window that reaches the end (so the last window may be shorter)."""
    check_window(size, overlap)
    if n_tokens <= 0:
        return []
    step = size - overlap
    starts = [0]
    while starts[-1] + size < n_tokens:
        starts.append(starts[-1] + step)
    return starts


def chunk_tokens(tokens: Sequence, size: int, overlap: int = 0) -> list[list]:
    """Split a token list into windows of ``size`` tokens; neighbours share ``overlap`` tokens."""
    tokens = list(tokens)
    return [tokens[s:s + size] for s in window_starts(len(tokens), size, overlap)]


def n_chunks(n_tokens: int, size: int, overlap: int = 0) -> int:
    """How many windows ``chunk_tokens`` makes for ``n_tokens`` tokens (closed form)."""
    check_window(size, overlap)
    if n_tokens <= 0:
        return 0
    if n_tokens <= size:
        return 1
    return 1 + math.ceil((n_tokens - size) / (size - overlap))


# ---- tokenisers with character offsets --------------------------------------------------------

Tokenizer = Callable[[str], list[tuple[int, int]]]   # text → [(start, end) character spans]


def word_spans(text: str) -> list[tuple[int, int]]:
    """Whitespace-separated words as character spans (a model-free tokeniser)."""
    return [m.span() for m in re.finditer(r"\S+", text)]


@lru_cache(maxsize=1)
def _minilm_tokenizer():
    from tokenizers import Tokenizer as HFTokenizer

    tok = HFTokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def minilm_spans(text: str) -> list[tuple[int, int]]:
    """MiniLM's word pieces (without [CLS]/[SEP]) as character spans of ``text``."""
    enc = _minilm_tokenizer().encode(text, add_special_tokens=False)
    return [tuple(o) for o in enc.offsets]


def minilm_spans_batch(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    encs = _minilm_tokenizer().encode_batch(list(texts), add_special_tokens=False)
    return [[tuple(o) for o in e.offsets] for e in encs]


def get_tokenizer(name: str | Tokenizer) -> Tokenizer:
    if callable(name):
        return name
    if name == "minilm":
        return minilm_spans
    if name == "words":
        return word_spans
    raise ValueError(f"Unknown tokenizer {name!r}: use 'minilm', 'words' or a function text → spans.")


# ---- sentences --------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-ZÀ-Ý])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences: a break after . ! ? followed by a capital letter, or a newline.

    A simple rule, good enough for encyclopedia prose; it can still split after an abbreviation followed by a name ("St. Paul")."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start()
        if text[start:end].strip():
            spans.append(_strip_span(text, start, end))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# ---- chunking one document --------------------------------------------------------------------

def chunk_text(text: str, size: int = 128, overlap: int = 0, method: str = "tokens",
               tokenizer: str | Tokenizer = "minilm", spans: list[tuple[int, int]] | None = None
               ) -> list[dict]:
    """Chunks of one text as dicts ``{text, start, end, n_tokens}`` (start/end: character offsets).

    * ``tokens``: windows of ``size`` tokens, neighbours sharing ``overlap`` tokens;
    * ``sentences``: whole sentences packed greedily up to ``size`` tokens; ``overlap`` > 0
      repeats the last sentence of a chunk at the start of the next. A sentence longer than
      ``size`` is cut into token windows."""
    if method not in METHODS:
        raise ValueError(f"Unknown chunking method {method!r}: choose one of {', '.join(METHODS)}.")
    check_window(size, overlap)
    tokenize = get_tokenizer(tokenizer)
    spans = tokenize(text) if spans is None else spans
    if not spans:
        return []

    def piece(i: int, j: int) -> dict:     # tokens i..j-1
        a, b = spans[i][0], spans[j - 1][1]
        return {"text": text[a:b], "start": a, "end": b, "n_tokens": j - i}

    if method == "tokens":
        return [piece(s, min(s + size, len(spans))) for s in window_starts(len(spans), size, overlap)]

    # sentences: token index ranges of each sentence
    token_starts = [s for s, _ in spans]
    sentences = []
    ti = 0
    for a, b in sentence_spans(text):
        i = ti
        while ti < len(spans) and token_starts[ti] < b:
            ti += 1
        if ti > i:
            sentences.append((i, ti))
    chunks: list[tuple[int, int]] = []
    current: list[tuple[int, int]] = []
    for i, j in sentences:
        if j - i > size:                                   # a very long sentence: token windows
            if current:
                chunks.append((current[0][0], current[-1][1]))
                current = []
            chunks += [(i + s, min(i + s + size, j)) for s in window_starts(j - i, size, 0)]
            continue
        if current and j - current[0][0] > size:
            chunks.append((current[0][0], current[-1][1]))
            current = current[-1:] if overlap > 0 and (j - current[-1][0]) <= size else []
        current.append((i, j))
    if current:
        chunks.append((current[0][0], current[-1][1]))
    return [piece(i, j) for i, j in chunks]


# ---- the whole collection ----------------------------------------------------------------------

def chunk_collection(articles: pd.DataFrame, size: int = 128, overlap: int = 16, method: str = "tokens",
                     tokenizer: str | Tokenizer = "minilm") -> pd.DataFrame:
    """One row per chunk: chunk_id, doc_id, title, topic, chunk_no, text, start, end, n_tokens."""
    texts = articles["text"].tolist()
    all_spans = minilm_spans_batch(texts) if tokenizer == "minilm" else [get_tokenizer(tokenizer)(t) for t in texts]
    rows = []
    for (doc_id, title, topic, text), spans in zip(
            articles[["doc_id", "title", "topic", "text"]].itertuples(index=False), all_spans):
        for no, c in enumerate(chunk_text(text, size, overlap, method, tokenizer, spans=spans)):
            rows.append((len(rows), int(doc_id), title, topic, no, c["text"], c["start"], c["end"], c["n_tokens"]))
    return pd.DataFrame(rows, columns=CHUNK_COLUMNS)


def token_counts(articles: pd.DataFrame) -> pd.Series:
    """MiniLM tokens per article (indexed like ``articles``), for instant chunk counts."""
    return pd.Series([len(s) for s in minilm_spans_batch(articles["text"].tolist())], index=articles.index)


def count_chunks(lengths: Sequence[int], size: int, overlap: int) -> int:
    """Total number of token-window chunks of a collection with the given token lengths."""
    return int(sum(n_chunks(int(n), size, overlap) for n in lengths))


def passage_text(title: str, text: str) -> str:
    """What is indexed for a chunk: the article's title, then the chunk (context for later chunks)."""
    return f"{title}: {text}"
