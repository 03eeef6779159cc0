"""Evaluation metrics: accuracy, F1 and the confusion matrix for classifiers; MSE and R² for
regressors, with scikit-learn's definitions (``sklearn.metrics``, the reference the tests
check every number against) and the conventions the studio relies on: rows of the confusion
matrix are true classes, macro F1 averages over the classes present in either array, an
undefined F1 or R² is 0 (never a warning), and a misshapen input or a binary ``positive``
class that is not a label is a :class:`~qmlstudio.core.DatasetError` naming what is wrong.

The numbers come from one confusion matrix counted with :func:`numpy.bincount`, not from
``sklearn.metrics``: a trainer evaluates every epoch, and scikit-learn's input checks cost
about 5 ms a call, more than a whole training step of a small circuit."""

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
    counts, _ = _label_counts(*_pair(y_true, y_pred, object))
    return _accuracy(counts)


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
    return _counts(a.astype(np.int64), b.astype(np.int64), size)


def _counts(a_codes: np.ndarray, b_codes: np.ndarray, size: int) -> np.ndarray:
    """The confusion matrix ``(size, size)`` of two code arrays with values in ``0..size-1``."""
    return np.bincount(a_codes * size + b_codes, minlength=size * size).reshape(size, size)


def _label_counts(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list]:
    """The confusion matrix of two label arrays over every label in either, and those labels
    (in order of appearance). Labels may mix types (``1`` and ``"a"``), which scikit-learn
    refuses to sort; they count as equal exactly when they compare equal (a NaN equals
    nothing: each is a label of its own)."""
    values = a.tolist() + b.tolist()
    codes = {label: k for k, label in enumerate(dict.fromkeys(values))}
    both = np.array([codes[v] for v in values], dtype=np.int64)  # the same objects: NaN found
    return _counts(both[:len(a)], both[len(a):], len(codes)), list(codes)


def _index_counts(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list]:
    """:func:`_label_counts` of two arrays of non-negative integers (class indices, what a
    trainer measures every epoch) from numpy calls rather than one Python step per sample:
    the same labels in the same order, so the same numbers to the bit."""
    values = np.concatenate((a, b))
    distinct, first = np.unique(values, return_index=True)
    order = np.argsort(first)  # the labels in order of appearance
    code = np.empty(len(distinct), dtype=np.int64)
    code[order] = np.arange(len(distinct))
    both = code[np.searchsorted(distinct, values)]
    return _counts(both[:len(a)], both[len(a):], len(distinct)), distinct[order].tolist()


def _accuracy(counts: np.ndarray) -> float:
    return float(np.trace(counts) / counts.sum())


def _f1(counts: np.ndarray, labels: list, positive: object = None) -> float:
    """F1 of the label ``positive`` from the confusion matrix over ``labels`` (0 if it is not
    one of them), or with ``positive=None`` the mean F1 over all ``labels``. An undefined F1
    (no sample truly of the label or predicted as it) is 0."""
    # 2·TP + FP + FN = (samples truly of the label) + (samples predicted as it)
    true_positives = 2.0 * np.diag(counts)
    totals = (counts.sum(axis=1) + counts.sum(axis=0)).astype(float)
    scores = np.divide(true_positives, totals, out=np.zeros(len(totals)), where=totals > 0)
    if positive is None:
        return float(scores.mean())
    return float(scores[labels.index(positive)]) if positive in labels else 0.0


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
    if average not in ("binary", "macro"):
        raise DatasetError(f"F1 average must be 'binary' or 'macro', got {average!r}")
    counts, labels = _label_counts(*_pair(y_true, y_pred, object))
    return _f1_of(counts, labels, average, positive)


def _f1_of(counts: np.ndarray, labels: list, average: str, positive: object = 1) -> float:
    """:func:`f1_score` from the confusion matrix over ``labels``."""
    if average == "macro":
        return _f1(counts, labels)
    if positive not in labels and len(labels) >= 2:
        raise DatasetError(f"F1: the positive class {positive!r} is not among the labels "
                           f"{sorted(map(repr, labels))}; pass positive=...")
    return _f1(counts, labels, positive)


def mean_squared_error(y_true: object, y_pred: object) -> float:
    """``mean((y − ŷ)²)``."""
    a, b = _pair(y_true, y_pred, float)
    return float(np.mean((a - b) ** 2))


def r2_score(y_true: object, y_pred: object) -> float:
    """Coefficient of determination ``1 − Σ(y − ŷ)² / Σ(y − ȳ)²``.

    For constant targets (zero denominator) it is 1 for a perfect prediction, else 0.
    """
    a, b = _pair(y_true, y_pred, float)
    residual, total = np.sum((a - b) ** 2), np.sum((a - a.mean()) ** 2)
    if total == 0:  # one sample is a constant target too (scikit-learn warns and says NaN)
        return 1.0 if residual == 0 else 0.0
    return float(1 - residual / total)


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
    a, b = np.asarray(y_true), np.asarray(y_pred)
    if (a.ndim == 1 and a.shape == b.shape and len(a) and a.dtype.kind in "iu"
            and b.dtype.kind in "iu" and min(a.min(), b.min()) >= 0):
        counts, labels = _index_counts(a, b)
    else:
        counts, labels = _label_counts(*_pair(a, b, object))
    binary = n_classes == 2 if n_classes is not None else set(labels) <= {0, 1}
    return {"accuracy": _accuracy(counts),
            "f1": _f1_of(counts, labels, "binary" if binary else "macro")}
