"""The maths after the circuit, compiled: readout, losses and the optimizers' updates.

A model reads its expectation values ``v`` (B, K) out through an affine layer,
``z = v Wᵀ + b`` with ``W`` (n × K) a full matrix (a ``linear`` readout) or the diagonal of
its ``head`` (one scale per output), and turns ``z`` into outputs of a ``kind``:

* :data:`BINARY`: the logits ``(0, z₀)`` of a two-class model with one output;
* :data:`CLASSES`: the logits ``z`` themselves;
* :data:`REGRESSION`: the prediction ``z₀`` (a column of one).

A loss of the outputs and the targets (class indices, or values, as floats) gives a value
(the mean over the batch) and its gradient with respect to the outputs. Chained back
through the readout, that gradient is the engine's cotangent (∂loss/∂v) and the readout's
own gradient. These kernels are the one home of that maths: ``qmlstudio.ml`` calls them
from Python for every model (losses, outputs, the cotangent of a training step, the Adam
and momentum updates) and :mod:`.training_epoch` calls them from compiled code, so the two
training paths compute the same numbers the same way.
"""

from __future__ import annotations

import math

import numpy as np

from qmlstudio.engine._jit import entry_kernel, python_kernel

__all__ = ["BINARY", "CLASSES", "CROSS_ENTROPY", "HINGE", "LOSS_CODES", "MSE",
           "PROBABILITY_MSE", "REGRESSION", "adam_update", "momentum_update", "output_loss",
           "output_width", "prepare_step_kernels", "readout_cotangent", "readout_outputs",
           "softmax_rows"]

BINARY, CLASSES, REGRESSION = 0, 1, 2
"""Kinds of outputs (see the module docstring)."""

CROSS_ENTROPY, PROBABILITY_MSE, HINGE, MSE = 0, 1, 2, 3
"""Loss codes."""

LOSS_CODES = {("classification", "cross_entropy"): CROSS_ENTROPY,
              ("classification", "mse"): PROBABILITY_MSE,
              ("classification", "hinge"): HINGE,
              ("regression", "mse"): MSE}
"""The code of each loss, by task and :class:`~qmlstudio.core.TrainingConfig` name."""


def output_width(kind: int, n_outputs: int) -> int:
    """Columns of the outputs of ``kind`` for a readout of ``n_outputs`` outputs: the binary
    logits' two, a regressor's one, else one per output."""
    return 2 if kind == BINARY else 1 if kind == REGRESSION else n_outputs


@entry_kernel(exact=True)
def _row_top(z, b):
    """The largest entry of row ``b`` of ``z``, or 0 where that is infinite: subtracted before
    ``exp``, so that none overflows."""
    top = -math.inf
    for k in range(z.shape[1]):
        top = max(top, z[b, k])
    return top if math.isfinite(top) else 0.0


@entry_kernel(exact=True)
def softmax_rows(z, out):
    """``out[b] = exp(z[b] − m) / Σ exp(z[b] − m)`` with ``m`` the row's largest entry (0
    where that is infinite), so no ``exp`` overflows."""
    for b in range(z.shape[0]):
        top = _row_top(z, b)
        total = 0.0
        for k in range(z.shape[1]):
            out[b, k] = math.exp(z[b, k] - top)
            total += out[b, k]
        for k in range(z.shape[1]):
            out[b, k] /= total


@entry_kernel(exact=True)
def output_loss(outputs, targets, loss, grad):
    """The mean over the batch of ``loss`` (a code) of ``outputs`` (B, C) against
    ``targets`` (B,); ``grad`` (B, C) receives its gradient with respect to the outputs.

    * :data:`CROSS_ENTROPY`: ``logsumexp(z) − z_y``; gradient ``(softmax(z) − onehot(y))/B``.
      With the binary logits ``(0, z)`` it is the logistic loss ``log(1 + e^{∓z})``.
    * :data:`PROBABILITY_MSE`: mean over samples and classes of ``(p_k − onehot_k)²`` with
      ``p = softmax(z)``; with ``g = 2(p − t)/(B·C)`` the softmax Jacobian gives
      ``p ⊙ (g − Σ_k g_k p_k)``.
    * :data:`HINGE` (Weston–Watkins): ``Σ_{k≠y} max(0, 1 + z_k − z_y)``; each active margin
      adds ``+1/B`` to ``∂/∂z_k`` and ``−1/B`` to ``∂/∂z_y`` (0 at the kink).
    * :data:`MSE` (regression, C = 1): ``(ŷ − y)²``; gradient ``2(ŷ − y)/B``.
    """
    n, c = outputs.shape
    total = 0.0
    if loss == MSE:
        for b in range(n):
            diff = outputs[b, 0] - targets[b]
            total += diff * diff
            grad[b, 0] = 2.0 * diff / n
        return total / n
    if loss == HINGE:
        for b in range(n):
            y = int(targets[b])
            active = 0.0
            for k in range(c):
                grad[b, k] = 0.0
                if k != y:
                    margin = 1.0 + outputs[b, k] - outputs[b, y]
                    if margin > 0.0:
                        total += margin
                        grad[b, k] = 1.0 / n
                        active += 1.0
            grad[b, y] = -active / n
        return total / n
    softmax_rows(outputs, grad)
    if loss == CROSS_ENTROPY:
        for b in range(n):
            y = int(targets[b])
            top = _row_top(outputs, b)
            sum_exp = 0.0
            for k in range(c):
                sum_exp += math.exp(outputs[b, k] - top)
            total += math.log(sum_exp) + top - outputs[b, y]
            for k in range(c):
                grad[b, k] /= n
            grad[b, y] -= 1.0 / n
        return total / n
    scale = 2.0 / (n * c)  # PROBABILITY_MSE
    for b in range(n):
        y = int(targets[b])
        weighted = 0.0
        for k in range(c):
            diff = grad[b, k] - (1.0 if k == y else 0.0)
            total += diff * diff
            weighted += scale * diff * grad[b, k]
        for k in range(c):
            diff = grad[b, k] - (1.0 if k == y else 0.0)
            grad[b, k] = grad[b, k] * (scale * diff - weighted)
    return total / (n * c)


@entry_kernel(exact=True)
def readout_outputs(values, head, bias, linear, kind, outputs):
    """The outputs (B, 2 | n | 1, by ``kind``) of the readout ``z = v Wᵀ + b`` of the
    expectation values ``values`` (B, K): ``W`` is ``head`` as an (n, K) matrix if
    ``linear``, else the diagonal ``head`` (n = K); ``n = len(bias)``."""
    n_values = values.shape[1]
    first = 1 if kind == BINARY else 0
    for b in range(values.shape[0]):
        if kind == BINARY:
            outputs[b, 0] = 0.0
        for i in range(len(bias)):
            z = bias[i]
            if linear:
                for k in range(n_values):
                    z += values[b, k] * head[i * n_values + k]
            else:
                z += values[b, i] * head[i]
            outputs[b, first + i] = z


@python_kernel
def readout_cotangent(values, head, bias, linear, kind, loss, targets, outputs, grad_outputs,
                      cotangent, readout_grad):
    """The loss of a batch from its expectation values (:func:`readout_outputs`, then
    :func:`output_loss`), with ``cotangent`` (B, K) ← ∂loss/∂values and ``readout_grad`` ←
    ∂loss/∂(head, bias), the readout vector's layout. ``outputs`` and ``grad_outputs`` are
    scratch of the outputs' shape."""
    readout_outputs(values, head, bias, linear, kind, outputs)
    value = output_loss(outputs, targets, loss, grad_outputs)
    n_values = values.shape[1]
    n_head = len(head)
    first = 1 if kind == BINARY else 0  # the constant logit 0 has no z
    readout_grad[:] = 0.0
    cotangent[:] = 0.0
    for b in range(values.shape[0]):
        for i in range(len(bias)):
            gz = grad_outputs[b, first + i]
            readout_grad[n_head + i] += gz
            if linear:
                for k in range(n_values):
                    readout_grad[i * n_values + k] += gz * values[b, k]
                    cotangent[b, k] += gz * head[i * n_values + k]
            else:
                readout_grad[i] += gz * values[b, i]
                cotangent[b, i] += gz * head[i]
    return value


@python_kernel
def adam_update(params, grad, m, v, step, learning_rate, beta1, beta2, eps, out):
    """Adam (Kingma & Ba), step number ``step`` (from 1): ``m ← β₁m + (1−β₁)g``,
    ``v ← β₂v + (1−β₂)g²`` in place, and ``out ← θ − lr · m̂ / (√v̂ + ε)`` with
    ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``. Returns ``Σ g²`` (a trainer reports the norm)."""
    first = 1.0 - beta1**step
    second = 1.0 - beta2**step
    squares = 0.0
    for i in range(len(params)):
        g = grad[i]
        squares += g * g
        m[i] = beta1 * m[i] + (1.0 - beta1) * g
        v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
        out[i] = params[i] - learning_rate * (m[i] / first) / (math.sqrt(v[i] / second) + eps)
    return squares


@python_kernel
def momentum_update(params, grad, velocity, learning_rate, momentum, out):
    """Heavy-ball momentum: ``u ← μu + g`` in place and ``out ← θ − lr·u``. Returns
    ``Σ g²``."""
    squares = 0.0
    for i in range(len(params)):
        squares += grad[i] * grad[i]
        velocity[i] = momentum * velocity[i] + grad[i]
        out[i] = params[i] - learning_rate * velocity[i]
    return squares


def prepare_step_kernels() -> None:
    """Compile (or load) the two kernels a training step calls from Python (its readout and
    loss, its Adam update), by calling each once on one sample with the types the models
    pass."""
    values, targets = np.zeros((1, 1)), np.zeros(1)
    vector, moment = np.array([1.0, 0.0]), np.zeros(2)
    outputs = np.empty((1, 2))
    readout_cotangent(values, vector[:1], vector[1:], False, BINARY, CROSS_ENTROPY, targets,
                      outputs, np.empty_like(outputs), np.empty((1, 1)), np.empty(2))
    adam_update(vector, vector, moment, moment.copy(), 1, 0.1, 0.9, 0.999, 1e-8, np.empty(2))
