"""QuantumModel: readout maths, and loss_and_grad (one engine vjp call) against central finite
differences of the model's own loss computed through the forward path (expval)."""

import numpy as np
import pytest

from qmlstudio.core import (
    Circuit,
    CircuitError,
    DatasetError,
    ModelSpec,
    Project,
    ProjectError,
    ReadoutParams,
    TrainingConfig,
)
from qmlstudio.ml.models.quantum_model import QuantumModel
from qmlstudio.ml.models.templates import build_model_circuit, init_weights

STEP = 1e-6


def fd(f, v):
    """Central-difference gradient of the scalar function ``f`` at ``v``."""
    out = np.zeros(len(v))
    for k in range(len(v)):
        plus, minus = v.copy(), v.copy()
        plus[k] += STEP
        minus[k] -= STEP
        out[k] = (f(plus) - f(minus)) / (2 * STEP)
    return out


def check_gradients(model, X, y, weights, readout):
    loss, dw, dr = model.loss_and_grad(X, y, weights, readout)
    assert loss == pytest.approx(model.loss_value(X, y, weights, readout), abs=1e-12)
    np.testing.assert_allclose(
        dw, fd(lambda v: model.loss_value(X, y, v, readout), weights), atol=1e-7)
    np.testing.assert_allclose(
        dr, fd(lambda v: model.loss_value(X, y, weights, v), readout), atol=1e-7)
    return loss, dw, dr


def data(n_features, n_samples=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, np.pi, size=(n_samples, n_features)), rng


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "hinge"])
def test_binary_single_observable(loss):
    circuit = build_model_circuit(2, 2, layers=2)
    model = QuantumModel(circuit, ModelSpec(class_labels=("no", "yes")), loss)
    X, rng = data(2)
    y = np.array([0, 1, 1, 0, 1, 0])
    readout = np.array([1.7, -0.2])
    check_gradients(model, X, y, rng.normal(size=circuit.n_weights), readout)


def test_binary_parity_readout_is_sigmoid_of_the_scaled_parity():
    circuit = build_model_circuit(3, 3, ansatz="hardware_efficient", layers=2)
    spec = ModelSpec(readout="parity", observables=("Z0 Z1 Z2",), class_labels=(0, 1))
    model = QuantumModel(circuit, spec)
    X, rng = data(3)
    weights, readout = rng.normal(size=circuit.n_weights), np.array([2.0, 0.3])
    parity = model.expectations(X, weights)[:, 0]
    p1 = 1 / (1 + np.exp(-(2.0 * parity + 0.3)))
    np.testing.assert_allclose(model.predict_proba(X, weights, readout),
                               np.column_stack([1 - p1, p1]), atol=1e-12)
    check_gradients(model, X, np.array([1, 0, 0, 1, 1, 1]), weights, readout)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "hinge"])
def test_multiclass_softmax_over_one_observable_per_class(loss):
    circuit = build_model_circuit(3, 4, ansatz="strongly_entangling", layers=1,
                                  reuploading=False)
    spec = ModelSpec(observables=("Z0", "Z1", "Z2"), class_labels=("a", "b", "c"))
    model = QuantumModel(circuit, spec, loss)
    X, rng = data(4, n_samples=5)
    y = np.array([0, 2, 1, 2, 0])
    weights = rng.normal(size=circuit.n_weights)
    readout = np.array([1.5, 0.8, -1.2, 0.1, -0.3, 0.2])
    check_gradients(model, X, y, weights, readout)
    z = model.expectations(X, weights) * readout[:3] + readout[3:]
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X, weights, readout), expected, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X, weights, readout), np.argmax(z, axis=1))


def test_regression_scaled_expectation_plus_bias():
    circuit = build_model_circuit(2, 1, ansatz="basic_entangler", layers=3, reuploading=True)
    model = QuantumModel(circuit, ModelSpec(task="regression"))
    X, rng = data(1, n_samples=8)
    y = np.sin(X[:, 0])
    weights, readout = rng.normal(size=circuit.n_weights), np.array([0.7, 0.1])
    check_gradients(model, X, y, weights, readout)
    np.testing.assert_allclose(model.predict(X, weights, readout),
                               0.7 * model.expectations(X, weights)[:, 0] + 0.1, atol=1e-12)


def test_amplitude_encoded_model():
    circuit = build_model_circuit(2, 4, encoding="amplitude", ansatz="strongly_entangling")
    model = QuantumModel(circuit, ModelSpec(class_labels=(0, 1)), amplitude_encoding=True)
    X, rng = data(4)
    check_gradients(model, X, np.array([0, 1, 0, 1, 1, 0]),
                    rng.normal(size=circuit.n_weights), np.array([1.0, 0.5]))


def test_parameter_shift_agrees_with_adjoint():
    circuit = build_model_circuit(2, 2, layers=1)
    X, rng = data(2)
    y, weights, readout = np.array([0, 1, 1, 0, 1, 0]), rng.normal(size=6), np.array([1.0, 0.0])
    spec = ModelSpec(class_labels=(0, 1))
    adjoint = QuantumModel(circuit, spec).loss_and_grad(X, y, weights, readout)
    shift = QuantumModel(circuit, spec, method="parameter-shift").loss_and_grad(
        X, y, weights, readout)
    for a, b in zip(adjoint, shift, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_frozen_readout_gets_zero_gradient_and_readout_forms_agree():
    circuit = build_model_circuit(2, 2, layers=1)
    model = QuantumModel(circuit, ModelSpec(class_labels=(0, 1), train_readout=False))
    X, rng = data(2)
    weights = rng.normal(size=6)
    _, _, dr = model.loss_and_grad(X, np.array([0, 1, 1, 0, 1, 0]), weights, None)
    np.testing.assert_array_equal(dr, [0.0, 0.0])
    params = ReadoutParams((2.0,), (0.5,))
    np.testing.assert_array_equal(model.readout_vector(params), [2.0, 0.5])
    assert model.readout_params(np.array([2.0, 0.5])) == params
    np.testing.assert_allclose(model.forward(X, weights, params),
                               model.forward(X, weights, np.array([2.0, 0.5])))
    np.testing.assert_array_equal(model.readout_vector(ReadoutParams()), [1.0, 0.0])


def test_model_from_project_and_extra_columns():
    circuit = build_model_circuit(2, 2, layers=1)
    project = Project(circuit, model=ModelSpec(class_labels=(0, 1)),
                      training=TrainingConfig(loss="hinge", gradient_method="parameter-shift"))
    model = QuantumModel.from_project(project)
    assert (model.loss, model.method, model.n_classes) == ("hinge", "parameter-shift", 2)
    X, _ = data(3)  # a third column the circuit does not read
    weights = init_weights(circuit.n_weights, "small", seed=0)
    np.testing.assert_allclose(model.forward(X, weights, None),
                               model.forward(X[:, :2], weights, None))


def test_shots_estimate_with_seed():
    circuit = build_model_circuit(2, 2, layers=1)
    spec = ModelSpec(task="regression")
    X, rng = data(2)
    weights = rng.normal(size=6)
    noisy = QuantumModel(circuit, spec, shots=200)
    a = noisy.forward(X, weights, None, seed=7)
    np.testing.assert_array_equal(a, noisy.forward(X, weights, None, seed=7))
    exact = QuantumModel(circuit, spec).forward(X, weights, None)
    assert np.max(np.abs(a - exact)) < 0.4 and not np.allclose(a, exact)
    with pytest.raises(CircuitError, match="parameter-shift"):
        noisy.loss_and_grad(X, exact, weights, None)


@pytest.mark.parametrize("make, error, message", [
    (lambda c: QuantumModel(c, ModelSpec(observables=("Z5",))), ProjectError, "wire 5"),
    (lambda c: QuantumModel(c, ModelSpec(readout="parity", observables=("Z0 Z1", "Z0"),
                                         class_labels=(0, 1, 2))), ProjectError,
     "2 observables for 3 classes"),
    (lambda c: QuantumModel(c, ModelSpec(task="regression"), "hinge"), ProjectError,
     "not a regression loss"),
    (lambda c: QuantumModel(c, method="backprop"), ProjectError, "gradient_method"),
])
def test_bad_model_definitions(make, error, message):
    with pytest.raises(error, match=message):
        make(build_model_circuit(2, 2, layers=1))


def test_bad_inputs_and_targets():
    circuit = build_model_circuit(2, 2, layers=1)
    model = QuantumModel(circuit, ModelSpec(class_labels=(0, 1, 2),
                                            observables=("Z0", "Z1", "Z0 Z1")))
    X, _ = data(2, n_samples=3)
    weights = np.zeros(6)
    with pytest.raises(DatasetError, match=r"y\[1\] is 3"):
        model.loss_and_grad(X, [0, 3, 1], weights, None)
    with pytest.raises(DatasetError, match=r"y\[2\] is 0.5"):
        model.loss_value(X, [0, 1, 0.5], weights, None)
    with pytest.raises(DatasetError, match="one value per sample"):
        model.loss_value(X, [0, 1], weights, None)
    with pytest.raises(DatasetError, match="X has 1 column"):
        model.forward(X[:, :1], weights, None)
    with pytest.raises(ProjectError, match="3 scale"):
        model.forward(X, weights, np.ones(4))
    with pytest.raises(ProjectError, match="classifier"):
        QuantumModel(Circuit(1), ModelSpec(task="regression")).predict_proba(
            [[0.0]], None, None)


def test_a_diverged_loss_gives_nan_gradients_not_an_engine_error():
    circuit = build_model_circuit(2, 2, layers=1)
    model = QuantumModel(circuit, ModelSpec(task="regression"))
    X, rng = data(2)
    huge = np.array([1e200, 1e200])  # scale and bias far beyond any sensible readout
    loss, dw, dr = model.loss_and_grad(X, np.zeros(len(X)), rng.normal(size=6), huge)
    assert loss == np.inf
    assert np.isnan(dw).all() and np.isnan(dr).all()


BATCH_MODELS = {
    "angle, linear readout": (build_model_circuit(3, 5, layers=2), ModelSpec(
        readout="linear", observables=("Z0", "Z1", "Z2"), class_labels=("a", "b", "c")),
        False),
    "amplitude, binary": (build_model_circuit(2, 4, encoding="amplitude"),
                          ModelSpec(class_labels=(0, 1)), True),
    "regression": (build_model_circuit(2, 2, layers=2), ModelSpec(task="regression"), False),
}


@pytest.mark.parametrize("name", BATCH_MODELS)
def test_checked_inputs_give_the_same_numbers_to_the_bit(name):
    # What a trainer does: check each data part once, then step on rows of it.
    circuit, spec, amplitude = BATCH_MODELS[name]
    model = QuantumModel(circuit, spec, amplitude_encoding=amplitude)
    rng = np.random.default_rng(7)
    # angle encoding: more columns than the circuit reads; amplitude: four amplitudes
    X = rng.uniform(0.1, np.pi, size=(12, 4 if amplitude else 6))
    y = rng.uniform(-1, 1, 12) if name == "regression" else rng.integers(0, model.n_classes, 12)
    weights = rng.normal(size=circuit.n_weights)
    readout = model.readout_vector(None) + rng.normal(scale=0.1, size=len(
        model.readout_vector(None)))
    part = model.inputs(X, y)
    rows = np.array([5, 0, 11, 3])
    batch = part.rows(rows)
    assert len(batch) == 4 and batch.features.flags.c_contiguous
    for got, expected in zip(
            model.batch_loss_and_grad(batch, weights, readout),
            model.loss_and_grad(X[rows], y[rows], weights, readout), strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(model.batch_forward(part, weights, readout),
                                  model.forward(X, weights, readout))


def test_inputs_are_checked_as_every_method_checks_them():
    model = QuantumModel(build_model_circuit(2, 2), ModelSpec(class_labels=(0, 1)))
    X = np.ones((3, 2))
    with pytest.raises(DatasetError, match="X"):
        model.inputs(np.array([[0.0, np.nan]] * 3))
    with pytest.raises(DatasetError, match=r"class indices must be integers 0\.\.1"):
        model.inputs(X, [0, 1, 2])
    with pytest.raises(DatasetError, match="one value per sample"):
        model.inputs(X, [0, 1])
    assert model.inputs(X).targets is None
