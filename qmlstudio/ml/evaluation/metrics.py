"""Evaluation metrics: accuracy, F1 and the confusion matrix for classifiers; MSE and R² for
regressors. Conventions follow scikit-learn's (rows of the confusion matrix are true classes;
macro F1 averages over the classes present in either array; an undefined F1 or R² is 0)."""

from __future__ import annotations

import numpy as np

from qmlstudio.core import DatasetError

__all__ = [
    "GREATER_IS_BETTER",
    "TASK_METRICS",
    "accuracy",
    "confusion_matrix",
    "evaluate_metrics",
    "f1_score",
    "mean_squared_error",
    "r2_score",
]

GREATER_IS_BETTER = {"loss": False, "accuracy": True, "f1": True, "mse": False, "r2": True}
"""For each metric early stopping may watch, whether a larger value is better."""

TASK_METRICS = {"classification": ("accuracy", "f1"), "regression": ("mse", "r2")}
"""The metrics :func:`evaluate_metrics` reports for each task (besides the loss)."""


def _pair(y_true: object, y_pred: object, dtype: type) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(y_true), np.asarray(y_pred)
    if a.ndim != 1 or a.shape != b.shape:
        raise DatasetError(f"metrics need two 1-D arrays of equal length, got shapes "
                           f"{a.shape} and {b.shape}")
    if len(a) == 0:
        raise DatasetError("metrics need at least one sample")
    if dtype is object:
        return a.astype(object), b.astype(object)
    try:
        return a.astype(float), b.astype(float)
    except (TypeError, ValueError):
        raise DatasetError("metrics: expected numbers (class indices or target values), got "
                           f"{a.dtype} and {b.dtype} arrays") from None


def accuracy(y_true: object, y_pred: object) -> float:
    """Fraction of samples whose predicted class equals the true class."""
    a, b = _pair(y_true, y_pred, object)
    return float(np.mean(a == b))


def confusion_matrix(y_true: object, y_pred: object, n_classes: int | None = None) -> np.ndarray:
    """Counts ``(C, C)``: entry ``[i, j]`` is the number of samples of class ``i`` predicted as
    ``j``, for class indices ``0..C−1`` (``C`` defaults to the largest index + 1)."""
    a, b = _pair(y_true, y_pred, float)
    both = np.concatenate([a, b])
    if not np.all(both == np.round(both)):  # NaN fails too
        raise DatasetError("confusion matrix: class indices must be integers")
    size = int(both.max()) + 1 if n_classes is None else n_classes
    if both.min() < 0 or both.max() >= size:
        raise DatasetError(f"confusion matrix: class indices must lie in 0..{size - 1}")
    matrix = np.zeros((size, size), dtype=np.int64)
    np.add.at(matrix, (a.astype(np.int64), b.astype(np.int64)), 1)
    return matrix


def _f1(a: np.ndarray, b: np.ndarray, label: object) -> float:
    tp = np.sum((a == label) & (b == label))
    predicted, actual = np.sum(b == label), np.sum(a == label)
    return 0.0 if predicted + actual == 0 else float(2 * tp / (predicted + actual))


def f1_score(y_true: object, y_pred: object, average: str = "binary",
             positive: object = 1) -> float:
    """F1 ``= 2·TP / (2·TP + FP + FN)``.

    ``average="binary"``: for the class ``positive``; ``"macro"``: the unweighted mean over
    every class that appears in ``y_true`` or ``y_pred``. With ``"binary"``, a ``positive``
    that appears nowhere scores 0 when there is at most one other class (no positives to
    find), and is an error when the arrays hold two or more other labels: then ``positive``
    is not one of the labels (say, the default 1 for text labels), and a silent 0 would hide
    that.
    """
    a, b = _pair(y_true, y_pred, object)
    if average == "binary":
        present = set(a.tolist()) | set(b.tolist())
        if positive not in present and len(present) >= 2:
            raise DatasetError(f"F1: the positive class {positive!r} is not among the labels "
                               f"{sorted(map(repr, present))}; pass positive=...")
        return _f1(a, b, positive)
    if average != "macro":
        raise DatasetError(f"F1 average must be 'binary' or 'macro', got {average!r}")
    labels = set(a.tolist()) | set(b.tolist())
    return float(np.mean([_f1(a, b, label) for label in labels]))


def mean_squared_error(y_true: object, y_pred: object) -> float:
    """``mean((y − ŷ)²)``."""
    a, b = _pair(y_true, y_pred, float)
    return float(np.mean((a - b) ** 2))


def r2_score(y_true: object, y_pred: object) -> float:
    """Coefficient of determination ``1 − Σ(y − ŷ)² / Σ(y − ȳ)²``.

    For constant targets (zero denominator) it is 1 for a perfect prediction, else 0.
    """
    a, b = _pair(y_true, y_pred, float)
    residual = float(np.sum((a - b) ** 2))
    total = float(np.sum((a - a.mean()) ** 2))
    if total == 0.0:
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def evaluate_metrics(task: str, y_true: object, y_pred: object,
                     n_classes: int | None = None) -> dict[str, float]:
    """The metrics a trainer reports: ``accuracy`` and ``f1`` for classification, ``mse`` and
    ``r2`` for regression.

    F1 is the binary F1 of class 1 when there are two classes (``n_classes == 2``, or, if
    ``n_classes`` is not given, every label is 0 or 1) and the macro F1 otherwise.
    """
    if task == "regression":
        return {"mse": mean_squared_error(y_true, y_pred), "r2": r2_score(y_true, y_pred)}
    if task != "classification":
        raise DatasetError(f"metrics: task must be one of {', '.join(TASK_METRICS)}, "
                           f"got {task!r}")
    a, b = _pair(y_true, y_pred, object)
    binary = n_classes == 2 if n_classes is not None else \
        (set(a.tolist()) | set(b.tolist())) <= {0, 1}
    return {"accuracy": accuracy(a, b),
            "f1": f1_score(a, b, "binary" if binary else "macro")}
