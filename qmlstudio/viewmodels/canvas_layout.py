"""Where every gate of a circuit goes on the canvas: columns, widths and hit tests (Qt-free).

Columns come from :func:`~qmlstudio.core.circuit_columns.pack_columns`, the packing the LaTeX
export uses too: gates packed to the left, a template group as one block over the wires it
spans (its frame never encloses a foreign gate), a collapsed group in a single column. There
are no explicit empty columns: a column exists because a gate is in it, and "insert at column
c" means "insert at the operation index that makes the new gate land in column c, or as far
left of it as packing allows".

Everything per operation is a numpy array, so a 187k-gate circuit lays out in a fraction of a
second and the painter and hit tests look up only the visible columns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from qmlstudio.core import Circuit, Expr, Feature, Operation, Param, Weight, operation_spec
from qmlstudio.core.circuit_columns import GroupBlock, pack_columns

__all__ = [
    "BOX_HEIGHT",
    "CircuitLayout",
    "DropTarget",
    "GroupBlock",
    "box_label",
    "header_label",
    "param_role",
]

LEFT_MARGIN = 64.0
"""Room for the qubit labels left of column 0."""
TOP_MARGIN = 34.0
"""Room above wire 0 (a group header fits there)."""
WIRE_PITCH = 60.0
"""Distance between two wires."""
BOX_HEIGHT = 34.0
"""Height of a single-wire gate box."""
MIN_BOX_WIDTH = 34.0
COLUMN_GAP = 16.0
MEASURE_WIDTH = 56.0
"""Room right of the last column for the measurement marks."""
RIGHT_MARGIN = 24.0
HEADER_HEIGHT = 14.0
"""Height of a group frame's clickable header strip."""
TEXT_PADDING = 12.0


def box_label(op: Operation) -> str:
    """The text in ``op``'s box: its label, without the ``C`` of each control (``CRY(θ₀)``
    draws a dot and a ``RY(θ₀)`` box); empty for gates drawn with symbols (⊕, dots, ×)."""
    spec = operation_spec(op.gate)
    return op.label[spec.n_controls:] if spec.drawing == "box" else ""


def header_label(group: GroupBlock) -> str:
    """The text in a template block's header strip: an arrow (▾ expanded, ▸ collapsed) and
    the block's name."""
    return f"{'▸' if group.collapsed else '▾'} {group.name}"


def param_role(params: tuple[Param, ...]) -> str:
    """How a gate's box is coloured: ``"feature"`` if any parameter reads data (an expression
    such as ``θ₀·x₁ + θ₂`` included), else ``"weight"`` if any is trained, else ``"const"``."""
    if any(isinstance(p, Feature) or (isinstance(p, Expr) and p.features) for p in params):
        return "feature"
    if any(isinstance(p, Weight) or (isinstance(p, Expr) and p.weights) for p in params):
        return "weight"
    return "const"


@dataclass(frozen=True, slots=True)
class DropTarget:
    """Where a gate dropped at a point goes: before operation ``index``, drawn in ``column``,
    as a member of template block ``group`` (None: outside every block). ``pushes`` is True
    when gates already in that column on its wires move right to make room (the canvas then
    marks the gap it goes into rather than a free cell)."""

    index: int
    column: int
    group: str | None
    pushes: bool


class CircuitLayout:
    """Columns and scene geometry of one circuit (with a set of collapsed group names).

    ``text_width(label)`` measures a label in scene units; the default guesses from its
    length so that tests and exports without a font still get a sensible layout.
    """

    def __init__(self, circuit: Circuit, collapsed: Collection[str] = (),
                 text_width: Callable[[str], float] | None = None) -> None:
        self.circuit = circuit
        self.collapsed = frozenset(collapsed)
        measure = text_width or (lambda text: 7.5 * len(text))
        packing = pack_columns(circuit, self.collapsed)
        self.column = packing.column
        self.lo, self.hi = packing.lo, packing.hi  # the operation's own wire span
        self.groups: tuple[GroupBlock, ...] = packing.groups
        self.n_columns = packing.n_columns
        # What each operation blocks for insertion: its group's span and last column, if any.
        self.block_lo, self.block_hi = self.lo.copy(), self.hi.copy()
        self.block_end = self.column.copy()
        self.group_of = np.full(len(circuit.operations), -1, dtype=np.int64)
        for k, group in enumerate(self.groups):
            self.block_end[group.start:group.stop] = group.last_column
            self.block_lo[group.start:group.stop] = group.lo
            self.block_hi[group.start:group.stop] = group.hi
            self.group_of[group.start:group.stop] = k
        self.labels = [box_label(op) for op in circuit.operations]
        self._measure_widths(measure)
        # Operations sorted by column, and where each column starts in that order.
        self.by_column = np.argsort(self.column, kind="stable")
        self.column_starts = np.searchsorted(self.column[self.by_column],
                                             np.arange(self.n_columns + 1))
        self.group_first_columns = np.array([g.first_column for g in self.groups], dtype=np.int64)
        self.group_last_columns = np.array([g.last_column for g in self.groups], dtype=np.int64)

    def _measure_widths(self, measure: Callable[[str], float]) -> None:
        cache: dict[str, float] = {}

        def width(text: str) -> float:
            if text not in cache:
                cache[text] = max(MIN_BOX_WIDTH, measure(text) + 2 * TEXT_PADDING)
            return cache[text]

        self.box_width = np.array([width(t) if t else MIN_BOX_WIDTH for t in self.labels],
                                  dtype=np.float64)
        for group in self.groups:
            if group.collapsed:
                self.box_width[group.start:group.stop] = width(group.name)
        widths = np.full(self.n_columns, MIN_BOX_WIDTH)
        np.maximum.at(widths, self.column, self.box_width)
        for group in self.groups:  # an expanded block is wide enough for its whole name
            if group.collapsed:
                continue
            columns = slice(group.first_column, group.last_column + 1)
            n = group.last_column + 1 - group.first_column
            room = widths[columns].sum() + COLUMN_GAP * (n - 1) - 4  # the frame's inset
            missing = measure(header_label(group)) + TEXT_PADDING - room
            if missing > 0:
                widths[columns] += missing / n
        self.column_edges = np.concatenate(
            ([LEFT_MARGIN], LEFT_MARGIN + np.cumsum(widths + COLUMN_GAP)))

    # -- geometry (scene units) --------------------------------------------------------------
    @property
    def width(self) -> float:
        """Width of the whole diagram."""
        return float(self.column_edges[-1]) + MEASURE_WIDTH + RIGHT_MARGIN

    @property
    def height(self) -> float:
        """Height of the whole diagram, the dashed "new qubit" wire included."""
        return self.wire_y(self.circuit.n_qubits) + WIRE_PITCH / 2

    @property
    def circuit_end_x(self) -> float:
        """x right of the last column (where measurement marks go)."""
        return float(self.column_edges[-1])

    @staticmethod
    def wire_y(wire: float) -> float:
        """y of wire ``wire`` (``n_qubits`` is the dashed extra wire)."""
        return TOP_MARGIN + WIRE_PITCH * (wire + 0.5)

    def column_x(self, column: int) -> float:
        """x of the centre of ``column`` (``n_columns`` is the free slot after the last)."""
        if column >= self.n_columns:
            return float(self.column_edges[-1]) + (MIN_BOX_WIDTH + COLUMN_GAP) / 2
        return float(self.column_edges[column] + self.column_edges[column + 1]) / 2

    def wire_at(self, y: float) -> int:
        """The wire nearest to ``y``, clamped to ``0..n_qubits`` (the extra wire)."""
        wire = int(np.floor((y - TOP_MARGIN) / WIRE_PITCH))
        return min(max(wire, 0), self.circuit.n_qubits)

    def column_at(self, x: float) -> int:
        """The column under ``x``, clamped to ``0..n_columns``."""
        column = int(np.searchsorted(self.column_edges, x, side="right")) - 1
        return min(max(column, 0), self.n_columns)

    def columns_between(self, x0: float, x1: float) -> tuple[int, int]:
        """Columns ``c0:c1`` (half open) touching the x range ``x0..x1``."""
        c0 = max(int(np.searchsorted(self.column_edges, x0, side="right")) - 1, 0)
        c1 = min(int(np.searchsorted(self.column_edges, x1, side="left")), self.n_columns)
        return c0, max(c0, c1)

    def op_rect(self, index: int) -> tuple[float, float, float, float]:
        """``(x, y, width, height)`` of operation ``index``'s drawing (its group's box when the
        group is collapsed)."""
        g = self.group_of[index]
        if g >= 0 and self.groups[g].collapsed:
            lo, hi = self.groups[g].lo, self.groups[g].hi
        else:
            lo, hi = self.lo[index], self.hi[index]
        width = self.box_width[index]
        x = self.column_x(int(self.column[index])) - width / 2
        top = self.wire_y(lo) - BOX_HEIGHT / 2
        return x, top, float(width), self.wire_y(hi) + BOX_HEIGHT / 2 - top

    def group_rect(self, k: int) -> tuple[float, float, float, float]:
        """``(x, y, width, height)`` of group ``k``'s frame, its header strip included."""
        group = self.groups[k]
        x0 = float(self.column_edges[group.first_column]) + 2
        x1 = float(self.column_edges[group.last_column + 1]) - 2
        y0 = self.wire_y(group.lo) - BOX_HEIGHT / 2 - HEADER_HEIGHT - 3
        y1 = self.wire_y(group.hi) + BOX_HEIGHT / 2 + 4
        return x0, y0, x1 - x0, y1 - y0

    # -- lookups -----------------------------------------------------------------------------
    def ops_in_columns(self, c0: int, c1: int) -> np.ndarray:
        """Indices of the operations in columns ``c0:c1``."""
        c0, c1 = max(c0, 0), min(c1, self.n_columns)
        if c0 >= c1:
            return np.zeros(0, dtype=np.int64)
        return self.by_column[self.column_starts[c0]:self.column_starts[c1]]

    def groups_in_columns(self, c0: int, c1: int) -> np.ndarray:
        """Indices of the groups whose frames touch columns ``c0:c1``."""
        if not self.groups:
            return np.zeros(0, dtype=np.int64)
        return np.nonzero((self.group_first_columns < c1) & (self.group_last_columns >= c0))[0]

    def op_at(self, x: float, y: float) -> int | None:
        """The operation drawn at scene point ``(x, y)`` (a collapsed group answers with its
        first operation), or None."""
        for index in self.ops_in_columns(*self.columns_between(x, x)):
            rx, ry, rw, rh = self.op_rect(int(index))
            if rx <= x <= rx + rw and ry <= y <= ry + rh:
                g = self.group_of[index]
                if g >= 0 and self.groups[g].collapsed:
                    return self.groups[g].start
                return int(index)
        return None

    def header_at(self, x: float, y: float) -> int | None:
        """The group whose header strip is at ``(x, y)``, or None."""
        c0, c1 = self.columns_between(x, x)
        for k in self.groups_in_columns(c0, c1 + 1):
            gx, gy, gw, _ = self.group_rect(int(k))
            if gx <= x <= gx + gw and gy <= y <= gy + HEADER_HEIGHT + 2:
                return int(k)
        return None

    def ops_in_rect(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, ...]:
        """Operations whose drawing intersects the rectangle (a collapsed group's box selects
        all of its operations)."""
        found = []
        for index in self.ops_in_columns(*self.columns_between(x0, x1 + 1)):
            rx, ry, rw, rh = self.op_rect(int(index))
            if rx <= x1 and rx + rw >= x0 and ry <= y1 and ry + rh >= y0:
                found.append(int(index))
        return tuple(sorted(found))

    def unit_of(self, index: int) -> tuple[int, ...]:
        """The operations that act as one with ``index``: its whole group if collapsed."""
        g = self.group_of[index]
        if g >= 0 and self.groups[g].collapsed:
            return tuple(range(self.groups[g].start, self.groups[g].stop))
        return (index,)

    # -- insertion ---------------------------------------------------------------------------
    def insertion_index(self, column: int, lo: int, hi: int) -> int:
        """Operation index at which a gate spanning wires ``lo..hi`` lands in ``column`` (or
        as near left of it as packing allows), never splitting a group.

        It is the first operation that overlaps the span and sits in ``column`` or later:
        every overlapping operation before it is in an earlier column, so the new gate packs
        into ``column`` at the latest, and everything after it keeps its order.
        """
        overlap = (self.block_lo <= hi) & (self.block_hi >= lo)
        hits = np.nonzero(overlap & (self.column >= column))[0]
        index = int(hits[0]) if hits.size else len(self.circuit.operations)
        if 0 < index < len(self.circuit.operations):
            g = self.group_of[index]
            if g >= 0 and self.group_of[index - 1] == g:
                group = self.groups[g]
                middle = (group.first_column + group.last_column) / 2
                index = group.start if column <= middle else group.stop
        return index

    def drop_target(self, x: float, lo: int, hi: int, may_join: bool = True) -> DropTarget:
        """Where a gate spanning wires ``lo..hi`` dropped at scene x ``x`` goes.

        It goes into the gap nearest to the pointer: before the column under ``x`` if ``x``
        is left of that column's centre, else after it (so a drop in the gap between two
        gates lands between them, not before the left one). Inside an expanded template
        block's frame (and within the wires it spans) the gate joins the block at that gap
        when ``may_join``; elsewhere it never splits a block (see :meth:`insertion_index`).
        """
        column = self.column_at(x)
        slot = column + 1 if column < self.n_columns and x > self.column_x(column) else column
        k = self._frame_at(x, lo, hi) if may_join else None
        if k is None:
            index = self.insertion_index(slot, lo, hi)
            landing = self.landing_column(index, lo, hi)
            later = np.arange(len(self.column)) >= index
            overlap = (self.block_lo <= hi) & (self.block_hi >= lo)
            pushed = later & overlap & (self.column == landing)
            return DropTarget(index, landing, None, bool(pushed.any()))
        group = self.groups[k]
        members = np.arange(group.start, group.stop)
        overlap = (self.lo[members] <= hi) & (self.hi[members] >= lo)
        later = members[overlap & (self.column[members] >= slot)]
        index = int(later[0]) if later.size else group.stop
        earlier = members[overlap & (members < index)]
        landing = int(self.column[earlier].max()) + 1 if earlier.size else group.first_column
        pushed = overlap & (members >= index) & (self.column[members] == landing)
        return DropTarget(index, landing, group.name, bool(pushed.any()))

    def _frame_at(self, x: float, lo: int, hi: int) -> int | None:
        """The expanded group whose frame holds scene x ``x`` and spans wires ``lo..hi``."""
        c0, c1 = self.columns_between(x, x)
        for k in self.groups_in_columns(c0, c1 + 1):
            group = self.groups[int(k)]
            gx, _gy, gw, _gh = self.group_rect(int(k))
            if not group.collapsed and gx <= x <= gx + gw and group.lo <= lo and hi <= group.hi:
                return int(k)
        return None

    def landing_column(self, index: int, lo: int, hi: int) -> int:
        """The column a gate spanning ``lo..hi`` inserted at ``index`` is drawn in."""
        before = slice(0, index)
        overlap = (self.block_lo[before] <= hi) & (self.block_hi[before] >= lo)
        return int(self.block_end[before][overlap].max()) + 1 if overlap.any() else 0
