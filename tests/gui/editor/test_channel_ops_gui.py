"""A circuit holding channel operations in the editor: the canvas draws each as a labelled box,
the inspector shows its constant parameters and refuses a trainable one, copy and paste keep
it, and the state view shows the mixed state."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from qmlstudio.core import Circuit, Const, Operation, w
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas.clipboard import operations_from_mime, operations_to_mime
from qmlstudio.gui.editor.inspector import Inspector
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.viewmodels.canvas_layout import CircuitLayout
from qmlstudio.viewmodels.state_snapshot import simulate_snapshot
from tests.gui.canvas_support import show_view
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

CIRCUIT = (Circuit(3).add("h", 0).add("ry", 1, w(0)).add("bit_flip", 0, 0.1)
           .add("depolarizing2", (1, 2), 0.2).add("thermal_relaxation", 2, 50.0, 60.0, 2.0, 0.0)
           .add("reset", 1).add("measure", 0))
BIT_FLIP, DEPOLARIZING2, THERMAL, RESET, MEASURE = range(2, 7)


@pytest.fixture
def channel_document(document):
    document.edit_circuit(CIRCUIT, "Set up")
    document.undo_stack.clear()
    return document


def test_the_canvas_draws_channels_as_labelled_boxes(qtbot, channel_document):
    layout = CircuitLayout(CIRCUIT)
    assert [layout.labels[k] for k in range(2, 7)] == [
        "BIT_FLIP(0.1)", "DEPOLARIZING2(0.2)", "THERMAL_RELAXATION(50, 60, 2, 0)", "RESET",
        "MEASURE"]
    _, _, _, height = layout.op_rect(DEPOLARIZING2)  # one tall box over both wires
    assert height > layout.wire_y(2) - layout.wire_y(1)
    view = show_view(qtbot, channel_document)
    image = view.viewport().grab().toImage()  # paints every operation
    assert not image.isNull()


def test_the_inspector_shows_a_channels_parameters_and_refuses_a_weight(qtbot,
                                                                        channel_document):
    inspector = Inspector(channel_document)
    qtbot.addWidget(inspector)
    inspector.resize(360, 700)
    inspector.show()
    channel_document.set_selection((THERMAL,))
    assert inspector.title.text() == "THERMAL_RELAXATION(50, 60, 2, 0)"
    assert inspector.description.text().startswith("Noise channel: T1 and T2 decay")
    editors = inspector.parameter_editors
    assert [e.title() for e in editors] == [
        "Parameter t1", "Parameter t2", "Parameter time", "Parameter excited_population"]
    assert [e.constant.text() for e in editors] == ["50", "60", "2", "0"]
    editors[0].param_edited.emit(w(0))  # what choosing "Trainable weight" sends
    assert channel_document.circuit == CIRCUIT and channel_document.undo_stack.count() == 0
    editors[2].param_edited.emit(Const(4.0))
    assert channel_document.circuit.operations[THERMAL].params[2] == Const(4.0)
    channel_document.set_selection((RESET,))
    assert inspector.title.text() == "RESET" and inspector.parameter_editors == []


def test_copy_and_paste_keep_channel_operations(qtbot):
    ops = CIRCUIT.operations[BIT_FLIP:]
    mime = operations_to_mime(ops)
    assert operations_from_mime(mime) == ops
    assert not mime.hasText()  # OpenQASM has no noise channels
    QApplication.clipboard().setMimeData(operations_to_mime(CIRCUIT.operations[RESET:]))
    assert "reset q[1];" in QApplication.clipboard().text()


def test_the_state_view_snapshot_is_the_mixed_state(channel_document):
    snapshot = simulate_snapshot(channel_document.project, 0)
    assert snapshot.note.endswith("mixed state (channel operations)")
    np.testing.assert_allclose(snapshot.probabilities.sum(), 1.0, atol=1e-12)
    assert snapshot.bloch[0, 0] == pytest.approx(0.0, abs=1e-12)  # measured: no coherence


def test_the_main_window_trains_and_shows_a_circuit_with_channels(qtbot):
    project = moons_project(epochs=1)
    noisy = project.circuit.inserted(4, Operation("depolarizing", (0,), (0.05,)),
                                     Operation("reset", (1,)))
    window = MainWindow(ProjectDocument(replace(project, circuit=noisy)))
    window.show()
    try:
        qtbot.waitUntil(lambda: "mixed state" in window.state_view.note(), timeout=30_000)
        with qtbot.waitSignal(window.training_panel.worker.finished,
                              timeout=FIRST_RUN_TIMEOUT_MS):
            QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.document.project.is_trained, timeout=10_000)
        assert window.document.circuit == noisy
    finally:
        for open_window in open_windows():
            open_window.document.undo_stack.setClean()
            open_window.close()
