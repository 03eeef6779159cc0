"""The decision-boundary grid: its predictions equal the model's, worked out independently from
single-sample state vectors; it spans the training data with a margin; it exists only for
models reading two features; and a 48×48 grid of a 4-qubit model is cheap."""

import time

import numpy as np
import pytest

from qmlstudio.core import (
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    ProjectError,
    TrainingConfig,
)
from qmlstudio.engine import statevector
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.evaluation.decision_boundary import MARGIN, decision_boundary, grid_inputs
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.trainer import Trainer


def _trainer(n_qubits, dataset=None, observables=("Z0",), task="classification",
             spec=None, shots=None, epochs=1):
    circuit = build_model_circuit(n_qubits, 2, layers=2, reuploading=True)
    loss = "mse" if task == "regression" else "cross_entropy"
    method = "parameter-shift" if shots else "adjoint"
    project = Project(circuit, dataset=spec or DatasetSpec.builtin("moons", n_samples=60),
                      preprocessing=Preprocessing(test_fraction=0.25),
                      model=ModelSpec(task=task, observables=observables),
                      training=TrainingConfig(loss=loss, epochs=epochs, batch_size=16,
                                              shots=shots, gradient_method=method))
    trainer = Trainer(project, dataset=dataset)
    for _ in trainer:  # train a little so the weights are not the initial ones
        pass
    return trainer


def _z_expectations(state, n_qubits, wires):
    """<Z_q> from the amplitudes; wire 0 is the most significant bit of the index."""
    probabilities = np.abs(state) ** 2
    index = np.arange(len(state))
    return np.array([np.sum(probabilities * (1 - 2 * ((index >> (n_qubits - 1 - q)) & 1)))
                     for q in wires])


def _reference(trainer, point, wires):
    """Class probabilities (or the prediction) at one point, without QuantumModel."""
    circuit = trainer.model.circuit
    values = _z_expectations(statevector(circuit, point, trainer.weights), circuit.n_qubits,
                             wires)
    k = len(wires)
    z = trainer.readout[:k] * values + trainer.readout[k:]
    if not trainer.model.is_classifier:
        return z[0]
    logits = np.r_[0.0, z] if k == 1 else z
    return np.exp(logits) / np.exp(logits).sum()


def _sample_points(boundary, rng, count=6):
    rows = rng.integers(0, boundary.values.shape[0], count)
    cols = rng.integers(0, boundary.values.shape[1], count)
    return zip(rows, cols, strict=True)


def test_binary_grid_equals_independent_predictions():
    trainer = _trainer(2)
    boundary = decision_boundary(trainer, resolution=32)
    assert boundary.values.shape == boundary.confidence.shape == (32, 32)
    assert boundary.resolution == (32, 32) and boundary.epoch == 1
    assert set(np.unique(boundary.values)) == {0, 1}  # the moons need both classes
    for i, j in _sample_points(boundary, np.random.default_rng(0)):
        probabilities = _reference(trainer, [boundary.xs[j], boundary.ys[i]], [0])
        assert boundary.values[i, j] == np.argmax(probabilities)
        assert boundary.confidence[i, j] == pytest.approx(probabilities.max(), abs=1e-12)


def test_grid_spans_the_training_data_with_a_margin():
    trainer = _trainer(2)
    boundary = decision_boundary(trainer, resolution=20)
    X = trainer.data.X_train
    for axis, (lo, hi) in enumerate((boundary.x_range, boundary.y_range)):
        span = X[:, axis].max() - X[:, axis].min()
        assert lo == pytest.approx(X[:, axis].min() - MARGIN * span)
        assert hi == pytest.approx(X[:, axis].max() + MARGIN * span)
    np.testing.assert_array_equal(boundary.points, X)
    np.testing.assert_array_equal(boundary.targets, trainer.data.y_train)
    grid = grid_inputs(boundary.x_range, boundary.y_range, 20)
    assert grid[20 * 3 + 5] == pytest.approx([boundary.xs[5], boundary.ys[3]])
    assert not boundary.values.flags.writeable and not boundary.confidence.flags.writeable


def test_three_classes_and_regression():
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(3), 20)
    features = np.array([[-2, 0], [2, 0], [0, 2]])[labels] + 0.3 * rng.normal(size=(60, 2))
    trainer = _trainer(3, Dataset(features, labels, class_labels=(0, 1, 2)),
                       observables=("Z0", "Z1", "Z2"))
    boundary = decision_boundary(trainer, resolution=16)
    assert boundary.n_classes == 3 and boundary.values.max() <= 2
    for i, j in _sample_points(boundary, rng):
        probabilities = _reference(trainer, [boundary.xs[j], boundary.ys[i]], [0, 1, 2])
        assert boundary.values[i, j] == np.argmax(probabilities)
        assert boundary.confidence[i, j] == pytest.approx(probabilities.max(), abs=1e-12)

    X = rng.uniform(-1, 1, (40, 2))
    trainer = _trainer(2, Dataset(X, X[:, 0] * X[:, 1], task="regression"),
                       task="regression")
    boundary = decision_boundary(trainer, resolution=16)
    assert boundary.task == "regression" and boundary.confidence is None
    for i, j in _sample_points(boundary, rng):
        value = _reference(trainer, [boundary.xs[j], boundary.ys[i]], [0])
        assert boundary.values[i, j] == pytest.approx(value, abs=1e-12)


def test_shots_projects_get_an_exact_grid():
    trainer = _trainer(2, shots=64)
    boundary = decision_boundary(trainer, resolution=8)
    i, j = 3, 4
    probabilities = _reference(trainer, [boundary.xs[j], boundary.ys[i]], [0])
    assert boundary.confidence[i, j] == pytest.approx(probabilities.max(), abs=1e-12)


def test_only_two_feature_models_get_a_grid():
    circuit = build_model_circuit(4, 4, layers=1)
    project = Project(circuit, dataset=DatasetSpec.builtin("iris"),
                      model=ModelSpec(observables=("Z0", "Z1", "Z2")))
    assert decision_boundary(Trainer(project)) is None
    sine = Project(build_model_circuit(1, 1, layers=1), dataset=DatasetSpec.builtin("sine"),
                   model=ModelSpec(task="regression"), training=TrainingConfig(loss="mse"))
    assert decision_boundary(Trainer(sine)) is None
    with pytest.raises(ProjectError, match="resolution"):
        decision_boundary(Trainer(sine), resolution=1)


def test_a_48_by_48_grid_of_a_4_qubit_model_is_cheap():
    trainer = _trainer(4, epochs=1)
    decision_boundary(trainer)  # compile once
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        boundary = decision_boundary(trainer)
    cost = (time.perf_counter() - start) / repeats
    print(f"\n48x48 decision boundary, 4 qubits, {trainer.model.circuit.n_weights} weights: "
          f"{cost * 1e3:.2f} ms per grid")
    assert boundary.values.shape == (48, 48)
    assert cost < 0.5  # generous: measured at a few ms; once per epoch in the worker
