"""Toolbar icons: the SVG files in ``resources/toolbar``, drawn in the theme's ink.

Each file strokes with ``currentColor``; :func:`action_icon` gives a QIcon whose engine
renders the SVG afresh for every size, pixel ratio and paint — sharp at 100 %, 150 % and
200 % — with ``currentColor`` replaced by the application palette's button text (its
disabled colour for a disabled action), so an icon follows a switch between light and dark
without being made again.
"""

from __future__ import annotations

import functools
import logging

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from qmlstudio._resources import resource_path

__all__ = ["action_icon"]

_log = logging.getLogger(__name__)


@functools.cache
def _svg_text(name: str) -> str | None:
    try:
        return resource_path("toolbar", f"{name}.svg").read_text(encoding="utf-8")
    except FileNotFoundError as error:  # a partial install: the action keeps its text
        _log.warning("%s", error)
        return None


class _InkedSvgEngine(QIconEngine):
    """Renders one SVG in the palette's ink at whatever size and pixel ratio is asked."""

    def __init__(self, svg: str) -> None:
        super().__init__()
        self._svg = svg

    def clone(self) -> QIconEngine:  # Qt override
        return _InkedSvgEngine(self._svg)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:  # Qt override
        group = (QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled
                 else QPalette.ColorGroup.Active)
        ink = QGuiApplication.palette().color(group, QPalette.ColorRole.ButtonText)
        svg = self._svg.replace("currentColor", ink.name())
        QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter, QRectF(rect))

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,
                     scale: float) -> QPixmap:  # Qt override
        pixmap = QPixmap(size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode,
               state: QIcon.State) -> QPixmap:  # Qt override
        return self.scaledPixmap(size, mode, state, 1.0)


def action_icon(name: str) -> QIcon:
    """The toolbar icon ``name`` (``new``, ``open``, ``save``, ``undo``, ``redo``,
    ``zoom_in``, ``zoom_out``; the training controls' ``train``, ``pause``, ``resume``,
    ``step``, ``stop``, ``reset``), or an empty icon if its file is missing."""
    svg = _svg_text(name)
    return QIcon() if svg is None else QIcon(_InkedSvgEngine(svg))
