"""Model ▸ families: one click replaces the model by a published family, built for the data."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project


@pytest.fixture
def window(qtbot):
    shown = MainWindow(ProjectDocument(moons_project(epochs=6)))
    shown.show()
    qtbot.waitUntil(lambda: shown.data_panel.view is not None, timeout=30_000)
    yield shown
    for open_window in open_windows():
        open_window.document.undo_stack.setClean()
        open_window.close()


def _choose_from_model_menu(qtbot, window, key: Qt.Key) -> None:
    """Open the Model menu with Alt+M and pick an entry by its mnemonic, as from the keyboard."""
    menu = window.actions_.model_menu.menu
    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    QTest.keyClick(menu, key)
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=5_000)


def test_a_family_replaces_the_model_for_the_data_set_and_undo_brings_the_old_one_back(
        qtbot, window):
    before = window.document.project
    _choose_from_model_menu(qtbot, window, Qt.Key.Key_1)  # Data re-uploading classifier
    project = window.document.project
    circuit = project.circuit
    # Moons has 2 features: ceil(2/3) = 1 qubit; (layers + 1)·(features + 3·qubits) weights.
    assert circuit.n_qubits == 1 and circuit.n_features == 2
    assert circuit.n_weights == (2 + 1) * (2 + 3 * 1)
    assert project.model.readout == "expval" and project.model.observables == ("Z0",)
    assert project.training.weight_init == "small"
    assert project.dataset == before.dataset and project.preprocessing == before.preprocessing
    assert window.status_text().startswith("1 qubit · ")
    assert window.statusBar().currentMessage().startswith(
        "Data re-uploading classifier: 1 qubit, 2 layers, 15 weights, expval readout.")
    assert "Pérez-Salinas" in window.actions_.actions["model_reuploading"].toolTip()
    assert window.isWindowModified()
    window.actions_.actions["undo"].trigger()
    assert window.document.project == before


def test_separable_variant_with_more_layers_trains_from_the_train_button(qtbot, window):
    window.actions_.actions["model_separable"].trigger()
    window.actions_.actions["model_layers_3"].trigger()
    _choose_from_model_menu(qtbot, window, Qt.Key.Key_3)  # IQP variational classifier
    circuit = window.document.circuit
    assert circuit.n_qubits == 2  # one qubit per feature
    assert all(len(op.wires) == 1 for op in circuit.operations)  # no entangling gate left
    assert circuit.n_weights == 3 * 3 * 2  # 3 strongly entangling layers, 3 angles per qubit
    assert window.document.project.model.readout == "parity"
    assert "(separable)" in window.document.undo_stack.undoText()

    menu = window.actions_.model_menu.menu
    with qtbot.waitSignal(window.training_panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
        assert not menu.isEnabled()  # no replacing the model under a running training
    qtbot.waitUntil(menu.isEnabled, timeout=10_000)
    project = window.document.project
    assert project.is_trained and len(project.weights) == circuit.n_weights
    assert project.history.records[-1].get("test_accuracy") is not None
