"""The decision-boundary heatmap: :class:`BoundaryPlot` (pyqtgraph).

It draws a :class:`~qmlstudio.ml.evaluation.decision_boundary.DecisionBoundary` as an image with the
training points on top. For a classifier each grid cell takes its predicted class's colour,
washed towards white where the model is unsure: the tint strength grows linearly from a pale
:data:`_MIN_TINT` at chance probability (1/C) to :data:`_MAX_TINT` at certainty, so the boundary
shows as the seam between colours and confidence as depth of colour (as TensorFlow Playground
does). For a regressor the predicted value is mapped through the viridis colour map, the points
coloured by their targets on the same scale. Class colours are those of the data panel's
scatter plot (Tableau 10).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor

from qmlstudio.gui.theme.colours import CLASS_COLOURS, POINT_EDGE
from qmlstudio.gui.theme.plot_style import follow_palette, label_plot
from qmlstudio.ml.evaluation.decision_boundary import DecisionBoundary

__all__ = ["MAX_DRAWN_POINTS", "BoundaryPlot", "boundary_rgba", "class_colour"]

_MIN_TINT, _MAX_TINT = 0.15, 0.75
_COLOUR_MAP = "viridis"
MAX_DRAWN_POINTS = 5000
"""More training points than this are drawn as a seeded random sample of this many (the
heatmap is the point of this plot, and the GUI thread must stay responsive)."""
_N_TARGET_BINS = 8


def class_colour(k: int) -> QColor:
    """The colour of class index ``k`` (as in the data panel, then evenly spaced hues)."""
    if k < len(CLASS_COLOURS):
        return QColor(CLASS_COLOURS[k])
    return pg.intColor(k, hues=max(k + 1, 12))


def _class_rgb(n_classes: int) -> np.ndarray:
    return np.array([class_colour(k).getRgb()[:3] for k in range(max(n_classes, 1))], float)


def _value_levels(boundary: DecisionBoundary) -> tuple[float, float]:
    both = np.r_[boundary.values.ravel(), boundary.targets]
    lo, hi = float(both.min()), float(both.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def boundary_rgba(boundary: DecisionBoundary) -> np.ndarray:
    """The image drawn for ``boundary``: ``(rows, columns, 4)`` uint8, row ``i`` at ``ys[i]``."""
    if boundary.task == "classification":
        c = max(boundary.n_classes, 2)
        strength = (boundary.confidence - 1.0 / c) / (1.0 - 1.0 / c)
        tint = _MIN_TINT + (_MAX_TINT - _MIN_TINT) * np.clip(strength, 0.0, 1.0)
        colours = _class_rgb(c)[boundary.values]
        rgb = 255.0 + (colours - 255.0) * tint[..., None]
    else:
        lo, hi = _value_levels(boundary)
        lut = pg.colormap.get(_COLOUR_MAP).getLookupTable(nPts=256, alpha=False)
        index = np.clip(((boundary.values - lo) / (hi - lo) * 255).round(), 0, 255)
        rgb = lut[index.astype(int)].astype(float)
    alpha = np.full((*rgb.shape[:2], 1), 255.0)
    return np.concatenate([rgb, alpha], axis=2).round().astype(np.uint8)


class BoundaryPlot(pg.PlotWidget):
    """A decision-boundary heatmap with the training points; :meth:`show_boundary` refreshes
    it (the view range is kept if the user zoomed)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        label_plot(self, "Decision boundary (training points)", "x₀ (preprocessed)",
                   "x₁ (preprocessed)")
        item = self.getPlotItem()
        follow_palette(self)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setZValue(-10)
        item.addItem(self._image)
        # One scatter item per colour (a single brush each) draws far faster than a brush
        # per point.
        self._point_items: list[pg.ScatterPlotItem] = []
        # The same brush object for a colour every time: pyqtgraph caches each drawn symbol
        # under its brush's identity, so a new brush per redraw grew that cache every epoch.
        self._brushes: dict[int, QBrush] = {}
        self._boundary: DecisionBoundary | None = None
        self._rgba: np.ndarray | None = None

    @property
    def boundary(self) -> DecisionBoundary | None:
        """The boundary shown (None: nothing yet)."""
        return self._boundary

    def image(self) -> np.ndarray | None:
        """The RGBA image shown (``(rows, columns, 4)``), or None."""
        return self._rgba

    def point_count(self) -> int:
        """Number of training points drawn."""
        return sum(len(points.data) for points in self._point_items)

    def show_boundary(self, boundary: DecisionBoundary) -> None:
        """Draw ``boundary`` (replaces the previous one)."""
        first = self._boundary is None
        self._boundary = boundary
        self._rgba = boundary_rgba(boundary)
        rows, cols = boundary.values.shape
        (x0, x1), (y0, y1) = boundary.x_range, boundary.y_range
        # Grid values sit at cell centres: the image reaches half a cell beyond them.
        dx, dy = (x1 - x0) / max(cols - 1, 1), (y1 - y0) / max(rows - 1, 1)
        self._image.setImage(self._rgba, autoLevels=False, levels=(0, 255))
        self._image.setRect(QRectF(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy))
        rows_drawn = np.arange(len(boundary.points))
        if len(rows_drawn) > MAX_DRAWN_POINTS:
            rows_drawn = np.sort(np.random.default_rng(0).choice(
                rows_drawn, MAX_DRAWN_POINTS, replace=False))
        self._draw_points(boundary, rows_drawn)
        self.getPlotItem().setTitle(f"Decision boundary, epoch {boundary.epoch}")
        if first:
            self.getPlotItem().getViewBox().autoRange(padding=0)

    def clear_boundary(self) -> None:
        """Show nothing."""
        self._boundary = self._rgba = None
        self._image.clear()
        self._draw_points(None, np.zeros(0, int))
        self.getPlotItem().setTitle("Decision boundary")

    def _draw_points(self, boundary: DecisionBoundary | None, rows: np.ndarray) -> None:
        groups = [] if boundary is None else self._point_groups(boundary, rows)
        item = self.getPlotItem()
        while len(self._point_items) < len(groups):
            points = pg.ScatterPlotItem(size=6, pen=pg.mkPen(POINT_EDGE, width=0.6))
            item.addItem(points)
            self._point_items.append(points)
        for k, points in enumerate(self._point_items):
            if k < len(groups):
                mask, colour = groups[k]
                if colour.rgba() not in self._brushes:
                    self._brushes[colour.rgba()] = pg.mkBrush(colour)
                brush = self._brushes[colour.rgba()]
                points.setData(pos=boundary.points[rows[mask]], brush=brush)
            else:
                points.clear()

    @staticmethod
    def _point_groups(boundary: DecisionBoundary,
                      rows: np.ndarray) -> list[tuple[np.ndarray, QColor]]:
        """``(mask over rows, colour)`` per class, or per target bin for a regressor."""
        targets = boundary.targets[rows]
        if boundary.task == "classification":
            return [(targets == k, class_colour(k)) for k in range(max(boundary.n_classes, 2))]
        lo, hi = _value_levels(boundary)
        bins = np.clip(((targets - lo) / (hi - lo) * _N_TARGET_BINS).astype(int), 0,
                       _N_TARGET_BINS - 1)
        colour_map = pg.colormap.get(_COLOUR_MAP)
        return [(bins == k, colour_map.map((k + 0.5) / _N_TARGET_BINS, mode="qcolor"))
                for k in range(_N_TARGET_BINS)]
