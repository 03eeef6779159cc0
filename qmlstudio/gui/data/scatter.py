"""The data panel's scatter plot: :class:`DataScatter` (pyqtgraph).

It plots a :class:`~qmlstudio.viewmodels.data_view.DataView`'s 2-D coordinates (the first two
features after preprocessing, or a principal-component view of them). Colour is the class
(regression: the target, in bins of a perceptually even colour map); the symbol is the part:
filled circles are training rows, filled triangles validation rows, hollow circles test rows.
The legend names both. One scatter item per (colour, part) with a single brush keeps drawing
fast; above :data:`MAX_PLOTTED_POINTS` rows a seeded random sample is drawn (and said so).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QAction, QColor

from qmlstudio.gui.plot_export import add_export_action
from qmlstudio.gui.theme.colours import CLASS_COLOURS, NEUTRAL
from qmlstudio.gui.theme.plot_style import follow_palette
from qmlstudio.viewmodels.data_view import PART_NAMES, DataView

__all__ = ["MAX_PLOTTED_POINTS", "DataScatter", "ScatterSeries"]

MAX_PLOTTED_POINTS = 20_000
"""More rows than this are drawn as a seeded random sample of this many."""
_N_TARGET_BINS = 6
_PART_SYMBOLS = ("o", "t", "o")
_SIZE = 7


@dataclass(frozen=True, slots=True)
class ScatterSeries:
    """One drawn group of points: its legend ``name`` (class or target range), ``part``
    (``"train"``, ``"validation"`` or ``"test"``) and the number of points drawn."""

    name: str
    part: str
    count: int


def _colour(k: int) -> QColor:
    if k < len(CLASS_COLOURS):
        return QColor(CLASS_COLOURS[k])
    return pg.intColor(k, hues=max(k + 1, 12))


def _item(colour: QColor, part: int) -> pg.ScatterPlotItem:
    hollow = part == 2
    pen = pg.mkPen(colour, width=1.5) if hollow else pg.mkPen(colour.darker(150), width=0.5)
    brush = pg.mkBrush(None) if hollow else pg.mkBrush(colour)
    return pg.ScatterPlotItem(symbol=_PART_SYMBOLS[part], size=_SIZE, pen=pen, brush=brush)


class DataScatter(pg.PlotWidget):
    """The scatter plot of the data set shown in the data panel."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.showGrid(x=True, y=True, alpha=0.2)
        self._legend = self.addLegend(offset=(-5, 5))
        follow_palette(self)  # after the legend: its text takes the palette's ink too
        add_export_action(self, "QML Studio data scatter plot", "data")
        # The legend sits on the plot: the right-click menu hides it when it covers points.
        self.legend_action = QAction("Show &Legend", self, checkable=True, checked=True)
        self.legend_action.toggled.connect(self._legend.setVisible)
        self.scene().contextMenu.append(self.legend_action)
        self._items: list[tuple[str, str, pg.ScatterPlotItem]] = []
        self._note = ""

    def series(self) -> list[ScatterSeries]:
        """What is drawn, one entry per scatter item (counts read back from the items)."""
        return [ScatterSeries(name, part, len(item.data)) for name, part, item in self._items]

    def points(self, part: str | None = None, name: str | None = None) -> np.ndarray:
        """The drawn ``(n, 2)`` coordinates of one part and/or colour group (all if None)."""
        chosen = [np.column_stack(item.getData()) for n, p, item in self._items
                  if (part is None or p == part) and (name is None or n == name)]
        return np.concatenate(chosen) if chosen else np.zeros((0, 2))

    def note(self) -> str:
        """"" or a line saying that a sample of the rows is drawn."""
        return self._note

    def clear_view(self) -> None:
        """Draw nothing."""
        self.plotItem.clear()
        self._legend.clear()
        self._items = []
        self._note = ""

    def show_view(self, view: DataView | None) -> None:
        """Draw ``view`` (None: nothing)."""
        self.clear_view()
        if view is None:
            return
        rows = np.arange(view.n_rows)
        if view.n_rows > MAX_PLOTTED_POINTS:
            rows = np.sort(np.random.default_rng(0).choice(view.n_rows, MAX_PLOTTED_POINTS,
                                                           replace=False))
            self._note = f"showing {MAX_PLOTTED_POINTS:,} of {view.n_rows:,} rows"
        groups, names = self._groups(view, rows)
        xy, parts = view.xy[rows], view.parts[rows]
        for k, (members, name) in enumerate(zip(groups, names, strict=True)):
            colour = _colour(k) if view.dataset.task == "classification" else \
                _target_colour(k)
            for part in range(3):
                chosen = members & (parts == part)
                if not chosen.any():
                    continue
                item = _item(colour, part)
                item.setData(x=xy[chosen, 0], y=xy[chosen, 1])
                self.addItem(item)
                self._items.append((name, PART_NAMES[part], item))
            self._legend.addItem(_item(colour, 0), name)
        for part in range(3):
            if (parts == part).any():
                self._legend.addItem(_item(QColor(NEUTRAL), part), PART_NAMES[part])
        self.setLabel("bottom", view.axis_names[0])
        self.setLabel("left", view.axis_names[1])
        self.autoRange()

    @staticmethod
    def _groups(view: DataView, rows: np.ndarray) -> tuple[list[np.ndarray], list[str]]:
        """Boolean masks over ``rows`` per colour, and their legend names."""
        labels = view.dataset.labels[rows]
        if view.dataset.task == "classification":
            names = [str(c) for c in view.dataset.class_labels]
            return [labels == k for k in range(len(names))], names
        edges = np.linspace(labels.min(), labels.max(), _N_TARGET_BINS + 1)
        bins = np.clip(np.searchsorted(edges, labels, side="right") - 1, 0, _N_TARGET_BINS - 1)
        names = [f"{edges[k]:.3g} … {edges[k + 1]:.3g}" for k in range(_N_TARGET_BINS)]
        return [bins == k for k in range(_N_TARGET_BINS)], names


def _target_colour(k: int) -> QColor:
    return pg.colormap.get("viridis").map(k / max(_N_TARGET_BINS - 1, 1), mode="qcolor")
