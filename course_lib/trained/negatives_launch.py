"""Notebook 07's subprocesses: the two-process ``torchrun`` run, and the memory measurements.

Both are real separate processes started from the notebook: ``torchrun`` because training across
processes needs them, the memory measurements because a process's peak memory is only honest in
a fresh process. Their results are cached like every other run (recipe, data, course version).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import runtime
from ..negatives.batches import check_process_split
from .negatives import NegativesRecipe, cached_run, is_saved

DDP_MODULE = "course_lib.trained.negatives_ddp"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun_args(processes: int, profile: str, out: str | Path, global_batch: int | None = None,
                  port: int | None = None) -> list[str]:
    """The arguments after ``torchrun`` for a run on this machine (one node)."""
    args = [f"--nproc_per_node={processes}", "--nnodes=1", "--master_addr=127.0.0.1",
            f"--master_port={port or free_port()}", "-m", DDP_MODULE, "--profile", profile, "--out", str(out)]
    return args + (["--global-batch", str(global_batch)] if global_batch else [])


def shown_command(args: list[str]) -> str:
    """What a learner would type (``torchrun`` is ``python -m torch.distributed.run``)."""
    return "torchrun " + " ".join(a for a in args if not a.startswith(("--master_port", "--master_addr", "--nnodes")))


def cluster_commands(profile: str = "gpu", gpus: int = 8, nodes: int = 2) -> dict[str, str]:
    """The same script on one multi-GPU node, and on several nodes (each node runs the same line)."""
    script = f"-m {DDP_MODULE} --profile {profile} --out result.json"
    return {
        f"one node, {gpus} GPUs": f"torchrun --nproc_per_node={gpus} {script}",
        f"{nodes} nodes × {gpus} GPUs (run on every node)":
            f"torchrun --nnodes={nodes} --nproc_per_node={gpus} --rdzv_id=nb07 --rdzv_backend=c10d "
            f"--rdzv_endpoint=HEAD_NODE_HOST:29500 {script}",
    }


def stream(command: list[str], log=print, env: dict | None = None, timeout_s: float = 1800) -> tuple[int, list[str]]:
    """Run ``command``, passing every line of its output (stdout and stderr) to ``log`` as it comes."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(runtime.ROOT), os.environ.get("PYTHONPATH", "")]),
                "PYTHONUNBUFFERED": "1", **(env or {})}
    lines = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env,
                          cwd=str(runtime.ROOT)) as proc:
        for line in proc.stdout:
            line = line.rstrip()
            if line:
                lines.append(line)
                log(line)
        rc = proc.wait(timeout=timeout_s)
    return rc, lines


def launch_problem(processes: int) -> str:
    """Why ``processes`` cannot be launched here ('' when they can): on CUDA, NCCL wants one GPU per process."""
    import torch

    if torch.cuda.is_available() and torch.cuda.device_count() < processes:
        return (f"{processes} processes need {processes} GPUs with NCCL; this machine has "
                f"{torch.cuda.device_count()}. Run this section on a CPU machine (gloo) or a node with more GPUs.")
    return ""


def launch_ddp(recipe: NegativesRecipe, profile: str, processes: int = 2, log=print) -> dict:
    """Start ``torchrun --nproc_per_node=processes`` now (no cache); the run's JSON plus its log."""
    check_process_split(recipe.ddp_global_batch, processes, recipe.examples)
    problem = launch_problem(processes)
    if problem:
        raise ValueError(problem)
    with tempfile.TemporaryDirectory(prefix="course-nb07-ddp-") as folder:
        out = Path(folder) / "result.json"
        args = torchrun_args(processes, profile, out)
        log("$ " + shown_command(args))
        threads = max(1, (os.cpu_count() or 1) // processes)
        rc, lines = stream([sys.executable, "-m", "torch.distributed.run", *args], log,
                           env={"OMP_NUM_THREADS": str(threads), "COURSE_PROFILE": profile,
                                # library deprecation notices a learner cannot act on stay out of the log
                                "PYTHONWARNINGS": "ignore::FutureWarning"})
        if rc != 0 or not out.exists():
            raise RuntimeError(f"torchrun exited with code {rc}; the last lines of its log:\n" + "\n".join(lines[-15:]))
        result = json.loads(out.read_text())
    return {**result, "command": shown_command(args), "log": lines}


def ddp_run(recipe: NegativesRecipe, profile: str, processes: int = 2, log=print) -> dict:
    """The two-process run, cached like the others (a saved run replays its log instead of training)."""
    config = {"run": "torchrun", "processes": processes, "global_batch": recipe.ddp_global_batch,
              "device": "cuda" if runtime.cuda_available() else "cpu"}
    return cached_run(f"ddp-{processes}x{recipe.ddp_global_batch // processes}", recipe, config,
                      lambda: launch_ddp(recipe, profile, processes, log), log)


# Fixed (not adaptive) mmap threshold: large blocks are unmapped when freed, so the resident memory
# returns to its baseline after each step and one process can measure several steps honestly.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


def _memory_command(recipe: NegativesRecipe, threads: int = 0) -> list[str]:
    # smallest first, the largest plain step last
    specs = [f"gradcache:{b}:{min(recipe.memory_chunk, b)}" for b in recipe.memory_batches]
    specs.append(f"bank:{recipe.bank_batch}:{recipe.bank_batch}:{recipe.bank_size}")
    specs += [f"plain:{b}:{b}" for b in recipe.memory_batches]
    return [sys.executable, "-m", "course_lib.trained.negatives_memory", "--seq", str(recipe.memory_seq_length),
            "--threads", str(threads), *specs]


def _memory_config(recipe: NegativesRecipe) -> dict:
    return {"run": "memory", "batches": list(recipe.memory_batches), "chunk": recipe.memory_chunk, "bank": True,
            "seq": recipe.memory_seq_length, "device": str(runtime.pick_device()), "malloc": MALLOC_ENV}


class MemoryJob:
    """The memory measurements of ``memory_table``, started now in a fresh process (unless a saved
    run exists) and collected by ``result()``: so they can run while the notebook does other work.
    The figures are each process's own peak memory, which work beside it does not change."""

    def __init__(self, recipe: NegativesRecipe, log=print, threads: int = 0):
        """``threads``: torch threads of the measuring process (1 leaves the other core to the notebook)."""
        self.recipe, self.log, self.proc, self.threads = recipe, log, None, threads
        if not is_saved("memory", recipe, _memory_config(recipe)):
            env = {**os.environ, **MALLOC_ENV,
                   "PYTHONPATH": os.pathsep.join([str(runtime.ROOT), os.environ.get("PYTHONPATH", "")])}
            self.proc = subprocess.Popen(_memory_command(recipe, threads), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         text=True, env=env, cwd=str(runtime.ROOT))

    def _collect(self) -> dict:
        if self.proc is None:   # the saved run vanished meanwhile: measure now
            self.__init__(self.recipe, self.log, self.threads)
        out, _ = self.proc.communicate()
        lines = out.splitlines()
        if self.proc.returncode != 0:
            raise RuntimeError(f"the memory measurement failed (exit {self.proc.returncode}):\n" + "\n".join(lines[-12:]))
        table, bank = {"plain": {}, "gradcache": {}}, None
        for row in (json.loads(line) for line in lines if line.startswith("{")):
            if row["mode"] == "bank":
                bank = row
            else:
                table[row["mode"]][str(row["batch"])] = row
        return {"config": _memory_config(self.recipe), "table": table, "bank": bank}

    def result(self) -> dict:
        """Peak memory of one step by batch size, plain vs GradCache, and one memory-bank step (cached):
        {"table": {"plain": {"32": {...}}, "gradcache": {...}}, "bank": {...}}."""
        return cached_run("memory", self.recipe, _memory_config(self.recipe), self._collect, self.log)


def memory_table(recipe: NegativesRecipe, log=print) -> dict:
    """``MemoryJob(recipe).result()``: measure (or read) and wait."""
    return MemoryJob(recipe, log).result()
