"""Circuits of one-wire gates only, from |0…0⟩: measured and differentiated wire by wire
(``engine/leading_layer.py``) without building the state — values, gradients (adjoint and
parameter-shift) and the state itself against the dense reference and its finite
differences."""

import numpy as np
import pytest

import qmlstudio as qs
from qmlstudio.core import Circuit, w, x
from tests.reference.dense import dense_expval, simulate

OBSERVABLES = ["Z0", "X1", "Y2", "Z0 Z1", "X0 Y1 Z2 X3", "Y1 Y3", "Z3"]


def separable(n: int) -> Circuit:
    """Each wire: an encoding, a trained input scaling and a rotation of every axis."""
    circuit = Circuit(n)
    for q in range(n):
        circuit = (circuit.add("h", q).add("rz", q, x(q % 3)).add("ry", q, w(4 * q) * x(1))
                   .add("rx", q, w(4 * q + 1)).add("ry", q, w(4 * q + 2))
                   .add("rz", q, w(4 * q + 3)))
    return circuit


@pytest.mark.parametrize("n_samples", [1, 8, 19])
def test_values_and_gradients_of_a_separable_circuit_are_the_dense_references(n_samples):
    circuit = separable(4)
    rng = np.random.default_rng(n_samples)
    X = rng.uniform(-2, 2, (n_samples, 3))
    ws = rng.normal(size=circuit.n_weights)
    cot = rng.normal(size=(n_samples, len(OBSERVABLES)))
    expected = dense_expval(circuit, X, ws, OBSERVABLES)
    np.testing.assert_allclose(qs.expval(circuit, X, ws, OBSERVABLES), expected, atol=1e-13)
    step = 1e-6
    slopes = []
    for k in range(circuit.n_weights):
        shift = np.zeros_like(ws)
        shift[k] = step
        slopes.append(np.sum(cot * (dense_expval(circuit, X, ws + shift, OBSERVABLES)
                                    - dense_expval(circuit, X, ws - shift, OBSERVABLES)))
                      / (2 * step))
    for method in ("adjoint", "parameter-shift"):
        values, grad = qs.vjp(circuit, X, ws, OBSERVABLES, cot, method=method)
        np.testing.assert_allclose(values, expected, atol=1e-13)
        np.testing.assert_allclose(grad, slopes, atol=1e-7)


def test_the_state_of_a_separable_circuit_is_the_dense_reference():
    circuit = separable(3)
    ws = np.random.default_rng(2).normal(size=circuit.n_weights)
    row = np.array([0.3, -1.1, 0.7])
    np.testing.assert_allclose(qs.statevector(circuit, row, ws),
                               simulate(circuit, row, ws), atol=1e-13)


def test_a_folded_entangling_tail_keeps_the_observables_signs():
    # The trailing CNOTs fold into the observables (Y0 Y1 becomes minus a product of
    # one-wire Paulis): what is left is a product circuit, measured with that sign.
    circuit = separable(3).add("cx", [0, 1]).add("cx", [1, 2])
    rng = np.random.default_rng(4)
    X = rng.uniform(-2, 2, (5, 3))
    ws = rng.normal(size=circuit.n_weights)
    observables = ["Y0 Y1", "X0 X2", "Z1 Y2", "Y0"]
    cot = rng.normal(size=(5, 4))
    values, grad = qs.vjp(circuit, X, ws, observables, cot)
    np.testing.assert_allclose(values, dense_expval(circuit, X, ws, observables), atol=1e-13)
    step = 1e-6
    for k in range(circuit.n_weights):
        shift = np.zeros_like(ws)
        shift[k] = step
        slope = np.sum(cot * (dense_expval(circuit, X, ws + shift, observables)
                              - dense_expval(circuit, X, ws - shift, observables))) / (2 * step)
        assert grad[k] == pytest.approx(slope, abs=1e-7)
