"""Only current truths on screen: training results that describe an earlier circuit or data
set are marked as such (plots dimmed, a line in the Training panel), and a reopened trained
project draws its decision boundary again. Real window, real training, offscreen Qt."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.training.freshness import DIMMED_OPACITY
from tests.gui.canvas_support import drop_files
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project


@pytest.fixture
def window(qtbot):
    shown = MainWindow(ProjectDocument(moons_project(epochs=3)))
    shown.show()
    yield shown
    for open_window in open_windows():
        open_window.document.undo_stack.setClean()
        open_window.close()


def _train(qtbot, window, boundaries: list | None = None) -> None:
    if boundaries is not None:
        window.training_panel.worker.epoch_extra.connect(boundaries.append)
    with qtbot.waitSignal(window.training_panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.canvas.isEnabled(), timeout=10_000)


def _plots_opacity(window) -> float:
    effect = window.plots.graphicsEffect()
    return 1.0 if effect is None else effect.opacity()


def test_replacing_the_data_set_or_the_circuit_marks_the_results_stale(qtbot, window,
                                                                       tmp_path):
    panel = window.training_panel
    _train(qtbot, window)
    assert panel.stale_text() == "" and _plots_opacity(window) == 1.0
    assert panel.message.text().startswith("Trained 3 epochs")
    assert window.statusBar().currentMessage() == ""  # "editing is locked" ended with the run

    # Replace the data set after training: drop a CSV on the window, as from a file manager.
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{'yes' if i % 2 else 'no'}\n"
                                            for i in range(40)), encoding="utf-8")
    assert drop_files(window, [path])
    qtbot.waitUntil(lambda: window.document.project.dataset.kind == "csv", timeout=30_000)
    assert panel.stale_text().startswith("Trained on an earlier data set:"), panel.stale_text()
    assert _plots_opacity(window) == pytest.approx(DIMMED_OPACITY)
    assert panel.message.text() == ""  # "Trained 3 epochs: test accuracy …" was about moons
    assert panel.reset_button.isEnabled()  # the stale weights can be forgotten
    assert panel.progress.format() == "trained 3 epochs on an earlier data set"

    # Undo brings back the data set the weights were trained on: current again.
    window.document.undo_stack.undo()
    assert panel.stale_text() == "" and _plots_opacity(window) == 1.0
    assert panel.progress.format() == "trained 3 epochs"

    # Apply an edited circuit in the OpenQASM editor.
    window.docks["code"].show()
    window.docks["code"].raise_()
    code = window.code_view
    qtbot.waitUntil(lambda: "ry" in code.text(), timeout=10_000)
    code.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(code.editor, "h q[1];")
    QTest.mouseClick(code.apply_button, Qt.MouseButton.LeftButton)
    assert code.message() == "Applied."
    assert panel.stale_text().startswith("Trained on an earlier circuit:")
    assert _plots_opacity(window) == pytest.approx(DIMMED_OPACITY)

    # Reset weights forgets the stale results: nothing left to mark, nothing left to reset.
    QTest.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert panel.stale_text() == "" and _plots_opacity(window) == 1.0
    assert not panel.reset_button.isEnabled()
    assert panel.progress.format() == "not trained"
    # Undo of the reset brings the stale results back, marked again.
    window.document.undo_stack.undo()
    assert panel.stale_text().startswith("Trained on an earlier circuit:")


def test_a_stale_project_trained_again_is_current(qtbot, window):
    panel = window.training_panel
    _train(qtbot, window)
    circuit = window.document.circuit
    window.document.edit_circuit(circuit.add("h", 0), "Add H")
    assert panel.stale_text() != ""
    _train(qtbot, window)
    assert panel.stale_text() == "" and _plots_opacity(window) == 1.0
    window.document.undo_stack.undo()  # the run trained on the edited circuit: the older
    assert panel.stale_text().startswith("Trained on an earlier circuit:")  # history is stale


def test_reopening_a_trained_project_draws_its_decision_boundary(qtbot, window, tmp_path):
    live: list = []
    _train(qtbot, window, live)
    final = live[-1]  # the boundary the last epoch drew, with the weights that were kept
    path = tmp_path / "moons.qmlproj"
    window.document.save(path)
    reopened = MainWindow(ProjectDocument.open(path))
    reopened.show()
    plot = reopened.plots.boundary_plot
    figures = reopened.plots.figures  # on a page of the plots (a tab in a small window)
    qtbot.waitUntil(lambda: plot.boundary is not None and figures.page_of("boundary")
                    is not None, timeout=60_000)
    drawn = plot.boundary
    assert drawn.epoch == window.document.project.history.records[-1].epoch == final.epoch
    np.testing.assert_array_equal(drawn.values, final.values)
    np.testing.assert_allclose(drawn.confidence, final.confidence, atol=1e-12)
    np.testing.assert_allclose(drawn.points, final.points, atol=1e-12)
    assert reopened.training_panel.stale_text() == ""


def test_undo_redo_and_reset_of_a_run_redraw_the_plots_from_the_stored_training(qtbot, window):
    plots = window.plots
    _train(qtbot, window)
    history = window.document.project.history
    assert len(plots.curve("train_loss")[0]) == 3 and plots.boundary_plot.boundary is not None
    window.document.undo_stack.undo()  # the run: back to the untrained project
    assert len(plots.curve("train_loss")[0]) == 0 and plots.boundary_plot.boundary is None
    window.document.undo_stack.redo()
    epochs, losses = plots.curve("train_loss")
    assert list(epochs) == [1, 2, 3]
    np.testing.assert_allclose(losses, [r.get("train_loss") for r in history.records])
    qtbot.waitUntil(lambda: plots.boundary_plot.boundary is not None, timeout=60_000)
    assert plots.boundary_plot.boundary.epoch == 3
    QTest.mouseClick(window.training_panel.reset_button, Qt.MouseButton.LeftButton)
    assert len(plots.curve("train_loss")[0]) == 0 and plots.boundary_plot.boundary is None
