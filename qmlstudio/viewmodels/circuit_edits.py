"""The canvas's circuit edits as plain functions of circuit values (Qt-free).

Each returns the new circuit and the indices of the operations to select afterwards; the
view turns that into one undoable ``document.edit_circuit``. Choices made here:

* Moving a gate that belongs to an expanded template group takes it out of the group (its
  ``group`` is cleared); moving a collapsed group moves the whole block.
* Removing a qubit removes the gates that use it in the same (undoable) edit; higher wires
  move down by one.
* Pasted operations keep their wire numbers (the circuit grows if needed) and their weight
  indices: a pasted ``θ₃`` is the same trainable weight as the original ``θ₃`` (weights are
  shared by index), in the same document or another. Pasted groups get a fresh name so they
  stay separate blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from qmlstudio.core import Circuit, CircuitError, Operation
from qmlstudio.core.circuit import MAX_QUBITS
from qmlstudio.viewmodels.canvas_layout import CircuitLayout

__all__ = [
    "insert_qubit",
    "move_operations",
    "move_wire",
    "paste_operations",
    "remove_qubit",
]


def _grown(circuit: Circuit, ops: Iterable[Operation]) -> Circuit:
    needed = 1 + max((w for op in ops for w in op.wires), default=-1)
    if needed > MAX_QUBITS:
        raise CircuitError(f"a circuit has at most {MAX_QUBITS} qubits")
    return circuit.with_n_qubits(needed) if needed > circuit.n_qubits else circuit


def _remapped(op: Operation, mapping: dict[int, int]) -> Operation:
    return replace(op, wires=tuple(mapping.get(w, w) for w in op.wires))


def move_operations(circuit: Circuit, indices: Sequence[int], column: int, wire_delta: int,
                    collapsed: Iterable[str] = ()) -> tuple[Circuit, tuple[int, ...]]:
    """Move the operations at ``indices`` (a gate, a collapsed group or a selection) by
    ``wire_delta`` wires so that they land, in their order, in ``column`` of the circuit
    without them. A group moved whole stays a group; a gate taken out of one leaves it."""
    indices = sorted(indices)
    moving = [circuit.operations[i] for i in indices]
    if min(w for op in moving for w in op.wires) + wire_delta < 0:
        raise CircuitError("cannot move the gate above the first qubit")
    chosen = set(indices)
    left_behind = {op.group for i, op in enumerate(circuit.operations)
                   if op.group is not None and i not in chosen}
    moved = [Operation(op.gate, tuple(w + wire_delta for w in op.wires), op.params,
                       None if op.group in left_behind else op.group) for op in moving]
    rest = _grown(circuit.without(indices), moved)
    layout = CircuitLayout(rest, collapsed)
    lo = min(w for op in moved for w in op.wires)
    hi = max(w for op in moved for w in op.wires)
    at = layout.insertion_index(column, lo, hi)
    return rest.inserted(at, *moved), tuple(range(at, at + len(moved)))


def move_wire(circuit: Circuit, index: int, position: int,
              wire: int) -> tuple[Circuit, tuple[int, ...]]:
    """Put wire number ``position`` of operation ``index`` (e.g. a CX's control) on ``wire``;
    if the operation already uses ``wire``, the two swap places."""
    op = circuit.operations[index]
    if wire < 0:
        raise CircuitError(f"wire {wire} does not exist")
    wires = list(op.wires)
    old = wires[position]
    if wire in wires:
        wires[wires.index(wire)] = old
    wires[position] = wire
    new_op = replace(op, wires=tuple(wires))
    return _grown(circuit, [new_op]).replaced(index, new_op), (index,)


def insert_qubit(circuit: Circuit, at: int) -> Circuit:
    """A new empty wire at position ``at`` (wires from ``at`` on move down by one)."""
    if not 0 <= at <= circuit.n_qubits:
        raise CircuitError(f"cannot insert a qubit at {at} in a {circuit.n_qubits}-qubit circuit")
    if circuit.n_qubits >= MAX_QUBITS:
        raise CircuitError(f"a circuit has at most {MAX_QUBITS} qubits")
    mapping = {w: w + 1 for w in range(at, circuit.n_qubits)}
    return Circuit(circuit.n_qubits + 1, tuple(_remapped(op, mapping) for op in circuit.operations),
                   tuple(mapping.get(m, m) for m in circuit.measured))


def remove_qubit(circuit: Circuit, wire: int) -> tuple[Circuit, int]:
    """The circuit without ``wire`` and the gates that use it; returns it and how many gates
    were removed."""
    if circuit.n_qubits == 1:
        raise CircuitError("a circuit needs at least one qubit")
    if not 0 <= wire < circuit.n_qubits:
        raise CircuitError(f"qubit {wire} does not exist")
    mapping = {w: w - 1 for w in range(wire + 1, circuit.n_qubits)}
    kept = [op for op in circuit.operations if wire not in op.wires]
    return (Circuit(circuit.n_qubits - 1, tuple(_remapped(op, mapping) for op in kept),
                    tuple(mapping.get(m, m) for m in circuit.measured if m != wire)),
            len(circuit.operations) - len(kept))


_GROUP_SUFFIX = re.compile(r"#\d+$")


def paste_operations(circuit: Circuit, ops: Sequence[Operation],
                     index: int) -> tuple[Circuit, tuple[int, ...]]:
    """Insert ``ops`` before ``index``, growing the circuit if they need more wires."""
    used = {op.group for op in circuit.operations if op.group is not None}
    renamed: dict[str, str] = {}
    pasted = []
    for op in ops:
        if op.group is not None and op.group not in renamed:
            base = _GROUP_SUFFIX.sub("", op.group)
            k = 0
            while f"{base}#{k}" in used:
                k += 1
            renamed[op.group] = f"{base}#{k}"
            used.add(renamed[op.group])
        pasted.append(op if op.group is None else replace(op, group=renamed[op.group]))
    grown = _grown(circuit, pasted)
    return grown.inserted(index, *pasted), tuple(range(index, index + len(pasted)))
