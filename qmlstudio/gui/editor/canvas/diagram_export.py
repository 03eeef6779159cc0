"""The circuit diagram as a PNG or SVG file, drawn by the same painter as the canvas.

The whole circuit is drawn (not just what is on screen), without the selection; a view's
collapsed groups stay collapsed.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from qmlstudio.core import Circuit, CircuitError
from qmlstudio.core.wording import counted
from qmlstudio.gui.editor.canvas.circuit_painter import CircuitPainter, print_palette
from qmlstudio.gui.editor.canvas.view import CircuitView
from qmlstudio.gui.image_files import write_png, write_svg
from qmlstudio.viewmodels.canvas_layout import CircuitLayout

__all__ = ["export_png", "export_svg"]

_MAX_PNG_SIDE = 32000
"""QImage's limit is 32767 pixels a side; a longer circuit is exported as SVG instead."""


def _layout(source: CircuitView | Circuit, painter: CircuitPainter) -> CircuitLayout:
    if isinstance(source, CircuitView):
        layout = source.circuit_layout
        return CircuitLayout(layout.circuit, layout.collapsed, painter.text_width)
    return CircuitLayout(source, (), painter.text_width)


def _draw(painter: QPainter, layout: CircuitLayout, circuit_painter: CircuitPainter) -> None:
    circuit_painter.paint(painter, layout, QRectF(0, 0, layout.width, layout.height),
                          frozenset(), 1.0)


def export_png(source: CircuitView | Circuit, path: str | os.PathLike, scale: float = 2.0) -> None:
    """Write the diagram of ``source`` (a view or a circuit) to ``path`` as PNG, ``scale``
    pixels per scene unit. Raises :class:`~qmlstudio.core.CircuitError` if the image would
    be too large, :class:`~qmlstudio.core.errors.ExportError` if the file cannot be written
    (atomically: the old file is then unchanged)."""
    circuit_painter = CircuitPainter(print_palette())
    layout = _layout(source, circuit_painter)
    width, height = round(layout.width * scale), round(layout.height * scale)
    if max(width, height) > _MAX_PNG_SIDE:
        raise CircuitError(f"the diagram would be {width} × {height} pixels, more than a PNG "
                           f"image can hold here ({_MAX_PNG_SIDE}); export it as SVG")
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.scale(scale, scale)
    _draw(painter, layout, circuit_painter)
    painter.end()
    write_png(image, path)


def export_svg(source: CircuitView | Circuit, path: str | os.PathLike) -> None:
    """Write the diagram of ``source`` (a view or a circuit) to ``path`` as SVG (gate labels
    are text elements), atomically; :class:`~qmlstudio.core.errors.ExportError` on failure."""
    circuit_painter = CircuitPainter(print_palette())
    layout = _layout(source, circuit_painter)

    def draw(painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, layout.width, layout.height), Qt.GlobalColor.white)
        _draw(painter, layout, circuit_painter)

    write_svg(path, draw, layout.width, layout.height, "QML Studio circuit",
              f"{counted(layout.circuit.n_qubits, 'qubit')}, "
              f"{counted(len(layout.circuit.operations), 'gate')}")
