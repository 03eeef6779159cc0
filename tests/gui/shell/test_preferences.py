"""Edit ▸ Preferences: the autosave interval, typed into the dialog the way a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QSpinBox

from qmlstudio.core import Circuit, Project
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.autosave import INTERVAL_KEY, autosave_interval
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from tests.gui.dialogs import answer_next_dialog

Ok, Cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel


def _type_interval(text: str, button: QDialogButtonBox.StandardButton, shown: list):
    def respond(dialog) -> None:
        spin = dialog.findChild(QSpinBox, "autosaveInterval")
        shown.append(spin.text())
        spin.lineEdit().selectAll()
        QTest.keyClicks(spin.lineEdit(), text)
        dialog.findChild(QDialogButtonBox).button(button).click()

    return respond


@pytest.fixture
def two_modified_windows(qtbot):
    windows = []
    for _ in range(2):
        window = MainWindow(ProjectDocument(Project(Circuit(2))))  # deletes itself on close
        window.show()
        window.document.edit_circuit(window.document.circuit.add("h", 0), "Add H")
        windows.append(window)
    windows[0].activateWindow()  # shortcuts reach only the active window
    assert QTest.qWaitForWindowActive(windows[0], 5000)
    yield windows
    for window in open_windows():
        window.document.undo_stack.setClean()  # no prompts while tearing down
        window.close()


def test_the_interval_set_in_preferences_drives_every_windows_autosave(qtbot,
                                                                        two_modified_windows):
    windows = two_modified_windows
    assert [w.autosaver.interval_ms for w in windows] == [60_000, 60_000]  # the default

    shown: list = []
    answer_next_dialog(_type_interval("1", Ok, shown))
    qtbot.keyClick(windows[0].canvas.viewport(), Qt.Key.Key_Comma,
                   Qt.KeyboardModifier.ControlModifier)
    assert shown == ["60 s"] and autosave_interval() == 1.0
    assert [w.autosaver.interval_ms for w in windows] == [1000, 1000]
    qtbot.waitUntil(lambda: all(w.autosaver.path.exists() for w in windows), timeout=5000)

    # Cancel changes nothing; Off (0) stops autosave in every window.
    answer_next_dialog(_type_interval("0", Cancel, shown))
    windows[1].actions_.actions["preferences"].trigger()
    assert autosave_interval() == 1.0
    answer_next_dialog(_type_interval("0", Ok, shown))
    windows[1].actions_.actions["preferences"].trigger()
    assert shown[1:] == ["1 s", "1 s"]
    assert autosave_interval() == 0.0 and QSettings().value(INTERVAL_KEY) in (0, 0.0, "0.0")
    assert [w.autosaver.interval_ms for w in windows] == [None, None]
