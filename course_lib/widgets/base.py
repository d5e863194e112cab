"""The pattern every widget app follows: controls → pure compute → figure / table update.

An app holds named ``controls`` (ipywidgets), an optional plotly ``figure`` (a FigureWidget,
updated in place), an ``output`` HTML area for tables and text, and a ``message`` line.
Subclasses implement ``update(**values)``; any exception it raises becomes a readable message
in the widget instead of a traceback, so bad input never kills an app. Tests drive an app
without a browser: set ``app.controls[name].value`` and read ``app.figure`` / ``app.output``.
"""
from __future__ import annotations

import html
from typing import Any

import ipywidgets as W


def figure_widget(fig):
    """A plotly FigureWidget (updates in place in the browser) built from a pure figure."""
    import plotly.graph_objects as go

    return go.FigureWidget(fig)


def replace_figure(widget, fig) -> None:
    """Show the freshly built ``fig`` in the FigureWidget ``widget`` in place, so the figure the
    learner sees stays the same object (a new trace count or new shapes are fine)."""
    if len(widget.data) != len(fig.data):
        widget.data = ()
        widget.add_traces(list(fig.data))
    else:
        with widget.batch_update():
            for old, new in zip(widget.data, fig.data):
                old.update(new.to_plotly_json(), overwrite=True)
    widget.layout = fig.layout


class WidgetApp:
    css_class = "course-app"

    def __init__(self, controls: dict[str, W.Widget], figure=None, title: str | None = None,
                 continuous: bool = False):
        self.controls = controls
        self.figure = figure
        self.output = W.HTML(layout=W.Layout(width="100%"))
        self.output.add_class("course-output")
        self.message = W.HTML()
        self.message.add_class("course-message")
        self.last_error: str | None = None
        for control in controls.values():
            if hasattr(control, "continuous_update"):
                control.continuous_update = continuous
            control.observe(self.refresh, names="value")
        parts: list[W.Widget] = []
        if title:
            parts.append(W.HTML(f"<b>{html.escape(title)}</b>"))
        parts.append(W.HBox(list(controls.values()), layout=W.Layout(flex_flow="row wrap")))
        parts.append(self.message)
        self._figure_slot = len(parts) if figure is not None else None
        if figure is not None:
            parts.append(figure)
        parts.append(self.output)
        self.ui = W.VBox(parts)
        self.ui.add_class(self.css_class)

    # -- to implement ---------------------------------------------------------------------------
    def update(self, **values: Any) -> None:
        raise NotImplementedError

    # -- machinery ------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, _change=None) -> None:
        try:
            self.update(**self.values())
        except Exception as err:  # noqa: BLE001 - every error is shown, none escapes the widget
            self.show_error(err)
        else:
            self.last_error = None
            self.message.value = ""

    def show_error(self, err: BaseException) -> None:
        text = str(err) or type(err).__name__
        if not isinstance(err, (ValueError, KeyError, LookupError)):
            text = f"Unexpected {type(err).__name__}: {text}"
        self.last_error = text
        self.message.value = f'<span style="color:#cf222e">⚠ {html.escape(text)}</span>'

    def show(self):
        """Run the first update and return the layout (the notebook displays it)."""
        self.refresh()
        if self._figure_slot is not None:
            # Display a figure widget born with the first update's state: updates sent before a
            # view exists were sometimes lost on a busy page, leaving empty axes after Run All.
            self.figure = figure_widget(self.figure)
            children = list(self.ui.children)
            children[self._figure_slot] = self.figure
            self.ui.children = tuple(children)
        return self.ui

    def _ipython_display_(self):
        from IPython.display import display

        display(self.show())
