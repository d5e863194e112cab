"""Notebook 02 widgets: window pairs, the noise exponent, a training step-through, the loss curve,
a 2-D map of learned vectors and a neighbours explorer. Thin wiring over ``course_lib.word2vec``."""
from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..text import UnknownWordError
from ..viz.word2vec import loss_figure, map_figure, neighbours_figure, noise_figure, step_figure, window_figure
from ..word2vec.explore import (known_word, noise_table, project_2d, sentence_tokens, smooth, step_through,
                                window_view)
from .base import WidgetApp, figure_widget, replace_figure


def _table(header: list[str], rows: list[list], max_rows: int = 40) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows[:max_rows])
    more = f"<div>… and {len(rows) - max_rows} more</div>" if len(rows) > max_rows else ""
    return f"<table>{'<tr>' + head + '</tr>'}{body}</table>{more}"


def _split_words(text: str, kv) -> tuple[list[str], list[str]]:
    """Comma-separated words → (the known ones, a message for each unknown one with close matches).

    Unknown words are reported, not fatal: one typo must not freeze the map's other controls."""
    known, problems = [], []
    for w in dict.fromkeys(w.strip().lower() for w in text.split(",") if w.strip()):
        try:
            known_word(kv, w)
            known.append(w)
        except UnknownWordError as err:
            problems.append(str(err))
    return known, problems


class WindowPairsApp(WidgetApp):
    """A real sentence, a window slider and a center slider: the (center, context) pairs it makes."""

    css_class = "course-window-pairs"

    def __init__(self, sentence: str, window: int = 2, center: int = 3):
        tokens = sentence_tokens(sentence)
        center = min(center, len(tokens) - 1)
        self._busy = False
        controls = {
            "sentence": W.Text(value=sentence, description="sentence", layout=W.Layout(width="640px")),
            "window": W.IntSlider(value=window, min=1, max=8, description="window"),
            "center": W.IntSlider(value=center, min=0, max=len(tokens) - 1, description="center at"),
        }
        fig = figure_widget(window_figure(window_view(tokens, center, window)))
        super().__init__(controls, fig, title="Sliding window → (center, context) pairs")

    def refresh(self, _change=None) -> None:
        if not self._busy:
            super().refresh(_change)

    def update(self, sentence: str, window: int, center: int) -> None:
        tokens = sentence_tokens(sentence)
        slider = self.controls["center"]
        if slider.max != len(tokens) - 1:
            self._busy = True
            try:
                slider.max = len(tokens) - 1
            finally:
                self._busy = False
            center = slider.value
        view = window_view(tokens, min(center, len(tokens) - 1), window)
        replace_figure(self.figure, window_figure(view))
        rows = [[c, x, abs(j - view["center"])] for (c, x), j in zip(view["center_pairs"], view["context"])]
        self.output.value = (
            f"<div><b>Pairs with center '{html.escape(tokens[view['center']])}'</b></div>"
            + _table(["center", "context", "distance"], rows)
            + f"<div style='margin-top:6px'><b>All {len(view['all_pairs'])} pairs of the sentence</b> "
              f"({len(tokens)} words, window {window}): "
            + html.escape(", ".join(f"({c}, {x})" for c, x in view["all_pairs"][:80]))
            + (" …" if len(view["all_pairs"]) > 80 else "") + "</div>"
        )


class NoiseExponentApp(WidgetApp):
    """The exponent of P(w) ∝ count^α on the corpus's most frequent words."""

    css_class = "course-noise-exponent"

    def __init__(self, words, counts, power: float = 0.75, top: int = 20):
        self.words, self.counts = list(words), np.asarray(counts)
        controls = {
            "power": W.FloatSlider(value=power, min=0.0, max=1.0, step=0.05, description="exponent α"),
            "top": W.IntSlider(value=top, min=5, max=50, description="top words"),
        }
        fig = figure_widget(noise_figure(noise_table(self.words, self.counts, power, top)))
        super().__init__(controls, fig, title="Noise distribution P(w) ∝ count(w)^α")

    def update(self, power: float, top: int) -> None:
        table = noise_table(self.words, self.counts, power, top)
        replace_figure(self.figure, noise_figure(table))
        self.output.value = (
            f"<div>With α = {power:.2f}, '{html.escape(table['words'][0])}' is drawn with probability "
            f"{table['probs'][0]:.4f} (unigram: {table['unigram'][0]:.4f}); the rarer half of the vocabulary "
            f"({table['n_rare']:,} words) gets {table['rare_share']:.2%} of the draws (unigram: "
            f"{table['rare_share_unigram']:.2%}).</div>")


class TrainingStepApp(WidgetApp):
    """Step through SGNS training on a few real pairs: σ(score) of real pairs rises, of sampled pairs falls."""

    css_class = "course-training-steps"

    def __init__(self, pairs, negatives, steps: int = 40, learning_rates=(0.1, 0.5, 1.0, 2.0), lr: float = 0.5,
                 dim: int = 10, seed: int = 0):
        self.pairs, self.negatives, self.steps, self.dim, self.seed = pairs, negatives, steps, dim, seed
        self._runs = {}
        controls = {
            "step": W.IntSlider(value=0, min=0, max=steps, description="step"),
            "lr": W.Dropdown(options=list(learning_rates), value=lr, description="learning rate"),
        }
        fig = figure_widget(step_figure(self.run(lr), 0))
        super().__init__(controls, fig, title="Training step by step (closed-form SGD updates)")

    def run(self, lr: float):
        if lr not in self._runs:
            self._runs[lr] = step_through(self.pairs, self.negatives, self.steps, lr, self.dim, self.seed)
        return self._runs[lr]

    def update(self, step: int, lr: float) -> None:
        run = self.run(lr)
        replace_figure(self.figure, step_figure(run, step))
        rows = [[f"{c} → {x}", "real", f"{run.pos[0, i]:.3f}", f"{run.pos[step, i]:.3f}"]
                for i, (c, x) in enumerate(run.pairs)]
        rows += [[f"{c} → {n}", "sampled", f"{run.neg[0, i, j]:.3f}", f"{run.neg[step, i, j]:.3f}"]
                 for i, ((c, _), ns) in enumerate(zip(run.pairs, run.negatives)) for j, n in enumerate(ns)]
        self.output.value = (f"<div>loss {run.loss[0]:.3f} at step 0 → {run.loss[step]:.3f} at step {step}</div>"
                             + _table(["pair", "kind", "σ at step 0", f"σ at step {step}"], rows))


class LossCurveApp(WidgetApp):
    """Loss histories (``{name: history}``, each a list of {"step", "words", "loss"} dicts) with smoothing."""

    css_class = "course-loss-curve"

    def __init__(self, histories: dict, smoothing: int = 5):
        if not histories or not all(histories.values()):
            raise ValueError("Give at least one non-empty loss history (train first).")
        self.histories = histories
        controls = {
            "smoothing": W.IntSlider(value=smoothing, min=1, max=50, description="smoothing"),
            "x": W.ToggleButtons(options=["words", "step"], value="words", description="x axis"),
            "log_y": W.Checkbox(value=False, description="log scale"),
        }
        fig = figure_widget(self._figure(smoothing, "words", False))
        super().__init__(controls, fig, title="Loss curve")

    def _figure(self, smoothing, x, log_y):
        curves = {name: ([h[x] for h in hist], smooth([h["loss"] for h in hist], smoothing))
                  for name, hist in self.histories.items()}
        return loss_figure(curves, x_title="words seen" if x == "words" else "update step",
                           title=f"Training loss (moving average over {smoothing} points)", log_y=log_y)

    def update(self, smoothing: int, x: str, log_y: bool) -> None:
        replace_figure(self.figure, self._figure(smoothing, x, log_y))
        parts = [f"{html.escape(n)}: {h[0]['loss']:.3f} → {np.mean([r['loss'] for r in h[-5:]]):.3f}"
                 for n, h in self.histories.items()]
        self.output.value = "<div>first → last loss: " + "; ".join(parts) + "</div>"


class VectorMapApp(WidgetApp):
    """A 2-D map (PCA or t-SNE) of the most frequent words' vectors; hover for the word."""

    css_class = "course-vector-map"

    def __init__(self, kvs: dict, n_words: int = 200, highlight: str = "king, queen, man, woman, god",
                 method: str = "pca"):
        self.kvs = kvs
        self._cache = {}
        first = next(iter(kvs.values()))
        highlight = ", ".join(w for w in (p.strip() for p in highlight.split(",")) if w in first.key_to_index)
        controls = {
            "model": W.Dropdown(options=list(kvs), value=next(iter(kvs)), description="vectors"),
            "n_words": W.IntSlider(value=n_words, min=30, max=600, step=10, description="words"),
            "method": W.ToggleButtons(options=["pca", "t-sne"], value=method, description="map"),
            "highlight": W.Text(value=highlight, description="highlight", layout=W.Layout(width="420px")),
        }
        fig = figure_widget(self._figure(controls["model"].value, n_words, method, highlight)[0])
        super().__init__(controls, fig, title="Map of learned word vectors")

    def _figure(self, model, n_words, method, highlight):
        """The map and the messages for highlighted words the model does not know."""
        kv = self.kvs[model]
        marked, problems = _split_words(highlight, kv)
        words = list(dict.fromkeys(kv.index_to_key[:n_words] + marked))
        key = (model, tuple(words), method)
        if key not in self._cache:
            self._cache[key] = project_2d(np.stack([kv[w] for w in words]), method)
        counts = [kv.get_vecattr(w, "count") if "count" in kv.expandos else 0 for w in words]
        title = (f"{model}: the {n_words} most frequent words" + (f" + {len(words) - n_words} highlighted" if len(words) > n_words else "")
                 + f", {method.upper()} of the normalised vectors")
        return map_figure(words, self._cache[key], title, marked, counts if any(counts) else None), problems

    def update(self, model: str, n_words: int, method: str, highlight: str) -> None:
        fig, problems = self._figure(model, n_words, method, highlight)
        for problem in problems:
            self.note(f"Not highlighted: {problem}")
        replace_figure(self.figure, fig)
        self.output.value = ("<div>Distances on a 2-D map are only a rough guide: the vectors have "
                             f"{self.kvs[model].vector_size} dimensions.</div>")


class NeighboursApp(WidgetApp):
    """Type a word: its nearest words in each set of vectors, side by side."""

    css_class = "course-w2v-neighbours"

    def __init__(self, kvs: dict, word: str = "king", topn: int = 10):
        self.kvs = kvs
        first = next(iter(kvs.values()))
        word = word if word in first.key_to_index else first.index_to_key[50]
        controls = {
            "word": W.Text(value=word, description="word", layout=W.Layout(width="240px")),
            "topn": W.IntSlider(value=topn, min=1, max=30, description="neighbours"),
        }
        fig = figure_widget(neighbours_figure(word, self.results(word, topn)))
        super().__init__(controls, fig, title="Nearest neighbours: ours vs gensim")

    def results(self, word: str, topn: int) -> dict:
        out = {}
        for name, kv in self.kvs.items():
            w = known_word(kv, word)
            out[name] = [(n, float(s)) for n, s in kv.most_similar(w, topn=topn)]
        return out

    def update(self, word: str, topn: int) -> None:
        results = self.results(word, topn)
        word = word.strip().lower()
        replace_figure(self.figure, neighbours_figure(word, results))
        sets = [set(w for w, _ in r) for r in results.values()]
        shared = set.intersection(*sets) if sets else set()
        self.output.value = (f"<div>{len(shared)} of the {topn} neighbours of '{html.escape(word)}' are the same in "
                             f"all {len(results)} models" + (f": {html.escape(', '.join(sorted(shared)))}" if shared else "")
                             + ".</div>")
