"""The WidgetApp contract: errors become messages, and show() displays a figure with its first state."""
import ipywidgets as W
import plotly.graph_objects as go

from course_lib.widgets import WidgetApp, figure_widget
from widget_helpers import assert_changes, assert_rejects


class Squares(WidgetApp):
    def __init__(self):
        super().__init__({"n": W.IntSlider(value=2, min=-5, max=10)}, figure=figure_widget(go.Figure(go.Bar(x=[], y=[]))))

    def update(self, n):
        if n < 0:
            raise ValueError("n must not be negative")
        with self.figure.batch_update():
            self.figure.data[0].x = list(range(n))
            self.figure.data[0].y = [i * i for i in range(n)]


def test_show_displays_a_figure_born_with_the_first_state():
    app = Squares()
    ui = app.show()
    assert list(app.figure.data[0].y) == [0, 1]
    assert app.figure in ui.children  # the displayed widget is the one later updates go to
    assert_changes(app, "n", 4)
    assert list(app.figure.data[0].y) == [0, 1, 4, 9]


def test_bad_input_is_a_message_and_the_app_keeps_working():
    app = Squares()
    app.show()
    assert_rejects(app, "n", -1, "negative")
    assert "course-message" in app.message._dom_classes
    assert_changes(app, "n", 3)
    assert app.message.value == ""


def test_an_error_hides_the_stale_figure_and_output_until_fixed():
    app = Squares()
    app.show()
    app.output.value = "<table>old rows</table>"
    assert_rejects(app, "n", -1, "negative")
    assert not app.figure_is_shown and app.stale_note in app.ui.children
    assert app.output.value == ""  # the table of the previous input is gone too
    assert_changes(app, "n", 3)
    assert app.figure_is_shown and app.stale_note not in app.ui.children
    assert list(app.figure.data[0].y) == [0, 1, 4]


class Noted(Squares):
    def update(self, n):
        if n > 5:
            self.note("only the first 5 squares are shown")
        super().update(n=min(n, 5))


def test_a_note_warns_without_stopping_the_update():
    app = Noted()
    app.show()
    assert_changes(app, "n", 8)
    assert "only the first 5" in app.message.value and app.last_error is None
    assert list(app.figure.data[0].y) == [0, 1, 4, 9, 16] and app.figure_is_shown
    assert_changes(app, "n", 2)
    assert app.message.value == ""  # notes last one update only
