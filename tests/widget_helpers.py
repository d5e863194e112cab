"""Drive a WidgetApp without a browser: set a control, read what changed."""
from __future__ import annotations

import copy


def figure_state(app) -> list[dict]:
    """A deep copy of the app figure's trace data (x, y, z, text …), for before/after comparisons."""
    return [copy.deepcopy(trace.to_plotly_json()) for trace in app.figure.data]


def snapshot(app) -> tuple:
    fig = figure_state(app) if app.figure is not None else None
    return fig, app.output.value, app.message.value


def set_control(app, name: str, value):
    """Set one control as a learner would; return (before, after) snapshots."""
    before = snapshot(app)
    app.controls[name].value = value
    return before, snapshot(app)


def assert_changes(app, name: str, value):
    before, after = set_control(app, name, value)
    assert app.last_error is None, f"setting {name}={value!r} raised in the widget: {app.last_error}"
    assert before != after, f"setting {name}={value!r} changed nothing the learner can see"
    return after


def assert_rejects(app, name: str, value, *words: str):
    """Bad input: the widget shows a message (containing ``words``) and keeps working."""
    set_control(app, name, value)
    assert app.last_error, f"setting {name}={value!r} showed no message"
    for word in words:
        assert word.lower() in app.last_error.lower(), f"message {app.last_error!r} does not mention {word!r}"
    return app.last_error
