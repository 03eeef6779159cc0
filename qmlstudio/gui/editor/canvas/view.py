"""The circuit canvas: a QGraphicsView showing the document's circuit, edited with the mouse.

Every change is one undoable ``document.edit_circuit``; the view keeps no circuit of its own
and redraws on ``project_changed``. Gestures: drop a palette entry on a wire (the dashed wire
below the last adds a qubit), into the gap nearest the pointer — inside a template block's
frame it joins the block — with a marker showing where before the release; drag a gate to
move it; drag a control dot, a swap's first ×, or a tall box's numbered wire mark to put
that wire elsewhere; click, Ctrl-click and
rubber-band to select; click a group's header to collapse or expand it; Ctrl+wheel zooms.
Gates that the project's noise model follows carry a "~" badge whose tooltip names the
channels (:mod:`qmlstudio.viewmodels.noise_marks`; :meth:`CircuitView.set_noise_shown`).
There are no explicit empty columns (gates pack to the left, see
:mod:`qmlstudio.viewmodels.canvas_layout`), so the structural edits are inserting and removing
qubits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QMenu,
    QToolTip,
    QWidget,
)

from qmlstudio.core import Circuit, CircuitError, Project, operation_spec
from qmlstudio.core.feature_merges import FeatureMerge, feature_merges, merge_summary
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.canvas.circuit_item import CircuitItem
from qmlstudio.gui.editor.canvas.context_menu import build_context_menu
from qmlstudio.gui.editor.canvas.edit_commands import CanvasEditCommands
from qmlstudio.viewmodels import circuit_edits
from qmlstudio.viewmodels.canvas_layout import (
    BOX_HEIGHT,
    LEFT_MARGIN,
    MIN_BOX_WIDTH,
    CircuitLayout,
    DropTarget,
)
from qmlstudio.viewmodels.noise_marks import NoiseMarks, noise_marks
from qmlstudio.viewmodels.palette_items import PALETTE_MIME, PaletteItem, decode_item, insert_item

__all__ = ["CircuitView"]

_MIN_ZOOM, _MAX_ZOOM = 0.05, 5.0
_ZOOM_STEP = 1.25
_BAR_WIDTH = 6.0
"""Width of the insertion bar drawn in the gap a dropped gate goes into."""


@dataclass
class _Press:
    """A left-button press being followed: on a gate (move or wire handle) or on empty
    space (rubber band)."""

    kind: str  # "move", "handle" or "band"
    start: QPointF  # scene position of the press
    viewport_start: QPoint
    index: int = -1
    wire: int = 0  # wire under the press
    position: int = 0  # for "handle": which entry of the operation's wires
    base_selection: tuple[int, ...] = ()
    dragging: bool = False


class CircuitView(CanvasEditCommands, QGraphicsView):
    """Shows and edits ``document.circuit``.

    Signals: ``status_message(str)`` for the status bar (e.g. why a drop was refused);
    ``feature_warning(str)`` when the circuit starts or stops summing features into one angle
    (the text for the status bar, empty once the cause is gone; the gates involved are marked
    and their tooltips say why).
    Edit-menu slots: :meth:`cut`, :meth:`copy`, :meth:`paste`, :meth:`delete_selection`,
    :meth:`duplicate`, :meth:`select_all`; View-menu slots: :meth:`zoom_in`,
    :meth:`zoom_out`, :meth:`reset_zoom`, :meth:`set_noise_shown`.
    """

    status_message = Signal(str)
    feature_warning = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: ProjectDocument | None = None
        self._collapsed: set[str] = set()
        self._press: _Press | None = None
        self._merges: tuple[FeatureMerge, ...] = ()
        self._noise_shown = True
        self._noise = NoiseMarks(Circuit(1), None)
        scene = QGraphicsScene(self)
        # One item draws everything; the BSP index would only cost time on each edit.
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(scene)
        self._item = CircuitItem()
        scene.addItem(self._item)
        self._indicator = self._overlay()
        self._band = self._overlay()
        self._colour_overlays()
        self.setAcceptDrops(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(QBrush(self._item.circuit_painter.background))
        self._scroll_x = 0
        self.horizontalScrollBar().valueChanged.connect(self._on_scrolled_sideways)
        self.set_document(document)

    def changeEvent(self, event: QEvent) -> None:
        """Follow the system's light/dark palette when it changes."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._item.circuit_painter.set_palette(self.palette())
            self.setBackgroundBrush(QBrush(self._item.circuit_painter.background))
            self._colour_overlays()
            self._item.update()
        super().changeEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # Qt override
        """Keep the wire labels in view when the circuit is scrolled to the right."""
        left = self.mapToScene(QPoint(0, 0)).x()
        if left > 0 and rect.left() < left + LEFT_MARGIN:
            self._item.circuit_painter.paint_wire_labels(painter, self.circuit_layout, left,
                                                         opaque=True)

    def _on_sticky_labels(self, viewport_pos: QPoint) -> bool:
        scrolled = self.mapToScene(QPoint(0, 0)).x() > 0
        return scrolled and viewport_pos.x() < (LEFT_MARGIN - 8) * self.transform().m11()

    def _on_scrolled_sideways(self, value: int) -> None:
        # Qt moves the old pixels and paints only the strip that came into view: the label
        # margin, and whatever part of its old copy was moved out of it, must be repainted.
        moved = abs(value - self._scroll_x)
        self._scroll_x = value
        margin = round(LEFT_MARGIN * self.transform().m11())
        self.viewport().update(0, 0, margin + moved + 2, self.viewport().height())

    def _overlay(self) -> QGraphicsRectItem:
        item = QGraphicsRectItem()
        item.setZValue(10)
        item.hide()
        self.scene().addItem(item)
        return item

    def _colour_overlays(self) -> None:
        """The drop marker and the rubber band in the palette's highlight colour."""
        edge = self.palette().color(QPalette.ColorRole.Highlight)
        for item, alpha, style in ((self._indicator, 70, Qt.PenStyle.SolidLine),
                                   (self._band, 35, Qt.PenStyle.DashLine)):
            fill = QColor(edge)
            fill.setAlpha(alpha)
            item.setBrush(QBrush(fill))
            item.setPen(QPen(edge, 1.5, style))

    # -- the document ----------------------------------------------------------------------------
    @property
    def document(self) -> ProjectDocument:
        """The document shown."""
        assert self._document is not None
        return self._document

    def set_document(self, document: ProjectDocument) -> None:
        """Show another document (e.g. after File ▸ Open in the same window)."""
        if self._document is not None:
            self._document.project_changed.disconnect(self._on_project_changed)
            self._document.selection_changed.disconnect(self._on_selection_changed)
        self._document = document
        document.project_changed.connect(self._on_project_changed)
        document.selection_changed.connect(self._on_selection_changed)
        self._collapsed.clear()
        self._relayout()

    @property
    def circuit_layout(self) -> CircuitLayout:
        """The current layout (columns and geometry in scene units)."""
        return self._item.layout

    def _relayout(self) -> None:
        circuit = self.document.circuit
        names = {op.group for op in circuit.operations if op.group is not None}
        self._collapsed &= names
        self._item.set_layout(self._item.make_layout(circuit, frozenset(self._collapsed)))
        self.scene().setSceneRect(self._item.boundingRect())
        self._item.set_selected(frozenset(self.document.selection))
        self._check_feature_merges(circuit)
        self._mark_noise()

    def _mark_noise(self) -> None:
        """Badge the gates the project's noise model follows (none while hidden)."""
        project = self.document.project
        self._noise = noise_marks(project.circuit, project.noise if self._noise_shown else None)
        self._item.set_noisy(self._noise.indices)

    @property
    def noise_shown(self) -> bool:
        """True when gates that the noise model follows carry their badge."""
        return self._noise_shown

    def set_noise_shown(self, shown: bool) -> None:
        """Show or hide the noise badges (View ▸ Show Noise on Gates)."""
        self._noise_shown = bool(shown)
        self._mark_noise()

    def noisy_operations(self) -> frozenset[int]:
        """The operations drawn with a noise badge."""
        return self._noise.indices

    def _check_feature_merges(self, circuit: Circuit) -> None:
        before = self.feature_warning_text
        self._merges = feature_merges(circuit)
        self._item.set_warned(frozenset(k for m in self._merges for k in m.operations))
        if self.feature_warning_text != before:
            self.feature_warning.emit(self.feature_warning_text)

    @property
    def feature_warning_text(self) -> str:
        """What the status bar says about features summed into one angle ("" if none)."""
        return merge_summary(self._merges)

    def merge_at(self, index: int) -> FeatureMerge | None:
        """The feature merge operation ``index`` takes part in, if any."""
        return next((m for m in self._merges if index in m.operations), None)

    def viewportEvent(self, event: QEvent) -> bool:  # Qt override
        """Tooltips: a gate that sums features says with which gates and features, a gate
        that noise follows which channels; a template block's header gives its full name."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, pos: QPoint) -> str:
        """The tooltip for viewport point ``pos`` ("" where there is none)."""
        layout = self.circuit_layout
        scene = self.mapToScene(pos)
        header = layout.header_at(scene.x(), scene.y())
        if header is not None:
            group = layout.groups[header]
            action = "expand" if group.collapsed else "collapse"
            return f"Template block {group.name}: click to {action} it"
        hit = layout.op_at(scene.x(), scene.y())
        if hit is None:
            return ""
        merge = self.merge_at(hit)
        texts = (merge.text if merge is not None else "", self._noise.tooltip(hit))
        return "\n\n".join(text for text in texts if text)

    def _on_project_changed(self, project: Project) -> None:
        if self.document.circuit is not self.circuit_layout.circuit:
            self._relayout()
        elif self._noise_shown and project.noise != self._noise.model:  # cheap: small tables
            self._mark_noise()

    def _on_selection_changed(self, selection: tuple[int, ...]) -> None:
        self._item.set_selected(frozenset(selection))

    def set_gate_heat(self, values: np.ndarray | None) -> None:
        """Tint each gate by its share of ``values`` (e.g. |∂L/∂θ| per operation while
        training; scaled to the largest), or remove the tint with None."""
        heat = None
        if values is not None:
            values = np.abs(np.asarray(values, dtype=float))
            top = float(values.max()) if values.size else 0.0
            heat = values / top if top > 0 and np.isfinite(top) else np.zeros_like(values)
        self._item.set_heat(heat)

    def gate_heat(self) -> np.ndarray | None:
        """The tint shown, in [0, 1] per operation (None when there is none)."""
        return self._item.heat

    # -- geometry helpers (viewport coordinates) -------------------------------------------------
    def gate_rect(self, index: int) -> QRectF:
        """Where operation ``index`` is drawn, in viewport coordinates."""
        x, y, w, h = self.circuit_layout.op_rect(index)
        return QRectF(self.mapFromScene(QRectF(x, y, w, h)).boundingRect())

    def wire_y(self, wire: int) -> float:
        """Viewport y of wire ``wire`` (``n_qubits`` is the dashed "new qubit" wire)."""
        return float(self.mapFromScene(QPointF(0, self.circuit_layout.wire_y(wire))).y())

    def column_x(self, column: int) -> float:
        """Viewport x of the centre of ``column`` (``n_columns``: the slot after the last)."""
        return float(self.mapFromScene(QPointF(self.circuit_layout.column_x(column), 0)).x())

    def cell_point(self, column: int, wire: int) -> QPoint:
        """A viewport point of ``column`` on ``wire``, left of the column's centre: a drop
        there lands in that column (before a gate drawn there)."""
        layout = self.circuit_layout
        x = layout.column_x(column) - MIN_BOX_WIDTH / 4
        return self.mapFromScene(QPointF(x, layout.wire_y(wire)))

    def _scene(self, pos: QPointF | QPoint) -> QPointF:
        return self.mapToScene(pos.toPoint() if isinstance(pos, QPointF) else pos)

    # -- groups ---------------------------------------------------------------------------------
    def is_collapsed(self, group: str) -> bool:
        """True if template group ``group`` is drawn as one box."""
        return group in self._collapsed

    def toggle_group(self, group: str) -> None:
        """Collapse or expand template group ``group`` (a view setting, not an edit)."""
        self._collapsed ^= {group}
        self._relayout()

    # -- palette drops -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept palette entries."""
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Mark where the dragged entry would land, before the button is released."""
        item = _palette_item(event.mimeData())
        if item is None:
            event.ignore()
            return
        event.acceptProposedAction()
        target, _wire, lo, hi = self._drop_target(item, self._scene(event.position()))
        self._show_indicator(target.column, lo, hi, bar=target.pushes)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        """Hide the drop indicator."""
        self._indicator.hide()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        """Insert the dropped palette entry as one undoable edit."""
        self._indicator.hide()
        item = _palette_item(event.mimeData())
        if item is None:
            event.ignore()
            return
        event.acceptProposedAction()
        target, wire, _lo, _hi = self._drop_target(item, self._scene(event.position()))
        try:
            new, inserted = insert_item(item, self.document.circuit, target.index, wire,
                                        target.group)
        except CircuitError as error:
            self.status_message.emit(f"Cannot add {item.label}: {error}")
            return
        self.document.edit_circuit(new, f"Add {item.label}", selection=inserted)
        self.setFocus()

    def _drop_target(self, item: PaletteItem,
                     scene_pos: QPointF) -> tuple[DropTarget, int, int, int]:
        """(where it goes, wire, lowest wire, highest wire) of a drop at ``scene_pos``."""
        layout = self.circuit_layout
        wire = layout.wire_at(scene_pos.y())
        n = layout.circuit.n_qubits
        if item.is_template:
            lo, hi = 0, max(n, wire + 1) - 1
        else:
            n_wires = item.n_wires
            lo = min(wire, max(n, wire + 1, n_wires) - n_wires)
            hi = lo + n_wires - 1
        target = layout.drop_target(scene_pos.x(), lo, hi, may_join=not item.is_template)
        return target, wire, lo, hi

    def _show_indicator(self, column: int, lo: int, hi: int, bar: bool = False) -> None:
        """Mark wires ``lo..hi`` of ``column``: a box on the cell, or with ``bar`` a bar in
        the gap left of it (a dropped gate that pushes the gates there to the right)."""
        layout = self.circuit_layout
        y0, y1 = layout.wire_y(lo) - BOX_HEIGHT / 2, layout.wire_y(hi) + BOX_HEIGHT / 2
        if bar:
            x, width = float(layout.column_edges[column]) - _BAR_WIDTH / 2, _BAR_WIDTH
        else:
            x, width = layout.column_x(column) - MIN_BOX_WIDTH / 2, MIN_BOX_WIDTH
        self._indicator.setRect(QRectF(x, y0, width, y1 - y0))
        self._indicator.show()

    # -- mouse: select, move, rubber band --------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select, start a move or handle drag, toggle a group, or start a rubber band."""
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus()
        viewport_pos = event.position().toPoint()
        if self._on_sticky_labels(viewport_pos):
            return  # the labels cover the gates scrolled under them: nothing to pick there
        pos = self.mapToScene(viewport_pos)
        layout, document = self.circuit_layout, self.document
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        header = layout.header_at(pos.x(), pos.y())
        if header is not None:
            self.toggle_group(layout.groups[header].name)
            return
        hit = layout.op_at(pos.x(), pos.y())
        if hit is None:
            base = document.selection if ctrl else ()
            document.set_selection(base)
            self._press = _Press("band", pos, viewport_pos, base_selection=base)
            return
        unit = layout.unit_of(hit)
        if ctrl:
            chosen = set(document.selection)
            chosen = chosen - set(unit) if set(unit) <= chosen else chosen | set(unit)
            document.set_selection(tuple(chosen))
            return
        if hit not in document.selection:
            document.set_selection(unit)
        wire = layout.wire_at(pos.y())
        position = self._handle_position(hit, wire, pos.x())
        kind = "move" if position is None else "handle"
        self._press = _Press(kind, pos, viewport_pos, hit, wire, position or 0)

    def _moving(self, index: int) -> tuple[int, ...]:
        """What dragging operation ``index`` moves: the whole selection when the operation is
        part of a larger one, else its unit (the gate, or its collapsed group)."""
        layout, selection = self.circuit_layout, self.document.selection
        unit = layout.unit_of(index)
        if index not in selection:
            return tuple(unit)
        # Whole units: a collapsed group moves as one even if only part of it was selected.
        return tuple(sorted(set(unit).union(*(layout.unit_of(i) for i in selection))))

    def _handle_position(self, index: int, wire: int, x: float) -> int | None:
        """Which wire entry of operation ``index`` a press at ``wire`` grabs, or None (the
        press grabs the whole gate). Control dots and all but the last wire of a swap are
        handles; a tall box's handles are its numbered marks at the left edge."""
        layout = self.circuit_layout
        op = layout.circuit.operations[index]
        if len(op.wires) < 2 or wire not in op.wires or len(layout.unit_of(index)) > 1:
            return None
        position = op.wires.index(wire)
        if operation_spec(op.gate).joins_wires:
            return position if position < len(op.wires) - 1 else None
        left = layout.op_rect(index)[0]
        return position if x <= left + 22 else None

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Follow a move, handle drag or rubber band."""
        press = self._press
        if press is None:
            super().mouseMoveEvent(event)
            return
        viewport_pos = event.position().toPoint()
        if not press.dragging:
            distance = (viewport_pos - press.viewport_start).manhattanLength()
            if distance < QApplication.startDragDistance():
                return
            press.dragging = True
        pos = self.mapToScene(viewport_pos)
        layout = self.circuit_layout
        if press.kind == "band":
            self._band.setRect(QRectF(press.start, pos).normalized())
            self._band.show()
            return
        column, wire = layout.column_at(pos.x()), layout.wire_at(pos.y())
        if press.kind == "handle":
            self._show_indicator(int(layout.column[press.index]), wire, wire)
            return
        moving = self._moving(press.index)
        wires = [w for i in moving for w in layout.circuit.operations[i].wires]
        delta = wire - press.wire
        self._show_indicator(column, min(wires) + delta, max(wires) + delta)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Finish the gesture: one edit for a move or handle drag, a selection for a band."""
        press, self._press = self._press, None
        self._indicator.hide()
        self._band.hide()
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        pos = self.mapToScene(event.position().toPoint())
        layout, document = self.circuit_layout, self.document
        if press.kind == "band":
            if press.dragging:
                rect = QRectF(press.start, pos).normalized()
                found = layout.ops_in_rect(rect.left(), rect.top(), rect.right(), rect.bottom())
                document.set_selection(tuple(set(press.base_selection) | set(found)))
            return
        if not press.dragging:
            document.set_selection(layout.unit_of(press.index))
            return
        column, wire = layout.column_at(pos.x()), layout.wire_at(pos.y())
        circuit = layout.circuit
        op = circuit.operations[press.index]
        try:
            if press.kind == "handle":
                role = "control" if press.position < operation_spec(op.gate).n_controls else "wire"
                new, selection = circuit_edits.move_wire(circuit, press.index, press.position,
                                                         wire)
                text = f"Move {op.gate.upper()} {role}"
            else:
                moving = self._moving(press.index)
                new, selection = circuit_edits.move_operations(
                    circuit, moving, column, wire - press.wire, self._collapsed)
                text = (f"Move {op.label}" if len(moving) == 1
                        else f"Move {op.group}" if moving == layout.unit_of(press.index)
                        else f"Move {len(moving)} gates")
        except CircuitError as error:
            self.status_message.emit(f"Cannot move {op.label}: {error}")
            return
        document.edit_circuit(new, text, selection)

    # -- keys, wheel, context menu ---------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete/Backspace delete the selection; Escape clears it."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif event.key() == Qt.Key.Key_Escape:
            self.document.set_selection(())
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms about the mouse; the plain wheel scrolls."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self._zoom_by(_ZOOM_STEP ** steps)
            event.accept()
        else:
            super().wheelEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """The gate or wire menu under the mouse."""
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())

    def context_menu(self, pos: QPoint) -> QMenu:
        """The context menu for viewport point ``pos`` (a gate's or a wire's)."""
        return build_context_menu(self, self.mapToScene(pos))

    # -- zoom ----------------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        """Current scale (1 = 100 %)."""
        return self.transform().m11()

    def _zoom_by(self, factor: float) -> None:
        factor = min(max(self.zoom * factor, _MIN_ZOOM), _MAX_ZOOM) / self.zoom
        self.scale(factor, factor)

    def zoom_in(self) -> None:
        """Zoom in one step."""
        self._zoom_by(_ZOOM_STEP)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        self._zoom_by(1 / _ZOOM_STEP)

    def reset_zoom(self) -> None:
        """Back to 100 %."""
        self.resetTransform()


def _palette_item(mime) -> PaletteItem | None:
    if mime is None or not mime.hasFormat(PALETTE_MIME):
        return None
    return decode_item(bytes(mime.data(PALETTE_MIME).data()))
