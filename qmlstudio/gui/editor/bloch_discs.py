"""Each qubit's Bloch vector drawn in a disc, its length printed: :class:`BlochDiscs`.

The unit circle is the Bloch sphere's edge (a pure reduced state reaches it). The vector is drawn
in the plane through the Z axis and itself: up is ⟨Z⟩ (|0⟩ at the top, |1⟩ at the bottom), right
is its part across the Z axis, √(⟨X⟩² + ⟨Y⟩²), so the arrow has the vector's true length
``|r|`` and its true angle from |0⟩. A state mixed by noise (or entangled with other qubits) has
a shorter arrow, inside the circle; below each disc its ``|r|`` is printed. Comparing, the ideal
state's arrow is drawn dashed in the same disc, with its length on a second line.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from qmlstudio.gui.theme.colours import NEUTRAL, SERIES
from qmlstudio.viewmodels.state_snapshot import StateSnapshot

__all__ = ["IDEAL_COLOUR", "NOISY_COLOUR", "BlochDiscs"]

NOISY_COLOUR = SERIES[0]
IDEAL_COLOUR = SERIES[1]
_SPACING = 2.6  # disc centres apart, in radii: room for the labels between discs
_MARGIN = 0.15  # radii left and right of the outer discs
_FULL_LABEL_QUBITS = 4  # up to this many discs the label says "|r| 0.87", then just "0.87"
_MAX_LABELLED_QUBITS = 10  # above, labels would overlap: the arrows alone show the lengths,
_NAME_STEP = 4  # and every 4th disc is named
_CIRCLE = np.exp(1j * np.linspace(0.0, 2 * np.pi, 97))


def _arrow_end(bloch: np.ndarray) -> tuple[float, float]:
    """(across the Z axis, along it) of one qubit's (⟨X⟩, ⟨Y⟩, ⟨Z⟩)."""
    return float(np.hypot(bloch[0], bloch[1])), float(bloch[2])


class BlochDiscs:
    """The discs in ``plot`` (a pyqtgraph PlotItem this class fills and keeps square)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        plot.setAspectLocked(True)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        self._items: list[pg.GraphicsObject] = []
        self._labels: list[str] = []
        self._n = 0
        self._above = self._below = 0.0  # pixels the texts above and below the discs take
        plot.getViewBox().sigResized.connect(self._fit)
        self.arrows: dict[str, list[tuple[float, float]]] = {"noisy": [], "ideal": []}
        """The arrow ends drawn, relative to each disc's centre (for tests)."""

    def labels(self) -> list[str]:
        """The texts printed below the discs, one per qubit ("" when there are too many)."""
        return list(self._labels)

    def show(self, snapshot: StateSnapshot | None, ideal: StateSnapshot | None,
             ink: QColor) -> None:
        """Draw ``snapshot``'s vectors (and ``ideal``'s, dashed) in ``ink`` for the text."""
        for item in self._items:
            self.plot.removeItem(item)
        self._items, self._labels = [], []
        self._above = self._below = 0.0
        self.arrows = {"noisy": [], "ideal": []}
        n = 0 if snapshot is None else snapshot.n_qubits
        shown = [("noisy", snapshot, NOISY_COLOUR, Qt.PenStyle.SolidLine)]
        if ideal is not None:
            shown.insert(0, ("ideal", ideal, IDEAL_COLOUR, Qt.PenStyle.DashLine))
        for q in range(n):
            centre = q * _SPACING
            self._add(pg.PlotCurveItem(centre + _CIRCLE.real, _CIRCLE.imag,
                                       pen=pg.mkPen(NEUTRAL, width=1)))
            self._add(pg.PlotCurveItem([centre, centre], [-1.0, 1.0],
                                       pen=pg.mkPen(NEUTRAL, width=1, style=Qt.PenStyle.DotLine)))
            lines = []
            for key, state, colour, style in shown:
                across, up = _arrow_end(state.bloch[q])
                self.arrows[key].append((across, up))
                self._add(pg.PlotCurveItem([centre, centre + across], [0.0, up],
                                           pen=pg.mkPen(colour, width=2.5, style=style)))
                self._add(pg.ScatterPlotItem([centre + across], [up], size=7, brush=colour,
                                             pen=pg.mkPen(colour)))
                lines.append((key, state.bloch_lengths[q], colour))
            self._add_label(q, centre, n, lines, ink)
        self._n = n
        self._fit()

    def _fit(self) -> None:
        """Show every disc, the qubit names above and the lengths below them: the texts keep
        their size in pixels, so the margins in radii follow the pixels a radius takes."""
        box = self.plot.getViewBox()
        above, below = self._above + 2, self._below + 4
        width = max(self._n, 1) * _SPACING - _SPACING + 2 + 2 * _MARGIN
        radius = max(min(box.width() / width, (box.height() - above - below) / 2), 1.0)
        middle = (max(self._n, 1) - 1) * _SPACING / 2
        self.plot.setRange(xRange=(middle - width / 2, middle + width / 2),
                           yRange=(-1 - below / radius, 1 + above / radius), padding=0)

    def _add(self, item: pg.GraphicsObject) -> None:
        self.plot.addItem(item)
        self._items.append(item)

    def _add_label(self, q: int, centre: float, n: int, lines: list, ink: QColor) -> None:
        if n <= _MAX_LABELLED_QUBITS or q % _NAME_STEP == 0:
            name = pg.TextItem(f"q{q}", color=ink, anchor=(0.5, 1.0))
            name.setPos(centre, 1.0)
            self._add(name)
            self._above = max(self._above, name.boundingRect().height())
        if n > _MAX_LABELLED_QUBITS:
            self._labels.append("")
            return
        prefix = "|r| " if n <= _FULL_LABEL_QUBITS else ""
        rows = [f"<span style='color:{colour}'>{prefix}{length:.2f}</span>"
                for _key, length, colour in reversed(lines)]  # the shown state first
        text = pg.TextItem(anchor=(0.5, 0.0))
        text.setHtml("<div style='text-align:center'>" + "<br>".join(rows) + "</div>")
        text.setPos(centre, -1.0)
        self._add(text)
        self._below = max(self._below, text.boundingRect().height())
        self._labels.append(" / ".join(f"{prefix}{length:.2f}"
                                       for _key, length, _c in reversed(lines)))
