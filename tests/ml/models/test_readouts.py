"""Readouts: per-qubit ⟨Z⟩, parity over chosen qubits and the trained linear layer, for binary,
multi-class and regression models. Values are checked against numpy applied to the engine's
expectation values, gradients against central finite differences of the model's own loss."""

import numpy as np
import pytest

from qmlstudio.core import ModelSpec, ProjectError, ReadoutParams
from qmlstudio.core.model_spec import default_observables
from qmlstudio.engine import expval, statevector
from qmlstudio.ml.models.quantum_model import QuantumModel
from qmlstudio.ml.models.templates import build_model_circuit, init_weights
from tests.ml.models.test_quantum_model import check_gradients, data

ALL_Z = ("Z0", "Z1", "Z2", "Z3")


def _linear(n_outputs, n_observables, rng):
    return np.r_[rng.normal(0, 1.5, n_outputs * n_observables), rng.normal(0, 0.5, n_outputs)]


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "hinge"])
def test_binary_linear_readout_over_every_qubit(loss):
    circuit = build_model_circuit(4, 3, layers=2)
    model = QuantumModel(circuit, ModelSpec(readout="linear", observables=ALL_Z,
                                            class_labels=(0, 1)), loss)
    X, rng = data(3)
    w = init_weights(circuit.n_weights, "uniform", rng)
    readout = _linear(1, 4, rng)
    E = expval(circuit, X, w, ALL_Z)
    z = E @ readout[:4] + readout[4]
    np.testing.assert_allclose(model.predict_proba(X, w, readout)[:, 1], 1 / (1 + np.exp(-z)),
                               atol=1e-12)
    _, _, dr = check_gradients(model, X, rng.integers(0, 2, 6), w, readout)
    assert dr.shape == (5,)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_multiclass_linear_readout_maps_any_number_of_observables_to_the_classes(loss):
    circuit = build_model_circuit(4, 4, layers=2)
    observables = ("Z0", "Z1", "Z2", "Z3", "Z0 Z1")
    model = QuantumModel(circuit, ModelSpec(readout="linear", observables=observables,
                                            class_labels=("a", "b", "c")), loss)
    X, rng = data(4)
    w = init_weights(circuit.n_weights, "uniform", rng)
    readout = _linear(3, 5, rng)
    logits = expval(circuit, X, w, observables) @ readout[:15].reshape(3, 5).T + readout[15:]
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X, w, readout), p, atol=1e-12)
    check_gradients(model, X, rng.integers(0, 3, 6), w, readout)


def test_regression_linear_readout_and_its_gradient():
    circuit = build_model_circuit(3, 1, layers=2, reuploading=True)
    model = QuantumModel(circuit, ModelSpec("regression", readout="linear",
                                            observables=("Z0", "Z2")))
    X, rng = data(1)
    w = init_weights(circuit.n_weights, "uniform", rng)
    readout = _linear(1, 2, rng)
    E = expval(circuit, X, w, ("Z0", "Z2"))
    np.testing.assert_allclose(model.predict(X, w, readout), E @ readout[:2] + readout[2],
                               atol=1e-12)
    check_gradients(model, X, rng.normal(size=6), w, readout)


def test_parity_over_chosen_qubits_for_a_regressor():
    circuit = build_model_circuit(3, 2, layers=2)
    model = QuantumModel(circuit, ModelSpec("regression", readout="parity",
                                            observables=("Z0 Z2",)))
    X, rng = data(2)
    w = init_weights(circuit.n_weights, "uniform", rng)
    probabilities = np.abs(np.array([statevector(circuit, x, w) for x in X])) ** 2
    bits = (np.arange(8)[:, None] >> np.array([2, 1, 0])) & 1  # wire 0 is the top bit
    parity = (-1.0) ** (bits[:, 0] + bits[:, 2])
    np.testing.assert_allclose(model.predict(X, w, np.array([2.0, 0.5])),
                               2.0 * probabilities @ parity + 0.5, atol=1e-12)
    check_gradients(model, X, rng.normal(size=6), w, np.array([2.0, 0.5]))


def test_the_cotangent_for_the_circuit_is_w_transpose_times_the_output_gradient():
    """The circuit's weight gradient equals the ⟨Z⟩ readout's when the linear layer is the
    identity — the same model — and scales with the layer otherwise."""
    circuit = build_model_circuit(2, 2, layers=1)
    X, rng = data(2)
    w = init_weights(circuit.n_weights, "uniform", rng)
    y = rng.normal(size=6)
    plain = QuantumModel(circuit, ModelSpec("regression", observables=("Z0",)))
    linear = QuantumModel(circuit, ModelSpec("regression", readout="linear",
                                             observables=("Z0", "Z1")))
    identity = linear.readout_vector(None)
    np.testing.assert_array_equal(identity, [1.0, 0.0, 0.0])
    a = plain.loss_and_grad(X, y, w, np.array([1.0, 0.0]))
    b = linear.loss_and_grad(X, y, w, identity)
    assert a[0] == pytest.approx(b[0], abs=1e-12)
    np.testing.assert_allclose(a[1], b[1], atol=1e-12)


def test_initial_linear_readout_is_the_expval_model_and_round_trips():
    spec = ModelSpec(readout="linear", observables=ALL_Z[:3], class_labels=(1, 2, 3))
    initial = spec.initial_readout()
    assert initial.weights == (1, 0, 0, 0, 1, 0, 0, 0, 1) and initial.bias == (0, 0, 0)
    model = QuantumModel(build_model_circuit(3, 2, layers=1), spec)
    vector = np.arange(12.0)
    params = model.readout_params(vector)
    assert params.weights == tuple(range(9)) and params.bias == (9.0, 10.0, 11.0)
    np.testing.assert_array_equal(model.readout_vector(params), vector)


def test_default_observables():
    assert default_observables("linear", "classification", 3, 4) == ALL_Z
    assert default_observables("expval", "classification", 2, 4) == ("Z0",)
    assert default_observables("expval", "classification", 3, 4) == ("Z0", "Z1", "Z2")
    assert default_observables("parity", "regression", 0, 3) == ("Z0 Z1 Z2",)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ModelSpec("regression", observables=("Z0", "Z1")), "'linear' readout"),
    (lambda: ModelSpec(observables=("Z0", "Z1"), class_labels=(0, 1, 2)), "'linear' readout"),
    (lambda: ReadoutParams((1.0,), (0.0,), (1.0,)), "no scales"),
    (lambda: ReadoutParams(bias=(0.0, 0.0), weights=(1.0, 2.0, 3.0)), "rows"),
    (lambda: ModelSpec(readout="linear", observables=ALL_Z).check_readout(
        ReadoutParams((1.0,), (0.0,))), "needs 1x4 weights"),
    (lambda: ModelSpec().check_readout(ReadoutParams(bias=(0.0,), weights=(1.0,))),
     "only a 'linear' readout"),
])
def test_readouts_that_do_not_fit_are_refused(make, message):
    with pytest.raises(ProjectError, match=message):
        make()


def test_linear_readout_gradients_agree_between_adjoint_and_parameter_shift():
    circuit = build_model_circuit(3, 2, layers=1)
    spec = ModelSpec(readout="linear", observables=("Z0", "Z1", "Z1 Z2"), class_labels=(0, 1))
    X, rng = data(2)
    w = init_weights(circuit.n_weights, "uniform", rng)
    readout, y = _linear(1, 3, rng), rng.integers(0, 2, 6)
    adjoint = QuantumModel(circuit, spec).loss_and_grad(X, y, w, readout)
    shift = QuantumModel(circuit, spec, method="parameter-shift").loss_and_grad(X, y, w, readout)
    for a, b in zip(adjoint, shift, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_a_frozen_linear_readout_gets_a_zero_gradient():
    circuit = build_model_circuit(2, 2, layers=1)
    spec = ModelSpec(readout="linear", observables=("Z0", "Z1"), class_labels=(0, 1),
                     train_readout=False)
    X, rng = data(2)
    w = init_weights(circuit.n_weights, "uniform", rng)
    _, dw, dr = QuantumModel(circuit, spec).loss_and_grad(X, rng.integers(0, 2, 6), w, None)
    assert np.abs(dw).sum() > 0 and not dr.any() and dr.shape == (3,)
