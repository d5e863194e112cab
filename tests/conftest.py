"""Shared test set-up: the ci profile, a private progress file, and notebook helpers."""
import os
import sys
from pathlib import Path

os.environ.setdefault("COURSE_PROFILE", "ci")
os.environ.setdefault("COURSE_NO_PROGRESS", "1")  # tests never touch a learner's progress file
sys.path.insert(0, str(Path(__file__).parent))
