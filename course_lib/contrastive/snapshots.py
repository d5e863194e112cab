"""Watching training: the example the forces widget follows, and its embeddings step by step."""
from __future__ import annotations

import numpy as np

PROBE_NEGATIVES = 4   # the forces widget follows one anchor, its positive and a few negatives


def probe_example(triplets, n_negatives: int = PROBE_NEGATIVES) -> dict:
    """The example the forces widget follows: the first row's anchor, positive and its mined hard
    negative, plus the positives of the next rows (they are its in-batch negatives)."""
    row = triplets[0]
    others = [triplets[i]["positive"] for i in range(1, n_negatives)]
    return {"anchor": row["anchor"], "positive": row["positive"],
            "negatives": [row["negative"]] + others,
            "negative_kinds": ["mined hard negative"] + ["in-batch negative"] * len(others)}


class SnapshotCallback:
    """Records the embeddings of a few fixed texts every ``every`` steps during training."""

    def __init__(self, model, texts: list[str], every: int):
        from transformers import TrainerCallback

        self.model, self.texts, self.every = model, list(texts), max(1, every)
        self.steps, self.embeddings = [], []
        self.record(0)
        outer = self

        class _Callback(TrainerCallback):
            def on_step_end(self, args, state, control, **kwargs):
                if state.global_step % outer.every == 0 or state.global_step == state.max_steps:
                    outer.record(state.global_step)

        self.callback = _Callback()

    def record(self, step: int) -> None:
        import torch

        was_training = self.model.training
        with torch.no_grad():
            vectors = self.model.encode(self.texts, convert_to_numpy=True, normalize_embeddings=True,
                                        show_progress_bar=False)
        self.model.train(was_training)
        self.steps.append(int(step))
        self.embeddings.append(np.asarray(vectors, dtype=np.float32))

