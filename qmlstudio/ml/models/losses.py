"""Losses and their gradients with respect to the model outputs, and the softmax.

Every loss has the signature ``loss(outputs, targets) -> (value, d value / d outputs)`` and
averages over the samples of the batch. Classification losses take logits ``(B, C)`` and class
indices ``(B,)``; the regression loss takes predictions ``(B,)`` and target values ``(B,)``.
The maths (written out beside :func:`~qmlstudio.engine.readout_loss.output_loss`) is compiled
in the engine, which a training step calls too; these functions check the shapes and call it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.core import DatasetError, ProjectError
from qmlstudio.engine.readout_loss import (
    CROSS_ENTROPY,
    HINGE,
    MSE,
    PROBABILITY_MSE,
    output_loss,
    softmax_rows,
)

__all__ = [
    "CLASSIFICATION_LOSSES",
    "REGRESSION_LOSSES",
    "cross_entropy",
    "hinge",
    "loss_function",
    "mse",
    "probability_mse",
    "softmax",
]

Loss = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities ``exp(z_k) / Σ_j exp(z_j)`` along the last axis, computed stably (the
    largest entry of each row is subtracted first). The one softmax of the package: models,
    losses, the decision boundary and the baselines use it."""
    z = np.asarray(z, dtype=float)
    rows = np.ascontiguousarray(z.reshape(-1, z.shape[-1]))
    out = np.empty_like(rows)
    softmax_rows(rows, out)
    return out.reshape(z.shape)


def _classification(code: int, logits: np.ndarray, labels: np.ndarray,
                    ) -> tuple[float, np.ndarray]:
    logits = np.ascontiguousarray(logits, dtype=float)
    grad = np.empty_like(logits)
    value = output_loss(logits, np.asarray(labels, dtype=float), code, grad)
    return float(value), grad


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of ``logsumexp(z_b) − z_b[y_b]``; gradient ``(softmax(z) − onehot(y)) / B``.

    With the binary logits ``(0, z)`` this is the logistic loss ``log(1 + e^{∓z})``.
    """
    return _classification(CROSS_ENTROPY, logits, labels)


def hinge(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Multi-class (Weston–Watkins) hinge: mean of ``Σ_{k≠y} max(0, 1 + z_k − z_y)``.

    With the binary logits ``(0, z)`` and ``t = ±1`` it is the usual ``max(0, 1 − t·z)``.
    """
    return _classification(HINGE, logits, labels)


def probability_mse(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over samples and classes of ``(p_k − onehot_k)²`` with ``p = softmax(z)``. For two
    classes it equals ``(p_1 − y)²`` averaged over the samples."""
    return _classification(PROBABILITY_MSE, logits, labels)


def mse(predictions: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error ``mean((ŷ − y)²)``; gradient ``2(ŷ − y)/B``.

    The shapes must be equal: numpy would broadcast ``(B,)`` against ``(B, 1)`` into a
    ``(B, B)`` table of every pairing and return a wrong loss without a word.
    """
    predictions = np.asarray(predictions, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if predictions.shape != targets.shape:
        raise DatasetError(f"mse: predictions of shape {predictions.shape} but targets of "
                           f"shape {targets.shape}")
    column = np.ascontiguousarray(predictions.reshape(-1, 1))
    grad = np.empty_like(column)
    value = output_loss(column, np.ascontiguousarray(targets.ravel()), MSE, grad)
    return float(value), grad.reshape(predictions.shape)


CLASSIFICATION_LOSSES: dict[str, Loss] = {
    "cross_entropy": cross_entropy,
    "mse": probability_mse,
    "hinge": hinge,
}
"""Classification losses by their :class:`~qmlstudio.core.TrainingConfig` names."""

REGRESSION_LOSSES: dict[str, Loss] = {"mse": mse}
"""Regression losses by name."""


def loss_function(name: str, task: str) -> Loss:
    """The loss called ``name`` for ``task`` (``"classification"`` or ``"regression"``)."""
    table = REGRESSION_LOSSES if task == "regression" else CLASSIFICATION_LOSSES
    if name not in table:
        raise ProjectError(f"training.loss: {name!r} is not a {task} loss; choose one of "
                           f"{', '.join(table)}")
    return table[name]
