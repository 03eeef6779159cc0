"""Platform conventions in the real main window: the wheel changes a field only once it has
focus (the panel scrolls otherwise), Ctrl+W closes one window, Ctrl+Q quits, and every menu
shortcut is the platform's standard key where one exists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea

from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from tests.gui.training_support import moons_project


@pytest.fixture
def make_window(qtbot):
    def make() -> MainWindow:
        window = MainWindow(ProjectDocument(moons_project()))
        window.resize(1280, 800)
        window.show()
        window.activateWindow()  # shortcuts reach only the active window
        assert QTest.qWaitForWindowActive(window, 5000)
        return window

    yield make
    for window in open_windows():
        window.document.undo_stack.setClean()
        window.close()


def _wheel(widget, notches: int = 1) -> None:
    """Turn the mouse wheel ``notches`` clicks down over the middle of ``widget``.

    Sent to the field itself: a real wheel event reaches it from the line edit inside by
    Qt's propagation, which Qt does only for events from the window system."""
    position = QPointF(widget.rect().center())
    for _ in range(notches):
        event = QWheelEvent(position, QPointF(widget.mapToGlobal(position)), QPoint(0, 0),
                            QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_until_a_field_has_focus(make_window, qtbot):
    window = make_window()
    window.docks["data"].show()
    window.docks["data"].raise_()
    panel = window.data_panel
    qtbot.waitUntil(lambda: panel.view is not None and not panel.is_loading, timeout=30_000)
    noise = panel.generator_form.boxes["noise"]
    qtbot.waitUntil(noise.isVisible)
    window.canvas.setFocus()
    scroll = noise.parentWidget()  # the scroll area the Data panel's forms sit in
    while not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)  # 1280×800: it scrolls
    scroll.verticalScrollBar().setValue(0)
    before, steps = noise.value(), window.document.undo_stack.count()

    _wheel(noise, 5)
    assert noise.value() == before and window.document.undo_stack.count() == steps
    assert scroll.verticalScrollBar().value() > 0  # the wheel scrolled the panel instead
    source = panel.source
    index = source.currentIndex()
    _wheel(source, 3)
    assert source.currentIndex() == index

    QTest.mouseClick(noise, Qt.MouseButton.LeftButton)  # a click gives the field focus
    assert noise.hasFocus()
    _wheel(noise)
    assert noise.value() == pytest.approx(before - noise.singleStep())


def test_ctrl_w_closes_one_window_and_ctrl_q_closes_them_all(make_window, qtbot):
    first, second = make_window(), make_window()
    assert QApplication.quitOnLastWindowClosed()  # the app ends with its last window
    QTest.keyClick(second, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: second not in open_windows())
    assert open_windows() == [first] and first.isVisible()
    third = make_window()
    QTest.keyClick(third, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not open_windows())


def test_menu_shortcuts_are_the_platforms_standard_keys(make_window):
    actions = make_window().actions_.actions
    keys = QKeySequence.StandardKey
    for name, key in (("new", keys.New), ("open", keys.Open), ("save", keys.Save),
                      ("save_as", keys.SaveAs), ("close", keys.Close), ("undo", keys.Undo),
                      ("redo", keys.Redo), ("cut", keys.Cut), ("copy", keys.Copy),
                      ("paste", keys.Paste), ("select_all", keys.SelectAll),
                      ("zoom_in", keys.ZoomIn), ("zoom_out", keys.ZoomOut),
                      ("quick_tour", keys.HelpContents)):
        assert actions[name].shortcuts() == QKeySequence.keyBindings(key), name
    assert actions["delete"].shortcuts()[:-1] == QKeySequence.keyBindings(keys.Delete)
    # Where the platform binds nothing to Quit or Preferences, the keys users expect.
    for name, key, fallback in (("quit", keys.Quit, "Ctrl+Q"),
                                ("preferences", keys.Preferences, "Ctrl+,")):
        expected = QKeySequence.keyBindings(key) or [QKeySequence(fallback)]
        assert actions[name].shortcuts() == expected, name
