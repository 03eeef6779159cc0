"""Circuits holding channel operations run on the exact density-matrix engine, with or without
a noise model: their density matrices equal Qiskit Aer's (reset as Aer's own instruction),
gradients equal finite differences, and the ideal engine refuses what it cannot do."""

import numpy as np
import pytest

from qmlstudio.core import Circuit, CircuitError, Operation
from qmlstudio.core.noise import NoiseModel
from qmlstudio.engine import density_expval, density_vjp, expval, statevector, vjp
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


def test_what_the_density_engine_cannot_take_is_refused_by_name(circuit):
    ws = np.zeros(4)
    with pytest.raises(CircuitError, match=r"holds channel operations.*takes no shots"):
        expval(circuit, [[0.1, 0.2]], ws, "Z0", shots=100)
    with pytest.raises(CircuitError, match="takes no method"):
        vjp(circuit, [[0.1, 0.2]], ws, "Z0", [[1.0]], method="parameter-shift")
    with pytest.raises(CircuitError, match="its state is a density matrix"):
        statevector(circuit, [0.1, 0.2], ws)
