"""The confusion matrix as a heatmap with counts: :class:`ConfusionPlot` (pyqtgraph).

Rows are true classes (top to bottom), columns predicted classes (left to right), as in
:func:`~qmlstudio.ml.evaluation.metrics.confusion_matrix`; each cell shows its count, in white on
dark
cells. Colour depth is the count relative to the largest cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from qmlstudio.gui.theme.colours import CONFUSION_SCALE
from qmlstudio.gui.theme.plot_style import follow_palette, label_plot

__all__ = ["ConfusionPlot"]

_LOW, _HIGH, _INK_ON_PALE, _INK_ON_DARK = CONFUSION_SCALE
_COLOURS = pg.ColorMap([0.0, 1.0], [QColor(_LOW), QColor(_HIGH)])  # white to blue
_PREDICTED = "predicted class"
_MAX_LABELLED = 30
"""With more classes than this the cells are too small for numbers; only colours are drawn."""


class ConfusionPlot(pg.PlotWidget):
    """A confusion matrix; :meth:`show_matrix` draws one, :meth:`clear_matrix` empties it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        label_plot(self, "Confusion matrix", _PREDICTED, "true class")
        item = self.getPlotItem()
        item.invertY(True)  # row 0 (the first class) at the top, as the matrix is printed
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
        follow_palette(self)
        self._image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self._image)
        self._texts: list[pg.TextItem] = []
        self._matrix: np.ndarray | None = None

    def matrix(self) -> np.ndarray | None:
        """The counts shown (None: nothing shown)."""
        return None if self._matrix is None else self._matrix.copy()

    def cell_texts(self) -> list[str]:
        """The numbers written in the cells, row by row (what the user reads)."""
        return [text.textItem.toPlainText() for text in self._texts]

    def show_matrix(self, matrix: np.ndarray, labels: Sequence[object] = (),
                    title: str = "Confusion matrix", rows: str = "") -> None:
        """Draw ``matrix`` (counts, rows true classes) with class ``labels`` on the axes;
        ``rows`` (``"50 rows"``) joins the axis title, where it leaves the title short."""
        counts = np.asarray(matrix)
        self.clear_matrix()
        self._matrix = counts.copy()
        size = counts.shape[0]
        names = [str(label) for label in labels] if len(labels) == size else \
            [str(k) for k in range(size)]
        peak = max(int(counts.max()), 1)
        self._image.setImage(counts.astype(float), levels=(0.0, float(peak)),
                             lut=_COLOURS.getLookupTable(nPts=256))
        self._image.setRect(QRectF(-0.5, -0.5, size, size))
        item = self.getPlotItem()
        ticks = [list(enumerate(names))]
        item.getAxis("bottom").setTicks(ticks)
        item.getAxis("left").setTicks(ticks)
        item.setTitle(title)
        item.setLabel("bottom", f"predicted class ({rows})" if rows else _PREDICTED)
        if size <= _MAX_LABELLED:
            for i in range(size):
                for j in range(size):
                    dark = counts[i, j] > 0.5 * peak
                    text = pg.TextItem(str(int(counts[i, j])), anchor=(0.5, 0.5),
                                       color=_INK_ON_DARK if dark else _INK_ON_PALE)
                    text.setPos(j, i)
                    item.addItem(text)
                    self._texts.append(text)
        item.getViewBox().setRange(xRange=(-0.5, size - 0.5), yRange=(-0.5, size - 0.5),
                                   padding=0.02)

    def clear_matrix(self) -> None:
        """Show nothing."""
        item = self.getPlotItem()
        for text in self._texts:
            item.removeItem(text)
        self._texts.clear()
        self._matrix = None
        self._image.clear()
        item.getAxis("bottom").setTicks(None)
        item.getAxis("left").setTicks(None)
        item.setTitle("Confusion matrix")
        item.setLabel("bottom", _PREDICTED)
