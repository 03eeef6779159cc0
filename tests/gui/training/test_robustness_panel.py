"""Model ▸ Noise Robustness, driven from the real main window: moons trained from the Train
button, the sweep runs in the background while the event loop keeps running, its first point
is the ideal test accuracy (computed here independently, with scikit-learn), Cancel stops
it, and an edit marks the curve out of date. A curve swept along another axis than the new
one's does not stay beside it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from sklearn.metrics import accuracy_score

from qmlstudio.core import DatasetSpec
from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.training.robustness_panel import RobustnessPanel
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.prepared_data import prepare_training_data
from qmlstudio.ml.training.trainer import train
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, StallProbe, moons_project


def _menu_action(window):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Model")
    return next(a for a in menu.actions() if a.text() == "Noise &Robustness…")


def test_the_menu_plots_test_accuracy_against_noise_starting_at_the_ideal_score(
        qtbot, show_window, tmp_path):
    window = show_window(moons_project(epochs=3))
    panel, document = window.robustness_panel, window.document
    _menu_action(window).trigger()  # untrained: says so, runs nothing
    assert not panel.is_running and panel.message.text().startswith("Train the model first")
    with qtbot.waitSignal(window.plots.results_shown, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    trained = document.project
    assert trained.is_trained and trained.noise is None
    panel.points.setValue(5)
    panel.max_p.setValue(0.2)

    probe = StallProbe()
    probe.start()
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        _menu_action(window).trigger()
        assert panel.is_running and window.docks["robustness"].isVisible()
        assert not panel.run_button.isEnabled() and panel.cancel_button.isEnabled()
    probe.stop()
    assert probe.max_gap < 1.0  # the GUI thread never waited for the simulations
    assert probe.gaps  # ... and the event loop ran its timer while the sweep was computed
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()

    strengths, scores = panel.drawn_points()
    assert strengths == pytest.approx([0.0, 0.05, 0.1, 0.15, 0.2])
    assert panel.curve.table.noise_names[1] == "uniform depolarizing p = 0.05"
    # Strength 0 is the ideal evaluation: the trained weights on the test part, predicted by
    # the statevector model and scored by scikit-learn — and what training reported.
    data = prepare_training_data(trained)
    ideal = accuracy_score(data.y_test, data.model.predict(data.X_test,
                                                           np.array(trained.weights),
                                                           trained.readout))
    assert scores[0] == ideal == trained.history.records[-1].get("test_accuracy")
    assert all(0.0 <= score <= 1.0 for score in scores)
    assert panel.message.text().startswith(f"Test accuracy {ideal:.3f} ideal, ")
    assert panel.stale_text() == ""

    image = window.grab()
    assert image.width() == 1280 and image.height() == 800
    image.save(str(tmp_path / "robustness.png"))

    # Out of date after a circuit edit (still shown, dimmed); Undo makes it current again.
    document.edit_circuit(document.circuit.add("h", 0), "Add H")
    assert panel.stale_text() == ("Out of date: the circuit changed since this curve was "
                                  "computed. Run the sweep again.")
    assert panel.plot.graphicsEffect() is not None
    assert panel.drawn_points() == (strengths, scores)
    document.undo_stack.undo()
    assert panel.stale_text() == "" and panel.plot.graphicsEffect() is None
    document.undo_stack.undo()  # the training itself: other weights
    assert "weights changed since" in panel.stale_text()


@pytest.fixture(scope="module")
def slow_to_sweep():
    """An 8-qubit moons classifier trained one epoch: under noise each strength simulates 90
    test rows' 256 × 256 density matrices (about half a second), long enough to cancel."""
    project = replace(moons_project(epochs=1), circuit=build_model_circuit(8, 2, layers=2),
                      dataset=DatasetSpec.builtin("moons", n_samples=300, noise=0.1, seed=2))
    return train(project)


def test_cancel_stops_the_sweep_between_strengths(qtbot, show_window, slow_to_sweep):
    window = show_window(slow_to_sweep)
    panel = window.robustness_panel
    panel.points.setValue(11)
    done = []
    panel.worker.progress.connect(lambda count, _total, _what: done.append(count))
    with qtbot.waitSignal(panel.worker.cancelled, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(done) >= 2, timeout=FIRST_RUN_TIMEOUT_MS)  # noisy ones
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert done[-1] < 11  # stopped after the strength in progress, not at the end
    assert not panel.is_running and panel.run_button.isEnabled()
    assert panel.curve is None and panel.drawn_points() == ([], [])
    assert panel.message.text() == "Cancelled."


def test_a_sweep_along_another_axis_replaces_the_other_modes_curve(qtbot):
    # Trained with a noise model: its curve's strengths scale that model (0 to 2).
    noise = NoiseModel.uniform_depolarizing(0.05)
    noisy = train(replace(moons_project(epochs=1), noise=noise))
    document = ProjectDocument(noisy)
    panel = RobustnessPanel(document)
    panel.points.setValue(3)
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        panel.run_sweep()
    assert panel.legend_names() == ["trained with noise"]
    # Then without it, trained ideal: that curve's strengths are a depolarizing p (0 to 0.1),
    # so the scale curve cannot stay on the plot (its 2× would be read as p = 2).
    document.edit(train(replace(noisy, noise=None)), "Train")
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        panel.run_sweep()
    assert panel.legend_names() == ["trained ideal"]
    assert list(panel.drawn_curves()) == ["trained ideal"]
    assert panel.drawn_points()[0] == pytest.approx([0.0, 0.05, 0.1])
    assert panel.stale_text() == ""
    panel.worker.shutdown()
