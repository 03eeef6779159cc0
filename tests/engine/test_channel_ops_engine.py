"""Circuits holding channel operations run on the exact density-matrix engine, with or without
a noise model: their density matrices equal Qiskit Aer's (reset as Aer's own instruction),
gradients equal finite differences and parameter shift, shots and trajectories agree with the
exact values, and the ideal engine refuses what it cannot do."""

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Operation
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import (
    density_expval,
    density_vjp,
    expval,
    statevector,
    trajectory_vjp,
    vjp,
)
from tests.engine.test_density_oracles import MIXED, _labels
from tests.reference.noisy_oracles import aer_density_matrix, rho_from_paulis
from tests.reference.random_circuits import random_circuit

CHANNELS = [("depolarizing", (0.1,)), ("depolarizing2", (0.2,)), ("bit_flip", (0.15,)),
            ("phase_flip", (0.2,)), ("bit_phase_flip", (0.1,)), ("pauli", (0.1, 0.05, 0.02)),
            ("amplitude_damping", (0.3,)), ("phase_damping", (0.4,)),
            ("thermal_relaxation", (50.0, 60.0, 3.0, 0.1)), ("reset", ()), ("measure", ())]


def _with_channels(rng, n: int, n_ops: int) -> Circuit:
    """A random circuit with every channel operation inserted at random places and wires."""
    circuit = random_circuit(rng, n, n_ops, n_weights=4, n_features=2, kinds="cwxe")
    for name, params in CHANNELS:
        wires = tuple(int(q) for q in rng.choice(n, 2 if name == "depolarizing2" else 1,
                                                 replace=False))
        position = int(rng.integers(len(circuit.operations) + 1))
        circuit = circuit.inserted(position, Operation(name, wires, params))
    return circuit


@pytest.fixture(scope="module")
def circuit():
    return _with_channels(np.random.default_rng(5), 3, 16)


@pytest.mark.parametrize("noise", [None, MIXED], ids=["no model", "with a model"])
def test_density_matrices_equal_qiskit_aer(circuit, noise):
    rng = np.random.default_rng(2)
    X, ws = rng.uniform(-2, 2, size=(2, 2)), rng.normal(size=4)
    labels = _labels(3)
    values = density_expval(circuit, X, ws, labels, noise)
    if noise is None:  # the ideal entry points take the same route
        np.testing.assert_array_equal(expval(circuit, X, ws, labels), values)
    for b in range(2):
        ours = rho_from_paulis(np.concatenate([[1.0], values[b]]), ["I0", *labels], 3)
        reference = aer_density_matrix(circuit, X[b], ws, noise or NoiseModel.ideal())
        np.testing.assert_allclose(ours, reference, atol=1e-10)


def test_gradients_equal_finite_differences(circuit):
    rng = np.random.default_rng(4)
    X, ws = rng.uniform(-2, 2, size=(3, 2)), rng.normal(size=4)
    obs, cot = ["Z0", "X1 Y2"], rng.normal(size=(3, 2))
    _, grad = vjp(circuit, X, ws, obs, cot)
    np.testing.assert_array_equal(grad, density_vjp(circuit, X, ws, obs, None, cot)[1])
    step, fd = 1e-6, np.zeros(4)
    for k in range(4):
        shift = step * np.eye(4)[k]
        fd[k] = np.sum(cot * (expval(circuit, X, ws + shift, obs)
                              - expval(circuit, X, ws - shift, obs))) / (2 * step)
    np.testing.assert_allclose(grad, fd, atol=1e-8)


def test_shots_and_parameter_shift_run_on_the_density_matrix(circuit):
    rng = np.random.default_rng(4)
    X, ws, obs = rng.uniform(-2, 2, size=(3, 2)), rng.normal(size=4), ["Z0", "X1Z2"]
    exact = expval(circuit, X, ws, obs)
    shots = 4000
    sampled = expval(circuit, X, ws, obs, shots=shots, seed=1)
    # A mean of ±1 outcomes: standard error sqrt((1 − v²)/N); allow 4 of them (and 1e-12).
    bound = 4 * np.sqrt((1 - exact**2) / shots) + 1e-12
    assert np.all(np.abs(sampled - exact) <= bound)
    cot = rng.normal(size=(3, 2))
    _, adjoint = vjp(circuit, X, ws, obs, cot)
    _, shifted = vjp(circuit, X, ws, obs, cot, method="parameter-shift")
    np.testing.assert_allclose(shifted, adjoint, atol=1e-10)


def test_what_the_density_engine_cannot_take_is_refused_by_name(circuit):
    ws = np.zeros(4)
    with pytest.raises(CircuitError, match=r"holds channel operations.*takes no initial_state"):
        expval(circuit, [[0.1, 0.2]], ws, "Z0", initial_state=np.eye(8)[0])
    with pytest.raises(CircuitError, match="its state is a density matrix"):
        statevector(circuit, [0.1, 0.2], ws)


def test_trajectories_unravel_channel_operations_within_four_standard_errors(circuit):
    rng = np.random.default_rng(2)
    X, ws, obs = rng.uniform(-2, 2, size=(2, 2)), rng.normal(size=4), ["Z0", "X1", "Z2"]
    cot = rng.normal(size=(2, 3))
    exact, grad = density_vjp(circuit, X, ws, obs, None, cot)
    estimate = trajectory_vjp(circuit, X, ws, obs, None, cot, trajectories=2000, seed=3)
    assert np.all(np.abs(estimate.values - exact) <= 4 * estimate.stderr + 1e-12)
    assert np.all(np.abs(estimate.dweights - grad) <= 4 * estimate.dweights_stderr + 1e-12)
    assert estimate.stderr.max() > 0  # the channels did branch
