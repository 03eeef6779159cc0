"""Render the application icon ``qmlstudio.svg`` to the PNG sizes desktops and installers use.

Run once after editing the SVG (the PNGs are committed)::

    QT_QPA_PLATFORM=offscreen python resources/icons/render_icons.py

Writes ``hicolor/<size>x<size>/apps/qmlstudio.png`` beside this script for every size in
:data:`SIZES`: the freedesktop icon-theme layout, so ``pyproject.toml`` installs each folder
as-is under ``share/icons/`` and desktops find the icon by its name ``qmlstudio``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256, 512)
"""The square PNG sizes rendered (the hicolor theme's usual application-icon sizes)."""
HERE = Path(__file__).resolve().parent
SOURCE = HERE / "qmlstudio.svg"


def png_path(size: int) -> Path:
    """Where the ``size`` x ``size`` PNG is kept."""
    return HERE / "hicolor" / f"{size}x{size}" / "apps" / "qmlstudio.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon drawn into a transparent ``size`` x ``size`` ARGB image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Render every size; returns the exit status."""
    # Qt's SVG renderer expects a GUI application to exist (fonts, image plugins).
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"{SOURCE}: not a valid SVG", file=sys.stderr)
        return 1
    for size in SIZES:
        target = png_path(size)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, size).save(str(target), "PNG"):
            print(f"{target}: could not be written", file=sys.stderr)
            return 1
        print(target)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
