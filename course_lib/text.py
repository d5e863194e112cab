"""Tokenisation and vocabularies, shared by the word-vector notebooks."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-cased words and numbers; apostrophes inside words are kept (``don't``)."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


class UnknownWordError(KeyError, ValueError):
    """A word that is not in the vocabulary; the message names close matches."""

    def __init__(self, word: str, suggestions: list[str]):
        self.word, self.suggestions = word, suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"'{word}' is not in the vocabulary.{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the whole message
        return self.args[0]


def close_matches(word: str, words: Iterable[str], n: int = 5) -> list[str]:
    return difflib.get_close_matches(word, list(words), n=n, cutoff=0.6)


@dataclass
class Vocab:
    """Words kept with their counts, most frequent first; ``id`` of a word is its rank."""

    words: list[str]
    counts: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self):
        self.counts = np.asarray(self.counts, dtype=np.int64)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, sentences: Iterable[list[str]], min_count: int = 5, max_size: int | None = None) -> "Vocab":
        if min_count < 0:
            raise ValueError(f"min_count must be ≥ 0, got {min_count}.")
        counter = Counter()
        for sentence in sentences:
            counter.update(sentence)
        # Ties broken alphabetically so that the vocabulary is the same on every run.
        kept = sorted(((w, c) for w, c in counter.items() if c >= min_count), key=lambda wc: (-wc[1], wc[0]))
        if max_size is not None:
            kept = kept[:max_size]
        return cls([w for w, _ in kept], np.array([c for _, c in kept], dtype=np.int64))

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def id(self, word: str) -> int:
        try:
            return self.index[word]
        except KeyError:
            raise UnknownWordError(word, close_matches(word, self.words)) from None

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Ids of the tokens that are in the vocabulary (others are dropped, as word2vec does)."""
        return np.array([self.index[t] for t in tokens if t in self.index], dtype=np.int64)

    @property
    def total(self) -> int:
        return int(self.counts.sum())
