"""The trained circuit against classical baselines, as numbers and table rows (Qt-free):
:func:`final_results` and :func:`comparison_rows`.

After training, the quantum model's predictions on each part of the data and the classical
baselines (:func:`~qmlstudio.ml.evaluation.baselines.baseline_metrics`: logistic regression,
an RBF SVM, an MLP and a random forest for classes, their regressors for targets, on the same
preprocessed features and split) are scored with the same metrics, test part first, so users
see honestly whether the circuit beats classical models. The confusion matrix comes from the
same predictions on the test part (the validation part, or the training part, when the
project holds none).

:func:`final_results` runs the engine, so the GUI calls it on its compute thread. Predictions
use exact expectation values even for a project trained with shots, so they do not change
from one evaluation to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qmlstudio.core import Project
from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_metrics
from qmlstudio.ml.evaluation.metrics import TASK_METRICS, confusion_matrix, evaluate_metrics
from qmlstudio.ml.training.prepared_data import TrainingData, prepare_training_data

__all__ = ["ComparisonRow", "FinalResults", "comparison_rows", "final_results"]

_PART_ORDER = ("test", "val", "train")
_PART_NAMES = {"test": "test", "val": "validation", "train": "training"}
_METRIC_NAMES = {"accuracy": "accuracy", "f1": "F1", "mse": "MSE", "r2": "R²"}


@dataclass(frozen=True, slots=True, eq=False)
class FinalResults:
    """Metrics of the trained model and of the baselines, and the confusion matrix.

    ``quantum`` maps ``"test_accuracy"``-style names to values; ``baselines`` maps each
    baseline's key (:data:`~qmlstudio.ml.evaluation.baselines.BASELINES`) to such a mapping;
    ``confusion`` (classification only) counts the ``confusion_part`` rows (``"test"``,
    ``"val"`` or ``"train"``), rows true classes; ``class_labels`` name the classes.
    """

    task: str
    quantum: dict[str, float]
    baselines: dict[str, dict[str, float]]
    confusion: np.ndarray | None
    confusion_part: str
    class_labels: tuple[object, ...]

    @property
    def baseline_names(self) -> tuple[str, ...]:
        """The display names of the baselines (``"Logistic regression"``, ...), in the order
        of :attr:`baselines`."""
        return tuple(BASELINES[self.task][key][0] for key in self.baselines)


def final_results(project: Project, training_data: TrainingData | None = None) -> FinalResults:
    """Score trained ``project`` and its baselines (see the module docstring).

    ``training_data`` is the run's prepared data (the trainer's ``data``); without it the
    data are prepared again from ``project`` (same fitted preprocessing and split). Raises a
    :class:`~qmlstudio.core.QMLStudioError` if the data cannot be loaded.
    """
    data = training_data if training_data is not None else prepare_training_data(project)
    model = data.model
    exact = replace(model, shots=None) if model.shots is not None else model
    task = model.spec.task
    n_classes = model.n_classes or None
    quantum: dict[str, float] = {}
    predicted: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for part, X, y in data.parts():
        guess = exact.predict(X, np.array(project.weights), project.readout)
        predicted[part] = (y, guess)
        metrics = evaluate_metrics(task, y, guess, n_classes)
        quantum.update((f"{part}_{name}", value) for name, value in metrics.items())
    confusion, confusion_part = None, ""
    if task == "classification":
        confusion_part = next(part for part in _PART_ORDER if part in predicted)
        truth, guess = predicted[confusion_part]
        confusion = confusion_matrix(truth, guess, model.n_classes)
    return FinalResults(task, quantum, baseline_metrics(data), confusion, confusion_part,
                        tuple(model.spec.class_labels))


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One table row: its metric name (``"test_accuracy"``), its label (``"test accuracy"``),
    the quantum model's value and each baseline's (in the order of
    :attr:`FinalResults.baseline_names`); None where a part has none."""

    name: str
    label: str
    quantum: float | None
    baselines: tuple[float | None, ...]


def comparison_rows(results: FinalResults) -> list[ComparisonRow]:
    """The rows a comparison table shows for ``results``: test part first, then validation and
    training, each with the task's metrics that any side has."""
    rows = []
    sides = (results.quantum, *results.baselines.values())
    for part in _PART_ORDER:
        for metric in TASK_METRICS[results.task]:
            name = f"{part}_{metric}"
            if any(name in side for side in sides):
                rows.append(ComparisonRow(
                    name, f"{_PART_NAMES[part]} {_METRIC_NAMES[metric]}",
                    results.quantum.get(name),
                    tuple(values.get(name) for values in results.baselines.values())))
    return rows
