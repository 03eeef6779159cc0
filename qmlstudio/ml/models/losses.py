"""Losses and their gradients with respect to the model outputs, and the stable softmax helpers
(along the last axis; the tests check them against scipy's).

Every loss has the signature ``loss(outputs, targets) -> (value, d value / d outputs)`` and
averages over the samples of the batch. Classification losses take logits ``(B, C)`` and class
indices ``(B,)``; the regression loss takes predictions ``(B,)`` and target values ``(B,)``.
The gradients are written out by hand (the maths is beside each function), so a model chains
them through its readout without an autodiff library.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qmlstudio.core import DatasetError, ProjectError

__all__ = [
    "CLASSIFICATION_LOSSES",
    "REGRESSION_LOSSES",
    "cross_entropy",
    "hinge",
    "log_softmax",
    "logsumexp",
    "loss_function",
    "mse",
    "probability_mse",
    "sigmoid",
    "softmax",
]

Loss = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def _shift(z: object) -> tuple[np.ndarray, np.ndarray]:
    """``(z − m, m)`` with ``m`` the largest entry of each row (0 where that is infinite), so
    ``exp`` of the first never overflows. scipy's softmax functions do the same, at ten times
    the cost on the small batches of a training step."""
    z = np.asarray(z, dtype=float)
    top = z.max(axis=-1, keepdims=True)
    finite = np.isfinite(top)
    if not finite.all():
        top[~finite] = 0.0
    return z - top, top


def logsumexp(z: np.ndarray) -> np.ndarray:
    """``log Σ_k exp(z[..., k])`` along the last axis, without overflow."""
    shifted, top = _shift(z)
    with np.errstate(divide="ignore"):  # every entry −inf: the answer is −inf
        return (np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)) + top)[..., 0]


def log_softmax(z: np.ndarray) -> np.ndarray:
    """``z − logsumexp(z)`` along the last axis: log-probabilities that never overflow."""
    shifted, _ = _shift(z)
    with np.errstate(divide="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Probabilities ``exp(z_k) / Σ_j exp(z_j)`` along the last axis, computed stably. The one
    softmax of the package: models, losses, the decision boundary and the baselines use it."""
    e = np.exp(_shift(z)[0])
    return e / np.sum(e, axis=-1, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(−z))`` without overflow for large ``|z|``."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _one_hot(labels: np.ndarray, n_classes: int) -> np.ndarray:
    out = np.zeros((len(labels), n_classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of ``logsumexp(z_b) − z_b[y_b]``; gradient ``(softmax(z) − onehot(y)) / B``.

    With the binary logits ``(0, z)`` this is the logistic loss ``log(1 + e^{∓z})``.
    """
    logits = np.asarray(logits, dtype=float)
    n = len(logits)
    rows = np.arange(n)
    log_p = log_softmax(logits)
    value = -float(log_p[rows, labels].sum() / n)  # the mean, as np.mean computes it
    grad = np.exp(log_p)
    grad[rows, labels] -= 1.0  # − onehot(y): the same numbers, without building it
    grad /= n
    return value, grad


def hinge(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Multi-class (Weston–Watkins) hinge: mean of ``Σ_{k≠y} max(0, 1 + z_k − z_y)``.

    Each active margin (``1 + z_k − z_y > 0``) adds ``+1/B`` to ``∂/∂z_k`` and ``−1/B`` to
    ``∂/∂z_y`` (the subgradient 0 is taken at the kink). With the binary logits ``(0, z)`` and
    ``t = ±1`` it is the usual ``max(0, 1 − t·z)``.
    """
    logits = np.asarray(logits, dtype=float)
    n = len(logits)
    rows = np.arange(n)
    margins = 1.0 + logits - logits[rows, labels][:, None]
    margins[rows, labels] = 0.0
    active = (margins > 0).astype(float)
    grad = active.copy()
    grad[rows, labels] = -active.sum(axis=1)
    return float(np.sum(np.maximum(margins, 0.0)) / n), grad / n


def probability_mse(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over samples and classes of ``(p_k − onehot_k)²`` with ``p = softmax(z)``.

    With ``g = ∂L/∂p = 2(p − t)/(B·C)`` the chain rule through the softmax Jacobian
    ``∂p_k/∂z_j = p_k(δ_kj − p_j)`` gives ``∂L/∂z = p ⊙ (g − Σ_k g_k p_k)``. For two classes it
    equals ``(p_1 − y)²`` averaged over the samples.
    """
    logits = np.asarray(logits, dtype=float)
    p = softmax(logits)
    diff = p - _one_hot(labels, logits.shape[1])
    g = 2.0 * diff / diff.size
    grad = p * (g - np.sum(g * p, axis=1, keepdims=True))
    return float(np.mean(diff**2)), grad


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
    diff = predictions - targets
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


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
