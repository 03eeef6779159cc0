"""The state view's maths without Qt: Bloch vectors and marginals against Qiskit's partial
traces and probabilities, and what a snapshot simulates."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose
from qiskit.quantum_info import DensityMatrix, Statevector, partial_trace

from qmlstudio.core import Circuit, Project, TrainingConfig, w
from qmlstudio.core.noise import NoiseModel, ReadoutError
from qmlstudio.viewmodels.mixed_state import MAX_MIXED_BASIS_QUBITS, mixed_state
from qmlstudio.viewmodels.state_snapshot import (
    MAX_BASIS_QUBITS,
    bloch_components,
    qubit_marginals,
    simulate_snapshot,
    simulate_states,
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


# -- under a noise model ---------------------------------------------------------------------
def test_a_noise_models_readout_errors_leave_the_state_alone():
    circuit = Circuit(2).add("ry", [0], 0.7).add("cx", [0, 1])
    depolarizing = NoiseModel.uniform_depolarizing(0.1)
    with_readout = simulate_snapshot(Project(circuit, noise=NoiseModel.uniform_depolarizing(
        0.1, readout=0.2)), sample=0)
    without = simulate_snapshot(Project(circuit, noise=depolarizing), sample=0)
    assert_allclose(with_readout.probabilities, without.probabilities, atol=1e-12)
    assert with_readout.purity == pytest.approx(without.purity, abs=1e-12)
    readout_only = simulate_snapshot(Project(circuit, noise=NoiseModel(
        default_readout=ReadoutError(0.2, 0.1))), sample=0)
    assert not readout_only.noisy and readout_only.method == "state vector"
    # ... and so does mixed_state itself when handed the whole model.
    whole, channels = (mixed_state(circuit, None, np.zeros(0), noise, TrainingConfig())
                       for noise in (NoiseModel.uniform_depolarizing(0.1, readout=0.2),
                                     depolarizing))
    assert_allclose(whole.probabilities, channels.probabilities, atol=1e-12)


def test_the_comparison_is_the_ideal_state_of_the_same_sample():
    circuit = Circuit(1).add("ry", [0], 0.4)
    project = Project(circuit, noise=NoiseModel.uniform_depolarizing(0.2))
    noisy, ideal = simulate_states(project, 0, compare=True)
    assert noisy.noisy and noisy.method == "exact density matrix"
    assert noisy.bloch_lengths == pytest.approx([0.8]) and noisy.purity == pytest.approx(0.82)
    assert not ideal.noisy and ideal.purity == 1.0
    assert ideal.bloch_lengths == pytest.approx([1.0])
    assert ideal.bloch == pytest.approx(noisy.bloch / 0.8)
    assert simulate_states(project, 0)[1] is None  # not asked to compare
    assert simulate_states(Project(circuit), 0, compare=True)[1] is None  # nothing to compare
    # Mixed by the circuit's own channel: no noise model to leave out, no ideal state.
    channel = simulate_states(Project(circuit.add("depolarizing", [0], 0.2)), 0, compare=True)
    assert channel[0].noisy and not channel[0].comparable and channel[1] is None
    assert channel[0].bloch_lengths == pytest.approx([0.8])


def test_trajectories_estimate_the_state_without_a_purity():
    n = MAX_MIXED_BASIS_QUBITS + 1
    circuit = Circuit(n).add("x", [0])
    project = Project(circuit, noise=NoiseModel.uniform_depolarizing(0.3),
                      training=TrainingConfig(noise_method="trajectories", trajectories=200))
    noisy, ideal = simulate_states(project, 0, compare=True)
    assert noisy.method == "Monte-Carlo trajectories (200 per sample, estimates)"
    assert noisy.purity is None and noisy.marginal and ideal.marginal
    assert ideal.probabilities == pytest.approx([1.0] + [0.0] * (n - 1))
    assert 0.7 < noisy.probabilities[0] < 0.95  # exactly 1 − 0.3 / 2 = 0.85, estimated
    exact = simulate_snapshot(replace(project, training=TrainingConfig()), 0)
    assert exact.method == "exact density matrix" and exact.purity is None  # 4**7 values
    assert exact.probabilities[0] == pytest.approx(0.85)
