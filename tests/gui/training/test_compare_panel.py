"""Model ▸ Compare with Classical Models, driven from the real main window: the run is in
the background, the table shows what was saved, Cancel stops it, the result is stored in the
project (undoable, saved, shown on reopen, out of date after an edit)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from qmlstudio.core import DatasetSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.theme.themes import active_theme
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.viewmodels.model_comparison import comparison_table
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, StallProbe


def small_moons() -> Project:
    """60 moons rows, two qubits, one layer, three epochs: a comparison of a few seconds."""
    return Project(build_model_circuit(2, 2, layers=1), name="moons",
                   dataset=DatasetSpec.builtin("moons", n_samples=60, noise=0.1),
                   preprocessing=Preprocessing(test_fraction=0.3),
                   training=TrainingConfig(epochs=3, learning_rate=0.1, seed=2))


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "moons.qmlproj"
    save_project(small_moons(), path)
    shown = MainWindow(ProjectDocument.open(path))
    shown.resize(1280, 800)
    shown.show()
    qtbot.waitExposed(shown)
    panel = shown.comparison_panel
    panel.seeds.setValue(2)
    panel.folds.setValue(2)
    yield shown
    for open_window in open_windows():
        open_window.document.undo_stack.setClean()
        open_window.close()


def _menu_action(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Model")
    return next(a for a in menu.actions() if a.text() == "Compare with &Classical Models…")


def test_the_menu_runs_a_comparison_in_the_background_and_shows_the_table(qtbot, window,
                                                                          tmp_path):
    panel, document = window.comparison_panel, window.document
    assert panel.cells() == [[]] and panel.verdict_label.text().startswith("No comparison yet")
    probe = StallProbe()
    probe.start()
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        _menu_action(window).trigger()
        assert panel.is_running and window.docks["comparison"].isVisible()
        assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    probe.stop()
    assert probe.max_gap < 1.0  # the GUI thread never waited for the fits
    qtbot.waitUntil(lambda: not panel.is_running)
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()

    # Stored as one undoable edit: modified, and what the table shows is what was stored.
    result = document.project.comparison
    assert result is not None and document.is_modified
    assert document.undo_stack.undoText() == "Compare with classical models"
    table = comparison_table(result)
    shown = panel.cells()
    assert shown[0] == list(table.headers)
    assert shown[1:] == [list(row.cells) for row in table.rows]
    assert [row[0] for row in shown[1:]] == ["Quantum model", "Logistic regression", "RBF SVM",
                                             "MLP", "Random forest"]
    assert panel.verdict_label.text().startswith("Test accuracy over 2 seeds: quantum model")
    assert not panel.stale_label.isVisible()
    # The quantum row is highlighted; each column's best value is bold and green.
    theme = active_theme()
    for column in range(panel.table.columnCount()):
        assert panel.table.item(0, column).background().color().name() == theme.quantum_row
        assert panel.table.item(1, column).background().style() == Qt.BrushStyle.NoBrush
    best_rows = [r for r in range(len(table.rows)) if table.rows[r].best[1]]
    assert best_rows
    for r in range(len(table.rows)):
        item = panel.table.item(r, 1)
        marked = r in best_rows
        assert item.font().bold() is marked
        assert (item.foreground().color().name() == theme.best_value) is marked

    image = window.grab()
    assert image.width() == 1280 and image.height() == 800
    image.save(str(tmp_path / "comparison.png"))

    # Saved with the project and shown again on reopen.
    window.actions_.save()
    reopened = MainWindow(ProjectDocument.open(document.path))
    qtbot.addWidget(reopened)
    assert load_project(document.path).comparison == result
    assert reopened.comparison_panel.cells() == shown
    assert reopened.comparison_panel.stale_label.isHidden()

    # A circuit edit makes it out of date; undo makes it current again.
    document.edit_circuit(document.circuit.add("h", 0), "Add H")
    assert not panel.stale_label.isHidden()
    assert panel.cells() == shown  # still shown, marked out of date
    document.undo_stack.undo()
    assert panel.stale_label.isHidden()
    document.undo_stack.undo()  # the comparison itself is undoable
    assert document.project.comparison is None and panel.cells() == [[]]


def test_cancel_stops_the_run_and_keeps_the_project(qtbot, window):
    panel, document = window.comparison_panel, window.document
    before = document.project
    panel.folds.setValue(3)
    with qtbot.waitSignal(panel.worker.cancelled, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.progress.value() >= 3, timeout=FIRST_RUN_TIMEOUT_MS)
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.progress.isHidden() and panel.run_button.isEnabled()
    assert panel.message.text() == "Cancelled; the saved comparison is unchanged."
    assert document.project is before and not document.is_modified


def test_a_failure_is_shown_in_the_panel(qtbot, window):
    panel, document = window.comparison_panel, window.document
    untested = replace(document.project, preprocessing=Preprocessing(test_fraction=0.0))
    document.edit(untested, "No test part")
    with qtbot.waitSignal(panel.worker.failed, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.message.text() == (
        "The comparison failed: preprocessing.test_fraction: a comparison scores every model "
        "on the test part; set a test fraction above 0")
    assert document.project is untested and panel.run_button.isEnabled()
