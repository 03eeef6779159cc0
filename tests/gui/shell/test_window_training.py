"""Training inside the main window: plots, canvas heat, editing lock, exports, CSV drops."""

from __future__ import annotations

import csv
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.export.model_file import load_model
from tests.gui.canvas_support import drop_files
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project


@pytest.fixture
def window(qtbot):
    shown = MainWindow(ProjectDocument(moons_project(epochs=4)))
    shown.show()
    yield shown
    for open_window in open_windows():
        open_window.document.undo_stack.setClean()
        open_window.close()


def _train(qtbot, window) -> dict:
    """Click Train and wait for the run; returns what was seen while it ran."""
    seen = {"locked": False, "heat": None}

    def on_report(_report: object) -> None:
        # The run trains under the noise model it was given: that is locked too.
        seen["locked"] |= not window.canvas.isEnabled() and not window.noise_panel.isEnabled()
        if window.canvas.gate_heat() is not None:
            seen["heat"] = window.canvas.gate_heat().copy()

    window.training_panel.worker.report.connect(on_report)
    with qtbot.waitSignal(window.training_panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.canvas.isEnabled(), timeout=10_000)
    assert window.noise_panel.isEnabled()
    return seen


def test_training_from_the_window_fills_the_plots_and_locks_editing_meanwhile(qtbot, window):
    seen = _train(qtbot, window)
    assert seen["locked"], "the canvas was editable during training"
    heat = seen["heat"]
    assert heat is not None and heat.shape == (len(window.document.circuit.operations),)
    assert heat.min() >= 0.0 and heat.max() == pytest.approx(1.0)
    assert window.canvas.gate_heat() is None  # the tint goes when training ends
    history = window.document.project.history
    epochs, losses = window.plots.curve("train_loss")
    assert list(epochs) == [r.epoch for r in history.records]
    np.testing.assert_allclose(losses, [r.get("train_loss") for r in history.records])
    assert window.isWindowModified()


def test_trained_model_history_and_predictions_export(qtbot, window, tmp_path):
    _train(qtbot, window)
    actions = window.actions_
    assert actions.export_model_file(tmp_path / "m.qmodel", "qmodel")
    model = load_model(tmp_path / "m.qmodel")
    assert actions.export_history_file(tmp_path / "h.csv")
    rows = list(csv.DictReader((tmp_path / "h.csv").open(encoding="utf-8")))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]

    data = load_dataset(window.document.project.dataset)
    source = tmp_path / "new.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(model.feature_names)
        writer.writerows(data.features[:7].tolist())
    out = tmp_path / "predictions.csv"
    actions.export_predictions_file(source, out)
    qtbot.waitUntil(out.exists, timeout=60_000)
    predicted = [r["prediction"] for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert predicted == [str(label) for label in model.predict(data.features[:7])]


def test_exporting_an_untrained_model_names_the_problem(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from tests.gui.dialogs import answer_next_dialog, dialog_text, press

    seen = answer_next_dialog(press(QMessageBox.StandardButton.Ok))
    assert not window.actions_.export_model_file(tmp_path / "m.qmodel", "qmodel")
    assert "trained" in dialog_text(seen)
    assert not (tmp_path / "m.qmodel").exists()


def test_dropping_a_csv_on_the_window_loads_it_as_the_data_set(qtbot, window, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{'yes' if i % 2 else 'no'}\n"
                                            for i in range(40)), encoding="utf-8")
    assert drop_files(window, [path])
    qtbot.waitUntil(lambda: window.document.project.dataset.kind == "csv", timeout=30_000)
    assert window.document.project.dataset.path == str(path)


def test_training_under_depolarizing_noise_says_which_engine_runs_and_reports_accuracy(qtbot):
    project = replace(moons_project(epochs=2), noise=NoiseModel.uniform_depolarizing(0.02))
    window = MainWindow(ProjectDocument(project))
    window.show()
    try:
        messages = []
        window.training_panel.worker.report.connect(
            lambda _report: messages.append(window.statusBar().currentMessage()))
        _train(qtbot, window)
        assert messages and messages[0].startswith(
            "Under the noise model 'uniform depolarizing p = 0.02': exact density matrix")
        assert window.statusBar().currentMessage() == ""  # the run ended: so did the line
        assert window.training_panel.message.text().startswith("Trained 2 epochs")
        assert "test accuracy" in window.training_panel.message.text()
        trained = window.document.project
        assert trained.noise == NoiseModel.uniform_depolarizing(0.02) and trained.is_trained
    finally:
        window.document.undo_stack.setClean()
        window.close()
