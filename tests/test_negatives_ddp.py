"""Notebook 07, section 7: ``torchrun --nproc_per_node=2`` really runs two processes (gloo on this
CPU), gathers the keys of both, and writes its dev nDCG@10. ci sizes: a couple of steps."""
import pytest

from course_lib.negatives.batches import check_process_split
from course_lib.trained import negatives_launch
from course_lib.trained.negatives import RECIPES


def test_two_process_torchrun_launch_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "ci")
    recipe = RECIPES["ci"]
    lines = []
    result = negatives_launch.launch_ddp(recipe, "ci", processes=2, log=lines.append)
    assert result["world_size"] == 2 and result["trainer_world_size"] == 2 and result["processes"] == 2
    assert result["backend"] in ("gloo", "nccl")
    assert result["per_process_batch"] * 2 == result["global_batch"] == recipe.ddp_global_batch
    assert result["keys_per_query_after_gather"] == recipe.ddp_global_batch   # each query sees both processes' keys
    assert result["steps"] == recipe.examples // recipe.ddp_global_batch
    assert 0.0 <= result["metrics"]["dev"]["ndcg@10"] <= 1.0
    assert any(line.startswith("[rank 1]") for line in lines) and any(line.startswith("[rank 0]") for line in lines)
    assert result["command"].startswith("torchrun --nproc_per_node=2 -m course_lib.trained.negatives_ddp")


def test_an_odd_process_count_that_cannot_split_the_batch_is_refused_before_launching():
    recipe = RECIPES["ci"]
    with pytest.raises(ValueError, match="cannot be split evenly over 3 processes"):
        negatives_launch.launch_ddp(recipe, "ci", processes=3)
    assert check_process_split(recipe.ddp_global_batch, 2) == recipe.ddp_global_batch // 2


def test_cluster_commands_keep_the_script_and_change_the_launch():
    commands = negatives_launch.cluster_commands(gpus=8, nodes=4)
    one, many = commands.values()
    assert "--nproc_per_node=8" in one and "--nnodes" not in one
    assert "--nnodes=4" in many and "--rdzv_endpoint=" in many and "--rdzv_backend=c10d" in many
    assert one.split("-m ")[1] == many.split("-m ")[1]
