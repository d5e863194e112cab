"""The dense encoders notebook 06 compares, each loaded with a visible note (or a fallback):

* ``base``       — the packaged all-MiniLM-L6-v2;
* ``fine-tuned`` — the course's fine-tuned bi-encoder from notebook 04 (``finetuned-minilm-{profile}``);
* ``mrl-64``     — the first 64 of 384 dimensions of notebook 05's Matryoshka model, re-normalised.

A model that cannot be loaded (the other notebook's code missing, or its training failing) is
replaced by a named fallback, and the note says so: nothing is silently substituted.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import runtime
from ..models import load_minilm, load_saved_sentence_model
from .bi_encoder import load_or_train_bi_encoder
from .matryoshka import load_or_train_mrl_model

MRL_DIMS_USED = 64


@dataclass
class Encoder:
    name: str
    model: object
    dims: int | None
    note: str


def load_encoders(profile: str | None = None, device=None, include=("base", "fine-tuned", "mrl-64")) -> dict[str, Encoder]:
    profile = runtime.check_profile(profile or runtime.get_profile())
    device = device or runtime.pick_device()
    base = load_minilm(device)
    out = {"base": Encoder("base", base, None, "all-MiniLM-L6-v2 as packaged")}
    if "fine-tuned" in include:
        model, note = None, ""
        try:
            model = load_or_train_bi_encoder(profile=profile)
            note = f"the course's fine-tuned MiniLM (notebook 04, finetuned-minilm-{profile})"
        except Exception as err:  # noqa: BLE001 - shown as a note, with a fallback
            model = load_saved_sentence_model(f"finetuned-minilm-{profile}", device=device)
            why = f"{type(err).__name__}: {err}"
            note = (f"the saved finetuned-minilm-{profile} (the loader failed: {why})" if model is not None else
                    f"NOT AVAILABLE ({why}); the 'fine-tuned' rows are left out until notebook 04 has run")
        if model is not None:
            out["fine-tuned"] = Encoder("fine-tuned", model, None, note)
        else:
            out["_fine-tuned-missing"] = Encoder("fine-tuned", None, None, note)
    if "mrl-64" in include:
        try:
            out["mrl-64"] = Encoder("mrl-64", load_or_train_mrl_model(profile=profile, device=device), MRL_DIMS_USED,
                                    f"notebook 05's Matryoshka MiniLM (mrl-minilm-{profile}), first {MRL_DIMS_USED} dims")
        except Exception as err:  # noqa: BLE001
            out["mrl-64"] = Encoder("mrl-64", base, MRL_DIMS_USED,
                                    f"FALLBACK: base MiniLM truncated to {MRL_DIMS_USED} dims (no MRL model: "
                                    f"{type(err).__name__}: {err})")
    return out


def available(encoders: dict[str, Encoder]) -> dict[str, tuple[object, int | None]]:
    """name → (model, dims) for the encoders that loaded (what ``RAGPipeline.build`` takes)."""
    return {name: (e.model, e.dims) for name, e in encoders.items() if e.model is not None and not name.startswith("_")}


def notes(encoders: dict[str, Encoder]) -> list[str]:
    return [f"{e.name}: {e.note}" for e in encoders.values()]
