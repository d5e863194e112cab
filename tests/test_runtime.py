import subprocess
import sys

import numpy as np
import pytest
import torch

from course_lib import runtime


def test_unknown_profile_lists_valid_ones():
    with pytest.raises(ValueError, match="ci, laptop, gpu"):
        runtime.set_profile("huge")


def test_profile_precedence(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "laptop")
    try:
        assert runtime.set_profile(None) == "laptop"
        assert runtime.set_profile("ci") == "ci"  # the parameters cell beats the environment
        assert runtime.by_profile(ci=1, laptop=2) == 1
        runtime.set_profile("gpu")
        assert runtime.by_profile(ci=1, laptop=2) == 2  # gpu falls back to laptop
        assert runtime.by_profile(ci=1, laptop=2, gpu=3) == 3
    finally:
        runtime.set_profile(None)


def test_automatic_profile_follows_cuda(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr(runtime, "cuda_available", lambda: True)
    assert runtime.get_profile() == "gpu"
    monkeypatch.setattr(runtime, "cuda_available", lambda: False)
    assert runtime.get_profile() == "laptop"


def test_bad_profile_in_environment(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="Unknown profile 'fast'"):
        runtime.get_profile()


def test_seed_everything_repeats_exactly():
    runtime.seed_everything(3)
    a = (np.random.rand(3), torch.rand(3), __import__("random").random())
    runtime.seed_everything(3)
    b = (np.random.rand(3), torch.rand(3), __import__("random").random())
    assert np.array_equal(a[0], b[0]) and torch.equal(a[1], b[1]) and a[2] == b[2]


def test_device_pick_is_cpu_here_and_overridable(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtime.pick_device().type in ("cpu", "mps")
    assert runtime.pick_device("cpu").type == "cpu"


def test_autocast_only_on_cuda():
    import contextlib

    assert isinstance(runtime.autocast("cpu"), contextlib.nullcontext)


def test_import_is_light_and_offline():
    """`import course_lib` loads no heavy library, opens no socket and sets the hub offline."""
    code = (
        "import socket, sys, time\n"
        "def refuse(*a, **k): raise RuntimeError('network call')\n"
        "socket.socket.connect = refuse\n"
        "t = time.perf_counter(); import course_lib; dt = time.perf_counter() - t\n"
        "import os\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'gensim', 'transformers') if m in sys.modules]\n"
        "print(dt, heavy, os.environ['HF_HUB_OFFLINE'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert float(out[0]) < 2.0
    assert out[1] == "[]"
    assert out[2] == "1"


def test_ci_banner_only_in_ci(capsys):
    try:
        runtime.setup("ci", quiet=True)
        assert "not meaningful" in capsys.readouterr().out
        runtime.setup("laptop", quiet=True)
        assert capsys.readouterr().out == ""
    finally:
        runtime.set_profile(None)


def test_new_cross_encoder_is_quiet_and_says_why():
    """A fresh head makes transformers print a red 'LOAD REPORT … MISSING' block and a weights bar;
    the course silences both and says in its own words why the scores mean nothing yet."""
    code = ("from course_lib import runtime\n"
            "from course_lib.contrastive.cross_encoder import new_cross_encoder\n"
            "new_cross_encoder(max_length=16, device='cpu')\n")
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in runtime.QUIET_SWITCHES}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "scores mean nothing until it is trained" in done.stdout
    assert "LOAD REPORT" not in done.stderr + done.stdout
    assert "Loading weights" not in done.stderr
