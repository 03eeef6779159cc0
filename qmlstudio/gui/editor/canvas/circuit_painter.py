"""Drawing a laid-out circuit with QPainter: wires, gates, group frames, measurement marks.

Only the operations in the columns that intersect the exposed rectangle are drawn, so the cost
of a paint does not depend on the circuit's length. When zoomed far out (or when a region
holds thousands of gates) the gates become plain shapes without text.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from qmlstudio.core import operation_spec
from qmlstudio.gui.theme.colours import HEAT, LIGHT
from qmlstudio.gui.theme.themes import qpalette, theme_of
from qmlstudio.viewmodels.canvas_layout import (
    BOX_HEIGHT,
    HEADER_HEIGHT,
    LEFT_MARGIN,
    MEASURE_WIDTH,
    WIRE_PITCH,
    CircuitLayout,
    header_label,
    param_role,
)

__all__ = ["MARK_SIZES", "CircuitPainter", "draw_mark", "print_palette"]

_DETAIL_LIMIT = 4000
"""Above this many gates in one paint, draw plain shapes (text is the expensive part)."""


def print_palette() -> QPalette:
    """The light theme's palette (dark ink on white), whatever the app's theme: for
    diagrams written to files."""
    return qpalette(LIGHT)


MARK_SIZES = {"dot": 5.0, "oplus": 11.0, "cross": 7.0}
"""Radius (half-width for the cross) of each wire mark on the canvas at 100 %."""

NOISE_BADGE_SIZE = 14.0
"""Diameter of the badge on a gate that a noise model follows (at its box's lower left
corner, below the label: the Σ of summed features sits at the upper right)."""
_WAVE = QPolygonF([QPointF(-4.5 + 9 * k / 12, -2.4 * math.sin(2 * math.pi * k / 12))
                   for k in range(13)])
"""The badge's mark, a "~" (one period of a sine) about the badge's centre."""


def draw_mark(painter: QPainter, kind: str, centre: QPointF, size: float, ink: QBrush,
              background: QBrush) -> None:
    """Draw one wire mark with the painter's pen: ``"dot"`` (a control, or the target of a
    gate drawn ``"dot"``), ``"oplus"`` (⊕) or ``"cross"`` (×) of half-size ``size``; the
    dot is filled with ``ink``, the ⊕ with ``background``."""
    x, y = centre.x(), centre.y()
    if kind == "dot":
        painter.setBrush(ink)
        painter.drawEllipse(centre, size, size)
    elif kind == "oplus":
        painter.setBrush(background)
        painter.drawEllipse(centre, size, size)
        painter.drawLine(QLineF(x - size, y, x + size, y))
        painter.drawLine(QLineF(x, y - size, x, y + size))
    elif kind == "cross":
        painter.drawLine(QLineF(x - size, y - size, x + size, y + size))
        painter.drawLine(QLineF(x - size, y + size, x + size, y - size))
    else:
        raise ValueError(f"no wire mark {kind!r}")


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved the fraction ``t`` of the way towards ``b``."""
    return QColor.fromRgbF(*(x + t * (y - x) for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3],
                                                               strict=True)))


class CircuitPainter:
    """Pens, brushes and the font of the canvas, and the code that draws with them.

    What is drawn on the background (wires, wire labels, control dots, ⊕, swap crosses,
    measurement boxes, the selection) follows ``palette`` — the application's palette when
    None, so a dark theme gets light ink on a dark canvas; gate boxes take the fills and ink
    of the theme that suits the palette (:mod:`qmlstudio.gui.theme.colours`).
    """

    def __init__(self, palette: QPalette | None = None) -> None:
        # Point sizes (not pixels): Qt scales them with the screen's DPI.
        self.font = QFont()
        self.font.setPointSizeF(10.0)
        self.small_font = QFont(self.font)
        self.small_font.setPointSizeF(8.0)
        self._metrics = QFontMetricsF(self.font)
        self.fills: dict[str, QBrush] = {}
        self.set_palette(palette if palette is not None else QGuiApplication.palette())

    def set_palette(self, palette: QPalette) -> None:
        """Take the background and ink from ``palette``, and the gate colours from the theme
        that suits it (call it again when the theme changes, then repaint)."""
        theme = theme_of(palette)
        base = palette.color(QPalette.ColorRole.Base)
        ink = palette.color(QPalette.ColorRole.Text)
        self.background = base  # what the circuit is drawn on
        self.ink = ink  # what is drawn straight on the background
        self.wire_pen = QPen(_mix(base, ink, 0.6), 1.2)
        self.extra_wire_pen = QPen(_mix(base, ink, 0.45), 1.0, Qt.PenStyle.DashLine)
        self.line_pen = QPen(ink, 1.5)
        self.label_pen = QPen(_mix(base, ink, 0.85))
        self.select_pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2.5)
        self.box_pen = QPen(QColor(theme.gate_edge), 1.2)
        self.text_pen = QPen(QColor(theme.gate_text))
        self.group_pen = QPen(QColor(theme.block_edge), 1.2, Qt.PenStyle.DashLine)
        self.warning_pen = QPen(QColor(theme.merge_warning), 2.0, Qt.PenStyle.DashLine)
        self.noise_brush = QBrush(QColor(theme.noise_badge))
        self.fills.update({
            "const": QBrush(QColor(theme.fill_const)),
            "weight": QBrush(QColor(theme.fill_weight)),
            "feature": QBrush(QColor(theme.fill_feature)),
            "group": QBrush(QColor(theme.fill_block)),
            "header": QBrush(QColor(theme.block_header)),
            "gate_ink": QBrush(QColor(theme.gate_edge)),
            "background": QBrush(base),
            "ink": QBrush(ink),
        })

    def text_width(self, text: str) -> float:
        """Width of ``text`` in the gate font (the layout sizes boxes with it)."""
        return self._metrics.horizontalAdvance(text)

    def operations_pixmap(self, layout: CircuitLayout, ratio: float) -> QPixmap:
        """Every operation of a small ``layout`` (a gate, or a collapsed block) drawn as on
        the canvas, without wires, on a transparent pixmap just large enough, for a screen
        of device pixel ratio ``ratio`` (sharp at 150 % and 200 %): what a drag shows."""
        bounds = QRectF()
        for index in range(len(layout.circuit.operations)):
            bounds = bounds.united(QRectF(*layout.op_rect(index)))
        bounds.adjust(-2, -2, 2, 2)  # the pen's half width, antialiased
        pixmap = QPixmap((bounds.size() * ratio).toSize())
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-bounds.topLeft())
        painter.setFont(self.font)
        for index in range(len(layout.circuit.operations)):
            self._paint_op(painter, layout, index)
        painter.end()
        return pixmap

    # -- the whole picture ---------------------------------------------------------------------
    def paint(self, painter: QPainter, layout: CircuitLayout, rect: QRectF,
              selected: frozenset[int], detail: float = 1.0,
              heat: np.ndarray | None = None, warned: frozenset[int] = frozenset(),
              noisy: frozenset[int] = frozenset()) -> None:
        """Draw the part of ``layout`` inside ``rect`` (scene units); ``detail`` is the
        painter's level of detail (1 at 100 % zoom). ``heat`` (one value in [0, 1] per
        operation) tints each gate red in proportion, e.g. its share of the gradient;
        ``warned`` gates get an amber outline and a Σ badge (they sum features, see
        :mod:`qmlstudio.core.feature_merges`); ``noisy`` gates a "~" badge (a noise model
        follows them, see :mod:`qmlstudio.viewmodels.noise_marks`; drawn when the gates
        show their labels)."""
        c0, c1 = layout.columns_between(rect.left() - 40, rect.right() + 40)
        ops = layout.ops_in_columns(c0, c1)
        detailed = detail >= 0.35 and len(ops) <= _DETAIL_LIMIT
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
        self._paint_wires(painter, layout, rect)
        for k in layout.groups_in_columns(c0, c1):
            self._paint_group(painter, layout, int(k), detailed)
        painter.setFont(self.font)
        if detailed:
            for index in ops:
                self._paint_op(painter, layout, int(index))
        else:
            self._paint_plain(painter, layout, ops)
        if heat is not None and len(heat) == len(layout.circuit.operations):
            self._paint_heat(painter, layout, ops, heat)
        if warned:
            self._paint_warnings(painter, layout, [int(i) for i in ops if int(i) in warned])
        if noisy and detailed:
            self._paint_noise_badges(painter, layout, [int(i) for i in ops if int(i) in noisy])
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(self.select_pen)
        for index in ops:
            if int(index) in selected:
                x, y, w, h = layout.op_rect(int(index))
                painter.drawRoundedRect(QRectF(x - 3, y - 3, w + 6, h + 6), 4, 4)
        if rect.right() >= layout.circuit_end_x:
            self._paint_measurements(painter, layout)

    def _paint_heat(self, painter: QPainter, layout: CircuitLayout, ops: np.ndarray,
                    heat: np.ndarray) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for index in ops:
            level = float(heat[int(index)])
            if level > 0.0:
                tint = QColor(HEAT)
                tint.setAlpha(int(30 + 150 * min(level, 1.0)))
                painter.setBrush(tint)
                x, y, w, h = layout.op_rect(int(index))
                painter.drawRoundedRect(QRectF(x - 2, y - 2, w + 4, h + 4), 4, 4)

    def _paint_warnings(self, painter: QPainter, layout: CircuitLayout,
                        indices: list[int]) -> None:
        painter.setFont(self.small_font)
        for index in indices:
            x, y, w, h = layout.op_rect(index)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(self.warning_pen)
            painter.drawRoundedRect(QRectF(x - 2, y - 2, w + 4, h + 4), 4, 4)
            badge = QRectF(x + w - 5, y - 9, 14, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.warning_pen.color())
            painter.drawEllipse(badge)
            painter.setPen(QPen(self.background))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "Σ")
        painter.setFont(self.font)

    def _paint_noise_badges(self, painter: QPainter, layout: CircuitLayout,
                            indices: list[int]) -> None:
        size = NOISE_BADGE_SIZE
        wave = QPen(self.background, 1.6)
        wave.setCapStyle(Qt.PenCapStyle.RoundCap)
        for index in indices:
            x, y, _w, h = layout.op_rect(index)
            centre = QPointF(x + 1, y + h + 1)  # half outside the box: the label stays clear
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.noise_brush)
            painter.drawEllipse(centre, size / 2, size / 2)
            painter.setPen(wave)
            painter.drawPolyline(_WAVE.translated(centre))

    def _paint_wires(self, painter: QPainter, layout: CircuitLayout, rect: QRectF) -> None:
        n = layout.circuit.n_qubits
        x0 = max(rect.left(), LEFT_MARGIN - 8)
        x1 = min(rect.right(), layout.circuit_end_x + MEASURE_WIDTH / 2)
        painter.setPen(self.wire_pen)
        for wire in range(n):
            y = layout.wire_y(wire)
            painter.drawLine(QLineF(x0, y, x1, y))
        painter.setPen(self.extra_wire_pen)
        y = layout.wire_y(n)
        painter.drawLine(QLineF(x0, y, max(x1, LEFT_MARGIN + 120), y))
        if rect.left() < LEFT_MARGIN:
            self.paint_wire_labels(painter, layout, 0.0)

    def paint_wire_labels(self, painter: QPainter, layout: CircuitLayout, left: float,
                          opaque: bool = False) -> None:
        """The wire labels (``q0``, ``q1``, ..., ``+ qubit``) in the margin that starts at
        scene x ``left``; ``opaque`` first fills the margin with the background (a view
        scrolled to the right keeps its labels on top of the gates passing under them)."""
        n = layout.circuit.n_qubits
        if opaque:
            painter.fillRect(QRectF(left, 0, LEFT_MARGIN - 8, layout.wire_y(n) + WIRE_PITCH),
                             self.background)
        painter.setFont(self.font)
        painter.setPen(self.label_pen)
        for wire in range(n + 1):
            text = f"q{wire}" if wire < n else "+ qubit"
            box = QRectF(left, layout.wire_y(wire) - 10, LEFT_MARGIN - 12, 20)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             text)

    def _paint_group(self, painter: QPainter, layout: CircuitLayout, k: int,
                     detailed: bool) -> None:
        group = layout.groups[k]
        x, y, w, h = layout.group_rect(k)
        painter.setPen(self.group_pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if not group.collapsed:
            painter.drawRoundedRect(QRectF(x, y, w, h), 5, 5)
        header = QRectF(x, y, w, HEADER_HEIGHT)
        painter.setBrush(self.fills["header"])
        painter.drawRect(header)
        if detailed:
            painter.setFont(self.small_font)
            painter.setPen(self.text_pen)
            # The layout makes an expanded block wide enough for its name; a collapsed one's
            # box is as wide as the name too, so eliding is only a safety net.
            text_rect = header.adjusted(4, 0, -2, 0)
            text = QFontMetricsF(self.small_font).elidedText(
                header_label(group), Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter, text)

    # -- one gate --------------------------------------------------------------------------------
    def _fill(self, layout: CircuitLayout, index: int) -> QBrush:
        return self.fills[param_role(layout.circuit.operations[index].params)]

    def _box(self, painter: QPainter, rect: QRectF, text: str, brush: QBrush) -> None:
        painter.setPen(self.box_pen)
        painter.setBrush(brush)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(self.text_pen)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_op(self, painter: QPainter, layout: CircuitLayout, index: int) -> None:
        g = layout.group_of[index]
        if g >= 0 and layout.groups[g].collapsed:
            if index == layout.groups[g].start:
                x, y, w, h = layout.op_rect(index)
                self._box(painter, QRectF(x, y, w, h), layout.groups[g].name, self.fills["group"])
            return
        op = layout.circuit.operations[index]
        spec = operation_spec(op.gate)
        cx = layout.column_x(int(layout.column[index]))
        width = float(layout.box_width[index])
        if spec.joins_wires:
            painter.setPen(self.line_pen)
            painter.drawLine(QLineF(cx, layout.wire_y(int(layout.lo[index])),
                                    cx, layout.wire_y(int(layout.hi[index]))))
        for wire in op.wires[:spec.n_controls]:
            self._mark(painter, "dot", cx, layout.wire_y(wire))
        targets = op.wires[spec.n_controls:]
        if spec.drawing != "box":
            for wire in targets:
                self._mark(painter, spec.drawing, cx, layout.wire_y(wire))
        elif len(targets) == 1:
            y = layout.wire_y(targets[0])
            rect = QRectF(cx - width / 2, y - BOX_HEIGHT / 2, width, BOX_HEIGHT)
            self._box(painter, rect, layout.labels[index], self._fill(layout, index))
        else:
            x, y, w, h = layout.op_rect(index)
            self._box(painter, QRectF(x, y, w, h), layout.labels[index], self._fill(layout, index))
            # Small marks show which wires the tall box acts on (and are its wire handles).
            painter.setPen(self.box_pen)
            painter.setBrush(self.fills["gate_ink"])
            for k, wire in enumerate(op.wires):
                mark = QPointF(x + 6, layout.wire_y(wire))
                painter.drawEllipse(mark, 2.5, 2.5)
                painter.setFont(self.small_font)
                painter.drawText(QRectF(x + 10, mark.y() - 7, 14, 14),
                                 Qt.AlignmentFlag.AlignVCenter, str(k))
                painter.setFont(self.font)

    def _mark(self, painter: QPainter, kind: str, x: float, y: float) -> None:
        painter.setPen(self.line_pen)
        draw_mark(painter, kind, QPointF(x, y), MARK_SIZES[kind], self.fills["ink"],
                  self.fills["background"])

    def _paint_plain(self, painter: QPainter, layout: CircuitLayout, ops: np.ndarray) -> None:
        """Far-out view: a line per multi-wire gate and a filled block per gate."""
        painter.setPen(self.line_pen)
        painter.setBrush(self.fills["const"])
        for index in ops:
            index = int(index)
            x, y, w, h = layout.op_rect(index)
            painter.drawRect(QRectF(x, y, w, h))

    def _paint_measurements(self, painter: QPainter, layout: CircuitLayout) -> None:
        x = layout.circuit_end_x + 6
        for wire in layout.circuit.measured:
            y = layout.wire_y(wire)
            rect = QRectF(x, y - 13, 34, 26)
            painter.setPen(self.line_pen)
            painter.setBrush(self.fills["background"])
            painter.drawRect(rect)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawArc(QRectF(x + 6, y - 4, 22, 18), 0, 180 * 16)
            painter.drawLine(QLineF(x + 17, y + 5, x + 26, y - 9))
