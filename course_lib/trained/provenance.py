"""What a saved model or cached result was built from, and whether it may be reused.

A saved model (or a cached experiment) is reused only when the recipe, a hash of its training data
and the course_lib version all match today's; otherwise it is rebuilt, with a message saying why
(issue 12: reusing a model trained by another recipe gave figures that no longer matched the code).
"""
from __future__ import annotations

from importlib import metadata

from ..data import cache


def course_version() -> str:
    return metadata.version("course_lib")


def provenance(recipe: dict, training_data) -> dict:
    """The record saved next to a model: its recipe, a hash of what it trained on, the course version.

    ``training_data``: anything ``cache.fingerprint`` hashes (texts, ids) that names the training rows."""
    return {"recipe": recipe, "trained_on": cache.fingerprint(training_data), "course_lib": course_version()}


def stale_reason(record: dict | None, wanted: dict) -> str:
    """Why a saved model with ``record`` cannot stand in for ``wanted`` ("" when it can)."""
    if record is None:
        return "no training record was saved with it"
    changed = [key for key in ("recipe", "trained_on", "course_lib") if record.get(key) != wanted[key]]
    return f"its {', '.join(changed)} differ from today's" if changed else ""


def reusable(name: str, record: dict | None, wanted: dict, exists: bool) -> bool:
    """True when the saved ``name`` may be reused; says why not when a saved copy is being replaced."""
    reason = stale_reason(record, wanted)
    if reason and exists:
        print(f"The saved {name} is out of date ({reason}): training it again.")
    return not reason
