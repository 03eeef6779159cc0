"""The comparison of the trained circuit with the classical baselines, without Qt: the scores
and the rows the table draws."""

import numpy as np
import pytest

from qmlstudio.core import DatasetSpec, ModelSpec, Preprocessing, Project, TrainingConfig
from qmlstudio.ml.evaluation.baselines import baseline_metrics
from qmlstudio.ml.evaluation.metrics import evaluate_metrics
from qmlstudio.ml.models.templates import build_model_circuit
from qmlstudio.ml.training.trainer import Trainer
from qmlstudio.viewmodels.result_comparison import comparison_rows, final_results


def _trained(project):
    trainer = Trainer(project)
    list(trainer)
    return trainer


@pytest.fixture(scope="module")
def moons():
    return _trained(Project(build_model_circuit(2, 2, layers=1),
                            dataset=DatasetSpec.builtin("moons", n_samples=60),
                            preprocessing=Preprocessing(test_fraction=0.25),
                            training=TrainingConfig(epochs=2)))


def test_four_baselines_beside_the_model_test_part_first(moons):
    results = final_results(moons.result_project(), moons.data)
    assert results.baseline_names == ("Logistic regression", "RBF SVM", "MLP", "Random forest")
    assert results.baselines == baseline_metrics(moons.data)
    rows = comparison_rows(results)
    assert [row.label for row in rows] == ["test accuracy", "test F1", "training accuracy",
                                           "training F1"]
    first = rows[0]
    assert first.name == "test_accuracy" and len(first.baselines) == 4
    assert first.baselines == tuple(m["test_accuracy"] for m in results.baselines.values())
    # The model's value: its own predictions on the test rows, scored independently.
    data, project = moons.data, moons.result_project()
    guess = data.model.predict(data.X_test, np.array(project.weights), project.readout)
    assert first.quantum == evaluate_metrics("classification", data.y_test, guess, 2)["accuracy"]
    assert results.confusion.sum() == len(data.y_test) and results.confusion_part == "test"


def test_without_the_run_data_the_same_scores_are_recomputed(moons):
    again = final_results(moons.result_project())
    assert again.quantum == final_results(moons.result_project(), moons.data).quantum
    assert again.baselines == baseline_metrics(moons.data)


def test_a_regressor_compares_with_the_regression_baselines():
    trainer = _trained(Project(build_model_circuit(1, 1, layers=1),
                               dataset=DatasetSpec.builtin("sine", n_samples=40),
                               preprocessing=Preprocessing(test_fraction=0.25),
                               model=ModelSpec(task="regression"),
                               training=TrainingConfig(loss="mse", epochs=1)))
    results = final_results(trainer.result_project(), trainer.data)
    assert results.confusion is None
    assert results.baseline_names == ("Linear regression", "RBF SVR", "MLP", "Random forest")
    rows = comparison_rows(results)
    assert [row.name for row in rows] == ["test_mse", "test_r2", "train_mse", "train_r2"]
    assert all(len(row.baselines) == 4 and None not in row.baselines for row in rows)

