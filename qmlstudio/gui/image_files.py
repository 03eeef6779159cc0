"""Images drawn by Qt, encoded in memory and written with the one atomic writer.

Qt's own ``QImage.save(path)`` and ``QSvgGenerator.setFileName`` write straight into the
target, so a full disk or a crash would leave half an image in place of the old one. Here the
image is encoded into a ``QBuffer`` and :func:`~qmlstudio.io.atomic.atomic_write` replaces the
file in one step, raising :class:`~qmlstudio.core.errors.ExportError` naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgGenerator

from qmlstudio.core.errors import ExportError
from qmlstudio.io.atomic import atomic_write

__all__ = ["png_bytes", "svg_bytes", "write_png", "write_svg"]


def _buffer() -> tuple[QByteArray, QBuffer]:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    return data, buffer


def png_bytes(image: QImage | QPixmap) -> bytes:
    """``image`` encoded as PNG. Raises :class:`ExportError` if Qt cannot encode it."""
    data, buffer = _buffer()
    if not image.save(buffer, "PNG"):
        raise ExportError(f"the {image.width()} × {image.height()} image could not be "
                          "encoded as PNG")
    buffer.close()
    return data.data()


def svg_bytes(draw: Callable[[QPainter], None], width: float, height: float, title: str,
              description: str = "") -> bytes:
    """The SVG drawing that ``draw(painter)`` paints on a ``width`` × ``height`` page."""
    data, buffer = _buffer()
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(round(width), round(height)))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(title)
    if description:
        generator.setDescription(description)
    painter = QPainter()
    if not painter.begin(generator):
        raise ExportError("the SVG drawing could not be started")
    try:
        draw(painter)
    finally:
        painter.end()
    buffer.close()
    return data.data()


def _encoded(path: str | os.PathLike, encode: Callable[[], bytes]) -> bytes:
    try:
        return encode()
    except ExportError as error:
        raise ExportError(f"{os.fspath(path)}: {error}") from None


def write_png(image: QImage | QPixmap, path: str | os.PathLike) -> None:
    """Write ``image`` to ``path`` as PNG, atomically (:class:`ExportError` naming the file
    on failure)."""
    atomic_write(path, _encoded(path, lambda: png_bytes(image)), ExportError)


def write_svg(path: str | os.PathLike, draw: Callable[[QPainter], None], width: float,
              height: float, title: str, description: str = "") -> None:
    """Write the drawing of :func:`svg_bytes` to ``path``, atomically."""
    atomic_write(path, _encoded(path, lambda: svg_bytes(draw, width, height, title,
                                                        description)), ExportError)
