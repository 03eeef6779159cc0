"""Training a circuit written in PennyLane the way QML Studio trains, with JAX.

The quality benchmark (``bench_quality.py``) trains every preset twice, once with QML Studio and
once with the independent PennyLane implementation of the same circuit
(``tests/reference/pennylane_presets.py``), and both must follow the same recipe. This module is
that recipe written independently of ``qmlstudio`` (numpy and JAX only), from what
``qmlstudio/ml/models/quantum_model.py`` and ``qmlstudio/ml/training`` document:

* features: min-max scaled into [0, π] with the minimum and maximum of the training rows
  (:func:`minmax_to_pi`);
* readout: ``Z = E·Wᵀ + b`` over the circuit's expectation values ``E``; ``W`` diagonal (one
  scale per observable) or, for a linear readout, a full matrix; a binary classifier has logits
  ``(0, Z_0)``, a multi-class one logits ``Z``; loss the cross-entropy, mean over the batch;
  the flat parameter vector is the circuit weights, then the scales (or the rows of ``W``),
  then the biases;
* optimizer: Adam (β₁ 0.9, β₂ 0.999, ε 1e-8) over circuit weights and readout together (the
  readout's gradient is zeroed when it is not trained);
* batches: epoch ``e`` (from 1) visits the training rows in the order
  ``numpy.random.default_rng([seed, e]).permutation(n)``, ``batch_size`` rows per step (the
  last step of an epoch takes the rows that are left).

The circuit is vectorised over the batch with ``jax.vmap`` and each training step (loss,
gradient and Adam update) is one ``jax.jit`` function, compiled once ahead of time (a short
last batch is padded and masked, so one shape serves all), so the compile time is measured
apart from the training time. Computations are in
double precision (``jax_enable_x64``), as QML Studio's engine is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["JaxRun", "JaxTrainer", "Readout", "batch_expvals", "minmax_to_pi",
           "predict_jax"]

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


def minmax_to_pi(X_train: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``X`` scaled so that each column of ``X_train`` spans [0, π]."""
    low, high = X_train.min(axis=0), X_train.max(axis=0)
    return (X - low) / (high - low) * np.pi


@dataclass(frozen=True)
class Readout:
    """The readout layer: ``n_outputs`` outputs over ``n_observables`` expectation values,
    ``linear`` (a full matrix) or not (one scale per observable), trained or fixed."""

    n_outputs: int
    n_observables: int
    linear: bool
    trained: bool = True


@dataclass(frozen=True)
class JaxRun:
    """A finished run: the trained flat parameters, the training seconds (compilation left
    out) and the seconds this run spent compiling the step function (0 once compiled)."""

    params: np.ndarray
    seconds: float
    compile_seconds: float


def _model(expvals: Callable, n_weights: int, readout: Readout) -> tuple[Callable, Callable]:
    """``(logits(params, X), loss(params, X, y, mask))`` as JAX functions."""
    import jax
    import jax.numpy as jnp

    batched = jax.vmap(expvals, in_axes=(None, 0))
    n, k = readout.n_outputs, readout.n_observables

    def logits(params, X):
        weights, head, bias = params[:n_weights], params[n_weights:-n], params[-n:]
        matrix = head.reshape(n, k) if readout.linear else jnp.diag(head)
        z = batched(weights, X) @ matrix.T + bias
        return jnp.stack([jnp.zeros(len(z)), z[:, 0]], axis=1) if n == 1 else z

    def loss(params, X, y, mask):
        # The mean over the rows ``mask`` keeps: a short last batch is padded to the full
        # size so that one compiled step serves every batch.
        log_p = jax.nn.log_softmax(logits(params, X), axis=1)
        picked = jnp.take_along_axis(log_p, y[:, None], axis=1)[:, 0]
        return -jnp.sum(mask * picked) / jnp.sum(mask)

    return logits, loss


class JaxTrainer:
    """Trains one circuit (see the module docstring) from any start, seed and data.

    ``expvals(weights, x)`` returns the circuit's expectation values ``(K,)`` for ONE (already
    scaled) sample ``x``; it must be traceable by JAX. The step function is compiled by the
    first :meth:`fit` and kept, so a second one (another seed) compiles nothing.
    """

    def __init__(self, expvals: Callable, n_weights: int, readout: Readout, *,
                 learning_rate: float, batch_size: int) -> None:
        import jax
        import jax.numpy as jnp

        jax.config.update("jax_enable_x64", True)
        _, loss = _model(expvals, n_weights, readout)

        def step(params, m, v, t, X, y, mask):
            grad = jax.grad(loss)(params, X, y, mask)
            if not readout.trained:
                grad = grad.at[n_weights:].set(0.0)
            m = BETA1 * m + (1 - BETA1) * grad
            v = BETA2 * v + (1 - BETA2) * grad**2
            m_hat, v_hat = m / (1 - BETA1**t), v / (1 - BETA2**t)
            return params - learning_rate * m_hat / (jnp.sqrt(v_hat) + EPS), m, v

        self._step = jax.jit(step)
        self._compiled: Callable | None = None
        self.batch_size = batch_size

    def fit(self, X_train: np.ndarray, y_train: np.ndarray, weights: np.ndarray,
            readout_vector: np.ndarray, *, epochs: int, seed: int) -> JaxRun:
        """Train from ``weights`` and ``readout_vector`` for ``epochs`` epochs, batch order
        seeded with ``seed``."""
        import jax.numpy as jnp

        params = jnp.asarray(np.r_[weights, readout_vector], dtype=jnp.float64)
        m = v = jnp.zeros_like(params)
        X, y = np.asarray(X_train, dtype=np.float64), np.asarray(y_train, dtype=np.int64)
        n = len(y)
        size = min(self.batch_size, n)
        compile_seconds = 0.0
        if self._compiled is None:
            start = time.perf_counter()
            self._compiled = self._step.lower(params, m, v, 1.0, X[:size], y[:size],
                                              np.ones(size)).compile()
            compile_seconds = time.perf_counter() - start
        start, t = time.perf_counter(), 0
        for epoch in range(1, epochs + 1):
            order = np.random.default_rng([seed, epoch]).permutation(n)
            for first in range(0, n, size):
                rows = order[first:first + size]
                mask = np.zeros(size)
                mask[:len(rows)] = 1.0
                rows = np.resize(rows, size)  # pads with repeated rows, weighted 0 by mask
                t += 1
                params, m, v = self._compiled(params, m, v, float(t), X[rows], y[rows], mask)
        params.block_until_ready()
        return JaxRun(np.asarray(params), time.perf_counter() - start, compile_seconds)


def predict_jax(expvals: Callable, params: np.ndarray, n_weights: int, readout: Readout,
                X: np.ndarray) -> np.ndarray:
    """Predicted class indices of the (scaled) rows ``X`` with the flat ``params``."""
    import jax.numpy as jnp

    logits, _ = _model(expvals, n_weights, readout)
    return np.asarray(jnp.argmax(logits(jnp.asarray(params), jnp.asarray(X)), axis=1))


def batch_expvals(expvals: Callable, weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The circuit's expectation values ``(B, K)`` of the (scaled) rows ``X``."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    return np.asarray(jax.vmap(expvals, in_axes=(None, 0))(jnp.asarray(weights),
                                                           jnp.asarray(X)))
