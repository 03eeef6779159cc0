"""pyqtgraph plots in the colours of the application's palette (light or dark theme).

pyqtgraph draws with its own global defaults (black background, grey ink) unless told
otherwise; :func:`apply_palette` gives one plot the palette's Base colour as background and
its Text colour for the axes, tick labels, title and legend, and :func:`follow_palette` does
it again whenever the palette changes. Data colours come from
:mod:`qmlstudio.gui.theme.colours` and read on both themes.
:func:`label_plot` sets a plot's title and axis labels the same way for every plot, and
:func:`style_title` gives every title the type scale's title size
(:mod:`qmlstudio.gui.theme.metrics`).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QPalette

from qmlstudio.gui.theme.metrics import css_size

__all__ = ["apply_palette", "follow_palette", "label_plot", "style_title"]

_PALETTE_EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)

_AXES = ("left", "bottom", "right", "top")


def label_plot(widget: pg.PlotWidget, title: str, bottom: str, left: str) -> None:
    """Give ``widget`` a title and axis labels; tick labels stay plain numbers (no
    "(x0.001)" rescaling, which misreads losses, norms and preprocessed features)."""
    item = widget.getPlotItem()
    item.setTitle(title)
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    for axis in ("left", "bottom"):
        item.getAxis(axis).enableAutoSIPrefix(False)


def style_title(item: pg.PlotItem, ink: QColor) -> None:
    """Draw ``item``'s title, and every title set on it later, in ``ink`` at the title size
    of the type scale (pyqtgraph keeps both in the label's options)."""
    item.titleLabel.setAttr("color", ink)
    item.titleLabel.setAttr("size", css_size("title"))
    item.titleLabel.setText(item.titleLabel.text)


def apply_palette(widget: pg.PlotWidget, palette: QPalette | None = None) -> None:
    """Colour ``widget``'s background, axes, title and legend from ``palette`` (the
    widget's own palette when None). Call it again after a palette change."""
    palette = palette if palette is not None else widget.palette()
    ink = palette.color(QPalette.ColorRole.Text)
    widget.setBackground(palette.color(QPalette.ColorRole.Base))
    item = widget.getPlotItem()
    for side in _AXES:
        axis = item.getAxis(side)
        axis.setPen(ink)
        axis.setTextPen(ink)  # also the axis label
    style_title(item, ink)
    if item.legend is not None:
        item.legend.setLabelTextColor(ink)


class _PaletteFollower(QObject):
    """Re-applies the palette to the plot it watches on every palette change."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() in _PALETTE_EVENTS and isinstance(watched, pg.PlotWidget):
            apply_palette(watched)
        return False


def follow_palette(widget: pg.PlotWidget) -> None:
    """:func:`apply_palette` now and after every change of ``widget``'s palette (the user
    switching between light and dark)."""
    apply_palette(widget)
    widget.installEventFilter(_PaletteFollower(widget))
