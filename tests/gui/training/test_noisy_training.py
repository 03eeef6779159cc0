"""Training ideal or with the noise model from the Training panel, driven in the real main
window: the Simulator choice trains on the engine it names (the status bar says which, and the
weights are those of an independent headless run on that engine), survives save → reopen, and
the Robustness view overlays the ideal-trained and the noise-trained curves; Stop ends a slow
Monte-Carlo trajectory step promptly."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from qmlstudio.core.noise import NoiseModel
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.training.panel import TrainingPanel
from qmlstudio.gui.training.settings import NO_NOISE_MODEL_TIP, SIMULATORS
from qmlstudio.ml.training.trainer import train
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

NOISE = NoiseModel.uniform_depolarizing(0.05)


@pytest.fixture
def window(show_window):
    return show_window(moons_project(epochs=2))


def _choose(qtbot, window, text: str) -> None:
    combo = window.training_panel.settings.simulator
    combo.setCurrentIndex(combo.findText(text))  # as a pick from the list does
    qtbot.waitUntil(lambda: combo.currentText() == text, timeout=1000)


def _train(qtbot, window) -> list[str]:
    """Click Train and wait for the result; the status bar lines seen while it ran."""
    project = window.document.project
    seen: list[str] = []
    worker = window.training_panel.worker
    worker.report.connect(lambda _r: seen.append(window.statusBar().currentMessage()))
    with qtbot.waitSignal(window.plots.results_shown, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    # The same run headless, on the engine the project's choice names (it continues from
    # the weights the project holds, as the panel's run did).
    assert window.document.project.weights == train(project).weights
    return seen


def _sweep(qtbot, window) -> None:
    panel = window.robustness_panel
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)


def test_the_simulator_choice_trains_ideal_or_noisy_and_both_curves_overlay(
        qtbot, window, tmp_path):
    settings, document = window.training_panel.settings, window.document
    combo = settings.simulator
    assert [combo.itemText(i) for i in range(combo.count())] == list(SIMULATORS)
    assert not combo.isEnabled() and combo.currentText() == "Ideal"  # no noise model
    assert combo.toolTip() == NO_NOISE_MODEL_TIP

    document.edit(replace(document.project, noise=NOISE), "Choose noise")
    assert combo.isEnabled() and combo.currentText() == "With noise model"
    assert NOISE.name in combo.toolTip()
    _choose(qtbot, window, "Ideal")
    assert not document.project.training.with_noise
    assert document.undo_stack.undoText() == "Change training settings"

    seen = _train(qtbot, window)
    assert seen and seen[0].startswith(
        f"Ideal training: the state-vector simulator, without the noise model {NOISE.name!r}")
    assert window.training_panel.stale_text() == ""
    _sweep(qtbot, window)
    panel = window.robustness_panel
    ideal_curve = panel.drawn_curves()["trained ideal"]
    assert panel.legend_names() == ["trained ideal"]

    # Saved and reopened, the project still trains ideal.
    path = tmp_path / "ideal.qmlproj"
    document.save(path)
    reopened = ProjectDocument.open(path)
    assert reopened.project.training == document.project.training
    assert not reopened.project.training.with_noise and reopened.project.noise == NOISE

    _choose(qtbot, window, "With noise model")
    assert "training mode (ideal or with noise)" in window.training_panel.stale_text()
    seen = _train(qtbot, window)
    assert seen and seen[0].startswith(
        f"Under the noise model {NOISE.name!r}: exact density matrix")
    _sweep(qtbot, window)
    curves = panel.drawn_curves()
    assert panel.legend_names() == ["trained ideal", "trained with noise"]
    assert curves["trained ideal"] == ideal_curve  # kept beside the new one, still current
    strengths, noisy_scores = curves["trained with noise"]
    assert strengths == ideal_curve[0] and len(strengths) == panel.points.value()
    # Strength 0 is each model's ideal test accuracy: other weights, another score (here).
    assert noisy_scores != ideal_curve[1]
    assert panel.stale_text() == "" and panel.plot.graphicsEffect() is None
    assert "trained with noise" in panel.message.text()

    window.docks["robustness"].raise_()
    qtbot.wait(50)
    image = window.grab()
    assert (image.width(), image.height()) == (1280, 800)
    image.save(str(tmp_path / "robustness_overlay.png"))

    # A circuit edit puts both curves out of date: dashed, named, the plot dimmed.
    document.edit_circuit(document.circuit.add("h", 0), "Add H")
    assert panel.stale_text() == (
        "Out of date: the trained ideal curve (the circuit changed since it was computed); the "
        "trained with noise curve (the circuit changed since it was computed). Train and run "
        "the sweep again.")
    assert panel.plot.graphicsEffect() is not None
    assert np.isfinite(noisy_scores).all()


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_stop_returns_promptly_from_a_slow_trajectory_step(qtbot):
    # 40 000 trajectories per sample: a step of 16 rows takes seconds, one sample a tenth.
    project = replace(moons_project(noise_method="trajectories", trajectories=40_000),
                      noise=NOISE)
    panel = TrainingPanel(ProjectDocument(project))
    reports = []
    panel.worker.report.connect(reports.append)
    try:
        panel.train_button.click()
        # The first step's report: the kernels are compiled and the second step runs.
        qtbot.waitUntil(lambda: bool(reports), timeout=FIRST_RUN_TIMEOUT_MS)
        step_seconds = reports[0].elapsed
        qtbot.wait(200)
        started = time.perf_counter()
        with qtbot.waitSignal(panel.worker.finished, timeout=30_000):
            panel.stop_button.click()
        latency = time.perf_counter() - started
    finally:
        panel.shutdown()
    # Waiting for the step (and measuring every row afterwards) would take longer than it.
    assert latency < min(1.0, step_seconds / 3), (
        f"Stop took {latency:.2f} s (a step takes {step_seconds:.2f} s)")
    assert panel.worker.steps_done == 1  # the second step was abandoned mid-way
    done = reports[-1]
    assert (done.kind, done.stop_reason) == ("done", "cancelled")
    assert done.train_loss is None and not done.metrics  # no second pass over every row
    assert panel.message.text() == "Stopped before the first epoch ended: nothing changed."
