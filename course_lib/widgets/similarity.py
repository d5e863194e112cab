"""Notebook 01 widgets: neighbour bars (one-hot vs dense) and a similarity heatmap of chosen words."""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..similarity import WordVectors, cosine_matrix, cosine_similarity, one_hot
from ..text import UnknownWordError
from ..viz.similarity import similarity_bars, similarity_heatmap
from .base import WidgetApp, figure_widget, replace_figure

SPACES = ("dense", "one-hot")


def _clean(word: str) -> str:
    return word.strip().lower()


def neighbour_similarities(vectors: WordVectors, word: str, k: int, space: str) -> list[tuple[str, float]]:
    """The ``k`` nearest words in the dense space, with their cosine in ``space`` (dense or one-hot).

    In one-hot space the same words are shown: each similarity is computed from the two one-hot
    vectors (and is 0, because two different one-hot vectors share no non-zero coordinate)."""
    if space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(SPACES)}, got {space!r}.")
    neighbours = vectors.most_similar(word, k)
    if space == "dense":
        return neighbours
    target = one_hot(word, vectors)
    return [(w, cosine_similarity(target, one_hot(w, vectors))) for w, _ in neighbours]


def pairwise_similarities(vectors: WordVectors, words: list[str], space: str) -> np.ndarray:
    if space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(SPACES)}, got {space!r}.")
    if space == "dense":
        return vectors.similarity_matrix(words)
    return cosine_matrix(np.stack([one_hot(w, vectors) for w in words]))


def parse_words(text: str, vectors: WordVectors, max_words: int = 25) -> list[str]:
    """Comma-separated words → a list of known words; unknown ones give one message with close matches."""
    words = list(dict.fromkeys(w for w in (_clean(p) for p in text.split(",")) if w))
    if len(words) < 2:
        raise ValueError("Type at least two words, separated by commas (e.g. king, queen, apple).")
    if len(words) > max_words:
        raise ValueError(f"At most {max_words} words, please ({len(words)} given).")
    problems = []
    for w in words:
        try:
            vectors.id(w)
        except UnknownWordError as err:
            problems.append(str(err))
    if problems:
        raise ValueError(" ".join(problems))
    return words


class NeighbourBarsApp(WidgetApp):
    """Pick a word and a space: bars of its cosine similarity to its nearest words."""

    css_class = "course-neighbour-bars"

    def __init__(self, vectors: WordVectors, word: str = "monday", k: int = 10, max_k: int = 30):
        self.vectors = vectors
        word = word if word in vectors else vectors.words[0]
        controls = {
            "word": W.Text(value=word, description="word", layout=W.Layout(width="220px")),
            "space": W.ToggleButtons(options=list(SPACES), value="dense", description="vectors"),
            "k": W.IntSlider(value=min(k, max_k), min=1, max=min(max_k, len(vectors) - 1), description="neighbours"),
        }
        fig = figure_widget(similarity_bars(word, neighbour_similarities(vectors, word, controls["k"].value, "dense")))
        super().__init__(controls, fig, title="Nearest words: one-hot vs dense")

    def update(self, word: str, space: str, k: int) -> None:
        word = _clean(word)
        if not word:
            raise ValueError("Type a word.")
        neighbours = neighbour_similarities(self.vectors, word, k, space)
        # two lines: a one-line title was cut off at the figure's width in JupyterLab
        title = f"{space}: cosine similarity of '{word}'<br><sup>with its {k} nearest words (chosen in the dense space)</sup>"
        replace_figure(self.figure, similarity_bars(word, neighbours, title=title))
        if space == "one-hot":
            note = (f"One-hot vectors: every one of these {k} words has cosine exactly 0 with '{html.escape(word)}' — "
                    "as has every other word of the vocabulary. One-hot vectors carry no notion of similarity.")
        else:
            note = (f"Dense vectors ({self.vectors.dim} dimensions): nearest to '{html.escape(word)}' is "
                    f"'{html.escape(neighbours[0][0])}' (cos {neighbours[0][1]:.3f}).")
        self.output.value = f"<div>{note}</div>"


class SimilarityHeatmapApp(WidgetApp):
    """Type comma-separated words: a heatmap of all their pairwise cosine similarities."""

    css_class = "course-similarity-heatmap"

    def __init__(self, vectors: WordVectors, words: str = "king, queen, man, woman, monday, friday, water, wine"):
        self.vectors = vectors
        known = [w for w in dict.fromkeys(_clean(p) for p in words.split(",")) if w in vectors]
        if len(known) < 2:
            known = vectors.words[:2]
        words = ", ".join(known)
        controls = {
            "words": W.Text(value=words, description="words", layout=W.Layout(width="520px")),
            "space": W.ToggleButtons(options=list(SPACES), value="dense", description="vectors"),
        }
        fig = figure_widget(similarity_heatmap(known, vectors.similarity_matrix(known)))
        super().__init__(controls, fig, title="Similarity heatmap")

    def update(self, words: str, space: str) -> None:
        chosen = parse_words(words, self.vectors)
        matrix = pairwise_similarities(self.vectors, chosen, space)
        replace_figure(self.figure, similarity_heatmap(chosen, matrix, title=f"Cosine similarity ({space} vectors)"))
        off = matrix[~np.eye(len(chosen), dtype=bool)]
        if np.isclose(off.min(), off.max()):   # one-hot: no pair stands out, so naming a "most similar" one would mislead
            self.output.value = (f"<div>{len(chosen)} words; every pair of different words has cosine {off.max():.3f}: "
                                 "no pair is more similar than another.</div>")
            return
        i, j = np.unravel_index(np.argmax(np.where(np.eye(len(chosen), dtype=bool), -np.inf, matrix)), matrix.shape)
        self.output.value = (f"<div>{len(chosen)} words; off-diagonal cosines from {off.min():.3f} to {off.max():.3f}; "
                             f"most similar pair: '{html.escape(chosen[i])}' – '{html.escape(chosen[j])}' ({matrix[i, j]:.3f}).</div>")
