"""Evaluation metrics: accuracy, F1 and the confusion matrix for classifiers; MSE and R² for
regressors. The numbers are scikit-learn's (``sklearn.metrics``); this module adds the checks
and conventions the studio relies on: rows of the confusion matrix are true classes, macro F1
averages over the classes present in either array, an undefined F1 or R² is 0 (never a
warning), and a misshapen input or a binary ``positive`` class that is not a label is a
:class:`~qmlstudio.core.DatasetError` naming what is wrong."""

from __future__ import annotations

import numpy as np
from sklearn import metrics

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
    a_codes, b_codes = _codes(a, b, list(dict.fromkeys(a.tolist() + b.tolist())))
    return float(metrics.accuracy_score(a_codes, b_codes))


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
    return metrics.confusion_matrix(a.astype(np.int64), b.astype(np.int64),
                                    labels=np.arange(size)).astype(np.int64)


def _codes(a: np.ndarray, b: np.ndarray, labels: list) -> tuple[np.ndarray, np.ndarray]:
    """Both label arrays as integer codes: ``labels[k]`` is ``k``, any other label
    ``len(labels)``. Labels may mix types (``1`` and ``"a"``), which scikit-learn refuses to
    sort; codes compare exactly as the labels do."""
    codes = {label: k for k, label in enumerate(labels)}
    other = len(labels)
    return (np.array([codes.get(v, other) for v in a.tolist()]),
            np.array([codes.get(v, other) for v in b.tolist()]))


def _f1(a: np.ndarray, b: np.ndarray, labels: list) -> float:
    """Mean F1 over ``labels`` (scikit-learn's)."""
    a_codes, b_codes = _codes(a, b, labels)
    return float(metrics.f1_score(a_codes, b_codes, labels=np.arange(len(labels)),
                                  average="macro", zero_division=0.0))


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
        return _f1(a, b, [positive])
    if average != "macro":
        raise DatasetError(f"F1 average must be 'binary' or 'macro', got {average!r}")
    return _f1(a, b, list(dict.fromkeys(a.tolist() + b.tolist())))


def mean_squared_error(y_true: object, y_pred: object) -> float:
    """``mean((y − ŷ)²)``."""
    a, b = _pair(y_true, y_pred, float)
    return float(metrics.mean_squared_error(a, b))


def r2_score(y_true: object, y_pred: object) -> float:
    """Coefficient of determination ``1 − Σ(y − ŷ)² / Σ(y − ȳ)²``.

    For constant targets (zero denominator) it is 1 for a perfect prediction, else 0.
    """
    a, b = _pair(y_true, y_pred, float)
    if len(a) < 2:  # scikit-learn warns and answers NaN; one sample is a constant target
        return 1.0 if a[0] == b[0] else 0.0
    return float(metrics.r2_score(a, b))


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
