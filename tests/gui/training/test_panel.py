"""The training panel, driven as a user would: clicks, typed values, combo choices."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.training.panel import TrainingPanel, format_eta, train_text
from qmlstudio.gui.training.settings import EDIT_TEXT
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.data.preprocessing import split_rows
from qmlstudio.ml.evaluation.metrics import accuracy
from qmlstudio.ml.export.trained_model import TrainedModel
from qmlstudio.ml.training.trainer import Trainer
from tests.gui.dialogs import answer_next_dialog, dialog_text, press
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, StallProbe, moons_project

LONG_RUN = 5000


@pytest.fixture
def panel(qtbot):
    document = ProjectDocument(moons_project())
    panel = TrainingPanel(document)
    qtbot.addWidget(panel)
    panel.document = document
    panel.reports = []
    panel.worker.report.connect(panel.reports.append)
    panel.active = []
    panel.training_active.connect(panel.active.append)
    panel.show()
    yield panel
    assert panel.shutdown(5000)


def click(qtbot, button):
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def train_to_end(qtbot, panel, timeout=FIRST_RUN_TIMEOUT_MS):
    with qtbot.waitSignal(panel.worker.finished, timeout=timeout):
        click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: not panel.is_training)


def type_value(qtbot, box, text):
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def enabled(panel):
    return {b.text() for b in (panel.train_button, panel.pause_button, panel.resume_button,
                               panel.step_button, panel.stop_button, panel.reset_button)
            if b.isEnabled()}


# -- a run into the document -------------------------------------------------------------------
def test_train_button_trains_moons_into_the_document_as_one_undoable_step(qtbot, panel):
    document, untrained = panel.document, panel.document.project
    assert enabled(panel) == {"Train"} and panel.progress.text() == "not trained"
    train_to_end(qtbot, panel)
    trained = document.project
    assert trained.is_trained and len(trained.history.records) == 10
    assert trained.history.stop_reason == "completed"
    assert document.is_modified and document.undo_stack.undoText() == "Train 10 epochs"
    assert document.undo_stack.count() == 1
    _assert_recorded_test_accuracy_is_the_stored_models(trained)
    assert "test accuracy 0.9" in panel.message.text()
    assert panel.active == [True, False]
    assert panel.progress.text() == "trained 10 epochs"
    assert enabled(panel) == {"Train", "Reset weights"}
    document.undo_stack.undo()
    assert document.project == untrained and not document.is_modified
    document.undo_stack.redo()
    assert document.project == trained


def _assert_recorded_test_accuracy_is_the_stored_models(trained) -> None:
    """The last recorded test accuracy is at least 0.85 and is what the stored model scores
    when it predicts the raw test rows again."""
    test_accuracy = trained.history.records[-1].get("test_accuracy")
    assert test_accuracy >= 0.85
    data = load_dataset(trained.dataset)
    _, _, test = split_rows(trained.preprocessing, data.labels)
    model = TrainedModel.from_project(trained)
    assert accuracy(data.labels[test], model.predict(data.features[test])) == \
        pytest.approx(test_accuracy)


def test_a_linear_readout_chosen_in_the_form_is_trained_and_predicts(qtbot, panel):
    settings, document = panel.settings, panel.document
    settings.readout.setCurrentText("linear")
    click(qtbot, settings.all_qubits)
    train_to_end(qtbot, panel)
    trained = document.project
    assert trained.model.readout == "linear" and trained.model.observables == ("Z0", "Z1")
    assert len(trained.readout.weights) == 2 and len(trained.readout.bias) == 1
    _assert_recorded_test_accuracy_is_the_stored_models(trained)


def test_train_again_continues_from_the_stored_weights(qtbot, panel):
    train_to_end(qtbot, panel)
    first = panel.document.project
    train_to_end(qtbot, panel)
    second = panel.document.project
    assert [r.epoch for r in second.history.records] == list(range(1, 21))
    assert second.history.records[:10] == first.history.records
    # The continuation is the headless trainer's continuation from the first result.
    resumed = Trainer(first)
    for _ in resumed:
        pass
    assert second.weights == resumed.result_project().weights
    assert panel.document.undo_stack.count() == 2
    panel.document.undo_stack.undo()
    assert panel.document.project == first


def test_reset_weights_is_an_undoable_edit(qtbot, panel):
    train_to_end(qtbot, panel)
    trained = panel.document.project
    click(qtbot, panel.reset_button)
    reset = panel.document.project
    assert not reset.is_trained and not reset.history.records and not reset.readout.scale
    assert reset.preprocessing.fitted is None
    assert reset.circuit == trained.circuit and reset.training == trained.training
    assert panel.document.undo_stack.undoText() == "Reset weights"
    assert not panel.reset_button.isEnabled() and panel.progress.text() == "not trained"
    panel.document.undo_stack.undo()
    assert panel.document.project == trained and panel.reset_button.isEnabled()


# -- settings ----------------------------------------------------------------------------------
def test_settings_edit_the_document_and_follow_undo(qtbot, panel):
    settings, document = panel.settings, panel.document
    type_value(qtbot, settings.learning_rate, "0.02")
    assert document.project.training.learning_rate == pytest.approx(0.02)
    assert document.undo_stack.undoText() == EDIT_TEXT
    settings.optimizer.setCurrentText("sgd")  # what choosing from the list does
    type_value(qtbot, settings.epochs, "7")
    type_value(qtbot, settings.batch_size, "8")
    type_value(qtbot, settings.seed, "42")
    config = document.project.training
    assert (config.optimizer, config.epochs, config.batch_size, config.seed) == ("sgd", 7, 8, 42)
    assert document.undo_stack.count() == 5
    document.undo_stack.undo()
    assert settings.seed.value() == 0  # the field shows the restored value
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert settings.epochs.value() == 10 and settings.optimizer.currentText() == "sgd"


def test_shots_switch_to_parameter_shift_and_adjoint_back_to_analytic(qtbot, panel):
    settings, document = panel.settings, panel.document
    assert settings.shots.text() == "analytic"
    type_value(qtbot, settings.shots, "500")
    config = document.project.training
    assert (config.shots, config.gradient_method) == (500, "parameter-shift")
    assert settings.gradient.currentText() == "parameter-shift"
    assert "parameter-shift" in settings.message.text() and settings.message.isVisible()
    assert document.undo_stack.count() == 1  # both in one step
    settings.gradient.setCurrentText("adjoint")
    config = document.project.training
    assert (config.shots, config.gradient_method) == (None, "adjoint")
    assert settings.shots.text() == "analytic"


def test_a_refused_observable_shows_why_and_changes_nothing(qtbot, panel):
    settings, document = panel.settings, panel.document
    before = document.project
    settings.observables.selectAll()
    qtbot.keyClicks(settings.observables, "Z5")
    qtbot.keyClick(settings.observables, Qt.Key.Key_Return)
    assert document.project == before and document.undo_stack.count() == 0
    assert settings.message.text() == ("model.observables[0]: observable 'Z5': wire 5 does "
                                       "not exist in a 2-qubit circuit")
    assert settings.observables.text() == "Z0"
    settings.observables.selectAll()
    qtbot.keyClicks(settings.observables, "Z0, Z1")
    qtbot.keyClick(settings.observables, Qt.Key.Key_Return)
    assert document.project.model.observables == ("Z0", "Z1")
    assert not settings.message.isVisible()


# -- run control -------------------------------------------------------------------------------
def start_long_run(qtbot, panel):
    panel.document.edit(replace(panel.document.project, training=replace(
        panel.document.project.training, epochs=LONG_RUN)), "long run")
    with qtbot.waitSignal(panel.worker.report, timeout=FIRST_RUN_TIMEOUT_MS,
                          check_params_cb=lambda r: r.kind == "epoch" and r.epoch >= 2):
        click(qtbot, panel.train_button)
    assert panel.active == [True]


def successor(report, steps_per_epoch=5):
    if report.kind == "step" and report.step < steps_per_epoch:
        return report.epoch, report.step + 1
    return report.epoch + 1, 1


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_pause_step_resume_stop_keep_the_partial_result(qtbot, panel):
    start_long_run(qtbot, panel)
    assert enabled(panel) == {"Pause", "Stop"} and not panel.settings.isEnabled()
    assert panel.progress.text().startswith("epoch ")
    # the time left is measured from the run's first report on: it shows from a later one
    qtbot.waitUntil(lambda: "ETA" in panel.progress.text(), timeout=5000)
    click(qtbot, panel.pause_button)
    assert enabled(panel) == {"Resume", "Step", "Stop"}
    qtbot.wait(200)
    count, last = len(panel.reports), panel.reports[-1]
    qtbot.wait(200)
    assert len(panel.reports) == count, "training went on while paused"
    with qtbot.waitSignal(panel.worker.report,
                          check_params_cb=lambda r: r.kind == "step"):
        click(qtbot, panel.step_button)
    qtbot.wait(200)
    steps = [r for r in panel.reports[count:] if r.kind == "step"]
    assert [(r.epoch, r.step) for r in steps] == [successor(last)]  # exactly one step
    click(qtbot, panel.resume_button)
    assert enabled(panel) == {"Pause", "Stop"}
    qtbot.waitUntil(lambda: panel.reports[-1].epoch > steps[0].epoch + 1)
    with qtbot.waitSignal(panel.worker.finished, timeout=5000):
        stopped = time.perf_counter()
        click(qtbot, panel.stop_button)
    assert time.perf_counter() - stopped < 0.5
    qtbot.waitUntil(lambda: not panel.is_training)
    project = panel.document.project
    epochs = len(project.history.records)
    assert project.history.stop_reason == "cancelled" and 2 < epochs < LONG_RUN
    assert panel.document.undo_stack.undoText() == train_text(epochs, stopped=True)
    assert panel.message.text().startswith(f"Stopped after epoch {epochs}")
    assert panel.active == [True, False] and panel.settings.isEnabled()
    panel.document.undo_stack.undo()
    assert not panel.document.project.is_trained


def test_edits_during_training_do_not_reach_the_run(qtbot, panel):
    document = panel.document
    start_long_run(qtbot, panel)
    started_with = document.project
    click(qtbot, panel.pause_button)
    document.edit(replace(document.project, name="Renamed"), "Rename")
    changed = started_with.circuit.add("h", [0])
    with qtbot.waitSignal(panel.worker.finished, timeout=5000) as blocker:
        click(qtbot, panel.stop_button)
    assert blocker.args[0].name == "Moons"  # the run trained the value it was given
    qtbot.waitUntil(lambda: not panel.is_training)
    assert document.project.name == "Renamed"  # merged: the rename is kept
    assert document.project.weights == blocker.args[0].weights
    # A circuit changed during a run: the trained project replaces it, with a note.
    document.edit(replace(document.project, training=replace(
        document.project.training, epochs=2)), "two epochs")
    with qtbot.waitSignal(panel.worker.finished, timeout=10_000):
        click(qtbot, panel.train_button)
        # The result can only arrive through the event loop, so this edit comes first.
        document.edit_circuit(changed, "Add H")
    qtbot.waitUntil(lambda: not panel.is_training)
    assert document.project.circuit != changed
    assert "changed during training" in panel.message.text()
    document.undo_stack.undo()
    assert document.project.circuit == changed


def test_a_failure_in_the_worker_shows_details_and_the_app_carries_on(qtbot, panel, monkeypatch):
    def broken(self, skip):
        raise RuntimeError("injected failure")

    document = panel.document
    before = document.project
    monkeypatch.setattr(Trainer, "_train_step", broken)
    seen = answer_next_dialog(press(QMessageBox.StandardButton.Ok), timeout_ms=60_000)
    with qtbot.waitSignal(panel.worker.failed, timeout=FIRST_RUN_TIMEOUT_MS):
        click(qtbot, panel.train_button)
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=10_000)
    box = seen[1]
    assert dialog_text(seen) == "RuntimeError: injected failure"
    assert "Traceback" in box.detailedText() and "injected failure" in box.detailedText()
    qtbot.waitUntil(lambda: not box.isVisible())
    assert document.project == before and document.undo_stack.count() == 0
    assert "Training failed" in panel.message.text() and panel.train_button.isEnabled()
    monkeypatch.undo()
    train_to_end(qtbot, panel)  # the app carries on
    assert document.project.is_trained


def test_divergence_is_shown_in_the_panel(qtbot, panel):
    document = panel.document
    document.edit(replace(document.project, training=replace(
        document.project.training, learning_rate=1e200)), "poison")
    train_to_end(qtbot, panel)
    assert "diverged" in panel.message.text() and "Nothing changed" in panel.message.text()
    assert document.undo_stack.undoText() == "poison"


def test_shutdown_during_training_stops_cleanly_and_changes_nothing(qtbot, panel):
    start_long_run(qtbot, panel)
    before = panel.document.project
    assert panel.shutdown(2000)
    assert not panel.is_training and panel.active == [True, False]
    qtbot.wait(100)
    assert panel.document.project == before
    assert panel.train_button.isEnabled()


# -- the GUI thread stays live ---------------------------------------------------------------
@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_the_event_loop_keeps_running_while_training(qtbot, panel):
    probe = StallProbe(10)
    # The probe works: a deliberate 200 ms block of the GUI thread shows up.
    probe.start()
    qtbot.wait(50)
    time.sleep(0.2)
    qtbot.wait(50)
    probe.stop()
    assert probe.stall() >= 0.18
    # A warm-up run, then a measured one of about a second.
    train_to_end(qtbot, panel)
    panel.document.undo_stack.undo()
    document = panel.document
    document.edit(replace(document.project, training=replace(
        document.project.training, epochs=25, batch_size=2)), "longer")
    probe.start()
    started = time.perf_counter()
    train_to_end(qtbot, panel)
    seconds = time.perf_counter() - started
    probe.stop()
    assert len(probe.gaps) > 0.5 * seconds / probe.interval
    assert probe.stall() < 0.5, f"the GUI thread stalled {probe.stall() * 1000:.0f} ms"


def test_eta_and_undo_texts():
    assert [format_eta(s) for s in (0, 7.4, 750, 3723)] == ["0:00", "0:07", "12:30", "1:02:03"]
    assert train_text(1) == "Train 1 epoch" and train_text(3, True) == "Train 3 epochs (stopped)"

