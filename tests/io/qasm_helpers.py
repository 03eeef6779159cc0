"""Shared by the OpenQASM tests: Qiskit's state in QML Studio's bit order, and a density
matrix compared through Pauli expectation values."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qmlstudio.core import Circuit
from qmlstudio.engine import expval
from tests.reference.dense import pauli_operator


def qiskit_state(qc: QuantumCircuit, aer: bool = False) -> np.ndarray:
    """Qiskit's final state without final measurements, indexed in QML Studio's order: from
    ``quantum_info.Statevector``, or with ``aer`` from Qiskit Aer's statevector method (half
    the time on the 187k-gate file).

    Qiskit's qubit k is the k-th least significant bit; ours, wire k, the k-th most
    significant: reshaping to one axis per qubit and reversing the axes converts.
    """
    qc = qc.remove_final_measurements(inplace=False)
    n = qc.num_qubits
    if aer:
        from qiskit_aer import AerSimulator

        qc.save_statevector()
        result = AerSimulator(method="statevector").run(qc).result()
        data = np.asarray(result.get_statevector())
    else:
        data = Statevector(qc).data
    return data.reshape((2,) * n).transpose(tuple(range(n - 1, -1, -1))).ravel()


def _pauli_labels(n: int) -> list[str]:
    """Every Pauli string on up to five qubits (they fix ρ); on more, every one- and two-qubit
    string (enough to catch a misplaced channel, at a cost the suite can pay)."""
    if n <= 5:
        strings = product("IXYZ", repeat=n)
        return [label for letters in strings
                if (label := " ".join(f"{c}{q}" for q, c in enumerate(letters) if c != "I"))]
    return [f"{a}{i}" for i in range(n) for a in "XYZ"] + [
        f"{a}{i} {b}{j}" for i, j in combinations(range(n), 2) for a in "XYZ" for b in "XYZ"]


def assert_density_matches(circuit: Circuit, rho: np.ndarray, atol: float = 1e-10) -> None:
    """Our exact engine's Pauli expectation values of ``circuit`` equal ``Tr(P ρ)`` of the
    reference density matrix ``rho`` (QML Studio's index order) within ``atol``. ``rho`` may
    cover only the circuit's first wires (the program's qubits): the Pauli strings then act on
    those, which traces out the rest (an imported program's record wires)."""
    n = rho.shape[0].bit_length() - 1
    labels = _pauli_labels(n)
    ours = expval(circuit, None, np.zeros(circuit.n_weights), labels)[0]
    reference = [np.sum(pauli_operator(label, n) * rho.T).real for label in labels]
    np.testing.assert_allclose(ours, reference, atol=atol, rtol=0)
