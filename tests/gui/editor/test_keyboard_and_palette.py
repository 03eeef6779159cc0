"""Keyboard reach of every menu action, and the desktop's light/dark palette followed by the
canvas painter and the plots."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from qmlstudio.core import Circuit, Project
from qmlstudio.gui.editor.canvas.circuit_painter import CircuitPainter, print_palette
from qmlstudio.gui.shell.main_window import MainWindow
from qmlstudio.gui.shell.recent_files import add_recent_file
from qmlstudio.gui.theme.colours import LIGHT
from qmlstudio.gui.training.plots import TrainingPlots
from qmlstudio.io import save_project
from qmlstudio.viewmodels.canvas_layout import CircuitLayout

_MNEMONIC = re.compile(r"&([^&\s])")


def _mnemonic(text: str) -> str | None:
    """The mnemonic letter of a menu text ("&&" is a literal ampersand), lower-case."""
    match = _MNEMONIC.search(text.replace("&&", ""))
    return match.group(1).lower() if match else None


def _walk(menu: QMenu, path: str, found: list[tuple[str, QAction]]) -> None:
    menu.aboutToShow.emit()  # menus filled on demand (Open Recent) fill themselves
    for action in menu.actions():
        if action.isSeparator():
            continue
        found.append((f"{path} ▸ {action.text()}", action))
        if action.menu() is not None:
            _walk(action.menu(), f"{path} ▸ {action.text()}", found)


@pytest.fixture
def window(qtbot, tmp_path):
    project = tmp_path / "a&b.qmlproj"
    save_project(Project(Circuit(1)), project)
    add_recent_file(project)  # so File ▸ Open Recent has a file entry to check
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def test_every_menu_and_menu_action_is_reachable_by_keyboard(window):
    menus = [a for a in window.menuBar().actions() if a.menu() is not None]
    assert [a.text() for a in menus] == ["&File", "&Edit", "&Model", "&View", "&Help"]
    found: list[tuple[str, QAction]] = []
    for top in menus:
        assert _mnemonic(top.text()), top.text()
        _walk(top.menu(), top.text(), found)
    assert len(found) > 40
    unreachable = [path for path, action in found
                   if _mnemonic(action.text()) is None and action.shortcut().isEmpty()]
    assert not unreachable, unreachable
    assert any("a&&b.qmlproj" in path for path, _ in found)  # a literal & stays literal


def test_mnemonics_are_unique_within_each_menu(window):
    def check(menu: QMenu, path: str) -> None:
        menu.aboutToShow.emit()
        letters = [_mnemonic(a.text()) for a in menu.actions() if not a.isSeparator()]
        letters = [x for x in letters if x]
        assert len(letters) == len(set(letters)), (path, letters)
        for action in menu.actions():
            if action.menu() is not None:
                check(action.menu(), f"{path} ▸ {action.text()}")

    bar = [_mnemonic(a.text()) for a in window.menuBar().actions()]
    assert len(bar) == len(set(bar))
    for top in window.menuBar().actions():
        check(top.menu(), top.text())


def test_no_two_actions_share_a_shortcut(window):
    owners: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert key not in owners, f"{key}: {owners.get(key)!r} and {action.text()!r}"
            owners[key] = action.text()
    assert owners["F1"] == "&Quick Tour"


# -- light / dark palette ------------------------------------------------------------------
DARK_BASE, DARK_TEXT = QColor("#1e1e1e"), QColor("#e6e6e6")


@pytest.fixture
def dark_palette(qapp):
    """A dark application palette for the test; the previous one afterwards."""
    before = QPalette(qapp.palette())
    palette = QPalette(before)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive,
                  QPalette.ColorGroup.Disabled):
        palette.setColor(group, QPalette.ColorRole.Base, DARK_BASE)
        palette.setColor(group, QPalette.ColorRole.Window, DARK_BASE)
        palette.setColor(group, QPalette.ColorRole.Text, DARK_TEXT)
        palette.setColor(group, QPalette.ColorRole.WindowText, DARK_TEXT)
    QApplication.setPalette(palette)
    yield palette
    QApplication.setPalette(before)


def _render(painter: CircuitPainter, circuit: Circuit) -> tuple[QImage, CircuitLayout]:
    layout = CircuitLayout(circuit, (), painter.text_width)
    image = QImage(int(layout.width) + 1, int(layout.height) + 1, QImage.Format.Format_RGB32)
    image.fill(painter.background)
    qp = QPainter(image)
    painter.paint(qp, layout, QRectF(0, 0, layout.width, layout.height), frozenset())
    qp.end()
    return image, layout


def _colour_near(image: QImage, x: float, y: float, colour: QColor) -> bool:
    """Is a pixel within 2 px of (x, y) ``colour`` (within a little antialiasing)?"""
    target = np.array(colour.getRgb()[:3])
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            pixel = np.array(image.pixelColor(int(x) + dx, int(y) + dy).getRgb()[:3])
            if np.abs(pixel - target).max() <= 12:
                return True
    return False


def test_the_canvas_painter_draws_in_the_palette_ink(dark_palette, qtbot):
    painter = CircuitPainter()  # takes the application palette, now dark
    assert painter.background == DARK_BASE and painter.ink == DARK_TEXT
    image, layout = _render(painter, Circuit(2).add("cx", [0, 1]))
    x = layout.column_x(int(layout.column[0]))
    assert _colour_near(image, x, layout.wire_y(0), DARK_TEXT)  # the control dot
    assert _colour_near(image, x + 30, layout.wire_y(0) - 30, DARK_BASE)  # the background
    # Files stay dark on white whatever the theme.
    printed = CircuitPainter(print_palette())
    image, layout = _render(printed, Circuit(2).add("cx", [0, 1]))
    assert printed.background == QColor("#ffffff")
    assert _colour_near(image, x, layout.wire_y(0), QColor(LIGHT.text))  # the light theme


def test_the_plots_follow_the_palette_and_its_changes(dark_palette, qapp, qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    widgets = (plots.loss_plot, plots.metric_plot, plots.gradient_plot, plots.boundary_plot,
               plots.confusion_plot)
    for widget in widgets:
        assert widget.backgroundBrush().color() == DARK_BASE
        axis = widget.getPlotItem().getAxis("left")
        assert axis.textPen().color() == DARK_TEXT and axis.pen().color() == DARK_TEXT
        assert QColor(widget.getPlotItem().titleLabel.opts["color"]) == DARK_TEXT
    light = QPalette(dark_palette)
    light.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    light.setColor(QPalette.ColorRole.Text, QColor("#000000"))
    QApplication.setPalette(light)  # the desktop switched theme while the app runs
    qtbot.waitUntil(lambda: plots.loss_plot.backgroundBrush().color() == QColor("#ffffff"))
    assert plots.confusion_plot.getPlotItem().getAxis("bottom").textPen().color() == \
        QColor("#000000")
