"""Classical baselines on the same features and split: :func:`baseline_metrics`.

So users see honestly whether their circuit beats classical models, each baseline is a
scikit-learn model fitted on exactly the preprocessed training part the quantum model trains on
and scored on the same parts with the same metrics
(:func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics`):

* classification: logistic regression, an RBF-kernel SVM, a small MLP (one hidden layer of 16)
  and a random forest;
* regression: their counterparts — linear least squares, RBF-kernel SVR, an MLP regressor and
  a random forest regressor.

The inputs are standardised first (inside a pipeline, fitted on the training part), which the
SVM and the MLP need and which changes nothing for the others' predictions. Every randomised
model is seeded with the run's seed (``training.seed``), so the same project gives the same
baseline figures. The MLP is capped at :data:`MLP_MAX_ITER` iterations and the forest at
:data:`FOREST_TREES` trees so that all four fit well under a second on small data sets; an MLP
stopped by the cap is still a fair baseline, so scikit-learn's ``ConvergenceWarning`` is not
shown. Nothing is saved: baselines are refitted whenever they are asked for.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING

from qmlstudio.core import DatasetError
from qmlstudio.ml.evaluation.metrics import TASK_METRICS, evaluate_metrics
from qmlstudio.ml.training.prepared_data import TrainingData

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

__all__ = ["BASELINES", "FOREST_TREES", "MLP_MAX_ITER", "baseline_metrics",
           "baseline_models", "baseline_modules", "load_baselines"]

MLP_MAX_ITER = 300
"""Iterations the baseline MLPs may take (L-BFGS steps): enough for small tabular data."""
FOREST_TREES = 50
"""Trees of the baseline random forests."""

_HIDDEN = (16,)

_MLP = {"hidden_layer_sizes": _HIDDEN, "solver": "lbfgs", "max_iter": MLP_MAX_ITER}

BASELINES: dict[str, dict[str, tuple[str, str, dict]]] = {
    "classification": {
        "logistic_regression": ("Logistic regression", "linear_model.LogisticRegression", {}),
        "svm_rbf": ("RBF SVM", "svm.SVC", {"kernel": "rbf"}),
        "mlp": ("MLP", "neural_network.MLPClassifier", _MLP),
        "random_forest": ("Random forest", "ensemble.RandomForestClassifier",
                          {"n_estimators": FOREST_TREES}),
    },
    "regression": {
        "linear_regression": ("Linear regression", "linear_model.LinearRegression", {}),
        "svr_rbf": ("RBF SVR", "svm.SVR", {"kernel": "rbf"}),
        "mlp": ("MLP", "neural_network.MLPRegressor", _MLP),
        "random_forest": ("Random forest", "ensemble.RandomForestRegressor",
                          {"n_estimators": FOREST_TREES}),
    },
}
"""For each task, the baselines by key (the CLI's JSON names): ``(display name, scikit-learn
class as "module.Class" below ``sklearn``, its arguments)`` — names, so that showing the
baselines imports no scikit-learn (1–1.5 s; the app's start-up)."""


def baseline_modules() -> tuple[str, ...]:
    """The scikit-learn modules the baselines import by name (a frozen build bundles them:
    ``packaging/qmlstudio.spec``)."""
    return ("sklearn.exceptions", "sklearn.pipeline", "sklearn.preprocessing",
            *sorted({f"sklearn.{path.rpartition('.')[0]}" for task in BASELINES.values()
                     for _, path, _ in task.values()}))


def load_baselines() -> None:
    """Import the scikit-learn modules the baselines use, now rather than at their first fit
    (see ``qmlstudio train``, which fits them at its end)."""
    for module in baseline_modules():
        importlib.import_module(module)


def _unfitted(path: str, arguments: dict) -> BaseEstimator:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(f"sklearn.{module}"), name)(**arguments)


def baseline_models(task: str, seed: int) -> dict[str, BaseEstimator]:
    """The unfitted baselines of ``task`` by key, each a standardising pipeline, every model
    that takes a ``random_state`` seeded with ``seed``."""
    if task not in BASELINES:
        raise DatasetError(f"baseline: task must be one of {', '.join(TASK_METRICS)}, "
                           f"got {task!r}")
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    models = {}
    for key, (_, path, arguments) in BASELINES[task].items():
        model = _unfitted(path, arguments)
        if "random_state" in model.get_params():
            model.set_params(random_state=seed)
        models[key] = make_pipeline(StandardScaler(), model)
    return models


def baseline_metrics(training_data: TrainingData,
                     task: str | None = None) -> dict[str, dict[str, float]]:
    """Fit every baseline on ``training_data``'s training part and score every part.

    Returns, by baseline key (:data:`BASELINES`), the
    :func:`~qmlstudio.ml.evaluation.metrics.evaluate_metrics` values of each non-empty part
    under the trainer's names: ``{"logistic_regression": {"train_accuracy": …,
    "test_accuracy": …, "test_f1": …}, …}`` (``*_mse``, ``*_r2`` for regression). ``task``
    defaults to the model's; the seed is the project's ``training.seed``.
    """
    from sklearn.exceptions import ConvergenceWarning

    model = training_data.model
    task = model.spec.task if task is None else task
    seed = training_data.project.training.seed
    n_classes = (model.n_classes or None) if task == "classification" else None
    X, y = training_data.X_train, training_data.y_train
    results: dict[str, dict[str, float]] = {}
    for key, estimator in baseline_models(task, seed).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the MLP's cap is deliberate
            estimator.fit(X, y)
        values: dict[str, float] = {}
        for part, X_part, y_part in training_data.parts():
            metrics = evaluate_metrics(task, y_part, estimator.predict(X_part), n_classes)
            values.update((f"{part}_{name}", value) for name, value in metrics.items())
        results[key] = values
    return results
