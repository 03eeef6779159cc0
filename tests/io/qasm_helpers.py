"""Shared by the OpenQASM tests: Qiskit's state in QML Studio's bit order."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector


def qiskit_state(qc: QuantumCircuit) -> np.ndarray:
    """Qiskit's final state without final measurements, indexed in QML Studio's order.

    Qiskit's qubit k is the k-th least significant bit; ours, wire k, the k-th most
    significant: reshaping to one axis per qubit and reversing the axes converts.
    """
    qc = qc.remove_final_measurements(inplace=False)
    n = qc.num_qubits
    data = Statevector(qc).data
    return data.reshape((2,) * n).transpose(tuple(range(n - 1, -1, -1))).ravel()
