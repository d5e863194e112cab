"""The benchmark interface: ``--profile ci|laptop|gpu``, progress on stderr, JSON last on stdout.

``--save`` also writes the JSON to ``benchmarks/results/<benchmark>-<profile>.json``, which
``benchmarks/readme_table.py`` turns into the README's performance table."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from course_lib import runtime

RESULTS = Path(__file__).resolve().parent / "results"
_save_as: Path | None = None


def parse_args(description: str, default_profile: str = "laptop", extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--profile", choices=runtime.PROFILES, default=None,
                        help=f"run profile (default: $COURSE_PROFILE, else {default_profile})")
    parser.add_argument("--save", action="store_true", help="also write the JSON to benchmarks/results/")
    if extra:
        extra(parser)
    args = parser.parse_args()
    import os

    runtime.set_profile(args.profile or os.environ.get(runtime.PROFILE_ENV) or default_profile)
    args.profile = runtime.get_profile()
    if args.save:
        save_as(f"{Path(sys.argv[0]).stem}-{args.profile}")
    return args


def save_as(name: str) -> None:
    """Make ``emit`` also write its JSON to ``benchmarks/results/<name>.json``."""
    global _save_as
    _save_as = RESULTS / f"{name}.json"


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(result: dict) -> None:
    """Print the one JSON object, last on stdout (and save it when asked to)."""
    text = json.dumps(result, sort_keys=True)
    print(text)
    if _save_as is not None:
        RESULTS.mkdir(exist_ok=True)
        result = {**result, "measured_on": time.strftime("%Y-%m-%d"), "load_average_1min": _load()}
        _save_as.write_text(json.dumps(result, sort_keys=True, indent=1) + "\n")


def _load() -> float:
    import os

    return round(os.getloadavg()[0], 2)
