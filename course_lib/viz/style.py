"""The course's plotly template, made the default on import: "plotly" plus two changes.

* Titles are left-aligned. Centred, a long title reached the top-right toolbar (the modebar),
  which covers it as soon as the pointer enters the figure.
* The toolbar keeps zoom, pan, reset and download; the selection and hover-mode buttons
  do nothing useful on the course's plots and made the toolbar three times as wide.
"""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

UNUSED_TOOLBAR_BUTTONS = ("select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                          "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines")

pio.templates["course"] = go.layout.Template(layout=dict(
    title=dict(x=0.01, xanchor="left"),
    modebar=dict(remove=list(UNUSED_TOOLBAR_BUTTONS)),
))
pio.templates.default = "plotly+course"
