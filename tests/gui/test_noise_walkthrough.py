"""The noise walkthrough of the README, driven in the real window as a user does it: open the
moons example, pick the 5-qubit device in the Noise panel, train with the Train button, see the
noisy state and the robustness curve, save with Ctrl+S, reopen, and export the trained model.

Each step's numbers are checked against an independent computation: the device model read
from the shipped calibration, a headless run of the saved project, the scores of the trained
model under the ideal simulator."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from sklearn.metrics import accuracy_score

from qmlstudio._resources import resource_path
from qmlstudio.gui.shell.opening import open_document
from qmlstudio.io.noise_file import bundled_device_noise
from qmlstudio.io.project_file import load_project
from qmlstudio.ml.export.model_file import load_model
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.training.prepared_data import prepare_training_data
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS


@pytest.fixture
def window(show_window):
    document = open_document(resource_path("examples", "moons.qmlproj"), example=True)
    project = document.project
    document.edit(replace(project, training=replace(project.training, epochs=2)), "2 epochs")
    return show_window(document)


def test_moons_on_the_5_qubit_device_from_choice_to_export(qtbot, window, tmp_path,
                                                           monkeypatch):
    device = bundled_device_noise("manila")
    # Noise panel: type the start of the entry into the focused choice, as from the keyboard.
    window.docks["noise"].raise_()
    choice = window.noise_panel.choice
    choice.setFocus()
    QTest.keyClicks(choice, "5-qubit")
    assert choice.currentText().startswith("5-qubit device")
    assert window.document.project.noise == device
    assert window.training_panel.settings.simulator.currentText() == "With noise model"

    # Train: the status bar names the density-matrix engine, the panel reports the score.
    seen: list[str] = []
    window.training_panel.worker.report.connect(
        lambda _report: seen.append(window.statusBar().currentMessage()))
    with qtbot.waitSignal(window.plots.results_shown, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    trained = window.document.project
    assert any("density matrix" in line for line in seen), seen
    history = trained.history.records[-1]
    assert f"test accuracy {history.get('test_accuracy'):.3f}" in (
        window.training_panel.message.text())

    # State: the noisy state of sample 0 is mixed; the ideal one beside it is pure.
    state = window.state_view
    window.docks["state"].raise_()
    qtbot.waitUntil(lambda: state.bloch_lengths() is not None, timeout=FIRST_RUN_TIMEOUT_MS)
    qtbot.mouseClick(state.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state.bloch_lengths(ideal=True) is not None,
                    timeout=FIRST_RUN_TIMEOUT_MS)
    assert (state.bloch_lengths() < 1 - 1e-3).all()
    # The ideal state is pure; the device's noise mixes the whole state.
    purity = re.search(r"purity Tr\(ρ²\): noisy (\d\.\d+), ideal (\d\.\d+)", state.summary())
    assert "Exact density matrix" in state.summary() and purity is not None
    assert float(purity[2]) == 1.0 and float(purity[1]) < 0.99

    # Robustness: the curve's first point is the trained model under the ideal simulator.
    robustness = window.robustness_panel
    with qtbot.waitSignal(robustness.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(robustness.run_button, Qt.MouseButton.LeftButton)
    strengths, accuracies = robustness.drawn_points()
    data = prepare_training_data(replace(trained, noise=None))
    predicted = data.model.predict(data.X_test, np.array(trained.weights), trained.readout)
    assert strengths[0] == 0 and strengths[-1] == 2  # the device model scaled 0 to 2×
    assert accuracies[0] == accuracy_score(data.y_test, predicted)

    # Save with Ctrl+S (an example is a copy: the dialog asks where), then reopen.
    saved = tmp_path / "moons-device.qmlproj"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(saved), "")))
    QTest.keySequence(window, QKeySequence.StandardKey.Save)
    reopened = load_project(saved)
    assert reopened.noise == device and reopened.training.with_noise
    assert reopened.weights == trained.weights

    # Export the trained model: the .qmodel predicts under the device noise.
    exported = tmp_path / "moons-device.qmodel"
    assert window.actions_.export_model_file(exported, "qmodel")
    loaded = load_model(exported)
    assert loaded.saved.noise == device
    rows = np.array([[-1.0, 0.5], [0.0, 0.0], [0.5, -0.3], [2.0, 0.4]])  # raw moons points
    np.testing.assert_allclose(loaded.predict_proba(rows),
                               TrainedModel.from_project(trained).predict_proba(rows),
                               atol=1e-12)
    assert np.abs(loaded.predict_proba(rows)
                  - loaded.with_noise(None).predict_proba(rows)).max() > 1e-3
