"""The classical baselines: perfect on separable blobs; on XOR the linear model stays near
chance while the kernel SVM, the MLP and the forest solve it; exact on a noiseless linear
target; fitted on the same training rows the quantum model trains on, seeded, and fast."""

import time

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from qmlstudio.core import (
    DatasetError,
    DatasetSpec,
    ModelSpec,
    Preprocessing,
    Project,
    TrainingConfig,
)
from qmlstudio.ml.data.dataset import Dataset
from qmlstudio.ml.data.generators import make_moons, make_xor
from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_metrics, baseline_models
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.prepared_data import prepare_training_data


def _data(dataset: Dataset, n_qubits: int, observables=("Z0",), task="classification",
          seed=0):
    circuit = build_model_circuit(n_qubits, dataset.features.shape[1], layers=1)
    loss = "mse" if task == "regression" else "cross_entropy"
    project = Project(circuit, dataset=DatasetSpec.builtin("moons"),
                      preprocessing=Preprocessing(test_fraction=0.3),
                      model=ModelSpec(task=task, observables=observables),
                      training=TrainingConfig(loss=loss, seed=seed))
    return prepare_training_data(project, dataset=dataset)


def _blobs(seed=0) -> Dataset:
    rng = np.random.default_rng(seed)
    centres = np.array([[-5.0, 0.0], [5.0, 0.0], [0.0, 6.0]])
    labels = np.repeat(np.arange(3), 40)
    features = centres[labels] + 0.6 * rng.normal(size=(120, 2))
    return Dataset(features, labels, class_labels=("a", "b", "c"))


CLASSIFIERS = tuple(BASELINES["classification"])
REGRESSORS = tuple(BASELINES["regression"])


def test_separable_blobs_are_classified_perfectly_by_every_baseline():
    data = _data(_blobs(), 3, observables=("Z0", "Z1", "Z2"))
    results = baseline_metrics(data)
    assert tuple(results) == CLASSIFIERS == ("logistic_regression", "svm_rbf", "mlp",
                                             "random_forest")
    for metrics in results.values():
        assert set(metrics) == {"train_accuracy", "train_f1", "test_accuracy", "test_f1"}
        assert metrics["test_accuracy"] == 1.0 and metrics["test_f1"] == 1.0
    assert len(data.y_test) == 36  # 30 % of 120, stratified


def test_on_xor_only_the_nonlinear_baselines_beat_chance():
    data = _data(make_xor(400, noise=0.05, seed=2), 2)
    results = baseline_metrics(data)
    # No line separates XOR: a linear model cannot do much better than guessing.
    assert 0.35 <= results["logistic_regression"]["test_accuracy"] <= 0.65
    for key in ("svm_rbf", "mlp", "random_forest"):
        assert results[key]["test_accuracy"] >= 0.9, key


def test_the_baselines_train_on_the_training_rows_alone():
    data = _data(make_moons(200, noise=0.2, seed=1), 2)
    logistic = baseline_metrics(data)["logistic_regression"]
    # An independent fit on the same preprocessed training rows gives the same scores.
    reference = make_pipeline(StandardScaler(), LogisticRegression()).fit(data.X_train,
                                                                          data.y_train)
    assert logistic["test_accuracy"] == accuracy_score(data.y_test, reference.predict(data.X_test))
    assert logistic["train_accuracy"] == accuracy_score(data.y_train,
                                                        reference.predict(data.X_train))
    # A forest recalls the rows it was grown on, not the held-out ones.
    forest = baseline_metrics(data)["random_forest"]
    assert forest["train_accuracy"] == 1.0 > forest["test_accuracy"]


def test_the_baselines_are_seeded_by_the_run_seed():
    moons = make_moons(200, noise=0.3, seed=1)
    first = baseline_metrics(_data(moons, 2, seed=3))
    assert baseline_metrics(_data(moons, 2, seed=3)) == first
    for task in BASELINES:
        for key, pipeline in baseline_models(task, 3).items():
            params = pipeline[-1].get_params()
            assert params.get("random_state", 3) == 3, key
    assert baseline_models("classification", 3)["random_forest"][-1].random_state == 3


@pytest.mark.alone  # a time bound: see tests/run_alone.py
def test_all_four_fit_well_under_a_second_on_moons():
    data = _data(make_moons(200, noise=0.1, seed=0), 2)
    baseline_metrics(data)  # warm up imports
    start = time.perf_counter()
    baseline_metrics(data)
    assert time.perf_counter() - start < 1.0


def test_noiseless_linear_target_is_fitted_exactly():
    rng = np.random.default_rng(4)
    X = rng.uniform(-2, 2, (80, 3))
    y = 2.0 * X[:, 0] - 3.0 * X[:, 1] + 0.25 * X[:, 2] + 0.5
    data = _data(Dataset(X, y, task="regression"), 3, task="regression")
    results = baseline_metrics(data)
    assert tuple(results) == REGRESSORS == ("linear_regression", "svr_rbf", "mlp",
                                            "random_forest")
    linear = results["linear_regression"]
    assert linear["test_r2"] == pytest.approx(1.0, abs=1e-12)
    assert linear["test_mse"] == pytest.approx(0.0, abs=1e-18)
    for key in REGRESSORS:
        assert set(results[key]) == {"train_mse", "train_r2", "test_mse", "test_r2"}
        assert results[key]["test_r2"] > 0.8, key


def test_an_unknown_task_is_refused():
    data = _data(_blobs(), 3, observables=("Z0", "Z1", "Z2"))
    with pytest.raises(DatasetError, match="task"):
        baseline_metrics(data, "clustering")
