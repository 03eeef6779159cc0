"""Which column of a circuit diagram each operation goes in: the one packing rule that the
canvas and the LaTeX export share.

Gates are packed to the left: an operation goes in the first column after every earlier
operation whose wire span (lowest to highest wire, the connecting line included) overlaps its
own. A template group (a run of consecutive operations with the same ``Operation.group``) is
packed as one block over the wires it spans: it starts in the first column free on all of
those wires, its gates pack inside the block, and nothing else enters the block's columns on
its wires, so a frame drawn round it never encloses a foreign gate. A collapsed group takes a
single column.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from qmlstudio.core.circuit import Circuit

__all__ = ["ColumnPacking", "GroupBlock", "pack_columns"]


@dataclass(frozen=True, slots=True)
class GroupBlock:
    """One template block: operations ``start:stop`` sharing ``name``, over wires ``lo..hi``
    and columns ``first_column..last_column`` (inclusive)."""

    name: str
    start: int
    stop: int
    lo: int
    hi: int
    first_column: int
    last_column: int
    collapsed: bool


@dataclass(frozen=True, slots=True, eq=False)
class ColumnPacking:
    """The packed columns of a circuit: per operation (numpy arrays) its ``column`` and its
    own wire span ``lo..hi``; the template ``groups`` in circuit order; ``n_columns``."""

    column: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    groups: tuple[GroupBlock, ...]

    @property
    def n_columns(self) -> int:
        """Number of columns in use (0 for an empty circuit)."""
        return int(self.column.max()) + 1 if len(self.column) else 0


def pack_columns(circuit: Circuit, collapsed: Collection[str] = ()) -> ColumnPacking:
    """Pack ``circuit``'s operations into columns (see the module docstring); the groups
    named in ``collapsed`` take one column each."""
    ops = circuit.operations
    n_ops = len(ops)
    column = np.zeros(n_ops, dtype=np.int64)
    lo_arr = np.zeros(n_ops, dtype=np.int64)
    hi_arr = np.zeros(n_ops, dtype=np.int64)
    groups: list[GroupBlock] = []
    level = [0] * circuit.n_qubits  # first free column of each wire
    i = 0
    while i < n_ops:
        name = ops[i].group
        if name is None:
            wires = ops[i].wires
            if len(wires) == 1:  # most gates: no slicing (a long circuit packs in ms)
                lo = hi = wires[0]
                col = level[lo]
                level[lo] = col + 1
            else:
                lo, hi = min(wires), max(wires)
                col = max(level[lo:hi + 1])
                level[lo:hi + 1] = [col + 1] * (hi - lo + 1)
            column[i], lo_arr[i], hi_arr[i] = col, lo, hi
            i += 1
            continue
        stop = i
        while stop < n_ops and ops[stop].group == name:
            stop += 1
        spans = [(min(op.wires), max(op.wires)) for op in ops[i:stop]]
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        first = max(level[lo:hi + 1])
        folded = name in collapsed
        inner = [first] * circuit.n_qubits  # free columns inside the block
        for k, (a, b) in enumerate(spans):
            col = first if folded else max(inner[a:b + 1])
            inner[a:b + 1] = [col + 1] * (b - a + 1)
            column[i + k], lo_arr[i + k], hi_arr[i + k] = col, a, b
        last = first if folded else max(inner) - 1
        level[lo:hi + 1] = [last + 1] * (hi - lo + 1)
        groups.append(GroupBlock(name, i, stop, lo, hi, first, last, folded))
        i = stop
    return ColumnPacking(column, lo_arr, hi_arr, tuple(groups))
