"""The pattern every widget app follows: controls → pure compute → figure / table update.

An app holds named ``controls`` (ipywidgets), an optional plotly ``figure`` (a FigureWidget,
updated in place), an ``output`` HTML area for tables and text, and a ``message`` line.
Subclasses implement ``update(**values)``; any exception it raises becomes a readable message
in the widget instead of a traceback, so bad input never kills an app; while the error stands,
the figure and the output (now stale) are replaced by a short note, so nothing on screen
disagrees with the controls. ``note(text)`` shows a warning that does not stop the update (one
bad word among several, a capped ``k``). Tests drive an app
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
        self.notes: list[str] = []
        self.stale_note = W.HTML('<i style="color:#57606a">The figure returns when the input above is fixed.</i>')
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

    def note(self, text: str) -> None:
        """A warning the learner should see that does not stop this update."""
        self.notes.append(text)

    def refresh(self, _change=None) -> None:
        self.notes = []
        try:
            self.update(**self.values())
        except Exception as err:  # noqa: BLE001 - every error is shown, none escapes the widget
            self.show_error(err)
            self.output.value = ""
            self._show_in_figure_slot(self.stale_note)
        else:
            self.last_error = None
            self.message.value = "".join(
                f'<div style="color:#9a6700">⚠ {html.escape(n)}</div>' for n in self.notes)
            self._show_in_figure_slot(self.figure)

    def _show_in_figure_slot(self, widget) -> None:
        if self._figure_slot is None or widget is None:
            return
        children = list(self.ui.children)
        if children[self._figure_slot] is not widget:
            children[self._figure_slot] = widget
            self.ui.children = tuple(children)

    @property
    def figure_is_shown(self) -> bool:
        return self._figure_slot is not None and self.ui.children[self._figure_slot] is self.figure

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
            if self.last_error is None:
                self._show_in_figure_slot(self.figure)
        return self.ui

    def _ipython_display_(self):
        from IPython.display import display

        display(self.show())
