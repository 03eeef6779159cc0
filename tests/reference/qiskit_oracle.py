"""Qiskit as an independent oracle: gates, statevectors and Pauli expectations.

Bit order: QML Studio's wire 0 is the most significant bit of the state index, Qiskit's qubit 0
the least significant. We map wire ``k`` of an ``n``-qubit circuit to Qiskit qubit ``n - 1 - k``;
then Qiskit's state index *is* QML Studio's index and arrays compare directly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit import library as lib
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector

from qmlstudio.core import Circuit

from .dense import ALIASES, resolve_params

__all__ = ["QISKIT_GATES", "qiskit_circuit", "qiskit_expval", "qiskit_gate_matrix",
           "qiskit_statevector"]

QISKIT_GATES = {
    "id": lib.IGate, "h": lib.HGate, "x": lib.XGate, "y": lib.YGate, "z": lib.ZGate,
    "s": lib.SGate, "sdg": lib.SdgGate, "t": lib.TGate, "tdg": lib.TdgGate,
    "sx": lib.SXGate, "sxdg": lib.SXdgGate, "rx": lib.RXGate, "ry": lib.RYGate,
    "rz": lib.RZGate, "p": lib.PhaseGate, "u3": lib.U3Gate, "u2": lib.U2Gate,
    "cx": lib.CXGate, "cy": lib.CYGate, "cz": lib.CZGate, "ch": lib.CHGate,
    "swap": lib.SwapGate, "iswap": lib.iSwapGate, "crx": lib.CRXGate, "cry": lib.CRYGate,
    "crz": lib.CRZGate, "cp": lib.CPhaseGate, "cu3": lib.CU3Gate, "rxx": lib.RXXGate,
    "ryy": lib.RYYGate, "rzz": lib.RZZGate, "ccx": lib.CCXGate, "cswap": lib.CSwapGate,
}


def qiskit_gate(name: str, params: Sequence[float] = ()):
    """The Qiskit gate object for one of our gate names, bound to numeric params."""
    return QISKIT_GATES[ALIASES.get(name, name)](*[float(p) for p in params])


def qiskit_gate_matrix(name: str, params: Sequence[float] = ()) -> np.ndarray:
    """The gate's matrix in QML Studio's order (first wire = most significant bit).

    Built from a Qiskit circuit whose qubits are listed in reverse, *not* by ``reverse_qargs``,
    so the two conversions can be checked against each other.
    """
    gate = qiskit_gate(name, params)
    k = gate.num_qubits
    qc = QuantumCircuit(k)
    qc.append(gate, list(range(k - 1, -1, -1)))
    return Operator(qc).data


def qiskit_circuit(circuit: Circuit, x=None, weights=None) -> QuantumCircuit:
    """Our circuit with every parameter bound to a number, wire k -> qubit n-1-k."""
    n = circuit.n_qubits
    qc = QuantumCircuit(n)
    for op in circuit.operations:
        values = resolve_params(op.params, x, weights)
        qc.append(qiskit_gate(op.gate, values), [n - 1 - q for q in op.wires])
    return qc


def qiskit_statevector(circuit: Circuit, x=None, weights=None, initial_state=None) -> np.ndarray:
    """Final state from Qiskit's ``Statevector``, indexed in QML Studio's order."""
    n = circuit.n_qubits
    if initial_state is None:
        start = Statevector.from_int(0, 2**n)
    else:
        start = Statevector(np.asarray(initial_state, dtype=complex))
    return start.evolve(qiskit_circuit(circuit, x, weights)).data


def _sparse_pauli(text: str, n: int) -> SparsePauliOp:
    # Qiskit label: leftmost character is qubit n-1, i.e. our wire 0.
    letters = ["I"] * n
    for token in text.split():
        letters[int(token[1:])] = token[0].upper()
    return SparsePauliOp("".join(letters))


def qiskit_expval(circuit: Circuit, X, weights, observables, initial_state=None) -> np.ndarray:
    """``(B, K)`` expectation values computed with Qiskit."""
    n = circuit.n_qubits
    rows = [None] if X is None else list(np.asarray(X, dtype=float))
    if X is None and initial_state is not None and np.ndim(initial_state) == 2:
        rows = [None] * len(initial_state)
    ops = [_sparse_pauli(o, n) for o in observables]
    out = np.empty((len(rows), len(ops)))
    for b, xb in enumerate(rows):
        init = initial_state
        if init is not None and np.ndim(init) == 2:
            init = init[b]
        sv = Statevector(qiskit_statevector(circuit, xb, weights, init))
        out[b] = [sv.expectation_value(o).real for o in ops]
    return out
