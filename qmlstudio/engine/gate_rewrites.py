"""Rewrites of a circuit's gate list before the compiler schedules it into blocks.

``CX(a, b) · RZ(θ) on b · CX(a, b)`` is exactly ``RZZ(θ)`` on (a, b): both are
``exp(−iθ/2 Z_a Z_b)``. Qiskit writes the ZZ feature map's pair terms that way, and so does
:func:`~qmlstudio.ml.models.encodings.zz_feature_map`; as an ``RZZ`` each is one diagonal
block, which a run of them applies at once (:mod:`.diagonal_runs`), instead of a gather, a
rotation and a gather (on 10 qubits with two repetitions, a vjp of 16 samples 33–41 → 2.0 ms).
"""

from __future__ import annotations

from qmlstudio.core import Operation

__all__ = ["zz_rotations"]


def zz_rotations(operations: tuple[Operation, ...]) -> list[Operation]:
    """``operations`` with every ``CX(a, b) · RZ(θ) on b · CX(a, b)`` written as ``RZZ(θ)``
    on (a, b)."""
    names = [op.gate for op in operations]  # canonical names (Operation sets them)
    out: list[Operation] = []
    i = 0
    while i < len(operations):
        op = operations[i]
        if (names[i:i + 3] == ["cx", "rz", "cx"] and operations[i + 2].wires == op.wires
                and operations[i + 1].wires == op.wires[1:]):
            out.append(Operation("rzz", op.wires, operations[i + 1].params))
            i += 3
        else:
            out.append(op)
            i += 1
    return out
