"""Is the quantum model better than a classical one? :func:`compare_models` answers with
numbers.

For each seed, every model — the project's own circuit, trained by
:class:`~qmlstudio.ml.estimators.QNNClassifier` / ``QNNRegressor`` with ``circuit=`` and the
project's training settings, and each classical baseline of
:mod:`~qmlstudio.ml.evaluation.baselines` — gets a scikit-learn ``GridSearchCV`` over its
:data:`BASELINE_GRIDS` / :data:`LEARNING_RATE_FACTORS` grid on the SAME training part and the
SAME folds (``StratifiedKFold`` for classes, ``KFold`` for targets, shuffled with the seed);
the refitted best model is then scored once on the SAME test part. The split is the project's
(``preprocessing.test_fraction`` and ``split_seed``; a validation fraction is folded into the
training part, which the folds already divide), and every model sees the project's
preprocessed features (scaling and PCA fitted on the training part; the baselines standardise
them again inside their pipelines). The score is accuracy for a classifier, R² for a
regressor. What changes from seed to seed: the folds, the quantum model's initial weights and
batch order, and the seeded classical models (MLP, forest).

The quantum model keeps the project's optimizer, loss, learning rate (the grid scales it),
epochs, batch size, weight initialisation, gradient method, shots, early stopping patience,
validation fraction, readout and observables; the estimators have no momentum, SPSA step,
early-stopping metric or frozen readout, so those take their defaults.

Sizes (``n_params``): trained weights for the quantum model (circuit weights and readout
values), logistic / linear regression (coefficients and intercepts) and the MLP (weights and
biases); support vectors for the SVMs; tree nodes for the forests.

Work is reported through ``progress(done, total, text)`` after every fit, and
``cancelled()`` is asked between fits: when it returns True the run stops with
:class:`~qmlstudio.core.Interrupted`.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from qmlstudio.core import (
    ComparisonResult,
    DatasetError,
    Interrupted,
    ModelComparison,
    Project,
    ProjectError,
    ReadoutParams,
    SeedRun,
    TrainingHistory,
)
from qmlstudio.io.json_text import dumps_document
from qmlstudio.io.project_codec import encode_project
from qmlstudio.ml.evaluation.baselines import BASELINES, baseline_models
from qmlstudio.ml.training.prepared_data import prepare_training_data

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

    from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

# scikit-learn and the estimators (which import it, 1–1.5 s) load when a comparison runs: the
# app shows this module's defaults and whether a saved comparison is current at start-up.

__all__ = ["BASELINE_GRIDS", "DEFAULT_FOLDS", "DEFAULT_SEEDS", "LEARNING_RATE_FACTORS",
           "QUANTUM_KEY", "compare_models", "comparison_is_current", "project_fingerprint",
           "quantum_estimator"]

DEFAULT_FOLDS = 5
"""Cross-validation folds of each search."""
DEFAULT_SEEDS = 3
"""Seeds (``training.seed``, ``+1``, ...) a comparison repeats everything with."""
QUANTUM_KEY = "quantum"
"""The quantum model's key among the compared models."""
LEARNING_RATE_FACTORS = (0.5, 1.0, 2.0)
"""The quantum model's grid: the project's learning rate times each factor (every candidate
is a full training run, so the grid stays small)."""

BASELINE_GRIDS: dict[str, dict[str, dict[str, list]]] = {
    "classification": {
        "logistic_regression": {"C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        "svm_rbf": {"C": [0.1, 1.0, 10.0, 100.0], "gamma": ["scale", 0.1, 1.0]},
        "mlp": {"hidden_layer_sizes": [(8,), (16,), (32,)], "alpha": [1e-4, 1e-2, 1.0]},
        "random_forest": {"max_depth": [3, 6, None], "min_samples_leaf": [1, 5]},
    },
    "regression": {
        "linear_regression": {},
        "svr_rbf": {"C": [0.1, 1.0, 10.0, 100.0], "gamma": ["scale", 0.1, 1.0]},
        "mlp": {"hidden_layer_sizes": [(8,), (16,), (32,)], "alpha": [1e-4, 1e-2, 1.0]},
        "random_forest": {"max_depth": [3, 6, None], "min_samples_leaf": [1, 5]},
    },
}
"""For each task, the grid searched for each baseline of
:data:`~qmlstudio.ml.evaluation.baselines.BASELINES` (parameters of the model itself, not of
its standardising pipeline)."""

Progress = Callable[[int, int, str], None]
_FINGERPRINT_KEYS = ("circuit", "dataset", "preprocessing", "model", "training", "noise")


def project_fingerprint(project: Project) -> str:
    """A digest of what a comparison of ``project`` depends on: circuit, data set,
    preprocessing settings, model and training settings, noise model — not the trained
    state, the fitted preprocessing constants, the class labels training fills in or where a
    CSV file lies (its checksum is kept)."""
    document = encode_project(project, "")
    parts = {key: document[key] for key in _FINGERPRINT_KEYS}
    parts["dataset"] = {k: v for k, v in parts["dataset"].items() if k != "path"}
    parts["preprocessing"] = {k: v for k, v in parts["preprocessing"].items() if k != "fitted"}
    parts["model"] = {k: v for k, v in parts["model"].items() if k != "class_labels"}
    return hashlib.sha256(dumps_document(parts).encode("utf-8")).hexdigest()


def comparison_is_current(project: Project) -> bool:
    """True if ``project`` holds a comparison made with its present circuit, data and
    settings."""
    result = project.comparison
    return result is not None and result.fingerprint == project_fingerprint(project)


def quantum_estimator(project: Project, seed: int) -> QNNClassifier | QNNRegressor:
    """An unfitted estimator that trains ``project``'s circuit with its settings (see the
    module docstring), seeded with ``seed``, on features already preprocessed."""
    from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

    training, model = project.training, project.model
    kind = QNNClassifier if model.task == "classification" else QNNRegressor
    return kind(circuit=project.circuit, optimizer=training.optimizer, loss=training.loss,
                learning_rate=training.learning_rate, epochs=training.epochs,
                batch_size=training.batch_size, weight_init=training.weight_init,
                gradient_method=training.gradient_method, shots=training.shots,
                scaling="none",
                validation_fraction=project.preprocessing.validation_fraction,
                early_stopping_patience=training.early_stopping_patience,
                readout=model.readout, observables=list(model.observables) or None,
                random_state=seed, noise=project.noise)


def _candidates(project: Project, seed: int) -> list[tuple[str, str, BaseEstimator, dict]]:
    """``(key, name, unfitted model, grid)`` of every compared model, the quantum one first;
    a baseline's grid names are prefixed with its pipeline step."""
    task = project.model.task
    rate = project.training.learning_rate
    models = [(QUANTUM_KEY, "Quantum model", quantum_estimator(project, seed),
               {"learning_rate": [rate * factor for factor in LEARNING_RATE_FACTORS]})]
    for key, pipeline in baseline_models(task, seed).items():
        step = pipeline.steps[-1][0]
        grid = {f"{step}__{name}": values for name, values in BASELINE_GRIDS[task][key].items()}
        models.append((key, BASELINES[task][key][0], pipeline, grid))
    return models


def _grid_size(grid: dict) -> int:
    return int(np.prod([len(values) for values in grid.values()])) if grid else 1


def _size(estimator: BaseEstimator) -> tuple[int, str]:
    """The fitted model's size and what it counts (see the module docstring)."""
    from sklearn.pipeline import Pipeline

    from qmlstudio.ml.estimators import QNNClassifier, QNNRegressor

    if isinstance(estimator, Pipeline):
        estimator = estimator.steps[-1][1]
    if isinstance(estimator, QNNClassifier | QNNRegressor):
        project = estimator.project_
        readout = project.readout
        count = len(project.weights)
        if project.model.train_readout:
            count += len(readout.scale) + len(readout.bias) + len(readout.weights)
        return count, "weights"
    if hasattr(estimator, "support_vectors_"):
        return len(estimator.support_vectors_), "support vectors"
    if hasattr(estimator, "estimators_"):
        return sum(tree.tree_.node_count for tree in estimator.estimators_), "tree nodes"
    if hasattr(estimator, "coefs_"):
        return sum(a.size for a in (*estimator.coefs_, *estimator.intercepts_)), "weights"
    return int(np.size(estimator.coef_) + np.size(estimator.intercept_)), "weights"


def _param_value(value: object) -> bool | int | float | str:
    """A hyper-parameter value as a JSON scalar (numpy numbers unwrapped, others as text)."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value if isinstance(value, str) else repr(value)


class _Steps:
    """Counts the fits, reports them and stops the run between fits when asked to.

    It is also the searches' scorer (called once after every fold's fit): it scores with the
    model's own ``score`` — accuracy for a classifier, R² for a regressor — then reports.
    """

    def __init__(self, total: int, progress: Progress | None,
                 cancelled: Callable[[], bool] | None) -> None:
        self.total, self.done, self.label = total, 0, ""
        self._progress, self._cancelled = progress, cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Interrupted(f"comparison cancelled after {self.done} of {self.total} fits")

    def step(self) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress(self.done, self.total, self.label)
        self.check()

    def __call__(self, estimator: BaseEstimator, X: np.ndarray, y: np.ndarray) -> float:
        score = float(estimator.score(X, y))
        self.step()
        return score


def _compared_data(project: Project, folds: int, project_dir: str | os.PathLike | None):
    """The preprocessed training and test parts of ``project``'s split, checked for
    ``folds``."""
    pre = project.preprocessing
    if pre.test_fraction <= 0.0:
        raise ProjectError("preprocessing.test_fraction: a comparison scores every model on "
                           "the test part; set a test fraction above 0")
    # Compare from scratch: untrained, preprocessing refitted, validation rows kept for training.
    fresh = replace(project, weights=(), readout=ReadoutParams(), history=TrainingHistory(),
                    preprocessing=replace(pre, fitted=None, validation_fraction=0.0),
                    comparison=None)
    data = prepare_training_data(fresh, project_dir)
    if project.model.task == "classification":
        smallest = int(np.bincount(data.y_train, minlength=data.model.n_classes).min())
        if smallest < folds:
            raise DatasetError(f"folds: {folds} stratified folds need at least {folds} "
                               f"training rows of every class; the smallest class has "
                               f"{smallest}")
    elif len(data.y_train) < folds:
        raise DatasetError(f"folds: {folds} folds need at least {folds} training rows, got "
                           f"{len(data.y_train)}")
    return data


def compare_models(project: Project, *, seeds: int = DEFAULT_SEEDS, folds: int = DEFAULT_FOLDS,
                   project_dir: str | os.PathLike | None = None,
                   progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> ComparisonResult:
    """Search, refit and test the quantum model and every baseline of ``project`` (see the
    module docstring) with ``seeds`` seeds and ``folds`` folds.

    ``project_dir`` resolves a relative CSV path. Raises
    :class:`~qmlstudio.core.ProjectError` / :class:`~qmlstudio.core.DatasetError` naming what
    does not fit, and :class:`~qmlstudio.core.Interrupted` when ``cancelled()`` says so.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ProjectError(f"seeds: expected a positive number of seeds, got {seeds!r}")
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise ProjectError(f"folds: expected at least 2 folds, got {folds!r}")
    data = _compared_data(project, folds, project_dir)
    task = project.model.task
    first = project.training.seed
    seed_list = tuple(range(first, first + seeds))
    per_seed = sum(_grid_size(grid) * folds + 1 for *_, grid in _candidates(project, first))
    steps = _Steps(per_seed * seeds, progress, cancelled)
    steps.check()
    runs: dict[str, list[SeedRun]] = {}
    facts: dict[str, tuple[str, str]] = {}
    for seed in seed_list:
        split = (StratifiedKFold if task == "classification" else KFold)(
            folds, shuffle=True, random_state=seed)
        for key, name, estimator, grid in _candidates(project, seed):
            steps.label = f"{name}, seed {seed}"
            search = GridSearchCV(estimator, grid, scoring=steps, cv=split,
                                  error_score="raise")
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)  # the MLP's cap is deliberate
                search.fit(data.X_train, data.y_train)
            elapsed = time.perf_counter() - start
            best = search.best_estimator_
            size, unit = _size(best)
            params = tuple((param.rpartition("__")[2], _param_value(value))
                           for param, value in search.best_params_.items())
            runs.setdefault(key, []).append(SeedRun(
                seed, float(best.score(data.X_test, data.y_test)), float(search.best_score_),
                params, search.refit_time_, elapsed, size))
            facts[key] = (name, unit)
            steps.step()  # the refit on the whole training part
    models = tuple(ModelComparison(key, facts[key][0], key == QUANTUM_KEY, facts[key][1],
                                   tuple(key_runs)) for key, key_runs in runs.items())
    metric = "accuracy" if task == "classification" else "r2"
    return ComparisonResult(metric, folds, seed_list, project_fingerprint(project), models)
