"""Crash recovery end to end: a real ``qmlstudio`` process is killed with SIGKILL while it holds
unsaved work, and the next launch offers that work back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
GHZ = ('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n'
       "h q[0];\ncx q[0], q[1];\ncx q[1], q[2];\n")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _wait_for(condition, timeout: float, what: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the app exited ({process.returncode}) before {what}: "
                                 f"{process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.05)


def test_work_of_a_killed_app_is_offered_and_restored_on_the_next_launch(
        qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from qmlstudio.io import from_qasm
    from tests.gui.dialogs import answer_next_dialog, dialog_text, press

    xdg = {name: tmp_path / name.lower() for name in
           ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}
    # The app's own settings file (Qt's native format on Linux is this INI file).
    config = QSettings(str(xdg["XDG_CONFIG_HOME"] / "QML Studio" / "qmlstudio.conf"),
                       QSettings.Format.IniFormat)
    config.setValue("autosave/interval_s", 0.2)
    config.setValue("app/first_run_done", True)
    config.sync()
    circuit_file = tmp_path / "ghz.qasm"
    circuit_file.write_text(GHZ, encoding="utf-8")
    recovery = xdg["XDG_DATA_HOME"] / "qmlstudio" / "recovery"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           **{name: str(path) for name, path in xdg.items()}}

    # 1. The app opens an OpenQASM file (unsaved work), autosaves it, and is killed.
    app = subprocess.Popen([sys.executable, "-m", "qmlstudio", "--debug", str(circuit_file)],
                           env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
    log_file = xdg["XDG_STATE_HOME"] / "qmlstudio" / "log" / "qmlstudio.log"

    def autosaved() -> bool:  # the log line comes last, after both files are written
        return log_file.is_file() and "autosaved ghz to" in log_file.read_text("utf-8")

    try:
        _wait_for(autosaved, 120, "autosave", app)
        app.send_signal(signal.SIGKILL)
        app.wait(30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(30)
        app.stderr.close()
    assert app.returncode == -signal.SIGKILL
    assert {p.suffix for p in recovery.iterdir()} >= {".qmlproj", ".json", ".lock"}
    assert "DEBUG qmlstudio.gui.shell.autosave" in log_file.read_text("utf-8")  # --debug logs it

    # 2. The next launch (in this process, with the same user folders) offers it back.
    for name, path in xdg.items():
        monkeypatch.setenv(name, str(path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    from qmlstudio.gui.shell.app import open_startup_windows
    from qmlstudio.gui.shell.main_window import open_windows

    seen = answer_next_dialog(press(QMessageBox.StandardButton.Open))
    windows = open_startup_windows()
    try:
        assert "ghz (never saved)" in dialog_text(seen)
        assert len(windows) == 1
        document = windows[0].document
        assert document.circuit == from_qasm(GHZ)
        assert document.is_modified and document.path is None
        assert {p.suffix for p in recovery.iterdir()} == {".qmlproj", ".json", ".lock"}, \
            "only the restored window's own copy is left"
    finally:
        for window in open_windows():
            window.document.undo_stack.setClean()
            window.close()
    assert list(recovery.iterdir()) == []
