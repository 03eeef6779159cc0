"""Shared plumbing of the encodings and templates: wires, group ids and block insertion."""

from __future__ import annotations

from collections.abc import Sequence

from qmlstudio.core import Circuit, CircuitError, Operation

__all__ = ["ROTATIONS", "check_count", "check_rotation", "insert_block", "resolve_wires"]

ROTATIONS = ("rx", "ry", "rz")


def resolve_wires(circuit: Circuit, wires: Sequence[int] | None, what: str) -> tuple[int, ...]:
    """``wires`` checked against ``circuit`` (every wire of the circuit if ``None``)."""
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"{what}: expected a Circuit, got {type(circuit).__name__}")
    if wires is None:
        return tuple(range(circuit.n_qubits))
    chosen = tuple(wires)
    if not chosen:
        raise CircuitError(f"{what}: give at least one wire")
    for wire in chosen:
        if isinstance(wire, bool) or not isinstance(wire, int) or not 0 <= wire < circuit.n_qubits:
            raise CircuitError(f"{what}: wire {wire!r} does not exist in a "
                               f"{circuit.n_qubits}-qubit circuit")
    if len(set(chosen)) != len(chosen):
        raise CircuitError(f"{what}: wires repeat: {list(chosen)}")
    return chosen


def check_count(value: object, what: str, minimum: int = 1) -> int:
    """``value`` as an integer of at least ``minimum`` (layers, features, repetitions)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CircuitError(f"{what} must be an integer of at least {minimum}, got {value!r}")
    return value


def check_rotation(rotation: object, what: str) -> str:
    """``rotation`` if it names a single-qubit rotation gate (rx, ry or rz)."""
    if rotation not in ROTATIONS:
        raise CircuitError(f"{what}: rotation must be one of {', '.join(ROTATIONS)}, "
                           f"got {rotation!r}")
    return str(rotation)


def _next_group_number(circuit: Circuit) -> int:
    """One more than the largest ``#k`` suffix of the circuit's group ids (0 if none)."""
    numbers = [-1]
    for op in circuit.operations:
        if op.group and "#" in op.group:
            suffix = op.group.rsplit("#", 1)[1]
            if suffix.isdigit():
                numbers.append(int(suffix))
    return max(numbers) + 1


def insert_block(circuit: Circuit, name: str, gates: Sequence[tuple], at: int | None) -> Circuit:
    """``circuit`` with ``gates`` — ``(gate, wires, *params)`` tuples — inserted as one group.

    The group id is ``"<name>#<k>"`` with ``k`` one more than any ``#k`` already used, so ids
    stay unique and show insertion order. ``at`` is the position (``None``: at the end).
    """
    position = len(circuit.operations) if at is None else at
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 0 <= position <= len(circuit.operations):
        raise CircuitError(f"{name}: insertion position {at!r} is outside 0.."
                           f"{len(circuit.operations)}")
    group = f"{name}#{_next_group_number(circuit)}"
    ops = [Operation(gate, tuple(wires), tuple(params), group) for gate, wires, *params in gates]
    return circuit.inserted(position, *ops)
