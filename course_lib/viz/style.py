"""The course's plotly template, made the default on import: "plotly" plus two changes.

* Titles are left-aligned. Centred, a long title reached the top-right toolbar (the modebar),
  which covers it as soon as the pointer enters the figure.
* The toolbar keeps zoom, pan, reset and download; the selection and hover-mode buttons
  do nothing useful on the course's plots and made the toolbar three times as wide.
"""
from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import plotly.io as pio

UNUSED_TOOLBAR_BUTTONS = ("select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                          "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines")

pio.templates["course"] = go.layout.Template(layout=dict(
    title=dict(x=0.01, xanchor="left"),
    modebar=dict(remove=list(UNUSED_TOOLBAR_BUTTONS)),
))
pio.templates.default = "plotly+course"


def wrap_title(text: str, width: int = 55) -> str:
    """Break a long title into lines of at most ``width`` characters (plotly's ``<br>``).

    A course figure in JupyterLab is about 700 px wide; one line of 17 px title text holds about
    60 characters before it reaches the toolbar in the top-right corner."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) or text


def title_margin(title: str, base: int = 50, per_line: int = 22) -> int:
    """The top margin a (possibly wrapped) title needs."""
    return base + per_line * title.count("<br>")
