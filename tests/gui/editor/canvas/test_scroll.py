"""The wire labels stay at the left edge of the canvas when a long circuit is scrolled."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from qmlstudio.core import Circuit, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas.view import CircuitView
from tests.gui.canvas_support import click

LABEL_STRIP = 50  # pixels: the labels' margin, left of where the wires start


def _on_screen(view: CircuitView) -> QImage:
    """The label strip as the window shows it (its pixels on screen, not a fresh render)."""
    viewport = view.viewport()
    origin = viewport.mapTo(view.window(), viewport.rect().topLeft())
    screen = QApplication.primaryScreen()
    return screen.grabWindow(view.window().winId(), origin.x(), origin.y(), LABEL_STRIP,
                             viewport.height()).toImage()


def test_wire_labels_stay_in_view_when_scrolled_sideways(qtbot):
    circuit = Circuit(3)
    for k in range(150):
        circuit = circuit.add("h" if k % 2 else "x", k % 3)
    view = CircuitView(ProjectDocument(Project(circuit)))
    qtbot.addWidget(view)
    view.resize(520, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.wait(50)
    labels = _on_screen(view)
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 1000
    for value in (bar.maximum() // 2, bar.maximum() // 2 - 37, bar.maximum() // 2 + 5, 0):
        bar.setValue(value)  # as dragging the scroll bar does, one step at a time
        qtbot.wait(30)
        assert _on_screen(view) == labels, f"labels differ at scroll {value}"
    # A press on the labels picks nothing under them (the gates scrolled out of sight).
    bar.setValue(bar.maximum() // 2)
    click(view, QPoint(10, int(view.wire_y(0) - view.mapToScene(QPoint(0, 0)).y())))
    assert view.document.selection == ()
