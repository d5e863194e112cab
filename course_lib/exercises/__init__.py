"""Graded exercises: ``check`` cells for instant feedback, a grader, and course progress."""
from .core import Case, CheckResult, Exercise, assert_close, check, get, register
from .progress import show_progress
from .yours import yours_or_library

__all__ = ["Case", "CheckResult", "Exercise", "assert_close", "check", "get", "register", "show_progress", "yours_or_library"]
