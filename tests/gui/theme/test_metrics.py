"""The type scale follows the desktop's body font: a plot's title is a step above it (also
after a switch between light and dark), a caption a step below, and a role that does not
exist is refused."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel

from qmlstudio.gui.theme.colours import DARK
from qmlstudio.gui.theme.metrics import CAPTION_STEP, TITLE_STEP, point_size, set_text_role
from qmlstudio.gui.theme.plot_style import apply_palette, label_plot
from qmlstudio.gui.theme.themes import qpalette


@pytest.fixture
def body_font_12pt(qapp):
    """The application's font at 12 pt (a desktop with larger text) for one test."""
    before = QFont(QApplication.font())
    font = QFont(before)
    font.setPointSizeF(12.0)
    QApplication.setFont(font)
    yield
    QApplication.setFont(before)


def _title_points(plot: pg.PlotWidget) -> float:
    cursor = QTextCursor(plot.getPlotItem().titleLabel.item.document())
    cursor.setPosition(1)
    return cursor.charFormat().fontPointSize()


def test_sizes_are_steps_from_the_body_font(qtbot, body_font_12pt):
    assert (point_size("title"), point_size("body"), point_size("caption")) == \
        (12.0 + TITLE_STEP, 12.0, 12.0 + CAPTION_STEP)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    label_plot(plot, "Loss", "epoch", "")
    apply_palette(plot)
    assert _title_points(plot) == 12.0 + TITLE_STEP
    plot.getPlotItem().setTitle("Loss, epoch 3")  # a later title keeps the size
    apply_palette(plot, qpalette(DARK))  # and so does a new theme's ink
    assert _title_points(plot) == 12.0 + TITLE_STEP
    label = QLabel("row 0 of 200")
    set_text_role(label, "caption")
    assert label.font().pointSizeF() == 12.0 + CAPTION_STEP


def test_an_unknown_role_is_named(qapp):
    with pytest.raises(ValueError, match=r"'heading'.*title, body, caption"):
        point_size("heading")
