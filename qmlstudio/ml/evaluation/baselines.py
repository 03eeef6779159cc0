"""A classical baseline on the same features and split: :func:`baseline_metrics`.

So users see honestly whether their circuit beats a linear model, the baseline is fitted on
exactly the preprocessed training part the quantum model trains on and scored on the same
test part with the same metrics (:func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics`). It uses
numpy only:

* classification: multinomial logistic regression (softmax over ``x·W + b``) minimising
  ``mean cross-entropy + (l2 / 2)·‖W‖²`` (the intercept is not penalised). The default
  ``l2 = 1 / n_train`` is scikit-learn's default ``C = 1``. The problem is strictly convex
  (``l2 > 0``), so it has one optimum and the fit starts from zero: no random seed is needed
  and the result is reproducible. It is solved by Newton's method with a backtracking line
  search while the Hessian is small (at most :data:`NEWTON_MAX_PARAMS` parameters), else by
  Böhning's bound-optimisation steps (a fixed curvature bound ``½·XᵀX/n ⊗ I`` instead of the
  Hessian: every step lowers the objective, each costs one ``(d+1)²`` solve);
* regression: least squares ``x·w + b`` (with ``l2 > 0``: ridge), solved in closed form.

Inputs are standardised with the training part's mean and standard deviation first (a
constant column gets width 1), which keeps the solvers well conditioned; it changes neither the
linear model class nor its predictions on unregularised problems.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qmlstudio.core import DatasetError
from qmlstudio.ml.evaluation.metrics import TASK_METRICS, evaluate_metrics
from qmlstudio.ml.training.prepared_data import TrainingData

__all__ = ["NEWTON_MAX_PARAMS", "LinearBaseline", "baseline_metrics", "fit_linear_regression",
           "fit_logistic_regression", "logistic_objective"]

NEWTON_MAX_PARAMS = 600
"""Above this many parameters ``(features + 1) × classes`` logistic regression takes Böhning
steps instead of Newton steps (the Hessian would be too large to form and solve)."""
_TOLERANCE = 1e-10
_MAX_ITERATIONS = {"newton": 100, "bohning": 500}


@dataclass(frozen=True, slots=True, eq=False)
class LinearBaseline:
    """A fitted linear model on standardised inputs ``(X − mean) / scale``.

    ``coef`` is ``(d, C)`` logits weights (classification) or ``(d, 1)`` (regression);
    ``intercept`` is ``(C,)`` or ``(1,)``. ``iterations`` counts solver steps (0 for the closed
    form); ``gradient_norm`` is the objective's gradient norm at the returned parameters.
    """

    task: str
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    iterations: int = 0
    gradient_norm: float = 0.0

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Logits ``(B, C)`` or predictions ``(B, 1)`` for raw rows ``X``."""
        Z = (np.asarray(X, dtype=float) - self.mean) / self.scale
        return Z @ self.coef + self.intercept

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class indices (the largest logit) or predicted values, ``(B,)``."""
        outputs = self.decision(X)
        return np.argmax(outputs, axis=1) if self.task == "classification" else outputs[:, 0]


def _standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) == 0:
        raise DatasetError(f"baseline: expected a non-empty (samples, features) array, got "
                           f"shape {X.shape}")
    if not np.isfinite(X).all():
        raise DatasetError("baseline: the features contain NaN or infinite values")
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale <= 1e-12 * np.maximum(1.0, np.abs(mean))] = 1.0
    return (X - mean) / scale, mean, scale


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def logistic_objective(Z: np.ndarray, y: np.ndarray, n_classes: int, coef: np.ndarray,
                       intercept: np.ndarray, l2: float) -> tuple[float, np.ndarray,
                                                                  np.ndarray]:
    """``(objective, ∂/∂coef, ∂/∂intercept)`` of multinomial logistic regression on
    standardised inputs ``Z``: mean cross-entropy plus ``(l2 / 2)·‖coef‖²``."""
    logits = Z @ coef + intercept
    top = logits.max(axis=1, keepdims=True)
    log_norm = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    n = len(y)
    loss = float(np.mean(log_norm - logits[np.arange(n), y])) + 0.5 * l2 * float(np.sum(coef**2))
    residual = _softmax(logits)
    residual[np.arange(n), y] -= 1.0
    residual /= n
    return loss, Z.T @ residual + l2 * coef, residual.sum(axis=0)


def _newton_direction(Z1: np.ndarray, probabilities: np.ndarray, gradient: np.ndarray,
                      l2: float) -> np.ndarray:
    """Solve ``H·step = gradient`` for the full ``(d+1)·C`` Hessian (parameters class-major)."""
    n, width = Z1.shape
    c = probabilities.shape[1]
    # H[(a,k),(b,l)] = mean_n (p_k δ_kl − p_k p_l) z_a z_b: build it block by block.
    hessian = np.empty((c, width, c, width))
    for k in range(c):
        for m in range(c):
            weight = probabilities[:, k] * ((k == m) - probabilities[:, m]) / n
            hessian[k, :, m, :] = (Z1 * weight[:, None]).T @ Z1
    penalty = np.full(width, l2)
    penalty[-1] = 0.0  # the intercept column is not penalised
    hessian = hessian.reshape(c * width, c * width)
    hessian[np.diag_indices_from(hessian)] += np.tile(penalty, c)
    # Adding one constant to every class's intercept changes nothing, so the Hessian is
    # singular along that direction; the minimum-norm solution ignores it.
    flat = np.linalg.lstsq(hessian, gradient.T.reshape(-1), rcond=None)[0]
    return flat.reshape(c, width).T


def fit_logistic_regression(X: np.ndarray, y: np.ndarray, n_classes: int | None = None,
                            l2: float | None = None, method: str = "auto") -> LinearBaseline:
    """Multinomial logistic regression of class indices ``y`` on ``X`` (module docstring).

    ``n_classes`` defaults to the largest index + 1; ``l2`` to ``1 / len(y)``. ``method`` is
    ``"newton"``, ``"bohning"`` or ``"auto"`` (Newton up to :data:`NEWTON_MAX_PARAMS`
    parameters). Böhning steps converge linearly and stop after 500: on large problems the
    baseline is then close to, not exactly at, the optimum.
    """
    Z, mean, scale = _standardise(X)
    labels = np.asarray(y)
    if labels.shape != (len(Z),) or not np.all(labels == np.round(labels)) or labels.min() < 0:
        raise DatasetError("baseline: class labels must be one non-negative integer per row")
    labels = labels.astype(np.int64)
    c = int(labels.max()) + 1 if n_classes is None else int(n_classes)
    l2 = 1.0 / len(labels) if l2 is None else float(l2)
    if l2 <= 0.0:
        raise DatasetError(f"baseline: l2 must be positive, got {l2}")
    d = Z.shape[1]
    Z1 = np.column_stack([Z, np.ones(len(Z))])
    params = np.zeros((d + 1, c))  # rows: features then intercept; columns: classes

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        loss, dcoef, dbias = logistic_objective(Z, labels, c, p[:-1], p[-1], l2)
        return loss, np.vstack([dcoef, dbias])

    if method == "auto":
        method = "newton" if (d + 1) * c <= NEWTON_MAX_PARAMS else "bohning"
    if method not in _MAX_ITERATIONS:
        raise DatasetError(f"baseline: method must be 'auto', 'newton' or 'bohning', "
                           f"got {method!r}")
    if method == "bohning":
        bound = 0.5 * (Z1.T @ Z1) / len(Z1) + np.diag(np.r_[np.full(d, l2), 0.0]) \
            + 1e-9 * np.eye(d + 1)
        bound_inverse = np.linalg.inv(bound)
    loss, gradient = objective(params)
    iterations = 0
    while iterations < _MAX_ITERATIONS[method] and np.linalg.norm(gradient) > _TOLERANCE:
        if method == "newton":
            direction = _newton_direction(Z1, _softmax(Z1 @ params), gradient, l2)
        else:
            direction = bound_inverse @ gradient
        step = 1.0
        # Backtracking (Armijo): a Newton step from zero may overshoot at first; a Böhning
        # step never does (the bound majorises the objective), so it is taken at once.
        while True:
            trial = params - step * direction
            trial_loss, trial_gradient = objective(trial)
            if trial_loss <= loss - 1e-4 * step * float(np.sum(gradient * direction)) \
                    or step < 1e-6:
                break
            step *= 0.5
        if not trial_loss < loss:  # no decrease left in floating point: at the optimum
            break
        params, loss, gradient = trial, trial_loss, trial_gradient
        iterations += 1
    return LinearBaseline("classification", mean, scale, params[:-1], params[-1],
                          iterations, float(np.linalg.norm(gradient)))


def fit_linear_regression(X: np.ndarray, y: np.ndarray, l2: float = 0.0) -> LinearBaseline:
    """Least squares (ridge for ``l2 > 0``) of targets ``y`` on ``X``, intercept unpenalised:
    minimises ``mean (y − x·w − b)² + l2·‖w‖²``. Rank-deficient data gets the minimum-norm
    solution."""
    Z, mean, scale = _standardise(X)
    target = np.asarray(y, dtype=float)
    if target.shape != (len(Z),) or not np.isfinite(target).all():
        raise DatasetError("baseline: regression targets must be one finite number per row")
    centre = target.mean()
    # Standardised columns have mean 0, so the intercept is the target mean and w solves the
    # centred problem; ridge appends sqrt(n·l2)·I rows.
    A, b = Z, target - centre
    if l2 > 0:
        A = np.vstack([Z, np.sqrt(len(Z) * l2) * np.eye(Z.shape[1])])
        b = np.r_[b, np.zeros(Z.shape[1])]
    w = np.linalg.lstsq(A, b, rcond=None)[0]
    gradient = -2.0 * Z.T @ (target - centre - Z @ w) / len(Z) + 2.0 * l2 * w
    return LinearBaseline("regression", mean, scale, w[:, None], np.array([centre]),
                          0, float(np.linalg.norm(gradient)))


def baseline_metrics(training_data: TrainingData, task: str | None = None) -> dict[str, float]:
    """Fit the baseline on ``training_data``'s training part and score every part.

    Returns the :func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics` values of each non-empty
    part
    under the trainer's names: ``{"train_accuracy", "train_f1", "test_accuracy", ...}`` or
    ``{"train_mse", "train_r2", "test_mse", "test_r2", ...}``. ``task`` defaults to the model's.
    """
    model = training_data.model
    task = model.spec.task if task is None else task
    if task not in TASK_METRICS:
        raise DatasetError(f"baseline: task must be one of {', '.join(TASK_METRICS)}, "
                           f"got {task!r}")
    X, y = training_data.X_train, training_data.y_train
    if task == "classification":
        n_classes = model.n_classes or None
        fitted = fit_logistic_regression(X, y, n_classes)
    else:
        n_classes = None
        fitted = fit_linear_regression(X, y)
    values: dict[str, float] = {}
    for part, X_part, y_part in training_data.parts():
        metrics = evaluate_metrics(task, y_part, fitted.predict(X_part), n_classes)
        values.update((f"{part}_{name}", value) for name, value in metrics.items())
    return values
