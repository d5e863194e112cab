"""Graded exercises: ``check`` cells for instant feedback, a grader, and course progress."""
from .core import Case, CheckResult, Exercise, assert_close, check, get, register
from .progress import show_progress

__all__ = ["Case", "CheckResult", "Exercise", "assert_close", "check", "get", "register", "show_progress"]
