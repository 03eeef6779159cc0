"""The state view's maths without Qt: Bloch vectors and marginals against Qiskit's partial
traces and probabilities, and what a snapshot simulates."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import DensityMatrix, Statevector, partial_trace

from qmlstudio.core import Circuit, Project, w
from qmlstudio.viewmodels.state_snapshot import (
    MAX_BASIS_QUBITS,
    bloch_components,
    qubit_marginals,
    simulate_snapshot,
)

_PAULIS = (np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.diag([1.0, -1.0]))


def _random_state(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    state = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return state / np.linalg.norm(state)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_bloch_vectors_are_those_of_qiskits_reduced_states(n):
    state = _random_state(n, seed=n)
    # Qiskit numbers qubits from the least significant bit; our wire 0 is the most significant.
    qiskit_state = Statevector(state)
    for wire, vector in enumerate(bloch_components(state, n)):
        qiskit_qubit = n - 1 - wire
        others = [q for q in range(n) if q != qiskit_qubit]
        rho = partial_trace(DensityMatrix(qiskit_state), others).data if others else \
            np.outer(state, state.conj())
        assert_allclose(vector, [np.trace(rho @ p).real for p in _PAULIS], atol=1e-12)


def test_marginals_are_qiskits_single_qubit_probabilities():
    n = 4
    state = _random_state(n, seed=7)
    probabilities = np.abs(state) ** 2
    expected = [Statevector(state).probabilities([n - 1 - wire])[1] for wire in range(n)]
    assert_allclose(qubit_marginals(probabilities, n), expected, atol=1e-12)


def test_a_snapshot_of_a_circuit_without_features_starts_from_zero():
    circuit = Circuit(2).add("ry", [0], np.pi / 2).add("cx", [0, 1]).add("rz", [1], w(0))
    snapshot = simulate_snapshot(Project(circuit=circuit), sample=0)
    assert_allclose(snapshot.probabilities, [0.5, 0, 0, 0.5], atol=1e-12)
    assert_allclose(snapshot.bloch, np.zeros((2, 3)), atol=1e-12)  # a Bell pair
    assert snapshot.sample == -1 and "no data features" in snapshot.note
    assert "initial weights" in snapshot.note


def test_above_the_basis_limit_a_snapshot_holds_marginals():
    n = MAX_BASIS_QUBITS + 1
    circuit = Circuit(n).add("x", [n - 1])
    snapshot = simulate_snapshot(Project(circuit=circuit), sample=0)
    assert snapshot.marginal and snapshot.probabilities.shape == (n,)
    assert_allclose(snapshot.probabilities, [0.0] * (n - 1) + [1.0], atol=1e-12)
