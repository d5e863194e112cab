"""Plotly figure builders: pure functions, data in → ``go.Figure`` out (no widgets, no state).

Importing any builder registers the course's plotly template (``viz/style.py``): titles start at
the left and the toolbar keeps only the buttons a learner uses, so a long title no longer runs
under the toolbar.
"""
from . import style  # noqa: F401  (registers the template)
