"""Fixtures of the GUI tests: real widgets on Qt's offscreen platform."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Keep QSettings, recent files and user folders of each test in its own directory."""
    from PySide6.QtCore import QSettings

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # the app's log file
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    yield


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_main_thread():
    """Collect cyclic garbage only here, on the main thread, after each GUI test.

    An automatic collection in a worker thread (the compute runner, the training worker)
    would delete Qt objects of earlier tests there and can deadlock with the GUI thread; the
    app avoids it the same way (see ``qmlstudio.gui.shell.app``).
    """
    import gc

    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture
def document(qtbot):
    """An empty two-qubit project document."""
    from qmlstudio.gui.document import ProjectDocument

    return ProjectDocument()


@pytest.fixture
def show_window(qtbot):
    """``show_window(project_or_document, size=(1280, 800))``: a shown, exposed main window;
    every open window is closed after the test without asking to save."""
    from qmlstudio.gui.document import ProjectDocument
    from qmlstudio.gui.shell.main_window import MainWindow, open_windows

    def show(content, size: tuple[int, int] | None = (1280, 800)):
        document = content if isinstance(content, ProjectDocument) else ProjectDocument(content)
        window = MainWindow(document)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield show
    for window in open_windows():
        window.document.undo_stack.setClean()
        window.close()
