"""The benchmark interface: ``--profile ci|laptop|gpu``, progress on stderr, JSON last on stdout."""
from __future__ import annotations

import argparse
import json
import sys
import time

from course_lib import runtime


def parse_args(description: str, default_profile: str = "laptop", extra=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--profile", choices=runtime.PROFILES, default=None,
                        help=f"run profile (default: $COURSE_PROFILE, else {default_profile})")
    if extra:
        extra(parser)
    args = parser.parse_args()
    import os

    runtime.set_profile(args.profile or os.environ.get(runtime.PROFILE_ENV) or default_profile)
    args.profile = runtime.get_profile()
    return args


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def emit(result: dict) -> None:
    """Print the one JSON object, last on stdout."""
    print(json.dumps(result, sort_keys=True))
