"""The exact noisy engine against independent references: Qiskit Aer's density matrices,
PennyLane ``default.mixed`` values and backprop gradients, and finite differences."""

from dataclasses import replace
from itertools import product

import numpy as np
import pytest

from qmlstudio.core.noise import Channel, NoiseModel, NoiseRule, ReadoutError
from qmlstudio.engine import density_expval, density_vjp, expval, vjp
from qmlstudio.io.noise_file import bundled_device_noise
from tests.reference.dense import simulate
from tests.reference.noisy_oracles import aer_density_matrix, pennylane_expval, rho_from_paulis
from tests.reference.random_circuits import random_circuit

MIXED = NoiseModel((
    NoiseRule(((Channel.depolarizing(0.05), ()),)),
    NoiseRule(((Channel("amplitude_damping", (0.07,)), (1,)),), n_wires=2),
    NoiseRule(((Channel.depolarizing(0.08, 2), ()),), gates=("cx", "cz", "crx", "rzz")),
    NoiseRule(((Channel("phase_damping", (0.11,)), ()), (Channel("pauli", (0.02, 0.03, 0.01)),
                                                          ())), gates=("ry", "h", "u3")),
    NoiseRule(((Channel.thermal_relaxation(50.0, 70.0, 3.0, 0.05), (0,)),), gates=("ccx",)),
    NoiseRule(((Channel.kraus(Channel("bit_phase_flip", (0.06,)).kraus_operators()), ()),),
              gates=("rx", "sx")),
))
"""Every kind of step: merged 1-qubit depolarizing, 2-qubit depolarizing, superoperators on
one and two wires after 1-, 2- and 3-qubit gates."""

MANILA = bundled_device_noise("manila")
MODELS = {
    "uniform": NoiseModel.uniform_depolarizing(0.03),
    "thermal": NoiseModel.thermal(40.0, 30.0, 1.5, 4.0),
    "manila": replace(MANILA, readout=()),  # the channels; readout errors are tested below
    "mixed": MIXED,
}


def _all_paulis(n: int) -> list[str]:
    return [" ".join(f"{c}{q}" for q, c in enumerate(letters) if c != "I") or "I0"
            for letters in product("IXYZ", repeat=n)]


def _labels(n):
    # "I0" is not a Pauli string our parser takes; the identity's value is 1 (trace 1).
    return [label for label in _all_paulis(n) if label != "I0"]


@pytest.mark.parametrize("model", MODELS)
def test_density_matrices_equal_qiskit_aer(model):
    noise = MODELS[model]
    rng = np.random.default_rng(sum(map(ord, model)))
    for n, n_ops in ((3, 18), (4, 14)):
        circuit = random_circuit(rng, n, n_ops, n_weights=4, n_features=2, kinds="cwxe")
        X, ws = rng.uniform(-2, 2, size=(2, 2)), rng.normal(size=4)
        labels = _labels(n)
        values = density_expval(circuit, X, ws, labels, noise)
        for b in range(2):
            ours = rho_from_paulis(np.concatenate([[1.0], values[b]]), ["I0", *labels], n)
            np.testing.assert_allclose(ours, aer_density_matrix(circuit, X[b], ws, noise),
                                       atol=1e-10)


def _fd(circuit, X, ws, obs, noise, cot, step=1e-6):
    out = np.zeros(len(ws))
    for k in range(len(ws)):
        plus, minus = ws.copy(), ws.copy()
        plus[k] += step
        minus[k] -= step
        out[k] = np.sum(cot * (density_expval(circuit, X, plus, obs, noise)
                               - density_expval(circuit, X, minus, obs, noise))) / (2 * step)
    return out


@pytest.mark.filterwarnings("ignore:Casting complex values:numpy.exceptions.ComplexWarning")
@pytest.mark.parametrize("model", ["uniform", "mixed", "manila"])
def test_values_and_gradients_equal_pennylane_and_finite_differences(model):
    noise = MODELS[model]
    rng = np.random.default_rng(7 + len(model))
    circuit = random_circuit(rng, 3, 16, n_weights=5, n_features=2, kinds="cwxe")
    X, ws = rng.uniform(-2, 2, size=(3, 2)), rng.normal(size=5)
    obs = ["Z0", "X1 Y2", "Z0 Z1 Z2"]
    cot = rng.normal(size=(3, 3))
    values, grad = density_vjp(circuit, X, ws, obs, noise, cot)
    ref_values, ref_grad = pennylane_expval(circuit, X, ws, obs, noise, cot)
    np.testing.assert_allclose(values, ref_values, atol=1e-10)
    np.testing.assert_allclose(grad, ref_grad, atol=1e-8)
    np.testing.assert_allclose(grad, _fd(circuit, X, ws, obs, noise, cot), atol=1e-8)
    np.testing.assert_allclose(density_expval(circuit, X, ws, obs, noise), values, atol=1e-14)


def test_a_cotangent_function_gives_the_same_gradient_as_its_array():
    rng = np.random.default_rng(3)
    circuit = random_circuit(rng, 3, 20, n_weights=4, n_features=2)
    X, ws = rng.uniform(-2, 2, size=(5, 2)), rng.normal(size=4)
    target = rng.normal(size=(5, 2))
    noise = MODELS["mixed"]
    for obs in (["Z0"], ["Z0", "X2"]):
        target_k = target[:, :len(obs)]
        values, grad = density_vjp(circuit, X, ws, obs, noise,
                                   lambda v, t=target_k: 2 * (v - t))
        expected = density_vjp(circuit, X, ws, obs, noise, 2 * (values - target_k))
        np.testing.assert_allclose(values, expected[0], atol=1e-14)
        np.testing.assert_allclose(grad, expected[1], atol=1e-12)


def test_without_noise_the_statevector_engine_answers():
    rng = np.random.default_rng(11)
    circuit = random_circuit(rng, 3, 20, n_weights=4, n_features=2)
    X, ws = rng.uniform(-2, 2, size=(4, 2)), rng.normal(size=4)
    cot = rng.normal(size=(4, 2))
    for noise in (None, NoiseModel.ideal()):
        np.testing.assert_array_equal(density_expval(circuit, X, ws, ["Z0", "Y1"], noise),
                                      expval(circuit, X, ws, ["Z0", "Y1"]))
        for ours, ideal in zip(density_vjp(circuit, X, ws, ["Z0", "Y1"], noise, cot),
                               vjp(circuit, X, ws, ["Z0", "Y1"], cot), strict=True):
            np.testing.assert_array_equal(ours, ideal)
    # A depolarizing probability of 0 is the ideal circuit through the density engine.
    values, grad = density_vjp(circuit, X, ws, ["Z0", "Y1"],
                               NoiseModel.uniform_depolarizing(0.0), cot)
    ideal = vjp(circuit, X, ws, ["Z0", "Y1"], cot)
    np.testing.assert_allclose(values, ideal[0], atol=1e-12)
    np.testing.assert_allclose(grad, ideal[1], atol=1e-12)


def _read_z_products(probabilities, n, noise, observables):
    """⟨Π Z⟩ from the computational-basis probabilities after each qubit's confusion matrix."""
    p = probabilities.reshape((2,) * n)
    for q in range(n):
        error = noise.readout_error(q)
        confusion = np.array(error.matrix) if error else np.eye(2)  # rows: true, columns: read
        p = np.moveaxis(np.tensordot(p, confusion, axes=([q], [0])), -1, q)
    p = p.reshape(-1)
    bits = (np.arange(2 ** n)[:, None] >> (n - 1 - np.arange(n))) & 1
    return np.array([p @ np.prod(1 - 2 * bits[:, [int(t[1:]) for t in o.split()]], axis=1)
                     for o in observables])


@pytest.mark.parametrize("with_channels", [True, False])
def test_readout_errors_apply_to_z_products_exactly(with_channels):
    rng = np.random.default_rng(5)
    asymmetric = {q: ReadoutError(0.02 + 0.01 * q, 0.05 - 0.01 * q) for q in range(3)}
    noise = replace(MANILA if with_channels else NoiseModel(), readout=tuple(asymmetric.items()))
    circuit = random_circuit(rng, 3, 16, n_weights=4, n_features=2, kinds="cwx")
    X, ws = rng.uniform(-2, 2, size=(2, 2)), rng.normal(size=4)
    obs = ["Z0", "Z1 Z2", "Z0 Z1 Z2", "Z2"]
    values = density_expval(circuit, X, ws, obs, noise)
    for b in range(2):
        probabilities = (np.diag(aer_density_matrix(circuit, X[b], ws, noise)).real
                         if with_channels else np.abs(simulate(circuit, X[b], ws)) ** 2)
        np.testing.assert_allclose(values[b], _read_z_products(probabilities, 3, noise, obs),
                                   atol=1e-10)
    cot = rng.normal(size=(2, 4))
    _, grad = density_vjp(circuit, X, ws, obs, noise, cot)
    np.testing.assert_allclose(grad, _fd(circuit, X, ws, obs, noise, cot), atol=1e-8)
    _, by_function = density_vjp(circuit, X, ws, obs, noise, lambda v: cot)
    np.testing.assert_allclose(by_function, grad, atol=1e-12)
