"""The app prepares the simulator from the moment the first window opens, and the State view
and the training panel say so ("Preparing the simulator — first run only", with progress)
while a result waits for it, instead of an unexplained "computing…".

Whether a test sees the warm-up running depends on whether this test process prepared the
simulator already; :attr:`SimulatorWarmup.is_preparing` (read on the GUI thread, where the
``finished`` signal arrives) tells which path the test is on, and both are checked.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from qmlstudio import engine
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.simulator_warmup import simulator_warmup
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

PREPARING = "Preparing the simulator — first run only"


@pytest.fixture
def window(qtbot):
    shown = MainWindow(ProjectDocument(moons_project(epochs=2)))
    shown.show()
    yield shown
    for open_window in open_windows():
        open_window.document.undo_stack.setClean()
        open_window.close()


def test_the_state_view_shows_the_warm_up_then_its_result(qtbot, window):
    warmup = simulator_warmup()
    view = window.state_view
    assert warmup.is_preparing or warmup.is_prepared  # the window started it
    view.refresh()  # the view's job is queued now; its status shows at once
    assert view.status().startswith(PREPARING) == warmup.is_preparing
    if warmup.is_preparing:
        seen = []
        warmup.progress.connect(lambda done, total: seen.append((done, total)))
        with qtbot.waitSignal(warmup.finished, timeout=FIRST_RUN_TIMEOUT_MS):
            pass
        assert engine.is_prepared() and warmup.is_prepared and not warmup.is_preparing
        assert all(0 <= done <= total for done, total in seen)
    qtbot.waitUntil(lambda: view.probabilities() is not None, timeout=FIRST_RUN_TIMEOUT_MS)
    assert PREPARING not in view.status()
    assert view.status() == ""  # result shown: neither preparing nor computing


def test_once_prepared_a_busy_view_says_computing(qtbot, window):
    warmup = simulator_warmup()
    qtbot.waitUntil(lambda: warmup.is_prepared, timeout=FIRST_RUN_TIMEOUT_MS)
    view = window.state_view
    view.refresh()
    assert view.status() == "computing…"
    qtbot.waitUntil(lambda: view.status() == "", timeout=FIRST_RUN_TIMEOUT_MS)
    warmup.start()  # nothing to do once prepared
    assert not warmup.is_preparing


def test_the_training_panel_shows_the_warm_up_until_the_first_report(qtbot, window):
    warmup = simulator_warmup()
    panel = window.training_panel
    formats = []
    panel.worker.report.connect(lambda _report: formats.append(panel.progress.format()))
    with qtbot.waitSignal(panel.worker.finished, timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
        expected = PREPARING if warmup.is_preparing else "preparing the data…"
        assert panel.progress.format().startswith(expected)
    assert warmup.is_prepared
    assert formats and not any(PREPARING in text for text in formats)  # gone with reports
    assert panel.progress.format() == "trained 2 epochs"
