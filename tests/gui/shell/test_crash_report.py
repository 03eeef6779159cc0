"""Crash reporting: an uncaught exception is logged, shown with "Copy details", and survived."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from qmlstudio.gui.shell.crash_report import (
    CrashDialog,
    install_crash_handler,
    log_path,
    setup_logging,
    uninstall_crash_handler,
)

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.qt_no_exception_capture  # the product's hook is under test


@pytest.fixture
def reporting(qtbot, tmp_path, monkeypatch):
    """The crash handler and log of the app, in this test's own log folder."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    log_file = setup_logging()
    install_crash_handler()
    yield log_file
    uninstall_crash_handler()
    logger = logging.getLogger("qmlstudio")
    for handler in list(logger.handlers):
        if getattr(handler, "_qmlstudio_file", False):
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(logging.NOTSET)


def _crash_dialog() -> CrashDialog | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, CrashDialog) and w.isVisible()), None)


def _explode() -> None:
    raise RuntimeError("the flux capacitor <overheated>")


def test_an_exception_in_a_slot_is_logged_shown_and_survived(reporting, qtbot, tmp_path):
    assert reporting == log_path() and str(reporting).startswith(str(tmp_path / "state"))
    QTimer.singleShot(0, _explode)
    qtbot.waitUntil(lambda: _crash_dialog() is not None, timeout=5000)
    dialog = _crash_dialog()
    assert dialog.isModal()
    assert "RuntimeError: the flux capacitor &lt;overheated&gt;" in dialog.message.text()
    assert str(reporting) in dialog.log_label.text()
    log = reporting.read_text(encoding="utf-8")
    assert "ERROR qmlstudio [MainThread]: uncaught exception" in log
    assert "Traceback (most recent call last)" in log and "in _explode" in log
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.startswith("Traceback") and "RuntimeError: the flux capacitor" in copied
    assert dialog.isVisible(), "copying does not close the dialog"
    # The event loop keeps running: a later timer still fires.
    with qtbot.waitSignal(dialog.destroyed, timeout=5000):
        QTimer.singleShot(0, dialog.reject)
    ran = []
    QTimer.singleShot(0, lambda: ran.append(True))
    qtbot.waitUntil(lambda: ran == [True])


def test_errors_while_the_dialog_is_open_are_counted_not_stacked(reporting, qtbot):
    for _ in range(3):
        QTimer.singleShot(0, _explode)
    qtbot.waitUntil(lambda: _crash_dialog() is not None and _crash_dialog().more == 2,
                    timeout=5000)
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, CrashDialog) and w.isVisible()]
    assert len(dialogs) == 1
    assert "2 more errors since" in dialogs[0].more_label.text()
    assert dialogs[0].details.count("Traceback") == 3
    assert reporting.read_text(encoding="utf-8").count("uncaught exception") == 3
    dialogs[0].reject()


def test_an_exception_in_another_thread_is_shown_by_the_gui_thread(reporting, qtbot):
    thread = threading.Thread(target=_explode, name="helper-7")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: _crash_dialog() is not None, timeout=5000)
    assert "the flux capacitor" in _crash_dialog().message.text()
    assert "[helper-7]: uncaught exception in helper-7" in reporting.read_text(encoding="utf-8")
    _crash_dialog().reject()


def test_uninstall_restores_the_previous_hooks(qtbot):
    before = sys.excepthook, threading.excepthook
    install_crash_handler()
    assert sys.excepthook is not before[0]
    uninstall_crash_handler()
    assert (sys.excepthook, threading.excepthook) == before


def test_debug_flag_turns_on_debug_logging(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "qmlstudio", "--debug", "--version"],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.strip().startswith("qmlstudio ")
    assert "DEBUG qmlstudio: debug logging on: qmlstudio" in result.stderr
    plain = subprocess.run([sys.executable, "-m", "qmlstudio", "--version"], env=env,
                           capture_output=True, text=True, timeout=60, check=False)
    assert plain.returncode == 0 and plain.stderr == ""
