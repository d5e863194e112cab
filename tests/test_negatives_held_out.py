"""Notebook 07 trains on held-out-safe pairs only: no test-side article (``trained.held_out``) is
ever a positive of its runs (batch sizes, accumulation, memory bank, torchrun) or of the
duplicates section's random pairs."""
import pytest

from course_lib import runtime
from course_lib.trained import held_out
from course_lib.trained.negatives import RECIPES, training_pairs
from course_lib.trained.negatives_duplicates import random_pairs


@pytest.mark.parametrize("profile", ["ci", "laptop"])
def test_notebook_07_training_pairs_are_held_out(profile):
    runtime.set_profile(profile)
    try:
        pairs = training_pairs(RECIPES[profile])
        assert len(pairs) == RECIPES[profile].examples
        used = held_out.article_ids(pairs["positive"])
        assert len(used) == len(pairs) and held_out.leaked(used) == []
        assert len(set(pairs["anchor"])) == len(pairs)          # distinct descriptions: no duplicate in any batch
        extra = held_out.article_ids(random_pairs(512, seed=0)["positive"])
        assert held_out.leaked(extra) == []
    finally:
        runtime.set_profile(None)
