"""The trained circuit against a classical baseline: :func:`final_results` and
:class:`ComparisonTable`.

After training, the quantum model's predictions on each part of the data and a classical
baseline (:func:`~qmlstudio.ml.baseline.baseline_metrics`: logistic regression for classes,
least squares for targets, on the same preprocessed features and split) are scored with the
same metrics, and the table shows them side by side, test part first, so users see honestly
whether the circuit beats a linear model. The confusion matrix comes from the same
predictions on the test part (the validation part, or the training part, when the project
holds none).

:func:`final_results` runs the engine, so the GUI calls it on its compute thread. Predictions
use exact expectation values even for a project trained with shots, so they do not change
from one evaluation to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..core import Project
from ..ml.baseline import baseline_metrics
from ..ml.metrics import TASK_METRICS, confusion_matrix, evaluate_metrics
from ..ml.training_data import TrainingData, prepare_training_data

__all__ = ["ComparisonTable", "FinalResults", "final_results"]

_PART_ORDER = ("test", "val", "train")
_PART_NAMES = {"test": "test", "val": "validation", "train": "training"}
_METRIC_NAMES = {"accuracy": "accuracy", "f1": "F1", "mse": "MSE", "r2": "R²"}


@dataclass(frozen=True, slots=True, eq=False)
class FinalResults:
    """Metrics of the trained model and of the baseline, and the confusion matrix.

    ``quantum`` and ``baseline`` map ``"test_accuracy"``-style names to values;
    ``confusion`` (classification only) counts the ``confusion_part`` rows (``"test"``,
    ``"val"`` or ``"train"``), rows true classes; ``class_labels`` name the classes.
    """

    task: str
    quantum: dict[str, float]
    baseline: dict[str, float]
    confusion: np.ndarray | None
    confusion_part: str
    class_labels: tuple[object, ...]


def final_results(project: Project, training_data: TrainingData | None = None) -> FinalResults:
    """Score trained ``project`` and its baseline (see the module docstring).

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


class ComparisonTable(QTableWidget):
    """Metric rows (test part first); columns: the quantum model, the classical baseline."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, 2, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setHorizontalHeaderLabels(["Quantum model", "Baseline"])
        self.setToolTip("The baseline is a linear model (logistic regression for classes, "
                        "least squares for targets) fitted on the same preprocessed training "
                        "rows and scored on the same parts with the same metrics.")
        self._values: dict[str, tuple[float | None, float | None]] = {}

    def values(self) -> dict[str, tuple[float | None, float | None]]:
        """``{"test_accuracy": (quantum, baseline), ...}`` as shown."""
        return dict(self._values)

    def show_results(self, results: FinalResults) -> None:
        """Fill the table from ``results``."""
        baseline_name = "Logistic regression" if results.task == "classification" else \
            "Linear regression"
        self.setHorizontalHeaderLabels(["Quantum model", baseline_name])
        rows = [f"{part}_{metric}" for part in _PART_ORDER
                for metric in TASK_METRICS[results.task]
                if f"{part}_{metric}" in results.quantum or f"{part}_{metric}" in results.baseline]
        self._values = {name: (results.quantum.get(name), results.baseline.get(name))
                        for name in rows}
        self.setRowCount(len(rows))
        labels = []
        for row, name in enumerate(rows):
            part, metric = name.split("_", 1)
            labels.append(f"{_PART_NAMES[part]} {_METRIC_NAMES[metric]}")
            for column, value in enumerate(self._values[name]):
                text = "—" if value is None else f"{value:.3f}"
                self.setItem(row, column, QTableWidgetItem(text))
        self.setVerticalHeaderLabels(labels)

    def clear_results(self) -> None:
        """Empty the table."""
        self._values = {}
        self.setRowCount(0)
