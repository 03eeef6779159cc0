"""A project whose circuit uses expression angles trains, saves and predicts end to end:
trainable input scaling ``w_k·x_j + w_m`` (data re-uploading) and Havlíček's
``(π − x_i)(π − x_j)`` products, with both gradient methods."""

import math

import numpy as np
import pytest

from qmlstudio.core import (
    Circuit,
    DatasetSpec,
    Expr,
    ModelSpec,
    Preprocessing,
    Project,
    TrainingConfig,
    w,
    x,
)
from qmlstudio.engine import expval
from qmlstudio.io import load_project, save_project
from qmlstudio.ml.data.loading import load_dataset
from qmlstudio.ml.export.model_file import load_model, save_model
from qmlstudio.ml.training.trainer import train


def reuploading_circuit(layers: int = 2) -> Circuit:
    """Each layer: RY(w·x_q + w') on both wires, a ZZ product, an entangler."""
    circuit, k = Circuit(2), 0
    for _ in range(layers):
        for q in range(2):
            circuit = circuit.add("ry", q, w(k) * x(q) + w(k + 1)).add("rz", q, w(k + 2))
            k += 3
        circuit = circuit.add("rzz", [0, 1], (math.pi - x(0)) * (math.pi - x(1))).add("cx", [0, 1])
    return circuit


def _project(method: str, epochs: int) -> Project:
    return Project(reuploading_circuit(), "Expression moons",
                   DatasetSpec.builtin("moons", n_samples=80, noise=0.1),
                   Preprocessing(test_fraction=0.25, split_seed=1),
                   ModelSpec(observables=("Z0",)),
                   TrainingConfig(learning_rate=0.1, epochs=epochs, seed=3,
                                  gradient_method=method))


def test_an_expression_circuit_learns_saves_and_predicts(tmp_path):
    project = _project("adjoint", 25)
    assert sum(isinstance(p, Expr) for op in project.circuit.operations for p in op.params) == 6
    trained = train(project)
    losses = trained.history.series("train_loss")
    assert losses[-1] < 0.8 * losses[0]
    assert trained.history.records[-1].get("test_accuracy") >= 0.75

    path = tmp_path / "expr.qmlproj"
    save_project(trained, path)
    assert load_project(path) == trained
    save_model(trained, tmp_path / "expr.qmodel")
    model = load_model(tmp_path / "expr.qmodel")
    data = load_dataset(trained.dataset, task="classification")
    proba = model.predict_proba(data.features)
    assert proba.shape == (80, 2)
    # The saved model is the circuit: its probabilities follow the engine's <Z0> (through the
    # fitted scaling and the trained readout) monotonically.
    z = expval(trained.circuit, model.preprocess(data.features), np.array(trained.weights),
               ["Z0"])[:, 0]
    step = np.diff(proba[np.argsort(z), 1])
    assert np.all(step >= -1e-12) or np.all(step <= 1e-12)
    labels = model.predict(data.features)
    assert np.mean(labels == data.labels) >= 0.75


@pytest.mark.parametrize("method", ["adjoint", "parameter-shift"])
def test_both_gradient_methods_train_the_same_weights(method):
    # One epoch from the same start: the exact gradients agree, so the weights do too.
    trained = train(_project(method, 1))
    reference = train(_project("adjoint", 1))
    np.testing.assert_allclose(trained.weights, reference.weights, atol=1e-9)
