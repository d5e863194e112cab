"""course_lib — the helper library behind *Embeddings from Scratch*.

Importing the package is cheap and makes no network call: it only sets the model hub's offline
switches (see ``runtime``). Heavy modules (torch, sentence-transformers, gensim) load lazily,
when a submodule that needs them is imported.
"""
from . import runtime  # noqa: F401

__version__ = "0.1.0"
