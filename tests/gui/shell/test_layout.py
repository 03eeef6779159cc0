"""The real main window at a 1280×800 laptop size and at 1920×1080, with the moons example
open, before and after training: every button, label and field gets its width and lies inside
its parents, no dock scrolls sideways, every plot is at least MIN_FIGURE_HEIGHT tall with tick
labels that do not overlap and its title at the type scale's title size, every dock's contents
have the same margin, and the training controls are all in view (and, at 1920×1080, the
training settings without scrolling). View ▸ Reset Layout puts
moved docks back, and the window's layout persists."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QProgressBar,
    QScrollArea,
    QTabBar,
    QWidget,
)

from qmlstudio._resources import resource_path
from qmlstudio.gui.figure_grid import MIN_FIGURE_HEIGHT
from qmlstudio.gui.shell.dock_layout import LAYOUT_VERSION, WIDE_WIDTH, default_size
from qmlstudio.gui.shell.main_window import MainWindow, open_windows
from qmlstudio.gui.shell.opening import open_document
from qmlstudio.gui.theme.metrics import MARGIN, point_size
from tests.gui.training_support import FIRST_RUN_TIMEOUT_MS

_FIELDS = (QAbstractButton, QLabel, QLineEdit, QAbstractSpinBox, QComboBox, QProgressBar)
_TAB_GROUPS = (("palette", "data", "training"), ("state", "inspector", "noise"),
               ("plots", "robustness", "code", "comparison"))


def _moons_window(size: tuple[int, int]) -> MainWindow:
    """The moons example, set to train one epoch, in a window of ``size``."""
    document = open_document(resource_path("examples", "moons.qmlproj"), example=True)
    project = document.project
    document.edit(replace(project, training=replace(project.training, epochs=1)), "one epoch")
    window = MainWindow(document)
    window.resize(*size)
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    return window


def _train(qtbot, window: MainWindow) -> None:
    """Train ``window``'s project and wait until its results and the State view are drawn."""
    with qtbot.waitSignal(window.plots.results_shown, timeout=FIRST_RUN_TIMEOUT_MS):
        QTest.mouseClick(window.training_panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state_view.probabilities() is not None, timeout=60_000)


@pytest.fixture
def close_windows(qtbot):
    yield
    for window in open_windows():
        window.document.undo_stack.setClean()
        window.close()


def _name(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") else ""
    return f"{type(widget).__name__} {text!r} in {type(widget.parentWidget()).__name__}"


def _in_view(widget: QWidget) -> bool:
    """Visible, and not in a dock tabbed behind another (Qt moves those off the window)."""
    parent = widget
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return widget.isVisible() and (parent is None or not parent.visibleRegion().isEmpty())


def _clipping_problems(root: QWidget) -> list[str]:
    """Fields in view narrower than their size hint or reaching outside a parent."""
    problems = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, _FIELDS) or not _in_view(widget):
            continue
        if isinstance(widget.parentWidget(), (QTabBar, QAbstractSpinBox, QComboBox)):
            continue  # parts of a field: a tab bar's scroll buttons, a spin box's text
        wraps = isinstance(widget, QLabel) and widget.wordWrap()
        needed = widget.minimumSizeHint() if wraps else widget.sizeHint()
        if widget.width() < needed.width():
            problems.append(f"{_name(widget)}: {widget.width()} px wide, needs "
                            f"{needed.width()}")
        child = widget
        while child is not root and child.parentWidget() is not None:
            parent = child.parentWidget()
            inside = parent.rect().contains(child.geometry())
            if isinstance(parent.parentWidget(), QScrollArea):  # a viewport: scrolls down
                inside = child.x() >= 0 and child.geometry().right() <= parent.width() - 1
            if not inside:
                problems.append(f"{_name(widget)}: {_name(child)} at {child.geometry()} "
                                f"outside {parent.rect()}")
                break
            child = parent
    return problems


def _overlapping_ticks(plot: pg.PlotItem) -> list[str]:
    """Tick labels of ``plot`` drawn on top of each other."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    problems = []
    try:
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            if not axis.isVisible():
                continue
            _axis, _ticks, texts = axis.generateDrawSpecs(painter)
            rects = [rect for rect, _flags, text in texts if text]  # "": an unlabelled tick
            for i, first in enumerate(rects):
                for second in rects[i + 1:]:
                    if first.intersects(second):
                        problems.append(f"{plot.titleLabel.text!r} {side}: "
                                        f"{[text for *_, text in texts]}")
    finally:
        painter.end()
    return problems


def _plot_items(window: MainWindow) -> list[tuple[pg.GraphicsView, pg.PlotItem]]:
    views = [view for view in window.findChildren(pg.GraphicsView) if _in_view(view)]
    return [(view, item) for view in views for item in view.scene().items()
            if isinstance(item, pg.PlotItem)]


def _check_window(window: MainWindow) -> list[str]:
    problems = _clipping_problems(window)
    for dock in window.docks.values():
        for area in dock.findChildren(QScrollArea):
            if _in_view(area) and area.horizontalScrollBar().isVisible():
                problems.append(f"{dock.windowTitle()} dock scrolls sideways")
    for table in window.plots.findChildren(QAbstractItemView):  # the baselines
        if _in_view(table):
            if table.horizontalScrollBar().isVisible():
                problems.append(f"{_name(table)} scrolls sideways")
            if not table.parentWidget().rect().contains(table.geometry()):
                problems.append(f"{_name(table)} reaches outside {table.parentWidget()}")
    for view, item in _plot_items(window):
        shape = item.sceneBoundingRect().toRect()
        if shape.height() < MIN_FIGURE_HEIGHT:
            problems.append(f"{item.titleLabel.text!r} in {type(view.parentWidget()).__name__}: "
                            f"{shape.height()} px tall")
        if not QRect(0, 0, view.width(), view.height()).adjusted(-1, -1, 1, 1).contains(shape):
            problems.append(f"{item.titleLabel.text!r} cut off: {shape} in {view.size()}")
        title = item.titleLabel
        if title.item.boundingRect().width() > item.width():
            problems.append(f"{title.text!r} is wider than its plot ({item.width()} px)")
        problems += _overlapping_ticks(item)
        if title.isVisible() and _title_points(item) != point_size("title"):
            problems.append(f"{title.text!r} is set at {_title_points(item)} pt")
    return problems


def _title_points(plot: pg.PlotItem) -> float:
    """The point size the title of ``plot`` is drawn at (its text's first character's)."""
    cursor = QTextCursor(plot.titleLabel.item.document())
    cursor.setPosition(1)
    return cursor.charFormat().fontPointSize()


def _plot_pages_problems(window: MainWindow) -> list[str]:
    """The problems of :func:`_check_window` on each page of the plots dock."""
    window.docks["plots"].raise_()
    grid = window.plots.figures
    problems = []
    for page in range(grid.count()):  # the plots' tabs, when they do not fit on one page
        grid.setCurrentIndex(page)
        QTest.qWait(50)
        problems += [f"[plots page {page}] {p}" for p in _check_window(window)]
    return problems


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_every_panel_fits_the_window_unclipped(qtbot, close_windows, size):
    window = _moons_window(size)
    assert window.size().toTuple() == size
    # Before training too: empty curves on pyqtgraph's log axis stacked their tick labels.
    problems = [f"[untrained] {problem}" for problem in _plot_pages_problems(window)]
    _train(qtbot, window)
    controls = window.training_panel.controls
    assert controls.isVisible() and isinstance(controls.parentWidget(), MainWindow)
    for action in controls.actions():
        button = controls.widgetForAction(action)
        if button is not None:  # separators have none
            assert button.isVisible(), f"{action.text()} is not in view"
            assert controls.rect().contains(button.geometry()), action.text()
    for group in _TAB_GROUPS:  # each dock of each tab group in turn, as a user clicks them
        for key in group:
            dock = window.docks[key]
            if dock.isVisible() or window.tabifiedDockWidgets(dock):
                dock.raise_()
                qtbot.waitUntil(lambda dock=dock: dock.widget().isVisible())
                QTest.qWait(50)  # what the raised dock starts (the State view's run) settles
                problems += [f"[{key}] {problem}" for problem in _check_window(window)]
    problems += _plot_pages_problems(window)
    assert sorted(set(problems)) == []
    assert window.docks["noise"] in window.tabifiedDockWidgets(window.docks["state"])
    for key, dock in window.docks.items():  # one margin around every dock's contents
        content = dock.widget().widget() if isinstance(dock.widget(), QScrollArea) \
            else dock.widget()
        margins = content.layout().contentsMargins()
        assert (margins.left(), margins.top(), margins.right(), margins.bottom()) == \
            (MARGIN,) * 4, key
    grid = window.plots.figures
    shown = [key for key in ("loss", "metric", "boundary", "gradient", "confusion",
                             "baselines") if grid.page_of(key) is not None]
    assert len(shown) == 6, "every training figure is on a page"
    if size[0] >= WIDE_WIDTH:  # room for all figures at once, and Training beside State
        assert grid.count() == 1
        assert not window.tabifiedDockWidgets(window.docks["training"])
        settings = window.docks["training"].widget()
        assert not settings.verticalScrollBar().isVisible(), "the Training dock scrolls"


def test_reset_layout_puts_moved_and_closed_docks_back(qtbot, close_windows):
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    default = {key: (window.dockWidgetArea(dock), dock.isVisible())
               for key, dock in window.docks.items()}
    window.docks["state"].close()
    window.docks["data"].setFloating(True)
    window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, window.docks["plots"])
    window.removeToolBar(window.training_panel.controls)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    reset = next(a for a in view_menu.actions() if a.text() == "&Reset Layout")
    reset.trigger()
    QTest.qWait(50)
    assert {key: (window.dockWidgetArea(dock), dock.isVisible())
            for key, dock in window.docks.items()} == default
    assert not window.docks["data"].isFloating()
    assert window.training_panel.controls.isVisible()
    assert window.toolBarArea(window.training_panel.controls) == Qt.ToolBarArea.TopToolBarArea


def test_a_moved_dock_stays_where_the_user_put_it_in_the_next_window(qtbot, close_windows):
    first = MainWindow()
    first.show()
    assert QTest.qWaitForWindowExposed(first)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.docks["data"])
    first.close()
    second = MainWindow()
    second.show()
    assert QTest.qWaitForWindowExposed(second)
    assert second.dockWidgetArea(second.docks["data"]) == Qt.DockWidgetArea.RightDockWidgetArea


def test_a_layout_saved_by_an_older_arrangement_is_arranged_anew(qtbot, close_windows):
    old = MainWindow()
    old.show()
    assert QTest.qWaitForWindowExposed(old)
    old.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, old.docks["training"])
    state = old.saveState(LAYOUT_VERSION - 1)
    old.close()
    QSettings().setValue("main_window/state", state)  # as an earlier version left it
    window = MainWindow()
    window.show()
    assert QTest.qWaitForWindowExposed(window)
    assert window.dockWidgetArea(window.docks["training"]) == \
        window.dockWidgetArea(window.docks["palette"]) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_a_first_window_fills_a_wide_screen_and_fits_a_small_one():
    assert default_size(QSize(2560, 1400)) == QSize(1920, 1080)
    assert default_size(QSize(1920, 1040)) == QSize(1920, 1040)  # a 1080p screen's task bar
    assert default_size(QSize(1600, 1000)) == QSize(1280, 800)
    assert default_size(QSize(1366, 728)) == QSize(1280, 728)
