"""Plots written to PNG or SVG, and "Export Plot…" in every plot's right-click menu.

:func:`write_plot` writes a widget as seen: PNG at twice the screen resolution, or SVG drawn by
Qt's own generator (vector lines and text, images embedded). pyqtgraph's own "Export…" dialog
is replaced by :func:`add_export_action`: its SVG exporter cannot parse the path syntax of
Qt 6.12's SVG output (pyqtgraph issue #3485).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QMessageBox, QWidget

from qmlstudio.core import QMLStudioError
from qmlstudio.gui.image_files import write_png, write_svg

__all__ = ["EXPORT_TEXT", "add_export_action", "write_plot", "write_widget_svg"]

EXPORT_TEXT = "Export Plot…"
"""The context-menu entry of every plot."""
_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
_PNG_SCALE = 2  # crisp when printed or shown on a high-density screen


def _draw(widget: QWidget, painter: QPainter) -> None:
    if isinstance(widget, QGraphicsView):  # its render() draws the visible scene
        widget.render(painter, QRectF(0, 0, widget.width(), widget.height()))
    else:
        widget.render(painter, QPoint(0, 0))


def write_widget_svg(widget: QWidget, path: str | os.PathLike, title: str) -> None:
    """Write ``widget`` as seen to ``path`` as SVG, atomically."""
    write_svg(os.fspath(path), lambda painter: _draw(widget, painter), widget.width(),
              widget.height(), title)


def write_plot(widget: QWidget, path: str | os.PathLike, title: str) -> None:
    """Write ``widget`` as seen to ``path``: ``.png`` (twice the screen resolution) or
    ``.svg``, atomically. Raises a :class:`QMLStudioError` naming the file for another
    suffix, or if it cannot be written."""
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        image = QImage(widget.size() * _PNG_SCALE, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(_PNG_SCALE)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            _draw(widget, painter)
        finally:
            painter.end()
        write_png(image, path)
    elif suffix == ".svg":
        write_widget_svg(widget, path, title)
    else:
        raise QMLStudioError(f"{os.fspath(path)}: export a plot as .png or .svg, not "
                             f"{suffix or 'a file without a suffix'}")


def add_export_action(view: pg.GraphicsView, title: str, file_stem: str, *,
                      plot_menus: bool = True) -> QAction:
    """Give ``view``'s right-click menu an "Export Plot…" entry that asks for a file (first
    suggested: ``file_stem``.png) and writes the plot there. Returns the action.

    ``plot_menus``: the view's plots have pyqtgraph's menu (View All, axes…), which takes the
    entry; False for plots with fixed axes and no menu, whose view then gets a menu of its own.
    """
    action = QAction(EXPORT_TEXT, view)
    action.setStatusTip("Write this plot as a PNG image or an SVG drawing")
    # Through the action's parent, not a reference to the view: the handler must not keep a
    # closed plot alive (it would still get palette events with its plot item gone).
    action.triggered.connect(
        lambda _checked=False: _ask_and_export(action.parent(), title, file_stem))
    # The scene's own entries join each plot's menu: ours in place of pyqtgraph's Export….
    view.scene().contextMenu = [action]
    if not plot_menus:  # else pyqtgraph's menu and this one would both open
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        view.addAction(action)
    return action


def _ask_and_export(view: QWidget, title: str, file_stem: str) -> None:
    path, _ = QFileDialog.getSaveFileName(view, "Export Plot", f"{file_stem}.png", _FILTER)
    if not path:
        return
    try:
        write_plot(view, path, title)
    except QMLStudioError as error:
        QMessageBox.warning(view, "Cannot export the plot", str(error))
