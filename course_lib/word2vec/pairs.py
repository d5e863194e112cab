"""Sliding context windows: (center, context) pairs for skip-gram, (context, center) examples for CBOW.

Two versions of the same idea:

* ``skipgram_pairs`` / ``cbow_examples`` — readable loops over one tokenised sentence (the notebook
  shows these, and the graded exercise asks for the first);
* ``window_pairs`` — the vectorised version the trainer uses: one tensor operation per offset
  ``d = 1..window`` over a whole chunk of the corpus at once, never pairing words of two sentences.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def _check_window(window) -> int:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise ValueError(f"window must be a whole number ≥ 1, got {window!r}.")
    if window < 1:
        raise ValueError(f"window must be ≥ 1 (how many words on each side count as context), got {window}.")
    return int(window)


def _check_sentence(tokens) -> list:
    if isinstance(tokens, str):
        raise ValueError("Give a list of tokens, not a string: tokenize(text) splits it into words.")
    tokens = list(tokens)
    if not tokens:
        raise ValueError("The sentence is empty: there are no words to make pairs from.")
    return tokens


def skipgram_pairs(tokens: Sequence[str], window: int) -> list[tuple[str, str]]:
    """All (center, context) pairs of a sentence: every word with each word at most ``window`` away.

    Pairs come in reading order: centers left to right, and for each center its contexts left to right.
    ``skipgram_pairs(["a", "b", "c"], 1)`` → ``[("a","b"), ("b","a"), ("b","c"), ("c","b")]``.
    """
    window = _check_window(window)
    tokens = _check_sentence(tokens)
    pairs = []
    for i, center in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((center, tokens[j]))
    return pairs


def cbow_examples(tokens: Sequence[str], window: int) -> list[tuple[list[str], str]]:
    """CBOW turns the same window around: the context words together predict the center word."""
    window = _check_window(window)
    tokens = _check_sentence(tokens)
    return [([tokens[j] for j in range(max(0, i - window), min(len(tokens), i + window + 1)) if j != i], center)
            for i, center in enumerate(tokens)]


def window_pairs(ids, sentence_ids, window: int, generator=None, dynamic: bool = True):
    """Vectorised skip-gram pairs over a flat stream of word ids (torch tensors, any device).

    ``sentence_ids[i]`` says which sentence token ``i`` belongs to; pairs never cross sentences.
    With ``dynamic`` each center draws its own window size b ∈ {1..window} uniformly, as word2vec
    does, so near neighbours count more often than far ones (Mikolov et al. 2013a).
    Returns (centers, contexts) as two int64 tensors.
    """
    import torch

    window = _check_window(window)
    n = ids.shape[0]
    if dynamic:
        gen_device = generator.device if generator is not None else ids.device
        reach = torch.randint(1, window + 1, (n,), generator=generator, device=gen_device).to(ids.device)
    else:
        reach = torch.full((n,), window, dtype=torch.int64, device=ids.device)
    centers, contexts = [], []
    for d in range(1, min(window, n - 1) + 1):
        same = sentence_ids[d:] == sentence_ids[:-d]
        # center on the right, context d to its left
        keep = same & (reach[d:] >= d)
        centers.append(ids[d:][keep]); contexts.append(ids[:-d][keep])
        # center on the left, context d to its right
        keep = same & (reach[:-d] >= d)
        centers.append(ids[:-d][keep]); contexts.append(ids[d:][keep])
    if not centers:
        empty = ids.new_zeros(0)
        return empty, empty
    return torch.cat(centers), torch.cat(contexts)
