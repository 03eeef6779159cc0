"""Edit ▸ Preferences ▸ Simulator threads: typed into the dialog, used by training and by the
window's compute thread."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QSpinBox

import qmlstudio as qs
from qmlstudio.engine import thread_cap, threads_used
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.engine_threads import THREADS_KEY, preferred_threads
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.training.worker import TrainingWorker
from qmlstudio.ml.training.trainer import train
from tests.gui.dialogs import answer_next_dialog
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

TWO = min(2, thread_cap())


@pytest.fixture
def window(qtbot):
    window = MainWindow(ProjectDocument(qs.Project(qs.Circuit(2))))
    window.show()
    yield window
    for each in open_windows():
        each.document.undo_stack.setClean()
        each.close()


def _set_threads(window, text: str) -> list[str]:
    """Open Preferences, type ``text`` as the thread count and press OK; what it showed."""
    shown: list[str] = []

    def respond(dialog) -> None:
        spin = dialog.findChild(QSpinBox, "engineThreads")
        shown.append(spin.text())
        spin.lineEdit().selectAll()
        QTest.keyClicks(spin.lineEdit(), text)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    answer_next_dialog(respond)
    window.actions_.actions["preferences"].trigger()
    return shown


def _train(qtbot, project) -> qs.Project:
    worker = TrainingWorker()
    try:
        with qtbot.waitSignal(worker.finished, timeout=FIRST_RUN_TIMEOUT_MS) as blocker:
            worker.start(project)
        return blocker.args[0]
    finally:
        assert worker.shutdown(5000)


def test_training_runs_on_the_threads_chosen_in_preferences(qtbot, window):
    project = moons_project(epochs=1)
    assert _set_threads(window, "2") == ["Automatic"]
    assert preferred_threads() == 2
    trained = _train(qtbot, project)
    assert threads_used() == TWO  # a 2-qubit circuit: automatic would take one thread
    assert trained.weights == train(project).weights  # same numbers as automatic
    assert _set_threads(window, "0") == ["2"]
    assert preferred_threads() is None
    _train(qtbot, project)
    assert threads_used() == 1


def test_the_compute_thread_uses_the_preference_as_of_each_job(qtbot):
    circuit = qs.Circuit(2).add("ry", 0, qs.x(0)).add("cx", [0, 1])
    runner = ComputeRunner()
    channel = runner.channel("probe")

    def job():
        qs.expval(circuit, np.ones((3, 1)), None)
        return threads_used()

    try:
        for stored, expected in ((2, TWO), (0, 1)):
            QSettings().setValue(THREADS_KEY, stored)
            with qtbot.waitSignal(channel.finished, timeout=FIRST_RUN_TIMEOUT_MS) as blocker:
                channel.submit(job)
            assert blocker.args[0] == expected
    finally:
        assert runner.shutdown(5000)


def test_a_stored_value_that_is_not_a_count_means_automatic(caplog):
    QSettings().setValue(THREADS_KEY, "many")
    with caplog.at_level(logging.WARNING):
        assert preferred_threads() is None
    assert "engine/threads must be a positive integer or 'auto', got 'many'" in caplog.text


def test_a_comparison_runs_on_the_threads_chosen_in_preferences(qtbot):
    from qmlstudio.gui.training.compare_worker import ComparisonWorker

    project = moons_project(epochs=1)
    worker = ComparisonWorker()
    try:
        for stored, expected in ((2, TWO), (0, 1)):
            QSettings().setValue(THREADS_KEY, stored)
            with qtbot.waitSignal(worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
                worker.start(project, seeds=1, folds=2)
            assert threads_used() == expected  # the last fit's engine calls
    finally:
        QSettings().remove(THREADS_KEY)
        assert worker.shutdown(5000)
