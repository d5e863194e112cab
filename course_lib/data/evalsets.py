"""gensim's bundled evaluation sets: Google analogies, WordSim353, SimLex-999 and the Lee corpus."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np


def gensim_datapath(name: str) -> Path:
    from gensim.test.utils import datapath

    return Path(datapath(name))


@lru_cache(maxsize=None)
def google_analogies() -> dict[str, list[tuple[str, str, str, str]]]:
    """The 19,544 questions ``a b c d`` (a:b :: c:d) grouped by their 14 sections, as written."""
    sections: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in gensim_datapath("questions-words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            a, b, c, d = line.split()
            sections[current].append((a, b, c, d))
    return sections


def is_syntactic(section: str) -> bool:
    """The Google set's sections named ``gram…`` test syntax; the others test meaning."""
    return section.startswith("gram")


def _word_pairs(name: str) -> list[tuple[str, str, float]]:
    pairs = []
    for line in gensim_datapath(name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        w1, w2, score = line.split("\t")
        pairs.append((w1, w2, float(score)))
    return pairs


@lru_cache(maxsize=None)
def wordsim353() -> list[tuple[str, str, float]]:
    """353 word pairs with human relatedness ratings (0–10)."""
    return _word_pairs("wordsim353.tsv")


@lru_cache(maxsize=None)
def simlex999() -> list[tuple[str, str, float]]:
    """999 word pairs rated for similarity proper (not mere relatedness), 0–10."""
    return _word_pairs("simlex999.txt")


def _latin1_lines(name: str) -> list[str]:
    # The Lee corpus files are latin-1, not UTF-8.
    return [l for l in gensim_datapath(name).read_text(encoding="latin-1").splitlines() if l.strip()]


@lru_cache(maxsize=None)
def lee_background() -> list[str]:
    """300 Australian news documents (about 58k tokens)."""
    return _latin1_lines("lee_background.cor")


@lru_cache(maxsize=None)
def lee_documents() -> tuple[list[str], np.ndarray]:
    """The 50 Lee documents and the 50×50 matrix of mean human similarity ratings (0–1).

    The matrix's diagonal is 1 and it is not exactly symmetric (raters saw ordered pairs)."""
    docs = _latin1_lines("lee.cor")
    sims = np.loadtxt(gensim_datapath("similarities0-1.txt"))
    return docs, sims
