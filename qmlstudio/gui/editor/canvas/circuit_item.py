"""The one scene item that draws a whole circuit, however long.

A QGraphicsItem per gate would cost seconds and hundreds of megabytes for a 187k-gate circuit;
this item asks the painter to draw only the exposed rectangle, and hit tests are geometry
lookups in :class:`~qmlstudio.viewmodels.canvas_layout.CircuitLayout`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from qmlstudio.core import Circuit
from qmlstudio.gui.editor.canvas.circuit_painter import CircuitPainter
from qmlstudio.viewmodels.canvas_layout import CircuitLayout

__all__ = ["CircuitItem"]


class CircuitItem(QGraphicsItem):
    """Draws ``layout`` (replace it with :meth:`set_layout`) with the selection highlighted
    and the gates that sum features, or that a noise model follows, marked."""

    def __init__(self, painter: CircuitPainter | None = None) -> None:
        super().__init__()
        self.circuit_painter = painter or CircuitPainter()
        self.layout = CircuitLayout(Circuit(1), text_width=self.circuit_painter.text_width)
        self.selected: frozenset[int] = frozenset()
        self.heat: np.ndarray | None = None
        self.warned: frozenset[int] = frozenset()
        self.noisy: frozenset[int] = frozenset()
        # Needed for option.exposedRect, which limits painting to the visible columns.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def make_layout(self, circuit: Circuit, collapsed: frozenset[str]) -> CircuitLayout:
        """A layout of ``circuit`` measured with this item's font."""
        return CircuitLayout(circuit, collapsed, self.circuit_painter.text_width)

    def set_layout(self, layout: CircuitLayout) -> None:
        """Show ``layout`` (the bounding rectangle follows it)."""
        self.prepareGeometryChange()
        self.layout = layout
        self.update()

    def set_selected(self, indices: frozenset[int]) -> None:
        """Highlight the operations at ``indices``."""
        if indices != self.selected:
            self.selected = indices
            self.update()

    def set_heat(self, heat: np.ndarray | None) -> None:
        """Tint the operations by ``heat`` (one value in [0, 1] each), or stop tinting."""
        self.heat = heat
        self.update()

    def set_warned(self, indices: frozenset[int]) -> None:
        """Mark the operations at ``indices`` as summing features (amber, with a badge)."""
        if indices != self.warned:
            self.warned = indices
            self.update()

    def set_noisy(self, indices: frozenset[int]) -> None:
        """Badge the operations at ``indices`` as followed by noise (none: no badges)."""
        if indices != self.noisy:
            self.noisy = indices
            self.update()

    def boundingRect(self) -> QRectF:
        """The whole diagram."""
        return QRectF(0, 0, self.layout.width, self.layout.height)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        """Draw the exposed part of the circuit."""
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        self.circuit_painter.paint(painter, self.layout, option.exposedRect, self.selected,
                                   detail, self.heat, self.warned, self.noisy)
