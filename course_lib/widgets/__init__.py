"""ipywidgets apps: thin wiring from controls to the pure compute and viz functions."""
from .base import WidgetApp, figure_widget, replace_figure

__all__ = ["WidgetApp", "figure_widget", "replace_figure"]
