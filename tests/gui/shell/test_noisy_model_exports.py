"""File ▸ Export ▸ Trained Model… of a project trained in the window under noise: a noise model
chosen in the Noise panel and channel operations on the canvas. The .qmodel keeps both, and
the PennyLane and Qiskit scripts reproduce its predictions with them (to 1e-6)."""

from __future__ import annotations

import importlib.util

import numpy as np
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from qmlstudio.core import Operation
from qmlstudio.core.noise import NoiseModel
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.export.model_file import load_model
from qmlstudio.ml.export.trained_model import TrainedModel
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

CHANNELS = (Operation("amplitude_damping", (0,), (0.1,)),
            Operation("depolarizing2", (0, 1), (0.05,)))
"""Channel operations put on the canvas between the re-uploading layers."""


def _script(path):
    """The exported script ``path`` loaded as a module, in this process (the isolated runs
    are in tests/ml/export/test_noisy_scripts.py)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_models_trained_under_noise_in_the_window_export_with_their_noise(qtbot, show_window,
                                                                         tmp_path):
    window = show_window(moons_project(epochs=1))
    document, panel = window.document, window.noise_panel
    document.edit_circuit(document.circuit.inserted(6, *CHANNELS), "Add channels")
    index = panel.choice.findData("depolarizing")  # chosen as a user does
    panel.choice.setCurrentIndex(index)
    panel.choice.activated.emit(index)
    panel.p_value.setValue(0.02)
    panel.readout_value.setValue(0.03)
    assert document.project.noise == NoiseModel.uniform_depolarizing(0.02, 0.03)
    with qtbot.waitSignal(window.training_panel.worker.finished,
                          timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.canvas.isEnabled, timeout=10_000)
    project = document.project
    assert project.is_trained and project.circuit.has_channels

    actions = window.actions_
    for name, fmt in (("m.qmodel", "qmodel"), ("m_pennylane.py", "pennylane"),
                      ("m_qiskit.py", "qiskit")):
        assert actions.export_model_file(tmp_path / name, fmt)

    X = load_dataset(project.dataset).features[:6]
    model = load_model(tmp_path / "m.qmodel")
    assert (model.saved.noise, model.saved.circuit) == (project.noise, project.circuit)
    expected = TrainedModel.from_project(project).predict_proba(X)
    assert_allclose(model.predict_proba(X), expected, atol=1e-12, rtol=0)
    assert np.abs(model.with_noise(None).predict_proba(X) - expected).max() > 1e-3
    for framework in ("pennylane", "qiskit"):
        script = _script(tmp_path / f"m_{framework}.py")
        assert_allclose(script.predict_proba(X), expected, atol=1e-6, rtol=0)
        assert list(script.predict(X)) == list(model.predict(X))
