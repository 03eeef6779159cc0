"""Autosave and recovery in one process: real windows, real files in the user data folder."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from PySide6.QtCore import QSettings, QSysInfo
from PySide6.QtWidgets import QMessageBox

from qmlstudio.core import Circuit, Project, w
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.app import open_startup_windows
from qmlstudio.gui.shell.autosave import (
    INTERVAL_KEY,
    autosave_interval,
    pending_recoveries,
    recovery_dir,
)
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.io import load_project, save_project
from tests.gui.dialogs import answer_next_dialog, dialog_text, press
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS, moons_project

Button = QMessageBox.StandardButton


@pytest.fixture
def make_window(qtbot):
    """Open main windows; close whatever is left at the end without prompts."""

    def make(document: ProjectDocument | None = None) -> MainWindow:
        window = MainWindow(document)
        window.show()
        return window

    yield make
    for window in open_windows():
        window.document.undo_stack.setClean()
        window.close()


def _bell() -> Project:
    return Project(Circuit(2).add("h", 0).add("cx", [0, 1]).add("ry", 1, w(0)), name="bell")


def _recovery_files() -> list:
    folder = recovery_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_modified_document_is_autosaved_with_its_original_path(make_window, qtbot, tmp_path):
    QSettings().setValue(INTERVAL_KEY, 0.1)
    path = tmp_path / "bell.qmlproj"
    save_project(_bell(), path)
    window = make_window(ProjectDocument.open(path))
    qtbot.wait(300)
    assert not window.autosaver.path.exists(), "an unmodified document is not autosaved"
    window.document.edit_circuit(window.document.circuit.add("x", 1), "Add X")
    qtbot.waitUntil(window.autosaver.path.exists, timeout=3000)
    assert load_project(window.autosaver.path) == window.document.project
    info = json.loads(window.autosaver.path.with_suffix(".json").read_text())
    assert info["original"] == str(path) and info["name"] == "bell.qmlproj"
    assert info["saved_at"][:4].isdigit()
    # A second edit reaches the recovery file at the next tick.
    window.document.edit_circuit(window.document.circuit.add("z", 0), "Add Z")
    qtbot.waitUntil(lambda: load_project(window.autosaver.path) == window.document.project,
                    timeout=3000)
    # Saving makes the copy pointless: it and its sidecar and lock go.
    window.actions_.save()
    assert _recovery_files() == []


@pytest.mark.parametrize("button", [Button.Discard, Button.Save])
def test_a_clean_close_removes_the_recovery_file(make_window, qtbot, tmp_path, button):
    path = tmp_path / "bell.qmlproj"
    save_project(_bell(), path)
    window = make_window(ProjectDocument.open(path))
    window.document.edit_circuit(Circuit(1), "Edit")
    assert window.autosaver.save_now()
    assert _recovery_files()
    answer_next_dialog(press(button))
    window.close()
    qtbot.waitUntil(lambda: window not in open_windows())
    assert _recovery_files() == []


def test_a_running_instances_recovery_file_is_not_offered(make_window):
    window = make_window(ProjectDocument(_bell()))
    window.document.edit_circuit(Circuit(1), "Edit")
    assert window.autosaver.save_now()
    assert pending_recoveries() == []  # its lock is held by a live process (this one)


def _leave_crashed_work(project: Project, original, name: str) -> None:
    """What a killed session leaves: a recovery project, its sidecar and a lock file whose
    process is gone."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stem = recovery_dir() / uuid.uuid4().hex
    stem.parent.mkdir(parents=True, exist_ok=True)
    save_project(project, stem.with_suffix(".qmlproj"))
    stem.with_suffix(".json").write_text(json.dumps(
        {"original": None if original is None else str(original), "name": name,
         "saved_at": "2026-01-02T03:04:05+00:00"}))
    stem.with_suffix(".lock").write_text(
        f"{dead.stdout.strip()}\n{sys.executable}\n{QSysInfo.machineHostName()}\n")


def test_restore_opens_crashed_work_as_modified_documents(qtbot, tmp_path):
    path = tmp_path / "bell.qmlproj"
    save_project(_bell(), path)
    edited = _bell().with_circuit(_bell().circuit.add("x", 0))
    untitled = Project(Circuit(3).add("h", 2), name="Untitled")
    _leave_crashed_work(edited, path, "bell.qmlproj")
    _leave_crashed_work(untitled, None, "Untitled")
    seen = answer_next_dialog(press(Button.Open))
    windows = open_startup_windows()
    try:
        text = dialog_text(seen)
        assert "ended without saving" in text
        assert f"bell.qmlproj ({path}), autosaved 2026-01-02 03:04" in text
        assert "Untitled (never saved)" in text
        assert len(windows) == 2, "the empty start window gave way to the restored ones"
        documents = {w.document.path: w.document for w in windows}
        assert documents[path].project == edited and documents[None].project == untitled
        assert all(w.document.is_modified and w.isWindowModified() for w in windows)
        assert load_project(path) == _bell(), "the original file is untouched until Save"
        # The old files are gone; the new windows' own copies are held by this process.
        assert len(_recovery_files()) == 2 * 3
        assert pending_recoveries() == []
    finally:
        for window in open_windows():
            window.document.undo_stack.setClean()
            window.close()
    assert _recovery_files() == []


def test_discard_deletes_crashed_work_and_launch_goes_on(qtbot):
    _leave_crashed_work(_bell(), None, "bell")
    seen = answer_next_dialog(press(Button.Discard))
    windows = open_startup_windows()
    try:
        assert seen and _recovery_files() == []
        assert len(windows) == 1 and windows[0].document.circuit.operations, \
            "the first launch's example opens as usual"
    finally:
        for window in open_windows():
            window.close()


def test_unreadable_recovery_file_is_reported_and_kept_aside(qtbot):
    _leave_crashed_work(_bell(), None, "bell")
    broken = next(recovery_dir().glob("*.qmlproj"))
    broken.write_text("{ not json")
    answer_next_dialog(press(Button.Open))
    warning = answer_next_dialog(press(Button.Ok))
    try:
        open_startup_windows()
        qtbot.waitUntil(lambda: len(warning) > 2)
        assert broken.name in dialog_text(warning) and "unreadable" in dialog_text(warning)
        assert _recovery_files() == [broken.name + ".unreadable"]
        assert pending_recoveries() == []
    finally:
        for window in open_windows():
            window.close()


def test_training_end_autosaves_the_trained_project(make_window, qtbot):
    QSettings().setValue(INTERVAL_KEY, 3600)  # no timer write first: training end writes it
    window = make_window(ProjectDocument(moons_project(epochs=2)))
    with qtbot.waitSignal(window.training_panel.worker.finished,
                          timeout=FIRST_RUN_TIMEOUT_MS):
        window.training_panel.train_button.click()
    assert window.document.project.weights
    assert load_project(window.autosaver.path) == window.document.project


@pytest.mark.parametrize(("value", "seconds"),
                         [(None, 60.0), (5, 5.0), ("2.5", 2.5), (0, 0.0), (-1, 0.0),
                          ("soon", 60.0), (1e-9, 0.05), ("inf", 60.0), (1e12, 86_400.0)])
def test_the_interval_setting_is_read_forgivingly(value, seconds):
    if value is not None:
        QSettings().setValue(INTERVAL_KEY, value)
    assert autosave_interval() == seconds
