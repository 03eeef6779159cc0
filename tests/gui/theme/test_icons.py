"""Toolbar icons: SVG drawn sharp at every scale, in the theme's ink, on the real toolbar."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from qmlstudio.gui.shell.main_window import MainWindow
from qmlstudio.gui.theme.colours import DARK, LIGHT
from qmlstudio.gui.theme.icons import action_icon
from qmlstudio.gui.theme.themes import set_theme_choice
from qmlstudio.gui.training.controls import TrainingControls

_NAMES = ("new", "open", "save", "undo", "redo", "zoom_in", "zoom_out")
_TRAINING = ("train", "pause", "resume", "step", "stop", "reset")


@pytest.fixture
def restored_palette(qapp):
    before = QPalette(qapp.palette())
    yield
    QApplication.setPalette(before)


def _ink(pixmap) -> str:
    """The most common solid colour of the drawing."""
    image = pixmap.toImage()
    solid = Counter(image.pixelColor(x, y).name() for x in range(image.width())
                    for y in range(image.height()) if image.pixelColor(x, y).alpha() == 255)
    return solid.most_common(1)[0][0]


def test_icons_are_drawn_at_the_screens_scale_in_the_themes_ink(qtbot, restored_palette):
    for theme in (LIGHT, DARK):
        set_theme_choice(theme.name)
        for name in _NAMES + _TRAINING:
            icon = action_icon(name)
            assert not icon.isNull(), name
            for scale in (1.0, 1.5, 2.0):
                # Rendered from the SVG at that many device pixels: sharp at 150 % and 200 %.
                pixmap = icon.pixmap(QSize(24, 24), scale)
                assert pixmap.devicePixelRatio() == scale
                assert pixmap.width() == pixmap.height() == round(24 * scale)
                assert _ink(pixmap) == theme.button_text, (theme.name, name, scale)


def test_the_toolbar_shows_the_icons(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.findChild(QToolBar, "MainToolBar")
    for name in _NAMES:
        action = window.actions_.actions[name]
        assert not action.icon().isNull(), name
        button = bar.widgetForAction(action)
        assert isinstance(button, QToolButton)
        assert button.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextOnly
        assert action.toolTip()  # the words are still there, as the tooltip


def test_disabled_training_controls_are_greyed_in_both_themes(qtbot, restored_palette):
    """The style's stock media icons stayed black when disabled on the light theme, so an
    idle toolbar looked as if Pause, Step and Stop could be pressed."""
    controls = TrainingControls()
    qtbot.addWidget(controls)
    for theme in (LIGHT, DARK):
        set_theme_choice(theme.name)
        for key in _TRAINING:
            action = controls.actions_[key]
            action.setEnabled(False)
            icon = controls.button(key).icon()
            assert _ink(icon.pixmap(QSize(24, 24), 2.0, QIcon.Mode.Disabled)) == \
                theme.disabled_text, (theme.name, key)
            action.setEnabled(True)
            assert _ink(icon.pixmap(QSize(24, 24), 2.0)) == theme.button_text, (theme.name, key)
