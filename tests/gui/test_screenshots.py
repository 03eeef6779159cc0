"""The README's screenshot script renders the real window, trained, in both themes, and
leaves the theme choice as it found it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from qmlstudio.gui.theme.colours import DARK, LIGHT
from qmlstudio.gui.theme.themes import theme_choice

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "make_screenshots.py"


def _script():
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_trained_window_in_light_and_dark(qtbot, tmp_path):
    paths = {"light": tmp_path / "light.png", "dark": tmp_path / "dark.png"}
    before = theme_choice()
    _script().render(paths, size=(1280, 800), epochs=1)
    for theme, colours in (("light", LIGHT), ("dark", DARK)):
        image = QImage(str(paths[theme]))
        assert (image.width(), image.height()) == (1280, 800)
        corner = image.pixelColor(image.width() - 2, image.height() // 2)  # the window's edge
        assert corner == QColor(colours.window), theme
    assert theme_choice() == before
