"""The classical baseline: perfect on separable blobs, near chance on XOR, exact on a noiseless
linear target, and at the optimum of its objective (checked against an independently written
loss by finite differences)."""

import numpy as np
import pytest

from qmlstudio.core import (
    DatasetError,
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    TrainingConfig,
)
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.generators import make_xor
from qmlstudio.ml.evaluation.baselines import (
    baseline_metrics,
    fit_linear_regression,
    fit_logistic_regression,
)
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.prepared_data import prepare_training_data


def _data(dataset: Dataset, n_qubits: int, observables=("Z0",), task="classification"):
    circuit = build_model_circuit(n_qubits, dataset.features.shape[1], layers=1)
    loss = "mse" if task == "regression" else "cross_entropy"
    project = Project(circuit, dataset=DatasetSpec.builtin("moons"),
                      preprocessing=Preprocessing(test_fraction=0.3),
                      model=ModelSpec(task=task, observables=observables),
                      training=TrainingConfig(loss=loss))
    return prepare_training_data(project, dataset=dataset)


def _blobs(seed=0) -> Dataset:
    rng = np.random.default_rng(seed)
    centres = np.array([[-5.0, 0.0], [5.0, 0.0], [0.0, 6.0]])
    labels = np.repeat(np.arange(3), 40)
    features = centres[labels] + 0.6 * rng.normal(size=(120, 2))
    return Dataset(features, labels, class_labels=("a", "b", "c"))


def test_separable_blobs_are_classified_perfectly():
    data = _data(_blobs(), 3, observables=("Z0", "Z1", "Z2"))
    metrics = baseline_metrics(data)
    assert set(metrics) == {"train_accuracy", "train_f1", "test_accuracy", "test_f1"}
    assert metrics["test_accuracy"] == 1.0 and metrics["train_accuracy"] == 1.0
    assert metrics["test_f1"] == 1.0
    assert len(data.y_test) == 36  # 30 % of 120, stratified


def test_xor_stays_near_chance():
    data = _data(make_xor(400, noise=0.05, seed=2), 2)
    metrics = baseline_metrics(data)
    # No line separates XOR: a linear model cannot do much better than guessing.
    assert 0.35 <= metrics["test_accuracy"] <= 0.65
    assert metrics["train_accuracy"] <= 0.65


def test_noiseless_linear_target_is_fitted_exactly():
    rng = np.random.default_rng(4)
    X = rng.uniform(-2, 2, (80, 3))
    y = 2.0 * X[:, 0] - 3.0 * X[:, 1] + 0.25 * X[:, 2] + 0.5
    fitted = fit_linear_regression(X, y)
    np.testing.assert_allclose(fitted.predict(X), y, atol=1e-10)
    X_new = rng.uniform(-5, 5, (10, 3))
    np.testing.assert_allclose(fitted.predict(X_new),
                               2.0 * X_new[:, 0] - 3.0 * X_new[:, 1] + 0.25 * X_new[:, 2] + 0.5,
                               atol=1e-9)
    data = _data(Dataset(X, y, task="regression"), 3, task="regression")
    metrics = baseline_metrics(data)
    assert metrics["test_r2"] == pytest.approx(1.0, abs=1e-12)
    assert metrics["test_mse"] == pytest.approx(0.0, abs=1e-18)


def test_ridge_shrinks_towards_the_mean():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(50, 2))
    y = X[:, 0] + 0.1 * rng.normal(size=50)
    plain, ridge = fit_linear_regression(X, y), fit_linear_regression(X, y, l2=10.0)
    assert np.linalg.norm(ridge.coef) < 0.2 * np.linalg.norm(plain.coef)
    assert ridge.gradient_norm < 1e-10  # the ridge optimum, not just any shrunk vector


def _reference_objective(Z, y, n_classes, params, l2):
    """Mean cross-entropy + l2/2·|W|², written out sample by sample (no shared code)."""
    d = Z.shape[1]
    W, b = params[: d * n_classes].reshape(d, n_classes), params[d * n_classes:]
    total = 0.0
    for z, label in zip(Z, y, strict=True):
        logits = [float(np.dot(z, W[:, k]) + b[k]) for k in range(n_classes)]
        top = max(logits)
        total += top + np.log(sum(np.exp(v - top) for v in logits)) - logits[label]
    return total / len(y) + 0.5 * l2 * float(np.sum(W * W))


@pytest.mark.parametrize("method", ["newton", "bohning"])
def test_logistic_regression_sits_at_the_optimum(method):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(90, 2)) * [3.0, 0.5] + [1.0, -2.0]
    y = np.argmax(X @ rng.normal(size=(2, 3)) + rng.normal(size=(90, 3)), axis=1)
    l2 = 0.05
    fitted = fit_logistic_regression(X, y, 3, l2=l2, method=method)
    Z = (X - fitted.mean) / fitted.scale
    params = np.r_[fitted.coef.ravel(), fitted.intercept]
    h = 1e-6
    gradient = np.array([
        (_reference_objective(Z, y, 3, params + h * e, l2)
         - _reference_objective(Z, y, 3, params - h * e, l2)) / (2 * h)
        for e in np.eye(len(params))])
    assert np.abs(gradient).max() < 1e-6
    # Stepping away in any direction raises the objective: a minimum, not a saddle.
    at = _reference_objective(Z, y, 3, params, l2)
    for e in np.eye(len(params)):
        assert _reference_objective(Z, y, 3, params + 1e-3 * e, l2) > at
    # With an unpenalised intercept the mean predicted probabilities equal the class rates.
    logits = fitted.decision(X)
    probabilities = np.exp(logits - logits.max(1, keepdims=True))
    probabilities /= probabilities.sum(1, keepdims=True)
    np.testing.assert_allclose(probabilities.mean(0), np.bincount(y, minlength=3) / len(y),
                               atol=1e-7)


def test_newton_and_bohning_agree():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] - X[:, 2] + 0.5 * rng.normal(size=200) > 0).astype(int)
    newton = fit_logistic_regression(X, y, method="newton")
    bohning = fit_logistic_regression(X, y, method="bohning")
    assert newton.iterations < 20 and newton.gradient_norm < 1e-9
    np.testing.assert_allclose(bohning.decision(X) - bohning.decision(X).mean(1, keepdims=True),
                               newton.decision(X) - newton.decision(X).mean(1, keepdims=True),
                               atol=1e-5)


def test_bad_inputs_are_refused_with_a_message():
    with pytest.raises(DatasetError, match="class labels"):
        fit_logistic_regression(np.zeros((3, 2)), [0, 1.5, 1])
    with pytest.raises(DatasetError, match="NaN"):
        fit_linear_regression([[np.nan], [1.0]], [1.0, 2.0])
    with pytest.raises(DatasetError, match="method"):
        fit_logistic_regression(np.eye(2), [0, 1], method="sgd")
    data = _data(_blobs(), 3, observables=("Z0", "Z1", "Z2"))
    with pytest.raises(DatasetError, match="task"):
        baseline_metrics(data, "clustering")
